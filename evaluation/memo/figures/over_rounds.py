"""Figures over every round: the distribution of answers and the trend of the means.
"""
from __future__ import annotations

from collections.abc import Mapping

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ...config import DONT_KNOW_CODE
from ...exceptions import ParameterError
from .layout import (
    _check_frame,
    _check_keys,
    _check_scores,
    _count,
    _dec,
    _decorate,
    _figure_and_axes,
    _label_outer_rows,
    _panel_grid,
    _round_ticks,
    _scale,
    _wrap_label,
)
from .theme import PALETTE, _HATCH_INK, _round_hatches, _round_styles, _themed

__all__ = ["plot_distribution", "plot_trend"]


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
    by :func:`round_colours` (the last two: baseline and follow-up) and
    differ by fill pattern too (:func:`round_fill_names`).

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
    hatches = _round_hatches(rounds)
    width = 0.8 / len(rounds)
    x = np.arange(len(codes), dtype=float)
    with _themed():
        fig, ax, owned = _figure_and_axes(ax, 2.8)
        ax.axvspan(-0.5, 0.5, color=PALETTE["dont_know_area"], zorder=0, linewidth=0)
        ax.axvline(0.5, color=PALETTE["rule"], linewidth=0.8, zorder=1)
        top = 0
        handles = []
        for i, key in enumerate(rounds):
            part = distribution[distribution["round"] == key]
            counts = part.groupby("code")["n"].sum().reindex(codes, fill_value=0).to_numpy(dtype=float)
            pos = x + (i - (len(rounds) - 1) / 2) * width
            shown = counts > 0
            ax.bar(pos[shown], counts[shown], width * 0.92, color=styles[key][0], zorder=2,
                   hatch=hatches[key], edgecolor=_HATCH_INK, linewidth=0, label=round_labels[key])
            for p, c in zip(pos, counts):
                ax.annotate(_count(c), (p, c), xytext=(0, 2), textcoords="offset points",
                            ha="center", va="bottom", fontsize=8)
            top = max(top, counts.max())
            handles.append(Patch(facecolor=styles[key][0], hatch=hatches[key], edgecolor=_HATCH_INK, linewidth=0,
                                 label=round_labels[key]))
        ax.set_xticks(x, [_wrap_label(scale[c]) for c in codes])
        ax.set_xlim(-0.5, len(codes) - 0.5)
        ax.set_ylim(0, top * 1.15 + 0.5)
        ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: _count(v)))
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
