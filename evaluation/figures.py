"""Figure panels of the memo: drawing only, from already computed tidy frames.

Every function here takes a tidy frame that the analysis step has already
computed and returns a new :class:`matplotlib.figure.Figure`; no function
computes a statistic or changes its input.  All text in the figures is
Danish, numbers carry a decimal comma.

One look for every figure: :func:`theme_rc` (a seaborn theme plus a few
fixed settings) is applied while a figure is built and while it is saved, so
a figure looks the same whether or not :func:`set_theme` was called.
Baseline and follow-up always have the colours and markers of
:data:`PALETTE`; "ved ikke" is always drawn as its own category, never as a
bar of height 0.  :func:`save_figure` writes PNG and SVG files that are
byte-identical from run to run.

>>> fig = plot_means(
...     pd.DataFrame({"item": ["beredskab"], "n_pairs": [10],
...                   "mean_baseline": [3.2], "mean_followup": [3.6]}),
...     labels={"beredskab": "Beredskab"},
...     baseline_label="Slutmåling", followup_label="Opfølgning")
>>> len(fig.axes)
1
"""
from __future__ import annotations

import io
import math
import os
import textwrap
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .config import DONT_KNOW_CODE
from .data import PHASES, STATUSES
from .exceptions import ParameterError

__all__ = [
    "PALETTE",
    "SCALE_LABELS",
    "FIGURE_WIDTH",
    "theme_rc",
    "set_theme",
    "round_colours",
    "plot_means",
    "plot_plan_status",
    "plot_item_scores",
    "plot_distribution",
    "plot_trend",
    "plot_profile",
    "save_figure",
    "figure_to_png_bytes",
]

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


# ------------------------------------------------------------------ checks
def _check_frame(frame, columns: Sequence[str], *, name: str, func: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"{func}: {name} must be a DataFrame, not {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"{func}: {name} lacks column(s) {', '.join(map(repr, missing))}; "
            f"it needs {', '.join(columns)}"
        )
    if frame.empty:
        raise ParameterError(f"{func}: {name} has no rows")


def _check_keys(keys, mapping, *, name: str, func: str) -> None:
    if not isinstance(mapping, Mapping):
        raise ParameterError(f"{func}: {name} must be a mapping, not {type(mapping).__name__}")
    missing = [k for k in dict.fromkeys(keys) if k not in mapping]
    if missing:
        raise ParameterError(f"{func}: {name} has no entry for {', '.join(map(repr, missing))}")


def _check_scores(values: pd.Series, *, name: str, func: str) -> None:
    numbers = pd.to_numeric(values, errors="coerce")
    bad = values[(numbers.isna() & values.notna()) | (numbers < 1) | (numbers > 4)]
    if not bad.empty:
        raise ParameterError(f"{func}: {name} must lie in 1-4 or be missing; found {bad.iloc[0]!r}")


def _scale(scale_labels, func: str) -> dict[int, str]:
    scale = dict(SCALE_LABELS if scale_labels is None else scale_labels)
    _check_keys([DONT_KNOW_CODE, 1, 2, 3, 4], scale, name="scale_labels", func=func)
    return scale


# ------------------------------------------------------------------ helpers
def _dec(value: float, digits: int = 1) -> str:
    """Format a number with a Danish decimal comma: 3.25 -> '3,3'."""
    return f"{value:.{digits}f}".replace(".", ",").replace("-", "\u2212")


def _new_figure(height: float) -> Figure:
    return Figure(figsize=(FIGURE_WIDTH, height), layout="constrained")


def _figure_and_axes(ax, height: float):
    """Return (figure, axes, owned): a new figure unless ``ax`` is given."""
    if ax is not None:
        return ax.figure, ax, False
    fig = _new_figure(height)
    return fig, fig.add_subplot(), True


def _wrap(lines: Sequence[str], width: int) -> str:
    return "\n".join(textwrap.fill(line, width) for line in lines if line)


def _scale_caption(scale: Mapping[int, str], *, dont_know: str) -> str:
    steps = ", ".join(f"{c} = {scale[c]}" for c in (1, 2, 3, 4))
    return f"Skala: {steps}. {dont_know}"


