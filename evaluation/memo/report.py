"""Render the memo's building blocks as HTML for notebook outputs.

Notebooks call these functions and :func:`show` the result.  Every string
that comes from data is escaped here (or already by :mod:`evaluation.memo.text`),
so no survey answer, label or quote can become markup.  Each block that
writes a file (a figure, a table) records the file in the output's metadata
(``{"evaluation": {"writes": [...]}}``), so the run knows which notebook made
which file and a reviewer can trace a table to its cell.
"""
from __future__ import annotations

import base64
import functools
import numbers
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import ParameterError
from . import text as tx
from .outline import Entry
from .tables import as_saved, write_table  # noqa: F401 (as_saved: the raw frames review cells show)

__all__ = [
    "Block",
    "show",
    "title",
    "heading",
    "paragraph",
    "bullets",
    "figure",
    "table",
    "quotes",
    "save_table",
    "note",
    "missing",
    "narrative",
]


class Block(str):
    """An HTML fragment together with the files written to produce it."""

    writes: tuple[str, ...] = ()

    def __new__(cls, html: str, writes=()):
        obj = super().__new__(cls, html)
        obj.writes = tuple(str(w) for w in writes)
        return obj


def show(*blocks) -> None:
    """Display blocks as one HTML output of the current cell."""
    from IPython.display import HTML, display

    html = "\n".join(str(b) for b in blocks if b)
    writes = [w for b in blocks if isinstance(b, Block) for w in b.writes]
    display(HTML(html), metadata={"evaluation": {"writes": writes}} if writes else None)


def title(text: str, subtitle: str = "") -> Block:
    """The document title (an ``h1``)."""
    sub = f'<p class="subtitle">{escape(subtitle)}</p>' if subtitle else ""
    return Block(f'<h1 id="top">{escape(text)}</h1>{sub}')


def heading(entry: Entry) -> Block:
    """A numbered section heading with its anchor."""
    level = min(entry.level + 1, 4)
    return Block(f'<h{level} id="{entry.anchor}">{escape(entry.caption)}</h{level}>')


def paragraph(*sentences: str) -> Block:
    """One paragraph of already HTML-safe sentences (empty ones skipped)."""
    body = " ".join(s for s in sentences if s)
    return Block(f"<p>{body}</p>" if body else "")


def bullets(items) -> Block:
    """A bullet list of already HTML-safe items."""
    items = [i for i in items if i]
    return Block("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>" if items else "")


def note(text: str) -> Block:
    """A highlighted note (e.g. a ceiling caveat); text already HTML-safe."""
    return Block(f'<p class="note">{text}</p>' if text else "")


def figure(fig, entry: Entry, *, alt: str, output_dir, stem: str, note: str = "",
           formats: tuple[str, ...] = ("png", "svg")) -> Block:
    """Save ``fig`` (PNG and SVG) and return it as an embedded ``<figure>``.

    Parameters
    ----------
    fig : matplotlib Figure or :class:`~evaluation.memo.figures.Chart`
        A Figure is closed after saving; a Chart (drawn straight to PNG)
        has the PNG only.
    entry : Entry
        The figure's outline entry: number, anchor and title.
    alt : str
        Alt text, already HTML-safe (see the ``alt_*`` functions of
        :mod:`evaluation.memo.text`).
    output_dir : path
        The run's output folder; files go to ``figures/<stem>.png|svg``.
    note : str
        Text under the caption (question, scale, n), already HTML-safe.
    formats : tuple of str
        Files to write: the PNG (always; it is embedded) and the SVG.
    """
    from .figures import Chart, save_figure

    out = Path(output_dir)
    save = fig.save if isinstance(fig, Chart) else functools.partial(save_figure, fig)
    paths = save(out / "figures" / stem, formats=formats)
    data = base64.b64encode(Path(paths["png"]).read_bytes()).decode("ascii")
    cap = escape(entry.caption)
    extra = f'<p class="figure-note">{note}</p>' if note else ""
    html = (
        f'<figure id="{entry.anchor}" class="memo-figure">'
        # A figure keeps a width at which its text is legible; on a phone it scrolls in this box.
        f'<div class="figure-scroll" role="region" tabindex="0" aria-label="{cap}">'
        f'<img src="data:image/png;base64,{data}" alt="{alt}"></div>'
        f"<figcaption>{cap}{extra}</figcaption></figure>"
    )
    return Block(html, writes=[Path(p).relative_to(out).as_posix() for p in paths.values()])


