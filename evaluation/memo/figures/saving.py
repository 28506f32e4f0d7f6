"""Save figures as PNG and SVG files that are byte-identical from run to run.
"""
from __future__ import annotations

import io
import os
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

from ...exceptions import ParameterError
from .theme import _themed

__all__ = ["save_figure", "figure_to_png_bytes"]


# ------------------------------------------------------------------ saving
_PNG_OPTIONS = {"format": "png", "metadata": {"Software": None}}
_SVG_OPTIONS = {"format": "svg", "metadata": {"Date": None, "Creator": None}}


def save_figure(fig: Figure, stem: str | os.PathLike, *, formats: tuple[str, ...] = ("png", "svg")) -> dict[str, Path]:
    """Write ``<stem>.png`` and ``<stem>.svg`` byte-deterministically.

    No date, software version or random id goes into the files (the SVG
    date is left out, so ``SOURCE_DATE_EPOCH`` plays no part), so the same
    figure gives the same bytes on every run.  The figure is closed.
    ``formats`` picks which of the two to write (``"png"`` is required:
    documents embed it).

    Returns
    -------
    dict
        ``{"png": Path, "svg": Path}`` (only the formats written).
    """
    if not isinstance(fig, Figure):
        raise ParameterError(f"save_figure: fig must be a matplotlib Figure, not {type(fig).__name__}")
    if "png" not in formats or not set(formats) <= {"png", "svg"}:
        raise ParameterError(f"save_figure: formats must include 'png' and may add 'svg'; got {formats!r}")
    stem = Path(stem)
    if not stem.name:
        raise ParameterError("save_figure: stem must name a file")
    stem.parent.mkdir(parents=True, exist_ok=True)
    options = {"png": _PNG_OPTIONS, "svg": _SVG_OPTIONS}
    paths = {fmt: stem.with_name(f"{stem.name}.{fmt}") for fmt in ("png", "svg") if fmt in formats}
    with _themed(), _laid_out(fig):
        for fmt, path in paths.items():
            fig.savefig(path, **options[fmt])
    _close(fig)
    return paths


def figure_to_png_bytes(fig: Figure) -> bytes:
    """Return the PNG that :func:`save_figure` writes, as bytes; the figure stays open."""
    if not isinstance(fig, Figure):
        raise ParameterError(f"figure_to_png_bytes: fig must be a matplotlib Figure, not {type(fig).__name__}")
    buffer = io.BytesIO()
    with _themed(), _laid_out(fig):
        fig.savefig(buffer, **_PNG_OPTIONS)
    return buffer.getvalue()


@contextmanager
def _laid_out(fig: Figure):
    """Lay ``fig`` out once, at the resolution of the PNG, and keep that layout
    while it is saved.

    For a figure with a layout engine, ``savefig`` first draws the whole
    figure without output only to run the engine, and does so for every
    format.  Running the engine here and hiding it while saving skips those
    passes; the pixels are the same (``tests/memo/test_figures.py`` compares them
    with a plain ``savefig``) and the PNG and the SVG share one layout.
    matplotlib offers no public way to save without the engine, so this
    sets the figure's ``_layout_engine`` and falls back to a plain save where
    that attribute is missing.
    """
    engine = fig.get_layout_engine()
    if engine is None or getattr(fig, "_layout_engine", None) is not engine:
        yield
        return
    dpi = fig.get_dpi()
    fig.set_dpi(mpl.rcParams["savefig.dpi"])
    try:
        engine.execute(fig)
    finally:
        fig.set_dpi(dpi)
    fig._layout_engine = None
    try:
        yield
    finally:
        fig._layout_engine = engine


def _close(fig: Figure) -> None:
    if getattr(fig.canvas, "manager", None) is not None:
        from matplotlib import pyplot as plt

        plt.close(fig)