def _decorate(fig, ax, owned: bool, *, title, handles, labels, caption, handler_map=None) -> None:
    """Add the title, the legend (above the plot) and the caption (under it).

    In a figure of our own, the figure grows by the room they need so the
    plot keeps its size: title and legend go in a band at the top, the
    caption in a band at the bottom, all left aligned.  In a caller's axes
    they become the axes title, an axes legend and the x label.
    """
    caption = list(caption or [])
    if not owned:
        if title:
            ax.set_title(title)
        if handles:
            ax.legend(handles, labels, handler_map=handler_map, frameon=True, framealpha=0.9)
        if caption:
            ax.set_xlabel(_wrap(caption, 90), loc="left", fontsize=_CAPTION_SIZE, color="#333333")
        return
    pt = 1 / 72
    width, height = fig.get_size_inches()
    text = _wrap(caption, 108)
    n_lines = text.count("\n") + 1 if text else 0
    title_h = (mpl.rcParams["figure.titlesize"] * 1.5 + 2) * pt if title else 0
    legend_h = mpl.rcParams["legend.fontsize"] * 2.4 * pt if handles else 0
    head = 5 * pt + title_h + legend_h
    foot = (n_lines * _CAPTION_SIZE * 1.35 + 9) * pt if n_lines else 3 * pt
    total = height + head + foot
    fig.set_size_inches(width, total)
    fig.get_layout_engine().set(rect=(0, foot / total, 1, 1 - (head + foot) / total))
    left = 6 * pt / width
    if title:
        fig.text(left, 1 - 5 * pt / total, title, ha="left", va="top",
                 fontsize=mpl.rcParams["figure.titlesize"], fontweight="bold")
    if handles:
        fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(left, 1 - (5 * pt + title_h) / total),
                   borderaxespad=0, borderpad=0.2, ncols=len(handles), handler_map=handler_map,
                   frameon=False)
    if text:
        fig.text(left, 4 * pt / total, text, ha="left", va="bottom", fontsize=_CAPTION_SIZE,
                 color="#333333", linespacing=1.35)


def _wrap_label(text: str, width: int = 14) -> str:
    return textwrap.fill(text, width, break_long_words=False)


def _answer_marker(colour: str, *, dont_know: bool) -> dict:
    """Marker keywords of one answer drawn as a line marker: filled in its
    round's colour with a thin black edge, or open in that colour for
    "ved ikke"."""
    if dont_know:
        return {"markerfacecolor": "white", "markeredgecolor": colour, "markeredgewidth": 1.5}
    return {"markerfacecolor": colour, "markeredgecolor": "black", "markeredgewidth": 0.5}


def _tuple_handler():
    return {tuple: HandlerTuple(ndivide=None, pad=0.6)}


def _panel_grid(n: int, *, row_height: float, extra: float):
    """A figure with ``n`` small-multiple axes in two columns."""
    ncols = 1 if n == 1 else 2
    nrows = math.ceil(n / ncols)
    fig = _new_figure(extra + nrows * row_height)
    grid = fig.subplots(nrows, ncols, squeeze=False, sharey=True)
    axes = list(grid.flat)
    for spare in axes[n:]:
        fig.delaxes(spare)
    return fig, axes[:n], ncols


