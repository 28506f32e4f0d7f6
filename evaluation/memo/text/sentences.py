"""Sentences about change between two rounds, chosen from the comparison table.

Nothing here computes a statistic: every function receives rows of
:func:`evaluation.analysis.compare.compare_rounds` and words them.  Each row
is a structured claim (direction, means, how many went up, stayed and went
down, significance after Holm's correction over ``n_family`` comparisons,
whether any outcome could have been significant), and each sentence says
only what that claim holds, so the summary and the sections cannot disagree
and a test can re-derive every sentence from the tables.

A ``'held'`` item is one of two kinds (:func:`held_kind`): ``'small'`` when
its mean moved less than the held band ("stort set uændret"), ``'mixed'``
when the mean moved more but the municipalities did not mostly move that way
("uden klar retning").
"""
from __future__ import annotations

from ...analysis.compare import ALPHA, HELD_BAND
from .method import comparisons
from .wording import (
    amount, capital, count, esc, in_words, integer, join, names_or_count, number, of_total, p_is, p_value, percent,
    signed,
)

__all__ = [
    "DIRECTION_WORDS",
    "held_kind",
    "change_sentence",
    "significance_sentence",
    "missing_sentence",
    "summary_sentences",
    "mode_sentence",
    "item_bullet",
    "interval_text",
]


#: How each descriptive direction is worded: (verb for a mean, adverb for a level).
DIRECTION_WORDS = {
    "rose": ("steg", "højere"),
    "held": ("var stort set uændret", "stort set på samme niveau"),
    "fell": ("faldt", "lavere"),
}
#: The noun for a change of each direction ("Stigningen er ...").
_CHANGE_NOUN = {"rose": "stigningen", "fell": "faldet", "held": "ændringen"}
#: Singular and plural nouns for the significant changes of each kind, in the order they are named.
_KIND_NOUNS = {
    "rose": ("stigningen", "stigningerne"),
    "fell": ("faldet", "faldene"),
    "small": ("den lille ændring", "de små ændringer"),
    "mixed": ("ændringen", "ændringerne"),
}
_TOLERANCE = 1e-9


# --------------------------------------------------------------- sentences
def interval_text(row, *, confidence: float = 0.95) -> str:
    """The interval of a mean change, worded: ``95 %-interval -0,10 til +0,50``.

    Uses ``ci_low`` and ``ci_high`` of a ``compare_rounds`` row (two
    decimals, signed like the change itself); a dash for a missing bound.
    """
    return f"{percent(confidence)}-interval {signed(row['ci_low'], 2)} til {signed(row['ci_high'], 2)}"


def held_kind(row, held_band: float = HELD_BAND) -> str | None:
    """``'small'`` or ``'mixed'`` for a ``'held'`` row (see the module
    docstring); ``None`` for any other direction."""
    if row["direction"] != "held":
        return None
    return "small" if abs(float(row["mean_change"])) < held_band - _TOLERANCE else "mixed"


def _split(n_up: int, n_same: int, n_down: int, n_pairs: int, words=("højere", "det samme", "lavere")) -> str:
    """How many of ``n_pairs`` went each way, as a sentence."""
    counts = (int(n_up), int(n_same), int(n_down))
    if n_pairs == 1:
        return f"Kommunen svarede {words[counts.index(1)]}."
    digits = not in_words(n_pairs)
    for n, word in zip(counts, words):
        if n == n_pairs:
            return f"{'Begge' if n == 2 else f'Alle {amount(n, digits=digits)}'} svarede {word}."
    parts = [f"{amount(n, digits=digits)} {word}" for n, word in zip(counts, words)]
    return f"Af de {amount(n_pairs, digits=digits)} svarede {join(parts)}."


def _movement(row, kind, before: str, after: str) -> tuple[str, str]:
    """How the mean moved: the verb phrase, and a tail for a change without a clear direction."""
    direction = row["direction"]
    if direction in ("rose", "fell"):
        return f"{DIRECTION_WORDS[direction][0]} gennemsnittet fra {before} til {after}", ""
    if kind == "small":
        return f"var gennemsnittet stort set uændret: {before} og {after}", ""
    up, down = int(row["n_up"]), int(row["n_down"])
    verb, more, fewer = ("steg", "lavere", "højere") if row["mean_change"] > 0 else ("faldt", "højere", "lavere")
    others = f"lige så mange kommuner svarede {more} som {fewer}" if up == down else (
        f"flere kommuner svarede {more} end {fewer}")
    return f"{verb} gennemsnittet fra {before} til {after}", f", men {others}, så retningen er uklar"


