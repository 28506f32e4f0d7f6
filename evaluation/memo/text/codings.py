"""Sentences from the coded interviews: code counts per theme and triangulation.

Every count comes from a row of :func:`evaluation.analysis.codings.code_counts`
or :func:`~evaluation.analysis.codings.triangulation`; nothing is typed.  A
count sentence is wrapped in ``<span class="code-count">`` carrying the code,
the count and what it is counted over (``data-code``, ``data-n``,
``data-of``), so a test can re-derive every claim from ``codings.csv``.

>>> sources_phrase(4, 5), sources_phrase(1, 5), sources_phrase(5, 5), sources_phrase(0, 5)
('Fire af de fem interviewede kommuner', 'Én af de fem interviewede kommuner', 'Alle fem interviewede kommuner', 'Ingen af de fem interviewede kommuner')
>>> sources_phrase(1, 1), sources_phrase(0, 1), sources_phrase(2, 2), sources_phrase(30, 40)
('Den ene interviewede kommune', 'Ingen interviewede kommuner', 'Begge interviewede kommuner', 'I alt 30 af de 40 interviewede kommuner')
"""
from __future__ import annotations

from .sentences import DIRECTION_WORDS
from .wording import _capital, amount, esc, in_words, join, number, of_total, sentence_start, signed

__all__ = ["NAMED_AT_MOST", "sources_phrase", "code_sentence", "theme_sentences", "centre_sentences", "triangulation_sentence",
           "no_interviews_sentence", "uncoded_sentence", "matrix_sentence"]


#: A count sentence names the coded municipalities when there are at most this
#: many (and not all were coded); the framework matrix always shows who.
NAMED_AT_MOST = 10


def sources_phrase(n: int, total: int) -> str:
    """The subject of a count sentence, fit to open it: ``n`` of the ``total``
    interviewed municipalities (:func:`~.wording.of_total`)."""
    n, total = int(n), int(total)
    if not 0 <= n <= total:
        raise ValueError(f"n={n} must be between 0 and total={total}")
    return sentence_start(of_total(n, total, "interviewede kommune", "interviewede kommuner"))


def _singular(n: int, total: int) -> bool:
    """Whether the subject is one municipality (adjectives and pronouns agree)."""
    return n == 1


def _claim(html: str, code: str, n: int, total: int) -> str:
    return f'<span class="code-count" data-code="{esc(code)}" data-n="{int(n)}" data-of="{int(total)}">{html}</span>'


def code_sentence(row, phrases: dict[str, tuple[str, str]]) -> str:
    """One count sentence for a code about municipalities.

    ``row`` is a row of ``code_counts``; ``phrases`` maps a code to its
    (plural, singular) phrase.  The coded municipalities are named when some
    but not all were coded, and no more than :data:`NAMED_AT_MOST`.
    """
    n, total = int(row["n_sources"]), int(row["n_interviewed"])
    plural, singular = phrases[row["code"]]
    phrase = singular if _singular(n, total) else plural
    names = ""
    if 0 < n < total and n <= NAMED_AT_MOST:
        names = f" ({join(esc(s) for s in str(row['sources']).split('; '))})"
    return _claim(f"{sources_phrase(n, total)}{names} {esc(phrase)}.", row["code"], n, total)


def no_interviews_sentence(definite: str) -> str:
    """For a round in which no municipality was interviewed."""
    return f"Ved {esc(definite)} blev ingen kommuner interviewet, så der er ingen kodede interview med kommunerne at tælle."


def uncoded_sentence(definite: str) -> str:
    """For a round whose interviews have not been coded (its codings.csv holds no rows)."""
    return (f"Interviewene fra {esc(definite)} er endnu ikke kodet, så der er ingen optælling af, "
            "hvor mange der nævner hvad.")


def matrix_sentence(definite: str, mark: str) -> str:
    """What the appendix's framework matrix shows, for a round whose interviews are coded."""
    return (f"Interviewene fra {esc(definite)} er kodet efter projektets kodebog. Matricen viser for hvert tema, "
            f"hvilke kilder der er kodet med hvilke koder ({esc(mark)} = kodet); kommunerne optræder kun med "
            "pseudonym. Antallene i afsnittene om ledelsesforankring, parametrene og centret er talt herfra.")


def theme_sentences(counts, phrases: dict[str, tuple[str, str]]) -> list[str]:
    """A count sentence for each municipality code of one theme, most frequent first.

    ``counts`` holds the theme's rows of ``code_counts`` (in their order).
    Nothing when no municipality was interviewed (say so with
    :func:`no_interviews_sentence`).
    """
    rows = counts[counts["about"] == "municipalities"]
    return [code_sentence(r, phrases) for _, r in rows.iterrows() if int(r["n_interviewed"]) > 0]


