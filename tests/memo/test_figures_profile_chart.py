"""Tests of evaluation.memo.figures.profile_chart: the profile drawn straight to PNG.

Every number is checked against the frame it came from: the y position of
a value is read off the chart's own "1" and "4" tick labels (a straight line
through them), so a bar, dash or point at the wrong height fails whatever
the layout constants are.  Colours and markers are compared with the
theme's rule written out by hand (follow-up blue squares, baseline orange
circles); contrast is WCAG 2.1's formula, computed here.
"""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from evaluation.exceptions import ParameterError
from evaluation.memo import figures
from evaluation.memo.figures.raster import Marker, Rect, Text, text_width

START, BASE, FU = "r1", "r2", "r3"
ROUND_LABELS = {START: "Udgangsmåling", BASE: "Slutmåling", FU: "Opfølgning"}
LABELS = {"beredskab": "Beredskab", "indsatser": "Indsatser", "kompetencer": "Kompetencer"}
# item -> [(own score or None, dont_know, median, min, max) per round]
ROWS = {
    "beredskab": [(2, False, 2.0, 1, 3), (3, False, 3.0, 2, 4), (4, False, 3.5, 2, 4)],
    "indsatser": [(1, False, 2.0, 1, 3), (None, False, 2.5, 1, 4), (3, False, 3.0, 2, 4)],
    "kompetencer": [(2, False, 2.0, 1, 3), (3, False, 3.0, 1, 4), (None, True, 3.0, 2, 4)],
}
BLUE, ORANGE, MAGENTA = "#0072B2", "#C26A00", "#B0407F"


@pytest.fixture(scope="module")
def profile() -> pd.DataFrame:
    return pd.DataFrame([
        {"item": item, "round": r, "score": np.nan if s is None else float(s), "dont_know": dk,
         "group_median": med, "group_min": float(lo), "group_max": float(hi)}
        for item, rows in ROWS.items() for r, (s, dk, med, lo, hi) in zip(ROUND_LABELS, rows)
    ])


@pytest.fixture(scope="module")
def chart(profile):
    return figures.profile_chart(profile, labels=LABELS, round_labels=ROUND_LABELS, municipality="Kommune D")


def y_of(chart, item):
    """Value -> y pixel, from the tick labels "1" and "4" of the item's row."""
    ticks = {m.data[2]: m.y for m in chart.find("ytick") if m.data[2] in (1, 4)
             and abs(m.y - chart.find("frame", item)[0].y) < 400
             and _same_row(chart, m.data[1], item)}
    slope = (ticks[4] - ticks[1]) / 3
    return lambda v: ticks[1] + (v - 1) * slope


def _same_row(chart, a, b):
    return abs(chart.find("frame", a)[0].y - chart.find("frame", b)[0].y) < 1e-9


def test_ranges_medians_and_answers_sit_at_their_values(chart):
    for item, rows in ROWS.items():
        y = y_of(chart, item)
        for r, (score, dont_know, median, low, high) in zip(ROUND_LABELS, rows):
            (bar,) = chart.find("range", item, r)
            assert bar.y == pytest.approx(y(high)) and bar.y + bar.h == pytest.approx(y(low))
            (dash,) = chart.find("median", item, r)
            assert dash.y == pytest.approx(y(median)) and dash.shape == "_"
            assert dash.x == pytest.approx(bar.x + bar.w / 2)  # the dash sits on its round's bar
            answers = chart.find("answer", item, r)
            if score is not None:
                assert [a.data[3] for a in answers] == [score] and answers[0].y == pytest.approx(y(score))
            elif dont_know:
                assert [a.data[3] for a in answers] == ["ved ikke"]
                (tick,) = [t for t in chart.find("ytick") if t.text == "Ved ikke" and _same_row(chart, t.data[1], item)]
                assert answers[0].y == pytest.approx(tick.y)
            else:
                assert answers == []  # absent from the round: nothing drawn


def test_rounds_left_to_right_with_their_colour_and_marker(chart):
    expected = {START: (MAGENTA, "^"), BASE: (ORANGE, "o"), FU: (BLUE, "s")}
    xs = [chart.find("range", "beredskab", r)[0].x for r in ROUND_LABELS]
    assert xs == sorted(xs) and len(set(xs)) == 3
    for r, (colour, shape) in expected.items():
        (point,) = chart.find("answer", "beredskab", r)
        assert (point.fill, point.shape, point.edge) == (colour, shape, "#000000")
    (open_point,) = chart.find("answer", "kompetencer", FU)
    assert (open_point.fill, open_point.edge, open_point.shape) == ("#FFFFFF", BLUE, "s")  # "ved ikke": open