# ------------------------------------------------------------------ figure 1
def plot_means(
    comparison: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    baseline_label: str,
    followup_label: str,
    scale_labels: Mapping[int, str] | None = None,
    title: str | None = "Udvikling i udvalgte områder",
    ax=None,
) -> Figure:
    """Figure 1: each parameter's mean at baseline and at follow-up.

    Parameters
    ----------
    comparison : DataFrame
        One row per item, top to bottom in the figure: ``item``,
        ``n_pairs`` (municipalities with a valid answer in both rounds),
        ``mean_baseline``, ``mean_followup`` (1-4, NaN draws nothing).
    labels : mapping
        Item key -> Danish label.
    baseline_label, followup_label : str
        Danish names of the two rounds (legend).
    scale_labels : mapping, optional
        Answer code -> Danish label; :data:`SCALE_LABELS` by default.
    title : str or None
        Figure title; ``None`` for none.
    ax : Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    Figure
    """
    func = "plot_means"
    _check_frame(comparison, ["item", "n_pairs", "mean_baseline", "mean_followup"], name="comparison", func=func)
    _check_keys(comparison["item"], labels, name="labels", func=func)
    for column in ("mean_baseline", "mean_followup"):
        _check_scores(comparison[column], name=column, func=func)
    scale = _scale(scale_labels, func)
    n = len(comparison)
    y = np.arange(n)
    with _themed():
        fig, ax, owned = _figure_and_axes(ax, 0.9 + 0.45 * n)
        handles = []
        for shift, key, label in ((-0.18, "baseline", baseline_label), (0.18, "followup", followup_label)):
            colour, marker = PALETTE[key], _MARKERS[key]
            values = comparison[f"mean_{key}"].to_numpy(dtype=float)
            ok = np.isfinite(values)
            ax.hlines(y[ok] + shift, 1, values[ok], color=colour, linewidth=2.5, zorder=2)
            ax.scatter(values[ok], y[ok] + shift, s=42, marker=marker, color=colour, zorder=3, label=label)
            for value, pos in zip(values[ok], y[ok] + shift):
                ax.annotate(_dec(value), (value, pos), xytext=(6, 0), textcoords="offset points",
                            va="center", ha="left", fontsize=8.5)
            handles.append(Line2D([], [], color=colour, marker=marker, linewidth=2.5, label=label))
        ticks = [f"{labels[item]}\n(n = {int(k)})" for item, k in zip(comparison["item"], comparison["n_pairs"])]
        ax.set_yticks(y, ticks)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0.9, 4.4)
        ax.set_xticks([1, 2, 3, 4], [f"{c}\n{scale[c]}" for c in (1, 2, 3, 4)])
        ax.grid(axis="y", visible=False)
        _decorate(fig, ax, owned, title=title, handles=handles, labels=[baseline_label, followup_label],
                  caption=[f"Gennemsnit af de gyldige svar. {scale[DONT_KNOW_CODE]} indgår ikke. "
                           "n = antal kommuner med et gyldigt svar i begge målinger."])
    return fig


# ------------------------------------------------------------------ figure 2
def plot_plan_status(
    status: pd.DataFrame,
    *,
    municipalities: Sequence[str],
    phase_labels: Mapping[str, str],
    status_labels: Mapping[str, str],
    round_labels: Mapping[str, str],
    title: str | None = "Status over hvor kommunen befinder sig ift. handlingsplanen",
) -> Figure:
    """Figure 2: a municipality x phase grid of status circles per round.

    Each circle has the colour of its status in ``PALETTE["status"]`` and a
    symbol (✓ gennemført, … i proces, ✗ ikke påbegyndt) so the statuses
    differ by more than colour.  A municipality without a status in a round
    has an empty cell.

    Parameters
    ----------
    status : DataFrame
        ``round``, ``municipality``, ``phase`` (one of
        :data:`evaluation.data.PHASES`), ``status`` (one of
        :data:`evaluation.data.STATUSES`).
    municipalities : sequence of str
        Rows, top to bottom.
    phase_labels : mapping
        Phase key -> Danish label; the columns, in this order.
    status_labels : mapping
        Status key -> Danish label (legend).
    round_labels : mapping
        Round key -> Danish label; one panel per round, in this order.
    title : str or None
        Figure title; ``None`` for none.

    Returns
    -------
    Figure
        One axes per round.
    """
    func = "plot_plan_status"
    _check_frame(status, ["round", "municipality", "phase", "status"], name="status", func=func)
    municipalities = list(municipalities)
    if not municipalities:
        raise ParameterError(f"{func}: municipalities is empty")
    _check_keys(status["round"], round_labels, name="round_labels", func=func)
    _check_keys(status["municipality"], dict.fromkeys(municipalities), name="municipalities", func=func)
    _check_keys(status["phase"], phase_labels, name="phase_labels", func=func)
    _check_keys(STATUSES, status_labels, name="status_labels", func=func)
    unknown = sorted(set(status["status"]) - set(STATUSES))
    if unknown:
        raise ParameterError(f"{func}: unknown status {unknown[0]!r}; allowed: {', '.join(STATUSES)}")
    unknown = sorted(set(phase_labels) - set(PHASES))
    if unknown:
        raise ParameterError(f"{func}: unknown phase {unknown[0]!r}; allowed: {', '.join(PHASES)}")
    phases = list(phase_labels)
    row = {m: i for i, m in enumerate(municipalities)}
    col = {p: i for i, p in enumerate(phases)}
    rounds = list(round_labels)
    with _themed():
        fig = _new_figure(0.8 + 0.3 * len(municipalities))
        axes = fig.subplots(1, len(rounds), sharey=True, squeeze=False)[0]
        for ax, key in zip(axes, rounds):
            part = status[status["round"] == key]
            for code in STATUSES:
                cells = part[part["status"] == code]
                x = cells["phase"].map(col).to_numpy(dtype=float)
                y = cells["municipality"].map(row).to_numpy(dtype=float)
                ax.scatter(x, y, s=190, color=PALETTE["status"][code], edgecolor="#333333",
                           linewidth=0.6, zorder=3, label=status_labels[code])
                symbol, ink = _STATUS_SYMBOLS[code]
                for xi, yi in zip(x, y):
                    ax.text(xi, yi, symbol, ha="center", va="center", color=ink, fontsize=7.5,
                            fontweight="bold", zorder=4)
            ax.set_title(round_labels[key])
            ax.set_xticks(range(len(phases)), [_wrap_label(phase_labels[p], 9) for p in phases])
            ax.set_xlim(-0.6, len(phases) - 0.4)
            ax.set_yticks(range(len(municipalities)), municipalities)
            ax.set_ylim(len(municipalities) - 0.5, -0.5)
            ax.grid(axis="x", visible=False)
            ax.tick_params(axis="both", length=0)
        handles = [
            (Line2D([], [], linestyle="", marker="o", markersize=11, markerfacecolor=PALETTE["status"][code],
                    markeredgecolor="#333333", markeredgewidth=0.6),
             Line2D([], [], linestyle="", marker=f"${_STATUS_SYMBOLS[code][0]}$", markersize=6,
                    color=_STATUS_SYMBOLS[code][1]))
            for code in STATUSES
        ]
        _decorate(fig, None, True, title=title, handles=handles, labels=[status_labels[c] for c in STATUSES],
                  caption=["Symbolet i cirklen gentager status: ✓ gennemført, … i proces, ✗ ikke påbegyndt."],
                  handler_map={tuple: HandlerTuple(ndivide=1)})
    return fig


