"""Sentences about where the municipalities stand: ceilings, plan status,
answer distributions, levels and one municipality's profile.

Nothing here computes a statistic: every function words rows of the
analysis tables (:mod:`evaluation.analysis.ceiling`,
:mod:`evaluation.analysis.trend`, :mod:`evaluation.analysis.compare`).
"""
from __future__ import annotations

from .wording import (
    capital, amount, count, esc, how_many, in_words, integer, join, names_or_count, number, number_word, of_total, p_is,
    percent,
)

__all__ = [
    "ceiling_sentence",
    "ceiling_summary",
    "ceiling_municipalities_sentence",
    "plan_status_sentences",
    "distribution_sentence",
    "level_sentence",
    "profile_change_sentences",
    "friedman_sentence",
]


def _clauses(first: str, rest: list[str]) -> str:
    """``first, b, og c``: main clauses in a row, the last after ``, og``."""
    parts = [first, *rest]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + ", og " + parts[-1]


def _top_fate(kept: int, fell: int, lost: int) -> str:
    """What became of the municipalities at the top (``kept`` > 0)."""
    total = kept + fell + lost
    if kept == total:
        return "Den blev i toppen." if total == 1 else f"{'Begge' if total == 2 else 'Alle'} blev i toppen."
    digits = not in_words(kept, fell, lost)  # the counts of this sentence
    rest = [f"{amount(fell, digits=digits)} faldt"] if fell else []
    if lost:
        rest.append(f"{amount(lost, digits=digits)} kan ikke følges, fordi det senere svar mangler eller er »ved ikke«")
    return _clauses(f"Af dem blev {amount(kept, digits=digits)} i toppen", rest) + "."


def _below_fate(below: int, rose: int, held: int, fell: int) -> str:
    """How the municipalities with room to rise moved."""
    if below == 0:
        return ""
    if below == 1:
        verb = "steg" if rose else ("var uændret" if held else "faldt")
        return f"Den ene kommune med plads til forbedring {verb}."
    digits = not in_words(below)
    for n, verb in ((rose, "steg"), (held, "var uændrede"), (fell, "faldt")):
        if n == below:
            return f"{'Begge' if below == 2 else f'Alle {amount(below, digits=digits)}'} kommuner med plads til forbedring {verb}."
    same = "var uændret" if held == 1 else "var uændrede"
    return _clauses(f"Af de {amount(below, digits=digits)} kommuner med plads til forbedring steg "
                    f"{amount(rose, digits=digits)}",
                    [f"{amount(held, digits=digits)} {same}", f"{amount(fell, digits=digits)} faldt"]) + "."


def ceiling_sentence(head, ceil, *, baseline: str, threshold: float, explains: bool = True) -> str:
    """The ceiling note of an item; empty unless its ceiling explains something.

    ``explains`` is the item's value of
    :func:`evaluation.analysis.ceiling.ceiling_explains`: the baseline is
    flagged, at least one municipality at the top stayed there (it counts as
    unchanged, though it could not answer higher), and the item did not fall
    (a ceiling cannot explain a fall).  The note says so, and how the others
    moved.

    Parameters
    ----------
    head : mapping
        A ``headroom`` row: ``n_at_top``, ``n_top_kept``, ``n_top_fell``,
        ``n_below_top``, ``n_below_rose``, ``n_below_held``, ``n_below_fell``.
    ceil : mapping
        The baseline row of ``ceiling_table``: ``ceiling``, ``share_top``,
        ``n_valid``, ``n_top``.  Answers at the top counted there but not
        followed by a valid answer (so not in ``head``) are named as such.
    """
    kept, fell = int(head["n_top_kept"]), int(head["n_top_fell"])
    if not (explains and bool(ceil["ceiling"]) and kept):
        return ""
    n_top = int(ceil["n_top"])
    # n_top counts every valid baseline answer, the headroom only complete
    # pairs: a municipality at the top without a valid later answer is neither
    # kept nor fallen, and is said so rather than left unaccounted for.
    lost = max(n_top - kept - fell, 0)
    who = of_total(n_top, ceil["n_valid"], "kommune", "kommuner")
    if kept == n_top:
        stayed = "Den tæller med som uændret, selv om den" if kept == 1 else "De tæller med som uændrede, selv om de"
    else:
        stayed = ("Den kommune, der blev i toppen, tæller med som uændret, selv om den" if kept == 1 else
                  f"De {amount(kept)} kommuner, der blev i toppen, tæller med som "
                  "uændrede, selv om de")
    text = (
        f"Lofteffekt: {who} ({percent(ceil['share_top'])}) svarede allerede »i høj grad« ved {esc(baseline)} og "
        f"kunne ikke svare højere (grænsen for en lofteffekt er {percent(threshold)} i toppen). "
        f"{_top_fate(kept, fell, lost)} {stayed} ikke kunne svare højere. "
    )
    text += _below_fate(int(head["n_below_top"]), int(head["n_below_rose"]), int(head["n_below_held"]),
                        int(head["n_below_fell"]))
    return text.strip()


