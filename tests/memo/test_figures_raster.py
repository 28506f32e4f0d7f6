"""Tests of evaluation.memo.figures.raster: text measure and wrapping, marks drawn to PNG.

Pixel colours are compared with the colours the marks were given; widths
with Pillow's own measure of DejaVu Sans (the font file shipped with
matplotlib), so the tests hold for any layout constants.
"""
from __future__ import annotations

import io

import pytest
from PIL import Image

from evaluation.memo.figures.raster import Chart, Line, Marker, Rect, Text, text_width, wrap_text


def test_text_width_grows_with_text_and_size():
    assert 0 < text_width("Ved", 12) < text_width("Ved ikke", 12) < text_width("Ved ikke", 24)
    assert text_width("Ved ikke", 12, bold=True) > text_width("Ved ikke", 12)
    assert text_width("", 12) == 0


@pytest.mark.parametrize("text", ["Gruppens spænd går fra det laveste til det højeste svar",
                                  "Ét" + "x" * 200, "<script>alert(1)</script> " * 5, ""])
def test_wrapped_lines_fit_and_keep_every_character(text):
    lines = wrap_text(text, 16, 150)
    assert all(text_width(line, 16) <= 150 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_marks_are_drawn_where_and_as_they_say():
    chart = Chart([Rect(10, 10, 30, 20, "#8C8C8C"), Rect(50, 10, 30, 0, "#FF0000"),
                   Line(((0, 50), (100, 50)), "#000000", 2),
                   Marker(70, 80, "o", 14, "#0072B2", "#000000", 1),
                   Marker(30, 80, "s", 14, "#FFFFFF", "#C26A00", 3)], 100, 100)
    image = Image.open(io.BytesIO(chart.png()))
    assert image.getpixel((25, 20)) == (0x8C, 0x8C, 0x8C)  # inside the grey rectangle
    assert image.getpixel((65, 12)) == (255, 255, 255)  # a rectangle of height 0 draws nothing
    assert image.getpixel((50, 50)) == (0, 0, 0)  # on the line
    assert image.getpixel((70, 80)) == (0x00, 0x72, 0xB2)  # a filled circle's centre
    assert image.getpixel((30, 80)) == (255, 255, 255)  # an open square is white inside
    assert image.getpixel((30 + 6, 80)) == (0xC2, 0x6A, 0x00)  # and has its colour on the edge


def test_text_is_drawn_inside_its_box():
    chart = Chart([Text(5, 20, "Ved ikke", 14, "#000000")], 120, 30)
    image = Image.open(io.BytesIO(chart.png())).convert("L")
    dark = [x for x in range(120) for y in range(30) if image.getpixel((x, y)) < 128]
    assert min(dark) >= 5 and max(dark) <= 5 + text_width("Ved ikke", 14) + 1