def test_line_joins_the_answered_rounds_only(chart):
    (line,) = chart.find("line", "indsatser")
    answered = [chart.find("answer", "indsatser", r)[0] for r in (START, FU)]
    assert line.points == tuple((a.x, a.y) for a in answered)


def test_danish_labels_and_no_other_municipality(chart):
    texts = [m.text for m in chart.marks if isinstance(m, Text)]
    assert texts[0] == "Kommune D set i forhold til gruppen"
    assert [m.text for m in chart.find("panel-title")] == list(LABELS.values())
    assert {m.data[1] for m in chart.find("legend")} == {"Kommune D", "Ved ikke", "Gruppens spænd", "Gruppens median"}
    # x labels only under the panels with nothing below: kompetencer (row 2) and indsatser (row 1, right)
    assert {m.data[1] for m in chart.find("xtick")} == {"indsatser", "kompetencer"}
    assert [m.text for m in chart.find("xtick", "kompetencer")] == list(ROUND_LABELS.values())
    caption = " ".join(m.text for m in chart.find("caption"))
    assert caption == ("Skala: 1 = Slet ikke, 2 = I mindre grad, 3 = I nogen grad, 4 = I høj grad. "
                       "Gruppens spænd går fra det laveste til det højeste svar i gruppen.")
    assert not [t for t in texts if t.startswith("Kommune") and "Kommune D" not in t]


def test_other_scale_labels_reach_the_chart(profile):
    scale = {0: "Ved ej", 1: "Aldrig", 2: "Sjældent", 3: "Ofte", 4: "Altid"}
    chart = figures.profile_chart(profile, labels=LABELS, round_labels=ROUND_LABELS, municipality="Kommune D",
                                  scale_labels=scale)
    assert " ".join(m.text for m in chart.find("caption")).startswith("Skala: 1 = Aldrig, 2 = Sjældent, 3 = Ofte")
    assert {m.text for m in chart.find("ytick") if m.data[2] == 0} == {"Ved ej"}
    assert "Ved ej" in {m.data[1] for m in chart.find("legend")}


def test_long_texts_wrap_inside_the_chart(profile):
    long = "Kommune med et meget langt navn der aldrig synes at ville slutte " * 3
    labels = {**LABELS, "beredskab": "Beredskab og alt hvad der hører til det i en stor kommune"}
    chart = figures.profile_chart(profile, labels=labels, round_labels=ROUND_LABELS, municipality=long.strip())
    assert len(chart.find("title")) > 1 and len(chart.find("panel-title", "beredskab")) > 1
    for m in chart.marks:
        if isinstance(m, Text) and m.anchor.startswith("l"):
            assert m.x + text_width(m.text, m.size, bold=m.bold) <= chart.width, m.text


def test_one_item_one_column(profile):
    one = profile[profile["item"] == "beredskab"]
    chart = figures.profile_chart(one, labels=LABELS, round_labels=ROUND_LABELS, municipality="Kommune D")
    (frame,) = chart.find("frame")
    assert frame.w > chart.width / 2


def test_png_is_stable_and_shows_the_marks(chart):
    data = chart.png()
    assert data == chart.png()
    image = Image.open(io.BytesIO(data))
    assert image.size == (chart.width, chart.height) and image.mode == "RGB"
    assert tuple(round(v) for v in image.info["dpi"]) == (150, 150)
    (point,) = chart.find("answer", "beredskab", FU)
    assert image.getpixel((round(point.x), round(point.y))) == (0x00, 0x72, 0xB2)
    (bar,) = chart.find("range", "beredskab", START)
    (dash,) = chart.find("median", "beredskab", START)
    # half-way between the top of the bar and the median dash: the group's grey
    assert image.getpixel((round(bar.x + bar.w / 2), round((bar.y + dash.y) / 2))) == (0x8C, 0x8C, 0x8C)
    assert image.getpixel((2, 2)) == (255, 255, 255)


def test_save_writes_the_png(chart, tmp_path):
    paths = chart.save(tmp_path / "figures" / "profil-x")
    assert paths == {"png": tmp_path / "figures" / "profil-x.png"}
    assert paths["png"].read_bytes() == chart.png()
    with pytest.raises(ParameterError, match="PNG only"):
        chart.save(tmp_path / "y", formats=("png", "svg"))