def ceiling_summary(ceil, *, labels: dict, baseline: str, threshold: float, explains=None) -> str:
    """Which items had a ceiling at the baseline that explains part of their
    change (``ceiling_table`` rows of the baseline round).

    ``explains`` maps item -> bool (:func:`evaluation.analysis.ceiling.ceiling_explains`);
    ``None`` counts every flagged item.  Empty when items were flagged but
    none of the ceilings explains anything.
    """
    flagged = ceil[ceil["ceiling"].astype(bool)]
    if flagged.empty:
        return f"Ingen af parametrene havde en lofteffekt ved {esc(baseline)} (over {percent(threshold)} i toppen)."
    if explains is not None:
        flagged = flagged[[bool(explains.get(i, False)) for i in flagged["item"]]]
    if flagged.empty:
        return ""
    parts = [f"{esc(labels[r['item']].lower())} ({integer(r['n_top'])} af {integer(r['n_valid'])})"
             for _, r in flagged.iterrows()]
    return (
        f"Ved {esc(baseline)} svarede mere end {percent(threshold)} af kommunerne allerede »i høj grad« på "
        f"{join(parts)}, og nogle af dem blev i toppen. De tæller med som uændrede, selv om de ikke kunne svare "
        "højere (lofteffekt), så gennemsnittet kan ikke vise, om de ville have rykket sig."
    )


def ceiling_municipalities_sentence(frame, *, baseline: str, n_total: int, min_items: int = 2,
                                    n_items: int | None = None) -> str:
    """Who sat at the top on several parameters at the baseline
    (``ceiling_municipalities`` rows).  Empty when the instrument has fewer
    than ``min_items`` parameters (``n_items``)."""
    if n_items is not None and n_items < min_items:
        return ""
    several = f"{number_word(min_items)} eller flere"
    if frame.empty:
        return f"Ved {esc(baseline)} svarede ingen kommuner »i høj grad« på {several} parametre."
    names = join(f"{esc(m)} ({int(n)})" for m, n in zip(frame["municipality"], frame["n_items_at_top"]))
    listed = f": {names}" if names_or_count(", ".join(frame["municipality"])) else ""
    who = of_total(len(frame), n_total, "kommune", "kommuner")
    them = "den" if len(frame) == 1 else "dem"
    return (
        f"Ved {esc(baseline)} svarede {who} allerede »i høj grad« på {several} af parametrene{listed}. "
        f"For {them} kan fremgang på de parametre ikke vises; det påpeges under hver parameter, hvor det har "
        "betydning for tolkningen."
    )


def plan_status_sentences(summary, *, rounds: list[str], definite: dict, n_total: int, phase_labels: dict) -> list[str]:
    """Sentences on how far the municipalities are with their plans
    (``plan_status_summary`` rows)."""
    def n(rnd, phase, status):
        rows = summary[(summary["round"] == rnd) & (summary["phase"] == phase) & (summary["status"] == status)]
        return (int(rows["n"].iloc[0]), rows["municipalities"].iloc[0]) if len(rows) else (0, "")

    out = []
    for rnd in rounds:
        done, _ = n(rnd, "udarbejdet", "gennemfoert")
        doing, who = n(rnd, "udarbejdet", "i_proces")
        rolled, _ = n(rnd, "udrullet", "gennemfoert")
        if n_total == 1 and (done or not rolled):
            out.append(_one_plan(esc(definite[rnd]), done, doing, rolled))
            continue
        own = "sin" if done == 1 else "deres"
        digits = not in_words(n_total)
        rolled_who = how_many(rolled, n_total)
        text = (f"Ved {esc(definite[rnd])} havde {of_total(done, n_total, 'kommune', 'kommuner')} udarbejdet "
                f"{own} handlingsplan, og {rolled_who} havde rullet den fuldt ud")
        if doing:
            names = names_or_count(who)
            text += (f"; {count(doing, 'kommune', 'kommuner', digits=digits)} var stadig i gang med at udarbejde den"
                     + (f" ({names})" if names else ""))
        out.append(text + ".")
    return out


