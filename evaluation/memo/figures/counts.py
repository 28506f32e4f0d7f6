"""Figure 2 for a panel too large for one row per municipality: counts of each plan status.

Above :data:`evaluation.config.FIGURE_ROWS_MAX` municipalities the memo
draws the plan status as counts (this module) and the parameters as the
distribution of answers (:func:`.over_rounds.plot_distribution`); each
municipality's own status and answers go into tables under the figures.
"""
from __future__ import annotations

from collections.abc import Mapping

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ...data import PHASES, STATUSES
from ...exceptions import ParameterError
from .layout import _check_frame, _check_keys, _count, _decorate, _new_figure, _wrap_label
from .panels import _StatusKey
from .theme import PALETTE, _STATUS_SYMBOLS, _themed

__all__ = ["plot_plan_status_counts"]

#: Height of one status's bar, in rows (a phase is one row of three bars).
_BAR = 0.26


def plot_plan_status_counts(
    summary: pd.DataFrame,
    *,
    phase_labels: Mapping[str, str],
    status_labels: Mapping[str, str],
    round_labels: Mapping[str, str],
    title: str | None = "Status over hvor kommunen befinder sig ift. handlingsplanen",
) -> Figure:
    """Figure 2 of a large panel: per round and phase, how many municipalities have each status.

    One panel per round; in each, a group of three horizontal bars per
    phase: gennemført, i proces and ikke påbegyndt, top to bottom, in the
    colours of ``PALETTE["status"]``.  Every bar is labelled at its end with
    the status's symbol (✓, …, ✗) and its count (also a count of 0), so the
    statuses differ by more than colour and every number can be read.

    Parameters
    ----------
    summary : DataFrame
        ``round``, ``phase`` (one of :data:`evaluation.data.PHASES`),
        ``status`` (one of :data:`evaluation.data.STATUSES`), ``n`` (number
        of municipalities), as :func:`evaluation.analysis.trend.plan_status_summary`
        gives it; a missing combination counts as 0.
    phase_labels, status_labels, round_labels, title
        As for :func:`.panels.plot_plan_status`: the phases are the groups
        of bars, top to bottom; one panel per round.

    Returns
    -------
    Figure
        One axes per round.
    """
    func = "plot_plan_status_counts"
    _check_frame(summary, ["round", "phase", "status", "n"], name="summary", func=func)
    _check_keys(summary["round"], round_labels, name="round_labels", func=func)
    _check_keys(summary["phase"], phase_labels, name="phase_labels", func=func)
    _check_keys(STATUSES, status_labels, name="status_labels", func=func)
    for column, allowed in (("phase", PHASES), ("status", STATUSES)):
        unknown = sorted(set(summary[column]) - set(allowed))
        if unknown:
            raise ParameterError(f"{func}: unknown {column} {unknown[0]!r}; allowed: {', '.join(allowed)}")
    counts = pd.to_numeric(summary["n"], errors="coerce")
    if (counts.isna() | (counts < 0) | (counts != counts.round())).any():
        raise ParameterError(f"{func}: n must be a count (a whole number, 0 or more)")
    phases, rounds = list(phase_labels), list(round_labels)
    table = (summary.assign(n=counts).groupby(["round", "phase", "status"])["n"].sum()
             .reindex(pd.MultiIndex.from_product([rounds, phases, STATUSES]), fill_value=0))
    width = max(1.0, float(table.max()))
    y = np.arange(len(phases), dtype=float)
    with _themed():
        fig = _new_figure(1.0 + 0.85 * len(phases))
        axes = fig.subplots(1, len(rounds), sharey=True, squeeze=False)[0]
        for ax, key in zip(axes, rounds):
            for i, code in enumerate(STATUSES):
                n = table.loc[key].xs(code, level=1).reindex(phases).to_numpy(dtype=float)
                pos = y + (i - 1) * _BAR
                ax.barh(pos, n, height=_BAR * 0.9, color=PALETTE["status"][code], edgecolor="#333333",
                        linewidth=0.6, zorder=3)
                symbol = _STATUS_SYMBOLS[code][0]
                for p, value in zip(pos, n):
                    ax.annotate(f"{symbol} {_count(value)}", (value, p), xytext=(3, 0), textcoords="offset points",
                                ha="left", va="center", fontsize=7.5, zorder=4)
            ax.set_title(round_labels[key])
            ax.set_yticks(y, [_wrap_label(phase_labels[p], 12) for p in phases])
            ax.set_ylim(len(phases) - 0.5, -0.5)
            ax.set_xlim(0, width * 1.3)
            ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(nbins=4, integer=True))
            ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: _count(v)))
            ax.set_xlabel("Antal kommuner")
            ax.grid(axis="y", visible=False)
            ax.tick_params(axis="y", length=0)
        handles = [Patch(label=status_labels[code]) for code in STATUSES]
        _decorate(fig, None, True, title=title, handles=handles, labels=[status_labels[c] for c in STATUSES],
                  caption=["For hver fase tre bjælker: antallet af kommuner med status ✓ gennemført, … i proces "
                           "og ✗ ikke påbegyndt."],
                  handler_map={h: _StatusKey(code) for h, code in zip(handles, STATUSES)})
    return fig