def change_sentence(row, *, label: str, baseline: str, followup: str, held_band: float = HELD_BAND) -> str:
    """Two sentences on how an item's mean moved between two rounds.

    Parameters
    ----------
    row : mapping
        A row of ``compare_rounds``: ``direction``, ``mean_baseline``,
        ``mean_followup``, ``mean_change``, ``ci_low``, ``ci_high``, ``n_pairs``, ``n_up``,
        ``n_same``, ``n_down``, ``municipalities_up``, ``municipalities_down``.
    label : str
        The item's Danish label.
    baseline, followup : str
        The rounds' definite forms ("slutmålingen").
    """
    n_pairs = int(row["n_pairs"])
    if n_pairs == 0:
        return (f"For {esc(label.lower())} er der ingen kommuner med gyldige svar ved både "
                f"{esc(baseline)} og {esc(followup)}, så en udvikling kan ikke opgøres.")
    before = f"{number(row['mean_baseline'])} ved {esc(baseline)}"
    after = f"{number(row['mean_followup'])} ved {esc(followup)}"
    movement, tail = _movement(row, held_kind(row, held_band), before, after)
    text = (
        f"For {esc(label.lower())} {movement} (ændring {signed(row['mean_change'], 2)}, {interval_text(row)}; "
        f"{count(n_pairs, 'kommune', 'kommuner')} med gyldige svar begge gange){tail}. "
        + _split(row["n_up"], row["n_same"], row["n_down"], n_pairs)
    )
    parts = []
    for key, word in (("municipalities_up", "op"), ("municipalities_down", "ned")):
        names = names_or_count(row[key])
        if names:
            parts.append(f"{word}: {names}")
    if parts:
        text = text[:-1] + f" ({'; '.join(parts)})."
    return text


def _family(m: int) -> str:
    """``efter Holm-korrektion for fem sammenligninger``; empty for a family of one."""
    return f" efter Holm-korrektion for {comparisons(m)}" if m > 1 else ""


def _p_values(row, m: int) -> str:
    text = f"Wilcoxon-test: {esc(p_is(row['p_wilcoxon']))}"
    return text + (f"; korrigeret {esc(p_is(row['p_holm']))}" if m > 1 else "")


def significance_sentence(row, *, alpha: float = ALPHA, held_band: float = HELD_BAND) -> str:
    """Whether the change is statistically detectable, worded with its direction.

    Uses ``n_pairs``, ``n_up``, ``n_down``, ``direction``, ``mean_change``,
    ``detectable``, ``min_p``, ``min_p_holm``, ``significant``,
    ``p_wilcoxon``, ``p_holm`` and ``n_family`` (the size of Holm's family)
    of a ``compare_rounds`` row.  A p-value below 0,001 reads ``p < 0,001``.
    """
    n_pairs, changed = int(row["n_pairs"]), int(row["n_up"]) + int(row["n_down"])
    m, level = int(row["n_family"]), f"{percent(alpha)}-niveau"
    if n_pairs == 0:
        return "Ingen kommuner har gyldige svar begge gange, så der er intet at teste."
    if changed == 0:
        if n_pairs == 1:  # the sentence before says the municipality answered the same
            return "Der er derfor ingen ændring at teste."
        return "Ingen af kommunerne ændrede svar, så der er ingen ændring at teste."
    if not bool(row["detectable"]):
        digits = not in_words(n_pairs)
        who = (capital(of_total(changed, n_pairs, "kommune", "kommuner")) + " ændrede svar" if changed == n_pairs
               else f"Af de {amount(n_pairs, digits=digits)} kommuner ændrede {amount(changed, digits=digits)} "
               f"{'sit' if changed == 1 else 'deres'} svar")
        text = (f"{who}; med {count(changed, 'ændring', 'ændringer', digits=digits)} kan p-værdien ikke komme "
                f"under {esc(p_value(row['min_p']))}")
        if m > 1 and row["min_p"] < alpha:
            text += f",{_family(m)} ikke under {esc(p_value(row['min_p_holm']))}"
        return text + f", så en ændring kan ikke påvises på {level}."
    kind = held_kind(row, held_band)
    noun = capital(_CHANGE_NOUN[row["direction"]])
    if bool(row["significant"]):
        if kind == "small":
            return (f"Ændringen er lille (under {number(held_band, 2)} skalapoint), men statistisk signifikant på "
                    f"{level}{_family(m)} ({_p_values(row, m)}): den er næppe tilfældig, men for lille til at "
                    "kaldes en stigning eller et fald.")
        if kind == "mixed":
            return (f"Forskellen er statistisk signifikant på {level}{_family(m)} ({_p_values(row, m)}), men "
                    "kommunerne bevægede sig ikke overvejende samme vej, så retningen er uklar.")
        return f"{noun} er statistisk signifikant på {level}{_family(m)} ({_p_values(row, m)})."
    text = (f"{noun} er ikke statistisk signifikant på {level}{_family(m)} ({_p_values(row, m)}) og kan skyldes "
            "tilfældig variation.")
    if m > 1 and row["p_wilcoxon"] < alpha:
        text += f" Uden korrektion for de {comparisons(m)} ville p-værdien have ligget under {percent(alpha)}."
    return text


