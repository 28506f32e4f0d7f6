"""The memo's comparison figures: means per parameter, plan status and one item's answers.

>>> import pandas as pd
>>> fig = plot_means(
...     pd.DataFrame({"item": ["beredskab"], "n_pairs": [10],
...                   "mean_baseline": [3.2], "mean_followup": [3.6]}),
...     labels={"beredskab": "Beredskab"},
...     baseline_label="Slutmåling", followup_label="Opfølgning")
>>> len(fig.axes)
1
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerBase
from matplotlib.patches import Circle, Patch
from matplotlib.text import Text
from matplotlib.lines import Line2D

from ...config import DONT_KNOW_CODE
from ...data import PHASES, STATUSES
from ...exceptions import ParameterError
from .layout import (
    _answer_marker,
    _check_frame,
    _check_keys,
    _check_scores,
    _dec,
    _decorate,
    _figure_and_axes,
    _new_figure,
    _scale,
    _scale_caption,
    _tuple_handler,
    _wrap_label,
)
from .theme import PALETTE, _MARKERS, _STATUS_SYMBOLS, _themed

__all__ = ["plot_means", "plot_plan_status", "plot_item_scores"]


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
        # One legend key per status: its circle with its symbol, drawn like the
        # cells (a marker made of the symbol shrinks to an unreadable blob).
        handles = [Patch(label=status_labels[code]) for code in STATUSES]
        _decorate(fig, None, True, title=title, handles=handles, labels=[status_labels[c] for c in STATUSES],
                  caption=["Symbolet i cirklen gentager status: ✓ gennemført, … i proces, ✗ ikke påbegyndt."],
                  handler_map={h: _StatusKey(code) for h, code in zip(handles, STATUSES)})
    return fig


class _StatusKey(HandlerBase):
    """Legend key of a plan status: the status's circle with its symbol."""

    def __init__(self, code: str):
        super().__init__()
        self.code = code

    def create_artists(self, legend, orig_handle, xdescent, ydescent, width, height, fontsize, trans):
        x, y = width / 2 - xdescent, height / 2 - ydescent
        symbol, ink = _STATUS_SYMBOLS[self.code]
        circle = Circle((x, y), radius=0.62 * fontsize, facecolor=PALETTE["status"][self.code],
                        edgecolor="#333333", linewidth=0.6, transform=trans)
        mark = Text(x, y, symbol, ha="center", va="center_baseline", color=ink, fontsize=0.85 * fontsize,
                    fontweight="bold", transform=trans)
        return [circle, mark]


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
        ax.axvline(0.5, color=PALETTE["rule"], linewidth=0.8, zorder=1)
        handles, open_handles = [], []
        for shift, key, label in ((-0.17, "baseline", baseline_label), (0.17, "followup", followup_label)):
            colour, marker = PALETTE[key], _MARKERS[key]
            scores = paired[f"score_{key}"].to_numpy(dtype=float)
            dont_know = paired[f"dont_know_{key}"].fillna(False).to_numpy(dtype=bool)
            ok = np.isfinite(scores)
            ax.hlines(y[ok] + shift, 1, scores[ok], color=colour, linewidth=1.5, zorder=2)
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
