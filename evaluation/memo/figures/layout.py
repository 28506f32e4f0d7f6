"""Shared building blocks of the figures: argument checks, axes, captions and legend markers.

"Ved ikke" is always drawn as its own, open marker (:func:`_answer_marker`),
never as a bar of height 0.
"""
from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple

from ...config import DONT_KNOW_CODE
from ...exceptions import ParameterError
from .theme import FIGURE_WIDTH, SCALE_LABELS, _CAPTION_SIZE

__all__ = []


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


def _count(value: float) -> str:
    """Format a count with a Danish thousands separator: 1000 -> '1.000'."""
    return f"{int(value):,}".replace(",", ".")


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