# ------------------------------------------------------------------ figures 3-7
def plot_item_scores(
    paired: pd.DataFrame,
    *,
    question: str,
    scale_labels: Mapping[int, str] | None = None,
    baseline_label: str,
    followup_label: str,
    title: str | None = None,
    ax=None,
) -> Figure:
    """Figures 3-7: each municipality's answer at baseline and at follow-up.

    A "ved ikke" answer is an open marker in its own column left of the
    scale; a municipality absent from a round shows nothing for it.  The
    question and the scale are printed under the axes.

    Parameters
    ----------
    paired : DataFrame
        One row per municipality, top to bottom in the figure:
        ``municipality``, ``score_baseline``, ``score_followup`` (1-4 or
        NaN), ``dont_know_baseline``, ``dont_know_followup`` (bool).
    question : str
        The survey question (Danish).
    scale_labels : mapping, optional
        Answer code -> Danish label; :data:`SCALE_LABELS` by default.
    baseline_label, followup_label : str
        Danish names of the two rounds (legend).
    title : str or None
        Figure title; ``None`` for none.
    ax : Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    Figure
    """
    func = "plot_item_scores"
    columns = ["municipality", "score_baseline", "score_followup", "dont_know_baseline", "dont_know_followup"]
    _check_frame(paired, columns, name="paired", func=func)
    if paired["municipality"].duplicated().any():
        first = paired.loc[paired["municipality"].duplicated(), "municipality"].iloc[0]
        raise ParameterError(f"{func}: municipality {first!r} appears twice in paired")
    if not isinstance(question, str) or not question.strip():
        raise ParameterError(f"{func}: question must be a non-empty string")
    for key in ("baseline", "followup"):
        _check_scores(paired[f"score_{key}"], name=f"score_{key}", func=func)
        both = paired[f"dont_know_{key}"].fillna(False).astype(bool) & paired[f"score_{key}"].notna()
        if both.any():
            raise ParameterError(
                f"{func}: {paired.loc[both, 'municipality'].iloc[0]!r} has both a score and "
                f"dont_know_{key}; a 'ved ikke' answer has no score"
            )
    scale = _scale(scale_labels, func)
    n = len(paired)
    y = np.arange(n)
    with _themed():
        fig, ax, owned = _figure_and_axes(ax, 0.8 + 0.3 * n)
        ax.axvspan(-0.5, 0.5, color=PALETTE["dont_know_area"], zorder=0, linewidth=0)
        ax.axvline(0.5, color="#999999", linewidth=0.8, zorder=1)
        handles, open_handles = [], []
        for shift, key, label in ((-0.17, "baseline", baseline_label), (0.17, "followup", followup_label)):
            colour, marker = PALETTE[key], _MARKERS[key]
            scores = paired[f"score_{key}"].to_numpy(dtype=float)
            dont_know = paired[f"dont_know_{key}"].fillna(False).to_numpy(dtype=bool)
            ok = np.isfinite(scores)
            ax.hlines(y[ok] + shift, 1, scores[ok], color=colour, linewidth=2, alpha=0.55, zorder=2)
            ax.scatter(scores[ok], y[ok] + shift, s=36, marker=marker, color=colour, zorder=3, label=label)
            ax.scatter(np.zeros(dont_know.sum()), y[dont_know] + shift, s=36, marker=marker,
                       facecolor="white", edgecolor=colour, linewidth=1.5, zorder=3)
            handles.append(Line2D([], [], color=colour, marker=marker, linewidth=2, label=label))
            open_handles.append(Line2D([], [], linestyle="", marker=marker, **_answer_marker(colour, dont_know=True)))
        ax.set_yticks(y, paired["municipality"].astype(str).tolist())
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(-0.5, 4.5)
        ax.set_xticks(range(5), [_wrap_label(scale[c]) for c in (DONT_KNOW_CODE, 1, 2, 3, 4)])
        ax.grid(axis="y", visible=False)
        handles.append(tuple(open_handles))
        caption = [f"Spørgsmål: {question.strip()}",
                   _scale_caption(scale, dont_know=f"{scale[DONT_KNOW_CODE]} vises for sig (åben markør).")]
        _decorate(fig, ax, owned, title=title, handles=handles,
                  labels=[baseline_label, followup_label, scale[DONT_KNOW_CODE]], caption=caption,
                  handler_map=_tuple_handler())
    return fig


