"""What a round has, and what a memo of a pair of rounds still lacks.

A final memo of the pair (baseline, follow-up) needs the answers of both
rounds, the plan status of both (Figure 2 shows both), the follow-up's
participation (who was interviewed, who answered the survey) and the
follow-up's narrative for every required section of
:data:`~evaluation.data.contract.NARRATIVE_SECTIONS`.  Statements
(``quotes.csv``) and codings (``codings.csv``) are optional: a round may
have none, unless its narrative asks for code counts
(``{{ codes.<code> }}``), which only codings can give.

:func:`missing_for_pair` lists what is missing, one :class:`Missing` per
file or section; ``evaluation run`` refuses a final memo while the list is
not empty, ``evaluation run --draft`` shows each as a "Mangler:" box, and
``evaluation status`` prints them per round.  Answers cannot be drafted
around: a memo compares answers, so a pair without them is refused even as
a draft (:attr:`Missing.draftable` is false).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import config
from .contract import NARRATIVE_SECTIONS, Dataset

__all__ = ["Missing", "missing_for_pair", "missing_for_round", "round_overview"]

#: What each file holds, in Danish, for the "Mangler:" boxes.
_WHAT_DA = {
    "responses.csv": "svarene",
    "plan_status.csv": "planstatus",
    "participation.csv": "deltagelsen (hvem der blev interviewet, og hvem der besvarede spørgeskemaet)",
    "codings.csv": "kodningen af interviewene (evaluatorens tekst bruger optællinger af koder)",
}


@dataclass(frozen=True)
class Missing:
    """One missing part: the round, the file relative to the data folder, and
    for a narrative the section id."""

    round: str
    file: str
    section: str | None = None

    @property
    def draftable(self) -> bool:
        """A draft can stand in for it with a box (answers it cannot)."""
        return not self.file.endswith("responses.csv")

    @property
    def key(self) -> str:
        """What notebooks ask for: ``<file name>`` or ``narrative.md#<section>``."""
        name = self.file.rsplit("/", 1)[-1]
        return f"{name}#{self.section}" if self.section else name

    def describe(self) -> str:
        """English, for the command line."""
        if self.section:
            hint = NARRATIVE_SECTIONS.get(self.section, (False, ""))[1]
            return f"{self.file}: section [[{self.section}]] is empty ({hint})"
        if self.file.endswith("codings.csv"):
            return f"{self.file}: no rows yet, but narrative.md uses code counts ({{{{ codes.<code> }}}})"
        return f"{self.file}: no rows yet"

    def describe_da(self, definite: str) -> str:
        """Danish, for the memo's box: what is missing and where to add it."""
        if self.section:
            return (f"Mangler: evaluatorens tekst til dette afsnit for {definite}. "
                    f"Skriv den under [[{self.section}]] i {self.file}.")
        return f"Mangler: {_WHAT_DA.get(self.file.rsplit('/', 1)[-1], self.file)} for {definite}. Udfyld {self.file}."


def _rel(key: str, name: str) -> str:
    return f"{config.ROUNDS_SUBDIR}/{key}/{name}"


def _has_rows(frame: pd.DataFrame, key: str) -> bool:
    return bool((frame["round"] == key).any())


def missing_for_round(ds: Dataset, key: str, *, as_followup: bool = True, as_baseline: bool = False) -> list[Missing]:
    """What round ``key`` lacks to be the follow-up (and/or baseline) of a final memo."""
    out = []
    if not _has_rows(ds.responses, key):
        out.append(Missing(key, _rel(key, "responses.csv")))
    if not _has_rows(ds.plan_status, key):
        out.append(Missing(key, _rel(key, "plan_status.csv")))
    if as_followup:
        if not _has_rows(ds.participation, key):
            out.append(Missing(key, _rel(key, "participation.csv")))
        narrative = ds.narratives.get(key)
        codings = ds.codings if ds.codings is not None else pd.DataFrame({"round": []})
        if narrative is not None and narrative.uses_code_counts() and not _has_rows(codings, key):
            out.append(Missing(key, _rel(key, "codings.csv")))
        for section, (required, _hint) in NARRATIVE_SECTIONS.items():
            if required and (narrative is None or narrative.text(section) is None):
                out.append(Missing(key, _rel(key, "narrative.md"), section))
    return out


def missing_for_pair(ds: Dataset, baseline: str, followup: str) -> list[Missing]:
    """Everything a final memo of ``baseline`` -> ``followup`` still lacks, baseline first."""
    base = [m for m in missing_for_round(ds, baseline, as_followup=False)]
    return base + missing_for_round(ds, followup, as_followup=True)


def round_overview(ds: Dataset, key: str) -> dict:
    """Counts of what round ``key`` holds, for ``evaluation status``."""
    narrative = ds.narratives.get(key)
    filled = [] if narrative is None else [s for s in narrative.sections if narrative.text(s) is not None]
    return {
        "answers": int(ds.responses.loc[ds.responses["round"] == key, "municipality"].nunique()),
        "plan_status": int(ds.plan_status.loc[ds.plan_status["round"] == key, "municipality"].nunique()),
        "participation": int((ds.participation["round"] == key).sum()),
        "statements": int((ds.quotes["round"] == key).sum()),
        "codings": 0 if ds.codings is None else int((ds.codings["round"] == key).sum()),
        "narrative_sections": filled,
    }