def missing_sentence(row, *, baseline: str, followup: str, left_out_of: str = "gennemsnit og test") -> str:
    """Which "ved ikke" answers and which questions left blank (not answered) were left out; empty when none.

    The two are counted apart: "ved ikke" is an answer, a blank is none.
    ``row`` holds ``n_dont_know_baseline``, ``n_dont_know_followup``,
    ``n_not_answered_baseline``, ``n_not_answered_followup`` (a count left out
    is 0); ``left_out_of`` names what the missing answers are left out of.
    """
    rounds, kinds = [], set()
    for when, name in (("baseline", baseline), ("followup", followup)):
        clauses = []
        for kind, verb, rest in (("dont_know", "svarede", "»ved ikke«"), ("not_answered", "besvarede", "ikke spørgsmålet")):
            n = int(row.get(f"n_{kind}_{when}", 0))
            if n:
                kinds.add(kind)
                who = count(n, "kommune", "kommuner")
                # The first clause of a round opens with the round; the next has the subject first.
                clauses.append(f"{who} {verb} {rest}" if clauses else f"ved {esc(name)} {verb} {who} {rest}")
        if clauses:
            rounds.append(" og ".join(clauses))
    if not rounds:
        return ""
    if kinds == {"dont_know"}:
        tail = f"»ved ikke« er et manglende svar og indgår ikke i {left_out_of}."
    elif kinds == {"not_answered"}:
        tail = f"et ubesvaret spørgsmål er et manglende svar og indgår ikke i {left_out_of}."
    else:
        tail = f"både »ved ikke« og et ubesvaret spørgsmål er manglende svar og indgår ikke i {left_out_of}."
    return capital(", og ".join(rounds)) + "; " + tail


def _labelled(comparison, labels, mask) -> list[str]:
    return [esc(labels[i].lower()) for i in comparison.loc[mask, "item"]]


def _significance_summary(compared, labels, alpha, held_band) -> list[str]:
    m = int(compared["n_family"].max())
    changed = compared["n_up"] + compared["n_down"]
    if not (changed > 0).any():
        return []
    level = f"{percent(alpha)}-niveau"
    by_kind = {kind: [] for kind in _KIND_NOUNS}
    for _, row in compared[compared["significant"].astype(bool)].iterrows():
        by_kind[held_kind(row, held_band) or row["direction"]].append(esc(labels[row["item"]].lower()))
    described = [f"{_KIND_NOUNS[kind][len(names) > 1]} på {join(names)}" for kind, names in by_kind.items() if names]
    if described:
        adjective = "signifikant" if sum(map(len, by_kind.values())) == 1 else "signifikante"
        lead = f"Efter Holm-korrektion for {comparisons(m)} er " if m > 1 else "Her er "
        return [f"{lead}{join(described)} statistisk {adjective} på {level}."]
    moved = _labelled(compared, labels, changed > 0)
    if len(moved) == 1 and m > 1:  # one change among the items compared: not "ingen af ændringerne"
        return [f"Ændringen på {moved[0]} er ikke statistisk signifikant på {level}{_family(m)} og kan skyldes "
                "tilfældig variation."]
    if m > 1:
        return [f"Ingen af ændringerne er statistisk signifikante på {level}{_family(m)}, så de kan skyldes "
                "tilfældig variation."]
    return [f"Ændringen er ikke statistisk signifikant på {level} og kan skyldes tilfældig variation."]