# ------------------------------------------------------------------ figure 8
def plot_distribution(
    distribution: pd.DataFrame,
    *,
    scale_labels: Mapping[int, str] | None = None,
    round_labels: Mapping[str, str],
    question: str,
    title: str | None = None,
    ax=None,
) -> Figure:
    """Figure 8: number of answers in each category, per round.

    Categories in scale order with "ved ikke" as its own category to the
    left; a count of 0 is printed as "0" with no bar.  Rounds are coloured
    by :func:`round_colours` (the last two: baseline and follow-up).

    Parameters
    ----------
    distribution : DataFrame
        ``round``, ``code`` (0-4, 0 = ved ikke), ``n`` (count); a missing
        code counts as 0.  Other columns (e.g. ``share``) are ignored.
    scale_labels : mapping, optional
        Answer code -> Danish label; :data:`SCALE_LABELS` by default.
    round_labels : mapping
        Round key -> Danish label; one bar per round, in this order.
    question : str
        The survey question (Danish), printed under the axes.
    title : str or None
        Figure title; ``None`` for none.
    ax : Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    Figure
    """
    func = "plot_distribution"
    _check_frame(distribution, ["round", "code", "n"], name="distribution", func=func)
    _check_keys(distribution["round"], round_labels, name="round_labels", func=func)
    if not isinstance(question, str) or not question.strip():
        raise ParameterError(f"{func}: question must be a non-empty string")
    scale = _scale(scale_labels, func)
    codes = [DONT_KNOW_CODE, 1, 2, 3, 4]
    unknown = sorted(set(distribution["code"]) - set(codes))
    if unknown:
        raise ParameterError(f"{func}: unknown code {unknown[0]!r}; allowed: 0-4")
    if (pd.to_numeric(distribution["n"], errors="coerce").fillna(-1) < 0).any():
        raise ParameterError(f"{func}: n must be a count (0 or more)")
    rounds = list(round_labels)
    styles = _round_styles(rounds)
    width = 0.8 / len(rounds)
    x = np.arange(len(codes), dtype=float)
    with _themed():
        fig, ax, owned = _figure_and_axes(ax, 2.8)
        ax.axvspan(-0.5, 0.5, color=PALETTE["dont_know_area"], zorder=0, linewidth=0)
        ax.axvline(0.5, color="#999999", linewidth=0.8, zorder=1)
        top = 0
        handles = []
        for i, key in enumerate(rounds):
            part = distribution[distribution["round"] == key]
            counts = part.groupby("code")["n"].sum().reindex(codes, fill_value=0).to_numpy(dtype=float)
            pos = x + (i - (len(rounds) - 1) / 2) * width
            shown = counts > 0
            ax.bar(pos[shown], counts[shown], width * 0.92, color=styles[key][0], zorder=2,
                   label=round_labels[key])
            for p, c in zip(pos, counts):
                ax.annotate(f"{int(c)}", (p, c), xytext=(0, 2), textcoords="offset points",
                            ha="center", va="bottom", fontsize=8)
            top = max(top, counts.max())
            handles.append(Patch(color=styles[key][0], label=round_labels[key]))
        ax.set_xticks(x, [_wrap_label(scale[c]) for c in codes])
        ax.set_xlim(-0.5, len(codes) - 0.5)
        ax.set_ylim(0, top * 1.15 + 0.5)
        ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        ax.set_ylabel("Antal kommuner")
        ax.grid(axis="x", visible=False)
        _decorate(fig, ax, owned, title=title, handles=handles, labels=[round_labels[k] for k in rounds],
                  caption=[f"Spørgsmål: {question.strip()}",
                           f"{scale[DONT_KNOW_CODE]} vises som en kategori for sig."])
    return fig