def centre_sentences(counts, phrases: dict[str, tuple[str, str]], *, definite: str) -> list[str]:
    """Sentences for the codes about the centre: each code it was coded with,
    then one sentence naming the codes it was not coded with."""
    rows = counts[counts["about"] == "centre"]
    if rows.empty:
        return []
    if int(rows["n_interviewed"].max()) == 0:
        return [f"Der er ingen kodede udsagn fra interviewet med centret ved {esc(definite)}."]
    out = [_claim(f"Centret {esc(phrases[r['code']][1])}.", r["code"], r["n_sources"], r["n_interviewed"])
           for _, r in rows.iterrows() if int(r["n_sources"])]
    absent = [f"»{esc(r['label'])}«" for _, r in rows.iterrows() if not int(r["n_sources"])]
    if absent:
        listed = absent[0] if len(absent) == 1 else f"{', '.join(absent[:-1])} eller {absent[-1]}"
        out.append(f"Interviewet med centret er ikke kodet med {listed}.")
    return out


def _change_clause(row, *, label: str, baseline: str, followup: str) -> str:
    if int(row["n_pairs"]) == 0:
        return f"kommunernes egne vurderinger kan ikke vise en udvikling for {esc(label.lower())}"
    verb = DIRECTION_WORDS[row["direction"]][0]
    change = number(abs(row["mean_change"]), 2)
    if row["direction"] == "held":
        return (f"i kommunernes egne vurderinger var gennemsnittet for {esc(label.lower())} stort set uændret fra "
                f"{esc(baseline)} til {esc(followup)} (ændring {signed(row['mean_change'], 2)})")
    return (f"i kommunernes egne vurderinger {verb} gennemsnittet for {esc(label.lower())} med {change} skalapoint fra "
            f"{esc(baseline)} til {esc(followup)}")


def _interview_clause(tri, labels: dict[str, str]) -> str:
    total = int(tri["n_interviewed"])
    parts = []
    for direction, what in (("progress", "fremgang"), ("problem", "problemer")):
        n = int(tri[f"n_{direction}"])
        if not n:
            continue
        if not parts:
            who = of_total(n, total, "interviewede kommune", "interviewede kommuner")
        else:  # the second part: the same municipalities, named shorter
            digits = not in_words(total)
            who = ("den samme" if total == 1 else "begge" if n == total == 2
                   else f"alle {amount(total, digits=digits)}" if n == total
                   else f"{amount(n, digits=digits)} af de {amount(total, digits=digits)}")
        parts.append(f"{who} beskriver {what} (oftest »{esc(labels[tri[f'top_{direction}']])}«)")
    return join(parts)


def triangulation_sentence(row, tri, *, label: str, baseline: str, followup: str, labels: dict[str, str]) -> str:
    """One sentence setting the survey's change beside the interview codes on the same parameter.

    ``row`` is the parameter's row of ``compare_rounds``; ``tri`` its row of
    ``triangulation``; ``labels`` maps codes to their Danish labels.  The
    sentence says whether the two point the same way, different ways, or the
    interviews are mixed, and that the interviews cover only the interviewed
    municipalities; it never calls either a proof of the other.
    """
    total = int(tri["n_interviewed"])
    if total == 0:
        return ""
    survey = _change_clause(row, label=label, baseline=baseline, followup=followup)
    progress, problem = int(tri["n_progress"]), int(tri["n_problem"])
    if not progress and not problem:
        return (f"{_capital(survey)}; ingen af interviewene er kodet med fremgang eller problemer, der vedrører "
                f"{esc(label.lower())}, så de kan ikke holdes op mod tallene.")
    direction = row["direction"] if int(row["n_pairs"]) else None
    if progress and problem:
        lead = "Interviewene giver et blandet billede"
    elif (direction, bool(progress)) in (("rose", True), ("fell", False)):
        lead = "Tallene og interviewene peger samme vej"
    elif direction is None:
        lead = "Interviewene kan ikke holdes op mod en udvikling i tallene"
    else:
        lead = "Tallene og interviewene peger i hver sin retning"
    return (f"{lead}: {survey}, mens {_interview_clause(tri, labels)}. Interviewene dækker kun de "
            f"interviewede kommuner og er et supplement til tallene, ikke et bevis for dem.")
