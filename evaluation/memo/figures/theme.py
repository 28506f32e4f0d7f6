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

__all__ = ["PALETTE", "BACKGROUND", "SCALE_LABELS", "FIGURE_WIDTH", "theme_rc", "set_theme", "round_colours", "round_marker_names",
           "round_fill_names"]


#: Colours of every figure.  Every colour that draws data stands out from
#: the white background by a contrast ratio of at least 3:1 (WCAG 2.1,
#: 1.4.11; ``tests/memo/test_figures.py`` computes it), and wherever colour
#: tells data apart a second cue does too: each round has its own marker
#: (:func:`round_marker_names`) and bar pattern (:func:`round_fill_names`),
#: each plan status its own symbol.  Hues after Okabe-Ito, darkened where
#: the original is too light.  ``rounds`` colours the rounds before the
#: baseline, in order; ``status`` colours the plan statuses; ``rule`` is the line that sets
#: the "ved ikke" column apart;
#: ``dont_know_area`` is the background of the "ved ikke" column, not a mark.
PALETTE: dict = {
    "baseline": "#C26A00",
    "followup": "#0072B2",
    "rounds": ("#B0407F", "#007A5E", "#000000"),
    "status": {
        "gennemfoert": "#007A5E",
        "i_proces": "#9A7B00",
        "ikke_paabegyndt": "#CC3311",
    },
    "group": "#8C8C8C",
    "median": "#000000",
    "neutral": "#555555",
    "rule": "#767676",
    "dont_know_area": "#F2F2F2",
}
#: The background every figure is drawn on.
BACKGROUND = "#FFFFFF"
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
# Danish names of the markers (plural), for notes and alt texts that say
# which symbol stands for which round.
# Bars of a round are told apart by their fill pattern as well as their colour
# (the follow-up solid, the baseline hatched, earlier rounds other patterns).
_HATCHES = {"baseline": "////", "followup": "", "rounds": ("....", "xxxx", "\\\\\\\\")}
_HATCH_NAMES = {"": "fyldte søjler", "////": "skraverede søjler", "....": "prikkede søjler",
                "xxxx": "krydsskraverede søjler", "\\\\\\\\": "modsat skraverede søjler"}
_MARKER_NAMES = {"o": "cirkler", "s": "firkanter", "^": "trekanter", "v": "omvendte trekanter", "D": "ruder"}
# Symbol printed in each plan-status circle, and its colour, so that the
# statuses differ by more than colour.
_STATUS_SYMBOLS = {
    "gennemfoert": ("✓", "#FFFFFF"),
    "i_proces": ("…", "#000000"),
    "ikke_paabegyndt": ("✗", "#FFFFFF"),
}
# Hatch lines of patterned bars.
_HATCH_INK = "#FFFFFF"
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
    "figure.facecolor": BACKGROUND,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.facecolor": BACKGROUND,
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
    {'a': '#B0407F', 'b': '#C26A00', 'c': '#0072B2'}
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


def round_marker_names(rounds: Sequence[str]) -> dict[str, str]:
    """Map round keys, in chronological order, to the Danish name of their
    marker in the figures (the same rule as :func:`round_colours`).

    >>> round_marker_names(["a", "b", "c"])
    {'a': 'trekanter', 'b': 'cirkler', 'c': 'firkanter'}
    """
    return {key: _MARKER_NAMES[style[1]] for key, style in _round_styles(rounds).items()}


def _round_hatches(rounds: Sequence[str]) -> dict[str, str]:
    """Map round keys, in chronological order, to the fill pattern of their bars."""
    rounds = list(rounds)
    hatches = {}
    for i, key in enumerate(reversed(rounds)):
        if i == 0:
            hatches[key] = _HATCHES["followup"]
        elif i == 1:
            hatches[key] = _HATCHES["baseline"]
        else:
            hatches[key] = _HATCHES["rounds"][(len(rounds) - 1 - i) % len(_HATCHES["rounds"])]
    return {key: hatches[key] for key in rounds}


def round_fill_names(rounds: Sequence[str]) -> dict[str, str]:
    """Map round keys, in chronological order, to the Danish name of their
    bars' fill in the figures.

    >>> round_fill_names(["a", "b"])
    {'a': 'skraverede søjler', 'b': 'fyldte søjler'}
    """
    return {key: _HATCH_NAMES[hatch] for key, hatch in _round_hatches(rounds).items()}