def summary_sentences(comparison, *, labels: dict, baseline: str, followup: str, alpha: float = ALPHA,
                      held_band: float = HELD_BAND) -> list[str]:
    """The conclusion's sentences about change, from all items' claims.

    ``comparison`` is the ``compare_rounds`` frame of the parameters.
    Items without complete pairs are named as such; "Fremgangen gælder
    ikke alle" is said only when some items rose and some fell.
    """
    compared = comparison[comparison["n_pairs"] > 0]
    if compared.empty:
        return [f"Ingen kommuner har gyldige svar ved både {esc(baseline)} og {esc(followup)}, så en udvikling "
                "kan ikke opgøres."]
    kinds = [row["direction"] if row["direction"] != "held" else held_kind(row, held_band)
             for _, row in compared.iterrows()]
    kinds_of = {k: _labelled(compared, labels, [x == k for x in kinds]) for k in ("rose", "small", "mixed", "fell")}
    words = {"rose": "højere", "small": "stort set på samme niveau", "fell": "lavere"}
    parts = [f"{words[k]} på {join(kinds_of[k])}" for k in ("rose", "small", "fell") if kinds_of[k]]
    sentences = []
    alone = int(compared["n_pairs"].max()) == 1  # one municipality with pairs: its answer, not an average
    if parts:
        subject = "kommunens svar" if alone else "kommunernes gennemsnit"
        sentences.append(f"Ved {esc(followup)} lå {subject} {join(parts)} sammenlignet med {esc(baseline)}.")
    if kinds_of["mixed"]:
        sentences.append(f"For {join(kinds_of['mixed'])} flyttede gennemsnittet sig, men uden klar retning: lige så "
                         "mange eller flere kommuner bevægede sig den modsatte vej.")
    if kinds_of["rose"] and kinds_of["fell"]:
        n = len(compared)
        whole = of_total(n, n, "parameter", "parametre")
        sentences.append(f"Fremgangen gælder altså ikke {whole}: {join(kinds_of['fell'])} lå lavere end før.")
    without = _labelled(comparison, labels, comparison["n_pairs"] == 0)
    if without:
        sentences.append(f"For {join(without)} har ingen kommuner gyldige svar ved begge målinger, så udviklingen "
                         "kan ikke opgøres.")
    sentences += _significance_summary(compared, labels, alpha, held_band)
    changed = compared["n_up"] + compared["n_down"]
    still = _labelled(compared, labels, changed == 0)
    undetectable = _labelled(compared, labels, (changed > 0) & ~compared["detectable"].astype(bool))
    if still and len(still) == len(compared):
        sentences.append("Kommunen ændrede ikke svar på nogen af parametrene." if alone
                         else "Ingen kommuner ændrede svar på nogen af parametrene.")
    elif still:
        sentences.append(f"For {join(still)} ændrede {'kommunen ikke' if alone else 'ingen kommuner'} svar.")
    if undetectable:
        sentences.append(f"For {join(undetectable)} ændrede for få kommuner svar til, at nogen test kunne påvise en "
                         f"ændring på {percent(alpha)}-niveau.")
    return sentences


def mode_sentence(by_mode, *, item: str, label: str, mode_labels: dict, held_band: float = HELD_BAND) -> str:
    """How the groups of municipalities (by way of taking part) moved on one item.

    ``by_mode`` is the ``compare_by_mode`` frame; empty text unless at
    least two groups have complete pairs on the item (one group is no split).
    """
    rows = by_mode[(by_mode["item"] == item) & (by_mode["n_pairs"] > 0)]
    if len(rows) < 2:
        return ""
    parts = []
    for _, row in rows.iterrows():
        before, after = number(row["mean_baseline"]), number(row["mean_followup"])
        if row["direction"] in ("rose", "fell"):
            moved = f"{DIRECTION_WORDS[row['direction']][0]} gennemsnittet fra {before} til {after}"
        elif held_kind(row, held_band) == "small":
            moved = f"var gennemsnittet stort set uændret ({before} og {after})"
        else:
            moved = f"flyttede gennemsnittet sig fra {before} til {after} uden klar retning"
        parts.append(f"blandt {esc(mode_labels[row['mode']].lower())} (n = {integer(row['n_pairs'])}) {moved}")
    return (f"Opdelt efter dataindsamling: {', '.join(parts[:-1])}, og {parts[-1]}. Forskellen mellem grupperne er ikke testet, og "
            "kommunerne er ikke fordelt tilfældigt på grupperne.")


def item_bullet(row, *, label: str, ceiling: bool, held_band: float = HELD_BAND) -> str:
    """A one-line summary of an item's change for the conclusion's list.

    ``ceiling`` says whether a ceiling at the baseline explains part of the
    item's change (see :func:`evaluation.analysis.ceiling.ceiling_explains`).
    """
    if row["n_pairs"] == 0:
        return f"<strong>{esc(label)}</strong>: ingen kommuner med gyldige svar begge gange."
    kind = held_kind(row, held_band)
    verdict = {"small": "stort set uændret", "mixed": "uden klar retning"}.get(kind) or DIRECTION_WORDS[row["direction"]][0]
    if bool(row["significant"]):
        verdict = "lille, men statistisk signifikant ændring" if kind == "small" else verdict + ", statistisk signifikant"
    digits = not in_words(row["n_pairs"])
    up, same, down = (amount(row[key], digits=digits) for key in ("n_up", "n_same", "n_down"))
    text = (
        f"<strong>{esc(label)}</strong>: {number(row['mean_baseline'])} → {number(row['mean_followup'])} "
        f"({signed(row['mean_change'], 2)}, {interval_text(row)}; n = {integer(row['n_pairs'])}; {up} op, "
        f"{same} uændret, {down} ned) – {verdict}"
    )
    if ceiling:
        text += "; lofteffekt ved udgangspunktet"
    return text + "."
