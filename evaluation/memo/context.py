"""What every notebook needs first: data, the pair of rounds, labels, outline.

A notebook's second cell is ``ctx = open_context(data_dir, output_dir,
baseline, followup)``; the rest of the notebook reads from ``ctx``.  Keeping
this here means no notebook repeats the set-up, and every notebook resolves
the default pair of rounds the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from .. import config
from ..data import Dataset
from ..data.cache import load_checked
from ..data.contract import INTERVIEW_MODES, NARRATIVE_SECTIONS
from ..data.material import Missing, missing_for_pair
from ..data.narrative import PLACEHOLDER, code_placeholder
from ..exceptions import ParameterError
from ..names import resolve_pair
from . import report
from .narrative import placeholder_values, render
from .outline import Outline, instrument_outline

__all__ = ["Context", "open_context", "PHASE_LABELS", "STATUS_LABELS", "MODE_LABELS"]

PHASE_LABELS = {"udarbejdet": "Udarbejdet", "godkendt": "Godkendt", "udrullet": "Fuldt udrullet"}
STATUS_LABELS = {"gennemfoert": "Gennemført", "i_proces": "I proces", "ikke_paabegyndt": "Ikke påbegyndt"}
MODE_LABELS = {
    "interview": "Interviewkommuner",
    "survey": "Spørgeskemakommuner",
    "both": "Kommuner med både interview og spørgeskema",
    "none": "Kommuner uden deltagelse",
}


@dataclass(frozen=True)
class Context:
    """The data and settings one notebook works with."""

    ds: Dataset
    output_dir: Path
    baseline: str
    followup: str
    outline: Outline

    @cached_property
    def rounds(self) -> pd.DataFrame:
        """The rounds up to and including the follow-up: a memo never shows a
        later round's material (a 2017 -> 2018 memo knows nothing of 2019)."""
        order = self.ds.rounds.set_index("round")["order"]
        return self.ds.rounds[self.ds.rounds["order"] <= order[self.followup]].reset_index(drop=True)

    @cached_property
    def responses(self) -> pd.DataFrame:
        """The answers of :attr:`rounds`."""
        return self.ds.responses[self.ds.responses["round"].isin(self.round_keys)].reset_index(drop=True)

    @cached_property
    def plan_status(self) -> pd.DataFrame:
        """The plan status of :attr:`rounds`."""
        return self.ds.plan_status[self.ds.plan_status["round"].isin(self.round_keys)].reset_index(drop=True)

    @property
    def instrument(self):
        return self.ds.instrument

    @property
    def parameters(self) -> list[str]:
        return self.ds.instrument.parameters

    @property
    def labels(self) -> dict[str, str]:
        """Item key -> Danish label."""
        items = self.ds.instrument.items
        return dict(zip(items["item"], items["label"]))

    @property
    def round_labels(self) -> dict[str, str]:
        return dict(zip(self.rounds["round"], self.rounds["label"]))

    @property
    def definite(self) -> dict[str, str]:
        """Round key -> the label's definite form for running text."""
        return dict(zip(self.rounds["round"], self.rounds["definite"]))

    @property
    def scale_labels(self) -> dict[int, str]:
        scale = self.ds.instrument.scale
        return dict(zip(scale["code"].astype(int), scale["label"]))

    @property
    def round_keys(self) -> list[str]:
        """Keys of :attr:`rounds`, oldest first."""
        return self.rounds["round"].tolist()

    @property
    def listed_in_tables(self) -> bool:
        """Whether the panel is too large for figures with one row per
        municipality (more than :data:`evaluation.config.FIGURE_ROWS_MAX`):
        then figures 2-7 show counts, and each municipality's statuses and
        answers are listed in tables under them."""
        return len(self.ds.municipalities) > config.FIGURE_ROWS_MAX

    def require_item(self, item: str, kind: str) -> dict:
        """Return the instrument row of ``item``, checking it is of ``kind``."""
        items = self.ds.instrument.items
        allowed = items.loc[items["kind"] == kind, "item"].tolist()
        if item not in allowed:
            raise ParameterError(f"item must be one of the {kind} items {', '.join(allowed)}; got {item!r}")
        return self.ds.instrument.item(item)

    def require_municipality(self, municipality: str) -> str:
        """Check that ``municipality`` is in the data and return it."""
        known = self.ds.municipalities["municipality"].tolist()
        if municipality not in known:
            raise ParameterError(f"unknown municipality {municipality!r}; known: {', '.join(known)}")
        return municipality

    # ------------------------------------------------ the follow-up's material
    @cached_property
    def missing(self) -> list[Missing]:
        """What a final memo of this pair still lacks (empty for a final memo)."""
        return missing_for_pair(self.ds, self.baseline, self.followup)

    @property
    def is_draft(self) -> bool:
        """A memo that lacks material is a draft, and says so."""
        return bool(self.missing)

    def missing_box(self, *names: str) -> report.Block:
        """A "Mangler:" box for each missing part among ``names`` (file names
        such as ``plan_status.csv`` or ``narrative.md#sec:purpose``); empty
        when none of them is missing."""
        shown = [m for m in self.missing if m.key in names or m.file.rsplit("/", 1)[-1] in names]
        return report.missing([m.describe_da(self.definite[m.round]) for m in shown])

    def lacks(self, name: str, round_key: str | None = None) -> bool:
        """Whether file ``name`` of ``round_key`` (default: either round) is missing."""
        return any(m.file.rsplit("/", 1)[-1] == name and not m.section and round_key in (None, m.round)
                   for m in self.missing)

    @cached_property
    def placeholders(self) -> dict[str, str]:
        return placeholder_values(self.ds, self.baseline, self.followup)

    def narrative(self, section: str) -> report.Block:
        """The follow-up's narrative for ``section``: rendered, a "Mangler:" box
        when a required section is empty, or nothing for an empty optional one."""
        text = self.ds.narratives.get(self.followup)
        markdown = text.text(section) if text is not None else None
        if markdown is not None:
            rendered = report.narrative(render(markdown, self.placeholders))
            if self.lacks("codings.csv") and any(code_placeholder(m.group(1)) for m in PLACEHOLDER.finditer(markdown)):
                # Its code counts read "–" until the round's interviews are coded.
                return report.Block(self.missing_box("codings.csv") + rendered)
            return rendered
        if NARRATIVE_SECTIONS.get(section, (False, ""))[0]:
            return self.missing_box(f"narrative.md#{section}")
        return report.Block("")

    @property
    def quotes(self) -> pd.DataFrame:
        """The follow-up's statements (never another round's)."""
        return self.ds.quotes[self.ds.quotes["round"] == self.followup]

    @cached_property
    def participation(self) -> pd.DataFrame:
        """``municipality``, ``mode`` at the follow-up for every listed
        municipality (``none``: took no part)."""
        modes = self.ds.participation_of(self.followup).set_index("municipality")["mode"]
        listed = self.ds.municipalities["municipality"]
        return pd.DataFrame({"municipality": listed, "mode": listed.map(modes).fillna("none").astype(str)})

    # ------------------------------------------------ the follow-up's codings
    @property
    def codebook(self):
        """The codebook (:class:`~evaluation.data.contract.Codebook`)."""
        return self.ds.codebook

    @cached_property
    def codings(self) -> pd.DataFrame:
        """The follow-up's codings (never another round's)."""
        return self.ds.codings[self.ds.codings["round"] == self.followup].reset_index(drop=True)

    @cached_property
    def interviewed(self) -> list[str]:
        """The municipalities interviewed at the follow-up, in the listed order."""
        frame = self.participation
        return frame.loc[frame["mode"].isin(INTERVIEW_MODES), "municipality"].tolist()

    @cached_property
    def code_counts(self) -> pd.DataFrame:
        """Every code counted over the follow-up's sources (see :func:`~evaluation.analysis.codings.code_counts`)."""
        from ..analysis.codings import code_counts

        return code_counts(self.codings, self.codebook.codes, self.interviewed)

    def statements(self, theme: str) -> pd.DataFrame:
        """The follow-up's statements shown under ``theme``: those its codings
        link to that theme's codes; every statement of the theme when the
        round has no codings."""
        quotes = self.quotes[self.quotes["theme"] == theme]
        if self.codings.empty:
            return quotes
        codes = set(self.codebook.codes_of(theme)["code"])
        linked = set(self.codings.loc[self.codings["code"].isin(codes), "quote"]) - {""}
        return quotes[quotes["id"].isin(linked)]

    @property
    def previous_round(self) -> str | None:
        """The round before the baseline, if any."""
        keys = self.round_keys
        i = keys.index(self.baseline)
        return keys[i - 1] if i > 0 else None


def open_context(data_dir: str = "", output_dir: str = "", baseline: str = "", followup: str = "") -> Context:
    """Load and validate the data, resolve the rounds, and set the figure theme.

    In a run's kernels the data come from the checked copy the run kept
    (:func:`~evaluation.data.cache.load_checked`), validated once per run.

    Empty strings mean the defaults: the bundled ``data/``, the scratch
    folder ``outputs/scratch``, and the last two rounds.  A relative folder
    is read from the project root (as a run passes them), not from the
    kernel's working folder.
    """
    from .figures import set_theme

    config.check_kernel_package()  # the package the run fingerprinted, or nothing
    ds = load_checked(config.project_path(data_dir) if data_dir else None)
    baseline, followup = resolve_pair(ds.round_keys, baseline, followup)
    out = config.project_path(output_dir) if output_dir else config.OUTPUTS_DIR / "scratch"
    out.mkdir(parents=True, exist_ok=True)
    set_theme()
    return Context(ds=ds, output_dir=out, baseline=baseline, followup=followup, outline=instrument_outline(ds.instrument))
