"""The data contract's fixed vocabularies and the types the loaders return.

The vocabularies (plan phases, statuses, follow-up modes, quote themes) are
the values ``data/README.md`` allows; :class:`Instrument` and
:class:`Dataset` are what the loaders build from a data folder.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

__all__ = [
    "Instrument",
    "Dataset",
    "PHASES",
    "STATUSES",
    "FOLLOWUP_MODES",
    "QUOTE_THEMES",
    "BOOLEANS",
]

#: Plan phases in order, and the statuses a phase can have.
PHASES = ("udarbejdet", "godkendt", "udrullet")
STATUSES = ("gennemfoert", "i_proces", "ikke_paabegyndt")
FOLLOWUP_MODES = ("interview", "survey")
QUOTE_THEMES = (
    "ledelsesforankring",
    "beredskab",
    "indsatser",
    "internt_samarbejde",
    "eksternt_samarbejde",
    "kompetencer",
    "centrets_arbejde",
)
#: Truth values as the CSV files write them.
BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True)
class Instrument:
    """The answer scale and the items of the survey.

    Attributes
    ----------
    scale : DataFrame
        Columns ``code`` (int), ``label`` (Danish), ``missing`` (bool: the
        code means "ved ikke").
    items : DataFrame
        Columns ``item``, ``label``, ``figure_title``, ``kind``
        (``parameter`` or ``context``), ``definition``, ``question``; in
        instrument order.
    """

    scale: pd.DataFrame
    items: pd.DataFrame

    @property
    def parameters(self) -> list[str]:
        """Keys of the items of kind ``parameter``, in instrument order."""
        return self.items.loc[self.items["kind"] == "parameter", "item"].tolist()

    @property
    def context_items(self) -> list[str]:
        """Keys of the items of kind ``context``."""
        return self.items.loc[self.items["kind"] == "context", "item"].tolist()

    @property
    def codes(self) -> list[int]:
        return self.scale["code"].tolist()

    @property
    def missing_codes(self) -> list[int]:
        return self.scale.loc[self.scale["missing"], "code"].tolist()

    @property
    def valid_codes(self) -> list[int]:
        return self.scale.loc[~self.scale["missing"], "code"].tolist()

    def item(self, key: str) -> dict:
        """Return one item's row as a dict (raises ``KeyError`` if unknown)."""
        rows = self.items[self.items["item"] == key]
        if rows.empty:
            raise KeyError(key)
        return rows.iloc[0].to_dict()

    def label(self, key: str) -> str:
        return self.item(key)["label"]

    def scale_label(self, code: int) -> str:
        return self.scale.loc[self.scale["code"] == code, "label"].iloc[0]

    def code_for(self, answer: str) -> int | None:
        """Return the code of ``answer``: a code ("3", "3.0") or a label in
        any letter case ("I høj grad"); ``None`` if it is neither."""
        text = " ".join(str(answer).split()).casefold()
        for code, label in zip(self.scale["code"], self.scale["label"]):
            if text == str(label).casefold():
                return int(code)
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None
        if number.is_integer() and int(number) in self.codes:
            return int(number)
        return None


@dataclass(frozen=True)
class Dataset:
    """Everything in a validated data folder."""

    path: Path
    instrument: Instrument
    rounds: pd.DataFrame
    municipalities: pd.DataFrame
    responses: pd.DataFrame
    plan_status: pd.DataFrame
    quotes: pd.DataFrame
    files: list[Path] = field(default_factory=list)

    @property
    def round_keys(self) -> list[str]:
        return self.rounds["round"].tolist()

    def round_label(self, key: str) -> str:
        return self.rounds.loc[self.rounds["round"] == key, "label"].iloc[0]