def _luminance(hex_colour: str) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_data_marks_stand_out_from_white_by_3_to_1(chart):
    colours = {m.fill for m in chart.marks if isinstance(m, Marker) and m.data[:1] in (("answer",), ("median",))
               and m.fill != "#FFFFFF"}
    colours |= {m.edge for m in chart.find("answer") if m.fill == "#FFFFFF"}
    colours |= {m.fill for m in chart.find("range")}
    assert colours >= {BLUE, ORANGE, MAGENTA, "#8C8C8C", "#000000"}
    for colour in colours:
        assert (1.05) / (_luminance(colour) + 0.05) >= 3, colour


@pytest.mark.parametrize("change, message", [
    (lambda p: p.drop(columns="group_max"), "group_max"),
    (lambda p: p.assign(score=p["score"].fillna(0) + 5), "score"),
])
def test_bad_frames_are_refused(profile, change, message):
    with pytest.raises(ParameterError, match=message):
        figures.profile_chart(change(profile), labels=LABELS, round_labels=ROUND_LABELS, municipality="Kommune D")


def test_refuses_an_empty_name_and_unknown_marks(profile):
    with pytest.raises(ParameterError, match="municipality"):
        figures.profile_chart(profile, labels=LABELS, round_labels=ROUND_LABELS, municipality=" ")
    with pytest.raises(ParameterError, match="shape"):
        figures.Chart([Marker(1, 1, "*", 5, "#000000", "#000000", 1)], 10, 10)
    with pytest.raises(ParameterError, match="Rect"):
        figures.Chart(["not a mark"], 10, 10)
    assert isinstance(figures.Chart([Rect(0, 0, 5, 5, "#000000")], 10, 10).png(), bytes)


def test_equal_lowest_and_highest_answer_leave_the_median_dash_only(profile):
    flat = profile.assign(group_min=3.0, group_max=3.0, group_median=3.0, score=3.0, dont_know=False)
    chart = figures.profile_chart(flat, labels=LABELS, round_labels=ROUND_LABELS, municipality="Kommune D")
    (bar,) = chart.find("range", "beredskab", FU)
    (dash,) = chart.find("median", "beredskab", FU)
    assert bar.h == 0 and dash.y == pytest.approx(bar.y)
    image = Image.open(io.BytesIO(chart.png()))
    # a few pixels above the dash: white panel, no grey bar
    assert image.getpixel((round(bar.x + bar.w / 2), round(dash.y - 10))) == (255, 255, 255)


def test_hostile_labels_and_many_rounds_stay_inside_the_chart(profile):
    payload = "<script>alert('x')</script>" * 6 + " " + "Ved_ikke_uden_mellemrum" * 8
    rounds = {f"r{i}": f"{payload} {i}" for i in range(1, 13)}
    many = pd.concat([profile[profile["round"] == START].assign(round=r) for r in rounds])
    chart = figures.profile_chart(many, labels={k: payload for k in LABELS}, round_labels=rounds,
                                  municipality=payload, scale_labels={0: payload, 1: "a", 2: "b", 3: "c", 4: "d"})
    frames = chart.find("frame")
    assert all(f.w > chart.width / 4 for f in frames)  # the labels never squeeze the panels away
    for m in chart.marks:
        if isinstance(m, Text):
            w = text_width(m.text, m.size, bold=m.bold)
            left = {"l": m.x, "m": m.x - w / 2, "r": m.x - w}[m.anchor[0]]
            assert 0 <= left and left + w <= chart.width, m.text
        elif isinstance(m, Marker):
            assert 0 <= m.x - m.size / 2 and m.x + m.size / 2 <= chart.width
    assert isinstance(chart.png(), bytes)


def test_rounds_too_many_for_their_names_are_numbered_with_a_key(profile):
    rounds = {f"r{i}": f"Opfølgningsmåling {i}" for i in range(1, 13)}
    many = pd.concat([profile[profile["round"] == START].assign(round=r) for r in rounds])
    chart = figures.profile_chart(many, labels=LABELS, round_labels=rounds, municipality="Kommune D")
    assert [m.text for m in chart.find("xtick", "kompetencer")] == [str(i) for i in range(1, 13)]
    caption = " ".join(m.text for m in chart.find("caption"))
    assert caption.endswith("Målinger: " + ", ".join(f"{i} = Opfølgningsmåling {i}" for i in range(1, 13)) + ".")
