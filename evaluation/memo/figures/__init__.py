"""Figure panels of the memo: drawing only, from already computed tidy frames.

Every function here takes a tidy frame that the analysis step has already
computed and returns a new :class:`matplotlib.figure.Figure`; no function
computes a statistic or changes its input.  All text in the figures is
Danish, numbers carry a decimal comma.

The look (:mod:`.theme`), shared building blocks (:mod:`.layout`), the
comparison panels (:mod:`.panels`), figures over all rounds
(:mod:`.over_rounds`), the plan status as counts for a large panel
(:mod:`.counts`), the profile figure (:mod:`.profile`; drawn once per
municipality straight to PNG by :mod:`.profile_chart` on :mod:`.raster`) and
byte-stable saving (:mod:`.saving`).
"""
from .theme import PALETTE, BACKGROUND, SCALE_LABELS, FIGURE_WIDTH, theme_rc, set_theme, round_colours, round_marker_names, round_fill_names, _themed  # noqa: F401
from .panels import plot_means, plot_plan_status, plot_item_scores
from .over_rounds import plot_distribution, plot_trend
from .profile import plot_profile
from .profile_chart import profile_chart
from .raster import Chart
from .counts import plot_plan_status_counts
from .saving import save_figure, figure_to_png_bytes, _PNG_OPTIONS  # noqa: F401

__all__ = [
    "PALETTE",
    "BACKGROUND",
    "SCALE_LABELS",
    "FIGURE_WIDTH",
    "theme_rc",
    "set_theme",
    "round_colours",
    "round_marker_names",
    "round_fill_names",
    "plot_means",
    "plot_plan_status",
    "plot_plan_status_counts",
    "plot_item_scores",
    "plot_distribution",
    "plot_trend",
    "plot_profile",
    "profile_chart",
    "Chart",
    "save_figure",
    "figure_to_png_bytes",
]
