"""Small charts drawn straight to PNG: a list of marks, rendered with Pillow.

A chart that is drawn once per municipality (the profile) is a fixed
arrangement of bars, dashes, points and labels.  Laying it out with
matplotlib (axes, tick machinery, constrained layout) and rasterising it
cost a quarter of a second per chart; here the chart is a plain list of
marks in pixel coordinates (:class:`Rect`, :class:`Line`, :class:`Marker`,
:class:`Text`), computed by a pure function, and :class:`Chart` renders it
with Pillow in a few hundredths of a second.

The marks are drawn at :data:`OVERSAMPLE` times the size and reduced by
averaging, so edges and text are smoothed; text is DejaVu Sans, the font
every figure of the project uses (shipped with matplotlib).  The PNG holds
no time or software chunk: the same marks give the same bytes.  Each mark
carries ``data`` (e.g. ``("range", item, round)``), so a test can find a
mark and check its position against the numbers it shows.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import matplotlib as mpl
from PIL import Image, ImageDraw, ImageFont

from ...exceptions import ParameterError
from ...files import write_atomically
from .theme import BACKGROUND

__all__ = ["Chart", "Rect", "Line", "Marker", "Text", "text_width", "wrap_text", "DPI", "PT"]

#: Pixels per inch of the PNG (as the matplotlib figures are saved).
DPI = 150
#: Pixels per typographic point.
PT = DPI / 72
#: The marks are drawn this many times larger, then reduced (anti-aliasing).
OVERSAMPLE = 3


@dataclass(frozen=True)
class Rect:
    """A filled rectangle (``outline`` draws its edge, ``width`` pixels wide)."""

    x: float
    y: float
    w: float
    h: float
    fill: str | None
    outline: str | None = None
    width: float = 0
    data: tuple = field(default=(), compare=False)


@dataclass(frozen=True)
class Line:
    """A polyline through ``points``."""

    points: tuple[tuple[float, float], ...]
    colour: str
    width: float
    data: tuple = field(default=(), compare=False)


@dataclass(frozen=True)
class Marker:
    """A point symbol centred on (x, y): ``shape`` is a matplotlib marker
    code (``o`` circle, ``s`` square, ``^``/``v`` triangles, ``D`` diamond,
    ``_`` a horizontal dash ``size`` wide), ``size`` its width in pixels."""

    x: float
    y: float
    shape: str
    size: float
    fill: str
    edge: str
    edge_width: float
    data: tuple = field(default=(), compare=False)


@dataclass(frozen=True)
class Text:
    """One line of text; ``anchor`` is Pillow's two-letter anchor (``ls``
    left/baseline, ``ms`` middle/baseline, ``rm`` right/middle, ...)."""

    x: float
    y: float
    text: str
    size: float
    colour: str = "#000000"
    bold: bool = False
    anchor: str = "ls"
    data: tuple = field(default=(), compare=False)


_SHAPES = {"o", "s", "^", "v", "D", "_"}


@lru_cache(maxsize=None)
def _font(size: float, bold: bool):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(mpl.get_data_path(), "fonts", "ttf", name)), size)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width in pixels of ``text`` set in DejaVu Sans at ``size`` pixels."""
    return _font(round(size * OVERSAMPLE), bold).getlength(text) / OVERSAMPLE


