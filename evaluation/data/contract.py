"""The data contract's fixed vocabularies and the types the loaders return.

The vocabularies (plan phases, statuses, ways of taking part, quote themes,
the files of a round folder, the narrative's sections and placeholders) are
the values ``data/README.md`` allows; :class:`Instrument` and
:class:`Dataset` are what the loaders build from a data folder.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import sections

__all__ = [
    "Instrument",
    "Dataset",
    "PHASES",
    "STATUSES",
    "PARTICIPATION_MODES",
    "INTERVIEW_MODES",
    "QUOTE_THEMES",
    "BOOLEANS",
    "CODE_DIRECTIONS",
    "CODE_SOURCES",
    "CENTRE_SOURCE",
    "Codebook",
    "ROUND_FILES",
    "NARRATIVE_SECTIONS",
    "NARRATIVE_ITEM_SECTION",
    "PLACEHOLDERS",
    "COUNT_FORMS",
    "PART_COUNTS",
    "WORD_PLACEHOLDERS",
    "CODE_PLACEHOLDER",
]

#: Plan phases in order, and the statuses a phase can have.
PHASES = ("udarbejdet", "godkendt", "udrullet")
STATUSES = ("gennemfoert", "i_proces", "ikke_paabegyndt")
#: How a municipality took part in a round: interviewed, answered the survey,
#: both, or not at all.  A municipality not listed in a round's
#: ``participation.csv`` took no part in it either.
PARTICIPATION_MODES = ("interview", "survey", "both", "none")
#: The modes whose municipalities were interviewed (may be quoted).
INTERVIEW_MODES = ("interview", "both")
QUOTE_THEMES = (
    "ledelsesforankring",
    "beredskab",
    "indsatser",
    "internt_samarbejde",
    "eksternt_samarbejde",
    "kompetencer",
    "centrets_arbejde",
)
#: What a code says about its source: progress, a problem, or neither.
CODE_DIRECTIONS = ("progress", "problem", "neutral")
#: Whom a code is about: the interviewed municipalities or the centre.
CODE_SOURCES = ("municipalities", "centre")
#: The ``source`` of a coding from the interview with the centre's own staff.
CENTRE_SOURCE = "centret"
#: Truth values as the CSV files write them.
BOOLEANS = {"true": True, "false": False}

#: The files of a round's folder ``rounds/<key>/``, each with its header
#: (``None`` for the narrative, which is Markdown).
ROUND_FILES = {
    "responses.csv": ("municipality", "item", "score"),
    "plan_status.csv": ("municipality", "phase", "status"),
    "participation.csv": ("municipality", "mode"),
    "quotes.csv": ("id", "theme", "role", "municipality", "text"),
    "codings.csv": ("source", "code", "quote"),
    "narrative.md": None,
}

#: The memo sections a round's narrative may fill, keyed by the outline's ids:
#: id -> (required for a final memo of a pair with this follow-up, one-line
#: hint of what goes there).  Hints are Danish: evaluators read them.
NARRATIVE_SECTIONS = {
    "sec:intro": (False, "Eventuelle bemærkninger til indledningen om initiativet (valgfri)."),
    "sec:purpose": (True, "Hvad skal denne måling vise, og hvorfor nu? (afsnit 1.2)"),
    "sec:data": (False, "Datagrundlag ud over tallene: hvem blev interviewet, hvordan og hvornår (afsnit 1.3; valgfri)."),
    "sec:conclusion": (False, "Evaluatorens samlede vurdering ud over de beregnede sætninger (valgfri)."),
    "sec:leadership": (True, "Ledelsesforankring: hvad viser interviewene? (afsnit 3.1)"),
    "sec:centre": (True, "Centrets videre arbejde med konceptet (kapitel 4)."),
}
#: A parameter section ``sec:item:<key>`` may carry optional narrative too.
NARRATIVE_ITEM_SECTION = "sec:item:"

#: The names a narrative may use as ``{{ name }}``; their values are computed
#: from the pair of rounds the memo compares.
PLACEHOLDERS = {
    "baseline.label": "the baseline round's label (Slutmåling)",
    "baseline.definite": "its definite form (slutmålingen)",
    "baseline.date": "its month and year (november 2018)",
    "followup.label": "the follow-up round's label",
    "followup.definite": "its definite form",
    "followup.date": "its month and year",
    "n_municipalities": "municipalities listed in municipalities.csv",
    "n_participating": "municipalities that took part in the follow-up",
    "n_interviewed": "municipalities interviewed at the follow-up (interview or both)",
    "n_survey": "municipalities that answered the survey at the follow-up (survey or both)",
    "n_not_participating": "municipalities that took no part in the follow-up",
    "n_parameters": "parameters of the instrument",
    "n_rounds": "rounds in rounds.yml up to and including the follow-up (a memo reads no later round)",
}
#: Word forms of the counts (``n_...``), for running text: ``{{ n_interviewed.words }}``
#: is the count alone as Danish style writes it ("fem", "ingen", "én", "13"),
#: ``.count`` the count with its noun agreeing ("fem kommuner", "én kommune",
#: "ingen kommuner", "1.200 kommuner"), and ``.of_total`` a part of all the
#: municipalities ("fem af de ti kommuner", "alle ti kommuner", "begge
#: kommuner"), for the counts in :data:`PART_COUNTS` only.  A word form that
#: opens a sentence is capitalised ("Fem kommuner", "I alt 13 kommuner").
COUNT_FORMS = ("words", "count", "of_total")
#: The counts that are a part of ``n_municipalities`` (they have ``.of_total``).
PART_COUNTS = ("n_participating", "n_interviewed", "n_survey", "n_not_participating")
#: Every word-form placeholder a narrative may use.
WORD_PLACEHOLDERS = tuple(f"{name}.{form}" for name in PLACEHOLDERS if name.startswith("n_")
                          for form in COUNT_FORMS if form != "of_total" or name in PART_COUNTS)
#: Code counts of the follow-up's codings: ``{{ codes.<code> }}`` is the number
#: of sources coded with ``<code>`` ("4"), ``{{ codes.<code>.sources }}`` the
#: same as words over the sources it is counted over ("4 af de 5 interviewede
#: kommuner").  ``<code>`` is a key of ``codebook.yml``.
CODE_PLACEHOLDER = sections.CODE_PLACEHOLDER


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
class Codebook:
    """The themes and codes of the interview codings (``codebook.yml``).

    Attributes
    ----------
    themes : DataFrame
        ``theme`` (a key of :data:`QUOTE_THEMES`), ``label`` (Danish); in
        codebook order.
    codes : DataFrame
        ``code`` (key), ``theme``, ``label`` (Danish), ``phrase`` (completes
        a count sentence about several sources: "... har nu en fast
        styregruppe"), ``phrase_one`` (the same about one source; adjectives
        agree: "er usikker" / "er usikre"), ``parameter`` (the parameter the
        code bears on, or ""), ``direction`` (:data:`CODE_DIRECTIONS`),
        ``sources`` (:data:`CODE_SOURCES`); in codebook order.
    """

    themes: pd.DataFrame
    codes: pd.DataFrame

    @property
    def keys(self) -> list[str]:
        return self.codes["code"].tolist()

    def codes_of(self, theme: str) -> pd.DataFrame:
        """The codes of one theme, in codebook order."""
        return self.codes[self.codes["theme"] == theme].reset_index(drop=True)

    def theme_of(self, code: str) -> str:
        return self.codes.loc[self.codes["code"] == code, "theme"].iloc[0]


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
    participation: pd.DataFrame
    codebook: Codebook | None = None
    codings: pd.DataFrame | None = None
    narratives: dict = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    @property
    def round_keys(self) -> list[str]:
        return self.rounds["round"].tolist()

    def round_label(self, key: str) -> str:
        return self.rounds.loc[self.rounds["round"] == key, "label"].iloc[0]

    def participation_of(self, key: str) -> pd.DataFrame:
        """``municipality``, ``mode`` of round ``key``; municipalities not
        listed there took no part (mode ``none``)."""
        rows = self.participation[self.participation["round"] == key]
        return rows[["municipality", "mode"]].reset_index(drop=True)

