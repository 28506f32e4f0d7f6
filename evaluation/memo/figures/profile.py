"""The profile figure: one municipality's answers against the group's median and range.

:func:`plot_profile` draws it as a matplotlib figure (to adjust or combine
in JupyterLab); a run draws the same chart once per municipality straight to
PNG with :func:`~evaluation.memo.figures.profile_chart`, at a tenth of the cost.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .layout import (
    _answer_marker,
    _decorate,
    _label_outer_rows,
    _panel_grid,
    _round_ticks,
    _tuple_handler,
)
from .profile_chart import check_profile
from .theme import PALETTE, _POINT_SIZE, _round_styles, _themed

__all__ = ["plot_profile"]


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
    check_profile(profile, labels, round_labels, municipality, func="plot_profile")
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
                    markeredgewidth=2, color=PALETTE["median"], zorder=2)
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
                   Line2D([], [], linestyle="", color=PALETTE["median"], marker="_", markersize=13,
                          markeredgewidth=2)]
        names = [municipality, "Ved ikke", "Gruppens spænd", "Gruppens median"]
        _decorate(fig, None, True, title=title, handles=handles, labels=names, handler_map=_tuple_handler(),
                  caption=["Skala: 1 = Slet ikke, 2 = I mindre grad, 3 = I nogen grad, 4 = I høj grad. "
                           "Gruppens spænd går fra det laveste til det højeste svar i gruppen."])
    return fig
