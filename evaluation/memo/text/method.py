"""Sentences of the method section about what the comparison can detect:
how many municipalities must change before a test can find a change, and how
far one municipality's answer moves a mean."""
from __future__ import annotations

from .wording import amount, count, in_words, number, percent

__all__ = ["comparisons", "detectable_sentence", "step_caveat"]


def comparisons(m: int) -> str:
    """``fem sammenligninger``: the size of Holm's family, counted."""
    return count(m, "sammenligning", "sammenligninger")


def detectable_sentence(n_pairs: int, *, fewest_alone: int, fewest_at_best: int, n_tests: int, alpha: float) -> str:
    """How many municipalities must change, all one way, before a test can
    find a change.

    ``fewest_alone`` is the fewest changes in one direction that make an item
    significant after Holm's correction over ``n_tests`` comparisons whatever
    the other items show; ``fewest_at_best`` the fewest that can do so when
    the others are clearly significant themselves (both from
    :func:`evaluation.analysis.stats.min_changed`).  ``n_pairs`` is the
    largest number of municipalities with valid answers in both rounds.
    """
    level = f"{percent(alpha)}-niveau"
    lead = ("Om en ændring kan påvises, afhænger af, hvor mange kommuner der ændrer svar, ikke af, hvor mange der "
            "deltager.")
    if n_tests > 1:
        rule = (f"Med Holm-korrektion for {comparisons(n_tests)} skal mindst "
                f"{count(fewest_alone, 'kommune', 'kommuner')} ændre svar i samme retning (og ingen i den modsatte), "
                f"før en parameter er statistisk signifikant på {level} uanset de øvrige; er de øvrige selv tydeligt "
                f"signifikante, kan {amount(fewest_at_best)} være nok.")
    else:
        rule = (f"Mindst {count(fewest_alone, 'kommune', 'kommuner')} skal ændre svar i samme retning (og ingen i "
                f"den modsatte), før ændringen kan blive statistisk signifikant på {level}.")
    text = f"{lead} {rule}"
    with_n = f"Med {count(n_pairs, 'kommune', 'kommuner')} med gyldige svar begge gange"
    if n_pairs < fewest_at_best:
        text += f" {with_n} kan ingen ændring derfor blive statistisk signifikant, uanset hvordan svarene falder."
    elif n_pairs < fewest_alone:
        text += f" {with_n} kan en parameter kun blive signifikant, hvis de øvrige også er det."
    return text + " Mindre ændringer kan være reelle, men kan ikke skelnes fra tilfældig variation."


def step_caveat(n_pairs) -> str:
    """How far one municipality's one-step change moves a mean, for the
    numbers of complete pairs ``n_pairs`` (one per item; zeros ignored)."""
    ns = [int(n) for n in n_pairs if int(n) > 0]
    if not ns:
        return ""
    low, high = min(ns), max(ns)

    def step(n):
        return number(1 / n, 2 if n <= 50 else 3)

    few = high <= 30
    digits = not in_words(high)
    who = (count(low, "kommune", "kommuner") if low == high
           else f"mellem {amount(low, digits=digits)} og {amount(high, digits=digits)} kommuner")
    # One value where the two ends round alike (88 and 94 pairs: 0,011 both).
    moves = step(low) if step(low) == step(high) else f"{step(high)} til {step(low)}"
    text = (f"{'Få kommuner' if few else 'Skalaens trin'}: med {who} med gyldige svar begge gange flytter ét trins "
            f"ændring hos én kommune gennemsnittet med {moves} skalapoint")
    return text + (", og kun ensrettede ændringer hos flere kommuner kan påvises statistisk." if few else ".")
