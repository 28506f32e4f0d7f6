"""The look of every figure: palette, answer labels, sizes and the seaborn theme.

:func:`theme_rc` (a seaborn theme plus a few fixed settings) is applied while
a figure is built and while it is saved, so a figure looks the same whether
or not :func:`set_theme` was called.  Baseline and follow-up always have the
colours and markers of :data:`PALETTE`.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from contextlib import contextmanager

import matplotlib as mpl
import seaborn as sns

__all__ = ["PALETTE", "SCALE_LABELS", "FIGURE_WIDTH", "theme_rc", "set_theme", "round_colours"]


#: Colours of every figure (Okabe-Ito, safe for colour-blind readers).
#: ``rounds`` colours the rounds before the baseline, in order; ``status``
#: colours the plan statuses (each status also has its own symbol).
PALETTE: dict = {
    "baseline": "#E69F00",
    "followup": "#0072B2",
    "rounds": ("#CC79A7", "#56B4E9", "#000000"),
    "status": {
        "gennemfoert": "#009E73",
        "i_proces": "#F0E442",
        "ikke_paabegyndt": "#D55E00",
    },
    "group": "#BBBBBB",
    "neutral": "#555555",
    "dont_know_area": "#F2F2F2",
}
#: Danish answer labels of the instrument; code 0 is "ved ikke".
SCALE_LABELS: dict[int, str] = {
    0: "Ved ikke",
    1: "Slet ikke",
    2: "I mindre grad",
    3: "I nogen grad",
    4: "I høj grad",
}
#: Width of every figure in inches: 16 cm, the text width of an A4 page.
FIGURE_WIDTH = 16 / 2.54

_MARKERS = {"baseline": "o", "followup": "s", "rounds": ("^", "v", "D")}
# Symbol printed in each plan-status circle, and its colour, so that the
# statuses differ by more than colour.
_STATUS_SYMBOLS = {
    "gennemfoert": ("✓", "white"),
    "i_proces": ("…", "black"),
    "ikke_paabegyndt": ("✗", "white"),
}
_CAPTION_SIZE = 7.5
# Marker size (points) of a municipality's own answer in a profile.
_POINT_SIZE = math.sqrt(40)
_OVERRIDES = {
    # Text from data is text: "$...$" in a name must not be read as math.
    "text.parse_math": False,
    "font.family": ["DejaVu Sans"],
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 8.5,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8.5,
    "figure.titlesize": 11,
    "figure.titleweight": "bold",
    "figure.facecolor": "white",
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "savefig.bbox": "standard",
    "svg.fonttype": "path",
    "svg.hashsalt": "evaluation-figures",
    "svg.id": "figure",
    "svg.image_inline": True,
    "axes.formatter.use_locale": False,
    "axes.unicode_minus": True,
    "legend.frameon": False,
}


# ------------------------------------------------------------------ theme
def theme_rc() -> dict:
    """Return the settings of the one theme every figure uses.

    Seaborn's ``whitegrid`` style and ``paper`` context with the
    colour-blind palette, DejaVu Sans (shipped with matplotlib) and fixed
    SVG settings: text as paths (self-contained files) and a fixed hash
    salt (stable element ids).
    """
    rc = {}
    rc.update(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context("paper"))
    rc["axes.prop_cycle"] = mpl.cycler(color=[PALETTE["baseline"], PALETTE["followup"], *PALETTE["rounds"]])
    rc.update(_OVERRIDES)
    return rc


def set_theme() -> None:
    """Apply the theme of :func:`theme_rc` globally (e.g. in a notebook)."""
    sns.set_theme(context="paper", style="whitegrid", font="DejaVu Sans")
    mpl.rcParams.update(theme_rc())


@contextmanager
def _themed():
    with mpl.rc_context(theme_rc()):
        yield


def round_colours(rounds: Sequence[str]) -> dict[str, str]:
    """Map round keys, in chronological order, to their colours.

    The last round is the follow-up and the one before it the baseline;
    they get ``PALETTE["followup"]`` and ``PALETTE["baseline"]``, earlier
    rounds the colours of ``PALETTE["rounds"]`` in order.

    >>> round_colours(["a", "b", "c"])
    {'a': '#CC79A7', 'b': '#E69F00', 'c': '#0072B2'}
    """
    return {key: style[0] for key, style in _round_styles(rounds).items()}


def _round_styles(rounds: Sequence[str]) -> dict[str, tuple[str, str]]:
    rounds = list(rounds)
    named = [("followup", PALETTE["followup"], _MARKERS["followup"]),
             ("baseline", PALETTE["baseline"], _MARKERS["baseline"])]
    styles = {}
    for i, key in enumerate(reversed(rounds)):
        if i < len(named):
            styles[key] = named[i][1:]
        else:
            j = (len(rounds) - 1 - i) % len(PALETTE["rounds"])
            styles[key] = (PALETTE["rounds"][j], _MARKERS["rounds"][j % len(_MARKERS["rounds"])])
    return {key: styles[key] for key in rounds}
