"""What every notebook needs first: data, the pair of rounds, labels, outline.

A notebook's second cell is ``ctx = open_context(data_dir, output_dir,
baseline, followup)``; the rest of the notebook reads from ``ctx``.  Keeping
this here means no notebook repeats the set-up, and every notebook resolves
the default pair of rounds the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..data import Dataset, load_dataset
from ..exceptions import ParameterError
from ..names import resolve_pair
from .outline import Outline, instrument_outline

__all__ = ["Context", "open_context", "PHASE_LABELS", "STATUS_LABELS", "MODE_LABELS"]

PHASE_LABELS = {"udarbejdet": "Udarbejdet", "godkendt": "Godkendt", "udrullet": "Fuldt udrullet"}
STATUS_LABELS = {"gennemfoert": "Gennemført", "i_proces": "I proces", "ikke_paabegyndt": "Ikke påbegyndt"}
MODE_LABELS = {"interview": "Interviewkommuner", "survey": "Spørgeskemakommuner"}


@dataclass(frozen=True)
class Context:
    """The data and settings one notebook works with."""

    ds: Dataset
    output_dir: Path
    baseline: str
    followup: str
    outline: Outline

    @property
    def responses(self):
        return self.ds.responses

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
        return dict(zip(self.ds.rounds["round"], self.ds.rounds["label"]))

    @property
    def definite(self) -> dict[str, str]:
        """Round key -> the label's definite form for running text."""
        return dict(zip(self.ds.rounds["round"], self.ds.rounds["definite"]))

    @property
    def scale_labels(self) -> dict[int, str]:
        scale = self.ds.instrument.scale
        return dict(zip(scale["code"].astype(int), scale["label"]))

    @property
    def round_keys(self) -> list[str]:
        return self.ds.round_keys

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

    @property
    def previous_round(self) -> str | None:
        """The round before the baseline, if any."""
        keys = self.round_keys
        i = keys.index(self.baseline)
        return keys[i - 1] if i > 0 else None


def open_context(data_dir: str = "", output_dir: str = "", baseline: str = "", followup: str = "") -> Context:
    """Load and validate the data, resolve the rounds, and set the figure theme.

    Empty strings mean the defaults: the bundled ``data/``, the scratch
    folder ``outputs/scratch``, and the last two rounds.
    """
    from .figures import set_theme

    ds = load_dataset(data_dir or None)
    baseline, followup = resolve_pair(ds.round_keys, baseline, followup)
    out = Path(output_dir) if output_dir else config.OUTPUTS_DIR / "scratch"
    out.mkdir(parents=True, exist_ok=True)
    set_theme()
    return Context(ds=ds, output_dir=out, baseline=baseline, followup=followup, outline=instrument_outline(ds.instrument))
