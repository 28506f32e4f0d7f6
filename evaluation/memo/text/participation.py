"""Who took part in a round, and how: sentences from the round's participation.

>>> import pandas as pd
>>> frame = pd.DataFrame({"municipality": list("ABCDE"), "mode": ["interview"] * 2 + ["survey"] * 2 + ["none"]})
>>> participation_sentence(frame, definite="opfølgningen")
'Ved opfølgningen deltog fire af de fem kommuner: to blev interviewet, og to besvarede spørgeskemaet.'
"""
from __future__ import annotations

import pandas as pd

from .wording import amount, count, esc, how_many, in_words, of_total

__all__ = ["participation_counts", "participation_sentence", "municipality_mode_sentence"]

#: How each way of taking part is worded after its count.
_PHRASES = {
    "interview": "blev interviewet",
    "survey": "besvarede spørgeskemaet",
    "both": "blev både interviewet og besvarede spørgeskemaet",
}
#: The same, with one municipality as the subject.
_ONE = {
    "interview": "blev kommunen interviewet",
    "survey": "besvarede kommunen spørgeskemaet",
    "both": "blev kommunen både interviewet og besvarede spørgeskemaet",
}


def participation_counts(participation: pd.DataFrame) -> dict[str, int]:
    """Municipalities per mode (every mode present, zeros included)."""
    counts = participation["mode"].value_counts()
    return {mode: int(counts.get(mode, 0)) for mode in (*_PHRASES, "none")}


def participation_sentence(participation: pd.DataFrame, *, definite: str) -> str:
    """One sentence on how the municipalities took part in the round called ``definite``.

    ``participation`` has one row per municipality listed for the memo
    (``municipality``, ``mode``; ``none`` for no part).  Modes nobody had are
    left out; when nobody took part at all, the sentence says so.
    """
    counts = participation_counts(participation)
    total = sum(counts.values())
    taking_part = total - counts["none"]
    when = esc(definite)
    if total == 0:
        return ""
    if taking_part == 0:
        return f"Ingen af kommunerne deltog i {when}."
    if counts["none"]:
        head = f"Ved {when} deltog {of_total(taking_part, total, 'kommune', 'kommuner')}"
    else:
        head = f"Ved {when} deltog {count(taking_part, 'kommune', 'kommuner')}"
    digits = not in_words(total)
    modes = [(mode, n) for mode, n in counts.items() if n and mode != "none"]
    if len(modes) == 1:
        return f"{head}, og {how_many(taking_part, taking_part)} {_PHRASES[modes[0][0]]}."
    parts = [f"{amount(n, digits=digits)} {_PHRASES[mode]}" for mode, n in modes]
    return f"{head}: {', '.join(parts[:-1])}, og {parts[-1]}."


def municipality_mode_sentence(mode: str, *, definite: str) -> str:
    """How one municipality took part in the round called ``definite``
    (``mode`` from its participation; ``none`` for no part)."""
    when = esc(definite)
    if mode == "none":
        return f"Kommunen deltog ikke i {when}."
    return f"Ved {when} {_ONE[mode]}."


def background_sentence(n_before: int, n_advice: int, n_total: int) -> str:
    """Where the ``n_total`` municipalities started: how many had an action
    plan before the programme (``n_before``) and how many have since used the
    centre's advice (``n_advice``).  One municipality is ``kommunen``."""
    n_before, n_advice, n_total = int(n_before), int(n_advice), int(n_total)
    if n_total == 0:
        return ""
    if n_total == 1:
        plan = "en" if n_before else "ingen"
        advice = ("den har efterfølgende brugt centrets rådgivning, fx til opkvalificering" if n_advice
                  else "den har ikke brugt centrets rådgivning")
        return f"Før projektet begyndte, havde kommunen {plan} handlingsplan, og {advice}."
    who = of_total(n_before, n_total, "kommune", "kommuner")
    if n_advice == 0:
        advice = "ingen af kommunerne har siden brugt centrets rådgivning"
    else:
        advice = f"{how_many(n_advice, n_total)} har efterfølgende brugt centrets rådgivning, fx til opkvalificering"
    return f"Før projektet begyndte, havde {who} en handlingsplan, og {advice}."