def wrap_text(text: str, size: float, width: float, *, bold: bool = False) -> list[str]:
    """Break ``text`` at spaces into lines no wider than ``width`` pixels;
    a word wider than that is broken between its letters."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold=bold) <= width:
            lines[-1] += f" {word}"
            continue
        lines.append("")
        for char in word:
            if lines[-1] and text_width(lines[-1] + char, size, bold=bold) > width:
                lines.append("")
            lines[-1] += char
    return lines or [""]


class Chart:
    """A chart of ``width`` x ``height`` pixels made of ``marks``, drawn in order."""

    def __init__(self, marks: list, width: float, height: float):
        if not all(isinstance(m, (Rect, Line, Marker, Text)) for m in marks):
            raise ParameterError("Chart: marks must be Rect, Line, Marker or Text")
        bad = [m.shape for m in marks if isinstance(m, Marker) and m.shape not in _SHAPES]
        if bad:
            raise ParameterError(f"Chart: unknown marker shape {bad[0]!r}; allowed: {', '.join(sorted(_SHAPES))}")
        self.marks, self.width, self.height = list(marks), int(round(width)), int(round(height))

    def find(self, *data) -> list:
        """The marks whose ``data`` starts with ``data``."""
        return [m for m in self.marks if m.data[: len(data)] == data]

    def png(self) -> bytes:
        """The chart as PNG bytes (RGB, :data:`DPI` pixels per inch, no metadata)."""
        k = OVERSAMPLE
        image = Image.new("RGB", (self.width * k, self.height * k), BACKGROUND)
        draw = ImageDraw.Draw(image)
        for mark in self.marks:
            _DRAW[type(mark)](draw, mark, k)
        buffer = io.BytesIO()
        image.reduce(k).save(buffer, format="PNG", dpi=(DPI, DPI), compress_level=6)
        return buffer.getvalue()

    def _repr_png_(self) -> bytes:  # shown as an image in JupyterLab
        return self.png()

    def save(self, stem: str | os.PathLike, *, formats: tuple[str, ...] = ("png",)) -> dict[str, Path]:
        """Write ``<stem>.png`` (the only format a raster chart has); return ``{"png": path}``."""
        if tuple(formats) != ("png",):
            raise ParameterError(f"Chart.save: a raster chart is written as PNG only; got formats {formats!r}")
        path = Path(stem).with_name(f"{Path(stem).name}.png")
        path.parent.mkdir(parents=True, exist_ok=True)
        data = self.png()
        write_atomically(path, lambda tmp: tmp.write_bytes(data))
        return {"png": path}


def _box(x0, y0, x1, y1, k):
    """Pillow's inclusive pixel box of the area from (x0, y0) to (x1, y1), at least one pixel."""
    left, top = round(x0 * k), round(y0 * k)
    return [left, top, max(left, round(x1 * k) - 1), max(top, round(y1 * k) - 1)]


def _draw_rect(draw, m: Rect, k: int) -> None:
    if m.w <= 0 or m.h <= 0:
        return  # nothing to fill (e.g. a group range whose lowest and highest answer agree)
    draw.rectangle(_box(m.x, m.y, m.x + m.w, m.y + m.h, k), fill=m.fill, outline=m.outline,
                   width=max(1, round(m.width * k)) if m.outline else 0)


def _draw_line(draw, m: Line, k: int) -> None:
    draw.line([(x * k, y * k) for x, y in m.points], fill=m.colour, width=max(1, round(m.width * k)), joint="curve")


# Each symbol as a unit polygon (circumradius 1, centred) and its inradius:
# its edge is stroked on the outline, half outside and half inside, as
# matplotlib strokes a marker's path.
_SQRT3 = 3 ** 0.5
_POLYGONS = {
    "s": (((-0.8, -0.8), (0.8, -0.8), (0.8, 0.8), (-0.8, 0.8)), 0.8),
    "^": (((0, -1.15), (1.15 * _SQRT3 / 2, 0.575), (-1.15 * _SQRT3 / 2, 0.575)), 0.575),
    "v": (((0, 1.15), (1.15 * _SQRT3 / 2, -0.575), (-1.15 * _SQRT3 / 2, -0.575)), 0.575),
    "D": (((0, -1.1), (0.8, 0), (0, 1.1), (-0.8, 0)), 0.8 * 1.1 / (0.8 ** 2 + 1.1 ** 2) ** 0.5),
}


def _draw_marker(draw, m: Marker, k: int) -> None:
    if m.shape == "_":
        half, thick = m.size / 2, m.edge_width / 2
        draw.rectangle(_box(m.x - half, m.y - thick, m.x + half, m.y + thick, k), fill=m.fill)
        return
    r, half = m.size / 2, m.edge_width / 2
    if m.shape == "o":
        for colour, radius in ((m.edge, r + half), (m.fill, r - half)):
            draw.ellipse(_box(m.x - radius, m.y - radius, m.x + radius, m.y + radius, k), fill=colour)
        return
    unit, inradius = _POLYGONS[m.shape]
    for colour, offset in ((m.edge, half), (m.fill, -half)):
        scale = r * (inradius * r + offset) / (inradius * r)
        draw.polygon([((m.x + ux * scale) * k, (m.y + uy * scale) * k) for ux, uy in unit], fill=colour)


def _draw_text(draw, m: Text, k: int) -> None:
    draw.text((m.x * k, m.y * k), m.text, fill=m.colour, font=_font(round(m.size * k), m.bold), anchor=m.anchor)


_DRAW = {Rect: _draw_rect, Line: _draw_line, Marker: _draw_marker, Text: _draw_text}