def _one_plan(when: str, done: int, doing: int, rolled: int) -> str:
    """The plan status of the only municipality, said of it (not ``ingen kommuner``)."""
    if done:
        return (f"Ved {when} havde kommunen udarbejdet sin handlingsplan og "
                + ("rullet den fuldt ud." if rolled else "var endnu ikke færdig med at rulle den ud."))
    if doing:
        return f"Ved {when} var kommunen stadig i gang med at udarbejde sin handlingsplan."
    return f"Ved {when} havde kommunen endnu ikke udarbejdet sin handlingsplan."


def _spread(counts: dict, scale_labels: dict) -> str:
    digits = not in_words(*counts.values())
    return join(f"{amount(n, digits=digits)} »{esc(scale_labels[c].lower())}«" for c, n in counts.items() if n)


def distribution_sentence(distribution, *, label: str, baseline: str, followup: str, base_key: str,
                          follow_key: str, scale_labels: dict, moves=None) -> str:
    """How a context item's answers were spread, whether the spread changed,
    and how many municipalities answered differently.

    ``distribution`` holds ``score_distribution`` rows of the two rounds;
    ``moves`` (optional) counts the municipalities answering both rounds:
    ``n_up``, ``n_down`` (valid answers both times) and ``n_dont_know_changed``
    (moved to or from "ved ikke"), as :func:`evaluation.analysis.distribution.answer_moves`
    returns them.  A distribution can stay the same while municipalities swap
    answers; the sentence then says both.
    """
    def counts(key):
        rows = distribution[distribution["round"] == key].sort_values("code", ascending=False)
        return {int(c): int(v) for c, v in zip(rows["code"], rows["n"])}

    after, before = counts(follow_key), counts(base_key)
    if not any(after.values()):  # every municipality left the question blank
        both = f" eller ved {esc(baseline)}" if not any(before.values()) else ""
        return f"Ingen kommuner besvarede spørgsmålet om {esc(label.lower())} ved {esc(followup)}{both}."
    if sum(after.values()) == 1:  # one answer is no spread: say the answer
        text = (f"På spørgsmålet om {esc(label.lower())} var der ved {esc(followup)} ét svar: "
                f"{_spread(after, scale_labels).removeprefix('én ')}.")
    else:
        text = (f"På spørgsmålet om {esc(label.lower())} svarede kommunerne ved {esc(followup)}: "
                f"{_spread(after, scale_labels)}.")
    if not any(before.values()):
        return text + f" Ved {esc(baseline)} besvarede ingen kommuner spørgsmålet."
    same = after == before
    if same:
        text += f" Fordelingen er den samme som ved {esc(baseline)}"
    elif sum(before.values()) == 1:
        text += f" Ved {esc(baseline)} var svaret {_spread(before, scale_labels).removeprefix('én ')}"
    else:
        text += f" Ved {esc(baseline)} var fordelingen: {_spread(before, scale_labels)}"
    if moves is None:
        return text + "."
    moved = sum(int(moves[key]) for key in ("n_up", "n_down", "n_dont_know_changed"))
    digits = not in_words(moved)
    ways = (("n_up", "højere", "svarede højere end da"), ("n_down", "lavere", "svarede lavere end da"),
            ("n_dont_know_changed", "skiftede til eller fra »ved ikke«", "skiftede til eller fra »ved ikke«"))
    if moved == 0:
        return text + ", og ingen kommuner svarede anderledes end da."
    link = ", men" if same else ";"
    if moved == 1:  # one municipality: say how it moved, not a split of one
        return text + f"{link} én kommune {next(alone for key, _, alone in ways if moves[key])}."
    parts = [f"{amount(moves[key], digits=digits)} {word}" for key, word, _ in ways if moves[key]]
    return text + f"{link} {count(moved, 'kommune', 'kommuner', digits=digits)} svarede anderledes end da: {join(parts)}."