# ------------------------------------------------------------------ trend
def plot_trend(
    trend: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    round_labels: Mapping[str, str],
    title: str | None = "Gennemsnit i alle målinger",
) -> Figure:
    """Each item's mean over all rounds, one small panel per item.

    The mean is printed over each point and the number of valid answers
    (n) under it; points have the colour of their round
    (:func:`round_colours`).

    Parameters
    ----------
    trend : DataFrame
        One row per item and round: ``item``, ``round``, ``order`` (the
        round's position in time), ``n_valid``, ``mean`` (1-4; NaN draws no
        point).  Other columns (e.g. ``median``) are ignored.  Panels
        follow the items' first appearance.
    labels : mapping
        Item key -> Danish label (panel titles).
    round_labels : mapping
        Round key -> Danish label (x axis).
    title : str or None
        Figure title; ``None`` for none.

    Returns
    -------
    Figure
        One axes per item.
    """
    func = "plot_trend"
    _check_frame(trend, ["item", "round", "order", "n_valid", "mean"], name="trend", func=func)
    _check_keys(trend["item"], labels, name="labels", func=func)
    _check_keys(trend["round"], round_labels, name="round_labels", func=func)
    _check_scores(trend["mean"], name="mean", func=func)
    ticks = trend[["order", "round"]].drop_duplicates().sort_values("order", kind="stable")
    if ticks["order"].duplicated().any() or ticks["round"].duplicated().any():
        raise ParameterError(f"{func}: each round needs exactly one order value")
    styles = _round_styles(ticks["round"].tolist())
    items = list(dict.fromkeys(trend["item"]))
    with _themed():
        fig, axes, ncols = _panel_grid(len(items), row_height=1.75, extra=0.3)
        for ax, item in zip(axes, items):
            part = trend[trend["item"] == item].sort_values("order", kind="stable")
            ok = part[part["mean"].notna()]
            ax.plot(ok["order"], ok["mean"], color=PALETTE["neutral"], linewidth=1.2, zorder=2)
            for _, r in ok.iterrows():
                colour, marker = styles[r["round"]]
                ax.scatter(r["order"], r["mean"], s=40, marker=marker, color=colour, zorder=3)
                ax.annotate(_dec(r["mean"]), (r["order"], r["mean"]), xytext=(0, 6),
                            textcoords="offset points", ha="center", va="bottom", fontsize=8)
            for _, r in part.iterrows():
                ax.annotate(f"n = {int(r['n_valid'])}", (r["order"], 1), xytext=(0, -2),
                            textcoords="offset points", ha="center", va="top", fontsize=7,
                            color=PALETTE["neutral"])
            ax.set_title(labels[item], loc="left")
            ax.set_ylim(0.6, 4.6)
            ax.set_yticks([1, 2, 3, 4])
            _round_ticks(ax, ticks["order"], [round_labels[r] for r in ticks["round"]])
            ax.set_xlim(ticks["order"].min() - 0.45, ticks["order"].max() + 0.45)
            ax.grid(axis="x", visible=False)
        _label_outer_rows(axes, ncols)
        _decorate(fig, None, True, title=title, handles=[], labels=[], caption=[
            "Gennemsnit af de gyldige svar på skalaen 1 = Slet ikke til 4 = I høj grad; Ved ikke indgår ikke. "
            "n = antal gyldige svar."])
    return fig


