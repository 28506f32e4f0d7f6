"""The profile chart, drawn straight to PNG: one municipality against the group.

The same chart as :func:`~evaluation.memo.figures.plot_profile` (one panel
per item: the group's range as a grey bar, its median as a black dash, the
municipality's answers as points in the round colours and markers, "ved
ikke" as an open marker in its own band under the scale), laid out as a list
of marks (:mod:`.raster`) instead of a matplotlib figure.  A run draws one per
municipality; this takes a tenth of the time, and the PNG is as
byte-stable as the matplotlib one.  Colours, markers and Danish labels come
from the same theme (:mod:`.theme`); other municipalities are never named.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from ...config import DONT_KNOW_CODE
from .layout import _check_frame, _check_keys, _check_scores, _scale, _scale_caption
from .raster import PT, Chart, Line, Marker, Rect, Text, text_width, wrap_text
from .theme import FIGURE_WIDTH, PALETTE, _POINT_SIZE, _round_styles
from ...exceptions import ParameterError

__all__ = ["profile_chart", "PROFILE_COLUMNS", "Y_RANGE"]

#: Columns a profile frame needs.
PROFILE_COLUMNS = ["item", "round", "score", "dont_know", "group_median", "group_min", "group_max"]
#: Scale values at the bottom and top edge of every panel ("ved ikke" is drawn at 0).
Y_RANGE = (-0.6, 4.5)

_WIDTH = round(FIGURE_WIDTH * 150)
_MARGIN = 6 * PT
_TITLE_SIZE, _PANEL_TITLE_SIZE, _LABEL_SIZE, _CAPTION_SIZE = 11 * PT, 9.5 * PT, 8.5 * PT, 7.5 * PT
_BOX_HEIGHT = 180
_COLUMN_GAP = 16
_GRID, _FRAME, _CAPTION_INK, _TEXT_INK = "#CCCCCC", "#CCCCCC", "#333333", "#262626"
_BAR_WIDTH, _MEDIAN_WIDTH, _MEDIAN_THICK = 9 * PT, math.sqrt(180) * PT, 2 * PT
_POINT = _POINT_SIZE * PT


def check_profile(profile, labels, round_labels, municipality, *, func: str) -> None:
    """The argument checks every drawing of a profile makes (columns, keys, scores, name)."""
    _check_frame(profile, PROFILE_COLUMNS, name="profile", func=func)
    _check_keys(profile["item"], labels, name="labels", func=func)
    _check_keys(profile["round"], round_labels, name="round_labels", func=func)
    if not isinstance(municipality, str) or not municipality.strip():
        raise ParameterError(f"{func}: municipality must be a non-empty string")
    for column in ("score", "group_median", "group_min", "group_max"):
        _check_scores(profile[column], name=column, func=func)


def profile_chart(
    profile: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    round_labels: Mapping[str, str],
    municipality: str,
    scale_labels: Mapping[int, str] | None = None,
    title: str | None = None,
) -> Chart:
    """One municipality's answers over the rounds, against the group, as a :class:`~.raster.Chart`.

    Parameters
    ----------
    profile : DataFrame
        As for :func:`~evaluation.memo.figures.plot_profile`: one row per
        item and round with ``item``, ``round``, ``score`` (1-4 or NaN),
        ``dont_know``, ``group_median``, ``group_min``, ``group_max``.
    labels, round_labels : mapping
        Item key -> Danish label (panel titles); round key -> label (x axis, in this order).
    municipality : str
        The municipality's name (title and legend).
    scale_labels : mapping or None
        Code -> answer label (the "ved ikke" row and the scale in the
        caption); by default the bundled instrument's.
    title : str or None
        By default "<municipality> set i forhold til gruppen".

    Returns
    -------
    Chart
        ``chart.png()`` gives the PNG; ``chart.find("range", item, round)``
        and the like give the marks that show each number.
    """
    func = "profile_chart"
    check_profile(profile, labels, round_labels, municipality, func=func)
    scale = _scale(scale_labels, func)
    rounds = list(round_labels)
    items = list(dict.fromkeys(profile["item"]))
    title = f"{municipality} set i forhold til gruppen" if title is None else title
    styles = _round_styles(rounds)
    marks: list = []
    inner = _WIDTH - 2 * _MARGIN
    y = _MARGIN
    for line in wrap_text(title, _TITLE_SIZE, inner, bold=True):
        y += _TITLE_SIZE * 1.25
        marks.append(Text(_MARGIN, y, line, _TITLE_SIZE, _TEXT_INK, bold=True, data=("title",)))
    y = _legend(marks, y + _LABEL_SIZE * 0.9, rounds, styles, municipality, scale[DONT_KNOW_CODE])
    y, key = _panels(marks, y + _LABEL_SIZE, profile, items, rounds, styles, labels, round_labels, scale)
    caption = _scale_caption(scale, dont_know="Gruppens spænd går fra det laveste til det højeste svar i gruppen.")
    caption += f" {key}" if key else ""
    for line in wrap_text(caption, _CAPTION_SIZE, inner):
        y += _CAPTION_SIZE * 1.35
        marks.append(Text(_MARGIN, y, line, _CAPTION_SIZE, _CAPTION_INK, data=("caption",)))
    return Chart(marks, _WIDTH, y + _MARGIN)


def _answer(x, y, colour, shape, *, dont_know: bool, data=()) -> Marker:
    if dont_know:
        return Marker(x, y, shape, _POINT, "#FFFFFF", colour, 1.5 * PT, data=data)
    return Marker(x, y, shape, _POINT, colour, "#000000", 0.5 * PT, data=data)


def _legend(marks, y, rounds, styles, municipality, dont_know_label) -> float:
    """The legend under the title, in as many rows as it needs; returns the y under it."""
    # Many rounds: the symbols move closer together so the row stays inside the chart.
    step = min(_POINT + 4, (_WIDTH / 2 - _POINT) / max(len(rounds) - 1, 1))

    def points(dont_know):
        return (step * (len(rounds) - 1) + _POINT,
                lambda x, y, data: [_answer(x + _POINT / 2 + step * i, y, *styles[r], dont_know=dont_know, data=data)
                                    for i, r in enumerate(rounds)])

    entries = [
        (*points(False), municipality),
        (*points(True), dont_know_label),
        (2 * _BAR_WIDTH, lambda x, y, data: [Rect(x, y - _BAR_WIDTH / 2, 2 * _BAR_WIDTH, _BAR_WIDTH, PALETTE["group"],
                                                   data=data)], "Gruppens spænd"),
        (_MEDIAN_WIDTH, lambda x, y, data: [Marker(x + _MEDIAN_WIDTH / 2, y, "_", _MEDIAN_WIDTH, PALETTE["median"],
                                                   PALETTE["median"], _MEDIAN_THICK, data=data)], "Gruppens median"),
    ]
    x, lines_in_row = _MARGIN, 1
    y += _LABEL_SIZE * 0.5
    line_h = _LABEL_SIZE * 1.25
    for swatch_w, draw, label in entries:
        lines = wrap_text(label, _LABEL_SIZE, _WIDTH - 2 * _MARGIN - swatch_w - 6)
        width = swatch_w + 6 + max(text_width(t, _LABEL_SIZE) for t in lines) + 2 * _LABEL_SIZE
        if x > _MARGIN and x + width - 2 * _LABEL_SIZE > _WIDTH - _MARGIN:
            x, y = _MARGIN, y + _LABEL_SIZE * 0.35 + line_h * lines_in_row
            lines_in_row = 1
        marks += draw(x, y, ("legend", label))
        for k, text in enumerate(lines):
            marks.append(Text(x + swatch_w + 6, y + k * line_h, text, _LABEL_SIZE, _TEXT_INK, anchor="lm",
                              data=("legend", label)))
        lines_in_row = max(lines_in_row, len(lines))
        x += width
    return y + line_h * (lines_in_row - 1) + _LABEL_SIZE * 0.5


def _panels(marks, top, profile, items, rounds, styles, labels, round_labels, scale) -> tuple[float, str]:
    """Draw the grid of panels from ``top``; return the y under the last row and
    the key to numbered rounds (see :func:`_tick_names`)."""
    ncols = 1 if len(items) == 1 else 2
    nrows = math.ceil(len(items) / ncols)
    # A long "ved ikke" label wraps: the labels take at most a fifth of the width.
    y_labels = {v: wrap_text(scale[DONT_KNOW_CODE] if v == DONT_KNOW_CODE else str(v), _LABEL_SIZE, _WIDTH / 5)
                for v in range(5)}
    left = _MARGIN + max(text_width(t, _LABEL_SIZE) for lines in y_labels.values() for t in lines) + 8
    panel_w = (_WIDTH - _MARGIN - left - _COLUMN_GAP * (ncols - 1)) / ncols
    slot = panel_w / (len(rounds) - 0.1)
    tick_lines, key = _tick_names(round_labels, rounds, slot)
    tick_band = 8 + max(len(v) for v in tick_lines.values()) * _LABEL_SIZE * 1.25
    by_item = {item: part for item, part in profile.groupby("item", sort=False)}
    y = top
    for row in range(nrows):
        row_items = items[row * ncols:(row + 1) * ncols]
        titles = [wrap_text(labels[i], _PANEL_TITLE_SIZE, panel_w, bold=True) for i in row_items]
        title_h = max(len(t) for t in titles) * _PANEL_TITLE_SIZE * 1.25 + 6
        box_top = y + title_h
        labelled = False
        for col, (item, title_lines) in enumerate(zip(row_items, titles)):
            x0 = left + col * (panel_w + _COLUMN_GAP)
            below = row * ncols + col + ncols < len(items)
            for k, line in enumerate(title_lines):
                marks.append(Text(x0, y + (k + 1) * _PANEL_TITLE_SIZE * 1.25, line, _PANEL_TITLE_SIZE, _TEXT_INK,
                                  bold=True, data=("panel-title", item)))
            _panel(marks, x0, box_top, panel_w, by_item[item], item, rounds, styles, y_labels if col == 0 else None)
            if not below:
                labelled = True
                for i, r in enumerate(rounds):
                    for k, line in enumerate(tick_lines[r]):
                        marks.append(Text(x0 + (i + 0.45) * slot, box_top + _BOX_HEIGHT + 8 + k * _LABEL_SIZE * 1.25,
                                          line, _LABEL_SIZE, _TEXT_INK, anchor="ma", data=("xtick", item, r)))
        y = box_top + _BOX_HEIGHT + (tick_band if labelled else 0) + 10
    return y, key


def _tick_names(round_labels, rounds, slot) -> tuple[dict[str, list[str]], str]:
    """The lines under each round's place on the x axis, and a key for the caption.

    A name may be as wide as the distance between two places.  When a word of
    some name is wider than that (many rounds, long names), the places are
    numbered 1, 2, ... and the key says which round each number is.
    """
    if all(text_width(word, _LABEL_SIZE) <= slot for r in rounds for word in round_labels[r].split()):
        return {r: wrap_text(round_labels[r], _LABEL_SIZE, slot) for r in rounds}, ""
    key = ", ".join(f"{i} = {round_labels[r]}" for i, r in enumerate(rounds, start=1))
    return {r: [str(i)] for i, r in enumerate(rounds, start=1)}, f"Målinger: {key}."


def _panel(marks, x0, top, width, part, item, rounds, styles, y_labels) -> None:
    """One item's panel: band, grid, ranges, medians, the answers' line and points, frame, y labels."""
    low, high = Y_RANGE
    slot = width / (len(rounds) - 0.1)

    def ypos(v):
        return top + (high - v) / (high - low) * _BOX_HEIGHT

    def xpos(i):
        return x0 + (i + 0.45) * slot

    marks.append(Rect(x0, ypos(0.5), width, ypos(-0.5) - ypos(0.5), PALETTE["dont_know_area"],
                      data=("dont-know-area", item)))
    for v in range(5):
        marks.append(Line(((x0, ypos(v)), (x0 + width, ypos(v))), _GRID, 1.2, data=("grid", item, v)))
    rows = {r: row for r, row in zip(part["round"], part.itertuples(index=False))}
    ordered = [(i, r, rows[r]) for i, r in enumerate(rounds) if r in rows]
    for i, r, row in ordered:
        if pd.notna(row.group_min) and pd.notna(row.group_max):
            marks.append(Rect(xpos(i) - _BAR_WIDTH / 2, ypos(row.group_max), _BAR_WIDTH,
                              ypos(row.group_min) - ypos(row.group_max), PALETTE["group"], data=("range", item, r)))
    for i, r, row in ordered:
        if pd.notna(row.group_median):
            marks.append(Marker(xpos(i), ypos(row.group_median), "_", _MEDIAN_WIDTH, PALETTE["median"],
                                PALETTE["median"], _MEDIAN_THICK, data=("median", item, r)))
    answered = [(xpos(i), ypos(row.score)) for i, r, row in ordered if pd.notna(row.score)]
    if len(answered) > 1:
        marks.append(Line(tuple(answered), PALETTE["neutral"], 0.8 * PT, data=("line", item)))
    for i, r, row in ordered:
        if pd.notna(row.score):
            marks.append(_answer(xpos(i), ypos(row.score), *styles[r], dont_know=False,
                                 data=("answer", item, r, float(row.score))))
        elif bool(row.dont_know):
            marks.append(_answer(xpos(i), ypos(0), *styles[r], dont_know=True, data=("answer", item, r, "ved ikke")))
    marks.append(Rect(x0, top, width, _BOX_HEIGHT, None, _FRAME, 1.2, data=("frame", item)))
    if y_labels:
        line_h = _LABEL_SIZE * 1.15
        for v, lines in y_labels.items():
            for k, text in enumerate(lines):
                marks.append(Text(x0 - 8, ypos(v) + (k - (len(lines) - 1) / 2) * line_h, text, _LABEL_SIZE,
                                  _TEXT_INK, anchor="rm", data=("ytick", item, v)))