def _text(value) -> str:
    """A text cell from data, escaped; empty for a missing value."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    return escape(str(value))


def _cell(value, decimals: int | None) -> str:
    """One cell of a column of mixed values (object dtype)."""
    if isinstance(value, (bool, np.bool_)):
        return "ja" if value else "nej"
    if isinstance(value, numbers.Real) and not (pd.api.types.is_scalar(value) and pd.isna(value)):
        return tx.number(value, decimals if decimals is not None else (0 if float(value).is_integer() else 1))
    return _text(value)


def _formatter(series: pd.Series, decimals: int | None):
    """How the cells of one column are shown: one rule for the whole column,
    so a mean of exactly 3 reads "3,0" beside "3,2"."""
    if pd.api.types.is_bool_dtype(series):
        return lambda v: tx.DASH if pd.isna(v) else ("ja" if v else "nej")
    if pd.api.types.is_numeric_dtype(series):
        if decimals is None:
            values = series.dropna()
            whole = pd.api.types.is_integer_dtype(series) or bool((values == values.round()).all())
            decimals = 0 if whole else 1
        return lambda v: tx.number(None if pd.isna(v) else v, decimals)
    return lambda v: _cell(v, decimals)


def table(frame: pd.DataFrame, *, caption: str, columns: dict | None = None, decimals: dict | None = None,
          row_headers: bool = True) -> Block:
    """A small HTML table with Danish headers and number format.

    ``caption`` names the table (required: a reader of a screen reader
    hears it first).  ``columns`` maps column names to Danish headers (and
    selects them); ``decimals`` gives the number of decimals per numeric
    column.  Without it, an integer column, or a float column of whole
    numbers only (counts), has no decimals and any other float column has
    one.  Booleans read ``ja``/``nej``, a missing number an en dash, a
    missing text nothing.  Every cell is escaped.

    Column headers are ``<th scope="col">``; with ``row_headers`` the first
    column holds the rows' headers (``<th scope="row">``).  The table sits
    in a box that scrolls sideways on a narrow screen: a named region that
    a keyboard can reach (``tabindex="0"``), so it can be scrolled without
    a mouse.
    """
    if not isinstance(caption, str) or not caption.strip():
        raise ParameterError(f"table: caption must be a non-empty string, not {caption!r}")
    columns = columns or {c: c for c in frame.columns}
    decimals = decimals or {}
    head = "".join(f'<th scope="col">{escape(str(h))}</th>' for h in columns.values())
    cells = {}
    for col in columns:
        fmt = _formatter(frame[col], decimals.get(col))
        cells[col] = [fmt(v) for v in frame[col].tolist()]
    rows = []
    for i in range(len(frame)):
        row = [f"<td>{cells[col][i]}</td>" for col in columns]
        if row_headers and row:
            row[0] = f'<th scope="row">{cells[next(iter(columns))][i]}</th>'
        rows.append("<tr>" + "".join(row) + "</tr>")
    cap = escape(caption.strip())
    return Block(f'<div class="table-wrap" role="region" tabindex="0" aria-label="{cap}">'
                 f'<table><caption>{cap}</caption><thead><tr>{head}</tr></thead>'
                 f'<tbody>{"".join(rows)}</tbody></table></div>')


def quotes(frame: pd.DataFrame, theme: str, *, limit: int | None = None) -> Block:
    """The illustrative statements of one theme as block quotes."""
    rows = frame[frame["theme"] == theme]
    if limit is not None:
        rows = rows.head(limit)
    parts = []
    for _, row in rows.iterrows():
        who = ", ".join(t for t in (_text(row["role"]), _text(row["municipality"])) if t)
        parts.append(f'<blockquote><p>»{_text(row["text"])}«</p><footer>{who}</footer></blockquote>')
    return Block("".join(parts))


def save_table(frame: pd.DataFrame, output_dir, name: str) -> Block:
    """Write ``tables/<name>.csv`` and return a short note naming the file."""
    out = Path(output_dir)
    path = write_table(frame, out / "tables" / f"{name}.csv")
    rel = path.relative_to(out).as_posix()
    return Block(f'<p class="table-file">Tabellen er gemt som <code>{escape(rel)}</code>.</p>', writes=[rel])


def missing(texts) -> Block:
    """A visible box for material a draft lacks; each text already starts
    with "Mangler:" and says what to add where (plain text, escaped here)."""
    texts = [t for t in texts if t]
    if not texts:
        return Block("")
    body = "".join(f"<p>{escape(t)}</p>" for t in texts)
    return Block(f'<div class="missing" role="note">{body}</div>')


def narrative(html: str) -> Block:
    """The evaluator's narrative, already rendered and sanitised
    (:func:`evaluation.memo.narrative.render`)."""
    return Block(f'<div class="narrative">{html}</div>' if html else "")