def _round_ticks(ax, positions, names) -> None:
    """Round names on the x axis, aligned on their baseline (so that an
    accent such as the ring of 'å' does not push one name down)."""
    ax.set_xticks(list(positions), names, va="baseline")
    ax.tick_params(axis="x", pad=3.5 + 0.8 * mpl.rcParams["xtick.labelsize"])


def _label_outer_rows(axes, ncols: int) -> None:
    """Show x tick labels only on panels with no panel below them."""
    for i, ax in enumerate(axes):
        if i + ncols < len(axes):
            ax.tick_params(axis="x", labelbottom=False)


# ------------------------------------------------------------------ profile
def plot_profile(
    profile: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    round_labels: Mapping[str, str],
    municipality: str,
    title: str | None = None,
) -> Figure:
    """One municipality's answers over the rounds, against the group.

    One panel per item: the group's range (lowest to highest answer) as a
    grey bar, the group median as a dashed line, the municipality's answers
    as points in the round colours; "ved ikke" is an open marker on its own
    row under the scale.  Other municipalities are never named.

    Parameters
    ----------
    profile : DataFrame
        One row per item and round: ``item``, ``round``, ``score`` (1-4 or
        NaN), ``dont_know`` (bool), ``group_median``, ``group_min``,
        ``group_max`` (1-4 or NaN).  Panels follow the items' first
        appearance.
    labels : mapping
        Item key -> Danish label (panel titles).
    round_labels : mapping
        Round key -> Danish label; the x axis, in this order.
    municipality : str
        The municipality's name (title and legend).
    title : str or None
        Figure title; by default "<municipality> set i forhold til gruppen".

    Returns
    -------
    Figure
        One axes per item.
    """
    func = "plot_profile"
    columns = ["item", "round", "score", "dont_know", "group_median", "group_min", "group_max"]
    _check_frame(profile, columns, name="profile", func=func)
    _check_keys(profile["item"], labels, name="labels", func=func)
    _check_keys(profile["round"], round_labels, name="round_labels", func=func)
    if not isinstance(municipality, str) or not municipality.strip():
        raise ParameterError(f"{func}: municipality must be a non-empty string")
    for column in ("score", "group_median", "group_min", "group_max"):
        _check_scores(profile[column], name=column, func=func)
    rounds = list(round_labels)
    position = {r: i for i, r in enumerate(rounds)}
    styles = _round_styles(rounds)
    items = list(dict.fromkeys(profile["item"]))
    title = f"{municipality} set i forhold til gruppen" if title is None else title
    with _themed():
        fig, axes, ncols = _panel_grid(len(items), row_height=1.75, extra=0.3)
        for ax, item in zip(axes, items):
            part = profile[profile["item"] == item].assign(x=lambda d: d["round"].map(position))
            part = part.sort_values("x", kind="stable")
            ax.axhspan(-0.5, 0.5, color=PALETTE["dont_know_area"], zorder=0, linewidth=0)
            ax.vlines(part["x"], part["group_min"], part["group_max"], color=PALETTE["group"],
                      linewidth=9, zorder=1)
            # Markers are drawn as lines without a line (one per point): the
            # same marks as a scatter of area s at size sqrt(s), for a fraction
            # of the cost, which counts when a run draws a profile per municipality.
            ax.plot(part["x"], part["group_median"], linestyle="", marker="_", markersize=math.sqrt(180),
                    markeredgewidth=2, color=PALETTE["neutral"], zorder=2)
            valid = part[part["score"].notna()]
            ax.plot(valid["x"], valid["score"], color=PALETTE["neutral"], linewidth=0.8, zorder=3)
            for r, x, score, dont_know in zip(part["round"], part["x"], part["score"], part["dont_know"]):
                answered = pd.notna(score)
                if not answered and not dont_know:
                    continue  # absent from this round: nothing to draw
                colour, marker = styles[r]
                ax.plot([x], [score if answered else 0], linestyle="", marker=marker, markersize=_POINT_SIZE,
                        zorder=4, **_answer_marker(colour, dont_know=not answered))
            ax.set_title(labels[item], loc="left")
            ax.set_ylim(-0.6, 4.5)
            ax.set_yticks([0, 1, 2, 3, 4], ["Ved ikke", "1", "2", "3", "4"])
            _round_ticks(ax, range(len(rounds)), [round_labels[r] for r in rounds])
            ax.set_xlim(-0.45, len(rounds) - 0.55)
            ax.grid(axis="x", visible=False)
        _label_outer_rows(axes, ncols)
        own = tuple(Line2D([], [], linestyle="", marker=styles[r][1], **_answer_marker(styles[r][0], dont_know=False))
                    for r in rounds)
        dont_know = tuple(Line2D([], [], linestyle="", marker=styles[r][1], **_answer_marker(styles[r][0], dont_know=True))
                          for r in rounds)
        handles = [own, dont_know,
                   Line2D([], [], color=PALETTE["group"], linewidth=9),
                   Line2D([], [], linestyle="", color=PALETTE["neutral"], marker="_", markersize=13,
                          markeredgewidth=2)]
        names = [municipality, "Ved ikke", "Gruppens spænd", "Gruppens median"]
        _decorate(fig, None, True, title=title, handles=handles, labels=names, handler_map=_tuple_handler(),
                  caption=["Skala: 1 = Slet ikke, 2 = I mindre grad, 3 = I nogen grad, 4 = I høj grad. "
                           "Gruppens spænd går fra det laveste til det højeste svar i gruppen."])
    return fig