def level_sentence(comparison, *, labels: dict, definite: str, previous: str | None = None) -> str:
    """The level of each item at one round, from the ``mean_valid_baseline``
    and ``n_valid_baseline`` columns of ``compare_rounds`` (valid answers of
    the baseline).  ``previous`` names what is missing before it, if anything."""
    levels, without = [], []
    for _, row in comparison.iterrows():
        name = esc(labels[row["item"]].lower())
        n = int(row["n_valid_baseline"])
        if n:
            levels.append(f"{number(row['mean_valid_baseline'])} for {name} (n = {integer(n)})")
        else:
            without.append(name)
    lead = (f"Der findes ingen måling før {esc(definite)}, så udgangspunktet beskrives alene ved niveauet. "
            if previous is None else "")
    text = f"{lead}Ved {esc(definite)} lå gennemsnittet på {join(levels)}." if levels else lead.strip()
    if without:
        text += f" For {join(without)} er der ingen gyldige svar ved {esc(definite)}."
    return text.strip()


def profile_change_sentences(paired, *, labels: dict, municipality: str, baseline: str, followup: str) -> list[str]:
    """What changed for one municipality between two rounds, in the past tense.

    ``paired`` is ``paired_scores`` restricted to the municipality.  "No
    change" is said only over the parameters that could be compared, and not
    at all when none could.
    """
    up, down, same, missing = [], [], [], []
    for _, r in paired.iterrows():
        name = esc(labels[r["item"]].lower())
        if not r["complete"]:
            missing.append(name)
            continue
        moved = f"{name} ({number(r['score_baseline'], 0)} → {number(r['score_followup'], 0)})"
        {"up": up, "down": down}.get(r["direction"], same).append(moved if r["direction"] != "same" else name)
    who, span = esc(municipality), f"fra {esc(baseline)} til {esc(followup)}"
    out = []
    if up:
        out.append(f"{capital(span)} vurderede {who} sig højere på {join(up)}.")
    if down:
        lead = "Til gengæld vurderede kommunen sig" if up else f"{capital(span)} vurderede {who} sig"
        out.append(f"{lead} lavere på {join(down)}.")
    if same:
        out.append(f"Uændret: {join(same)}.")
    if missing:
        out.append(f"Ingen sammenligning for {join(missing)}, fordi et af svarene er »ved ikke« eller mangler.")
    if same and not (up or down):
        # Only where something could be compared, and over those parameters only.
        which = "de parametre, der kan sammenlignes," if missing else "parametrene"
        out.insert(0, f"{who} har ikke ændret vurdering på nogen af {which} {span}.")
    return out


def friedman_sentence(fried, *, labels: dict, n_rounds: int) -> str:
    """Friedman's test over the memo's ``n_rounds`` rounds, one clause per row
    of ``fried`` (:func:`evaluation.analysis.trend.friedman`); where there is
    no p-value the clause says why: two rounds only, fewer than two
    municipalities with an answer in every round, or nobody ever moved."""
    if n_rounds < 3:
        return (f"Friedmans test af en udvikling over målingerne kræver mindst tre målinger; med "
                f"{amount(n_rounds)} målinger er sammenligningen ovenfor den eneste test.")
    clauses = []
    for _, row in fried.iterrows():
        label, n, p = esc(labels[row["item"]]), int(row["n_complete"]), row["p_value"]
        if p == p and p is not None:
            clauses.append(f"{label}: {esc(p_is(p))} (n = {integer(n)})")
        elif n == 0:
            clauses.append(f"{label}: p kan ikke beregnes (n = 0), da ingen kommune har gyldige svar i dem alle")
        elif n == 1:
            clauses.append(f"{label}: p kan ikke beregnes (n = 1), da kun én kommune har gyldige svar i dem alle")
        else:
            clauses.append(f"{label}: p kan ikke beregnes (n = {integer(n)}), da "
                           f"{of_total(0, n, 'kommune', 'kommuner')} ændrede svar undervejs")
    return ("Friedmans test på tværs af målingerne for de kommuner, der har gyldige svar i dem alle: "
            + "; ".join(clauses) + ".")