# ------------------------------------------------------------------ saving
_PNG_OPTIONS = {"format": "png", "metadata": {"Software": None}}
_SVG_OPTIONS = {"format": "svg", "metadata": {"Date": None, "Creator": None}}


def save_figure(fig: Figure, stem: str | os.PathLike, *, formats: tuple[str, ...] = ("png", "svg")) -> dict[str, Path]:
    """Write ``<stem>.png`` and ``<stem>.svg`` byte-deterministically.

    No date, software version or random id goes into the files (the SVG
    date is left out, so ``SOURCE_DATE_EPOCH`` plays no part), so the same
    figure gives the same bytes on every run.  The figure is closed.
    ``formats`` picks which of the two to write (``"png"`` is required:
    documents embed it).

    Returns
    -------
    dict
        ``{"png": Path, "svg": Path}`` (only the formats written).
    """
    if not isinstance(fig, Figure):
        raise ParameterError(f"save_figure: fig must be a matplotlib Figure, not {type(fig).__name__}")
    if "png" not in formats or not set(formats) <= {"png", "svg"}:
        raise ParameterError(f"save_figure: formats must include 'png' and may add 'svg'; got {formats!r}")
    stem = Path(stem)
    if not stem.name:
        raise ParameterError("save_figure: stem must name a file")
    stem.parent.mkdir(parents=True, exist_ok=True)
    options = {"png": _PNG_OPTIONS, "svg": _SVG_OPTIONS}
    paths = {fmt: stem.with_name(f"{stem.name}.{fmt}") for fmt in ("png", "svg") if fmt in formats}
    with _themed(), _laid_out(fig):
        for fmt, path in paths.items():
            fig.savefig(path, **options[fmt])
    _close(fig)
    return paths


def figure_to_png_bytes(fig: Figure) -> bytes:
    """Return the PNG that :func:`save_figure` writes, as bytes; the figure stays open."""
    if not isinstance(fig, Figure):
        raise ParameterError(f"figure_to_png_bytes: fig must be a matplotlib Figure, not {type(fig).__name__}")
    buffer = io.BytesIO()
    with _themed(), _laid_out(fig):
        fig.savefig(buffer, **_PNG_OPTIONS)
    return buffer.getvalue()


@contextmanager
def _laid_out(fig: Figure):
    """Lay ``fig`` out once, at the resolution of the PNG, and keep that layout
    while it is saved.

    For a figure with a layout engine, ``savefig`` first draws the whole
    figure without output only to run the engine, and does so for every
    format.  Running the engine here and hiding it while saving skips those
    passes; the pixels are the same (``tests/test_figures.py`` compares them
    with a plain ``savefig``) and the PNG and the SVG share one layout.
    matplotlib offers no public way to save without the engine, so this
    sets the figure's ``_layout_engine`` and falls back to a plain save where
    that attribute is missing.
    """
    engine = fig.get_layout_engine()
    if engine is None or getattr(fig, "_layout_engine", None) is not engine:
        yield
        return
    dpi = fig.get_dpi()
    fig.set_dpi(mpl.rcParams["savefig.dpi"])
    try:
        engine.execute(fig)
    finally:
        fig.set_dpi(dpi)
    fig._layout_engine = None
    try:
        yield
    finally:
        fig._layout_engine = engine


def _close(fig: Figure) -> None:
    if getattr(fig.canvas, "manager", None) is not None:
        from matplotlib import pyplot as plt

        plt.close(fig)
