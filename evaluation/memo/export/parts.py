"""A document assembled from parts rendered one at a time.

:func:`~evaluation.memo.export.export_html` renders a whole notebook at once.
The memo merges many notebooks, and rendering all of them again because one
changed is most of the time an edit costs.  Here each part is rendered on
its own (:func:`render_part`), whenever its notebook is ready, and the
document is put together from the rendered parts (:func:`assemble_html`):

    parts = [render_part(nb) for nb in part_notebooks]   # e.g. as each finishes
    assemble_html(parts, out / "memo.html", title=title, links=links)

writes the same bytes as ``export_html`` of the notebook holding all those
cells in order (``tests/memo/test_export_parts.py`` checks it on the memo):
nbconvert renders every cell by itself, inside a page whose frame does not
depend on the cells, so the page is its frame with the parts' cells in place.
That holds as long as each part closes the HTML elements it opens, as cells
made by the package do (data reach outputs escaped); a markdown cell with a
stray tag such as ``</main>`` would be repaired within its part here, but
across the rest of the page in a whole render.  The table of contents and
the heading ids are made for the whole document, after assembly.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import nbformat

from ...checks import fail
from .document import _finish, _render, _write_page
from .merging import REVIEW_TAGS

__all__ = ["render_part", "assemble_html"]

_MAIN_OPEN = '<main id="doc-main">'
_MAIN_CLOSE = "</main>"


def _split(page: str) -> tuple[str, str, str]:
    """(before the cells, the cells, after them) of a rendered page."""
    start = page.index(_MAIN_OPEN) + len(_MAIN_OPEN)
    end = page.rindex(_MAIN_CLOSE)
    return page[:start], page[start:end], page[end:]


def _frame(*, title: str, lang: str, links, css_extra: str, code: bool, name: str = "document",
           folder: str | os.PathLike = ".") -> tuple[str, str, str]:
    """The page of a notebook without cells, split around where cells go."""
    return _split(_render(nbformat.v4.new_notebook(), title=title, lang=lang, links=links, css_extra=css_extra,
                          drop_tags=(), code=code, name=name, folder=folder))


def render_part(nb: nbformat.NotebookNode, *, lang: str = "da", drop_tags: Iterable[str] = REVIEW_TAGS,
                code: bool = False) -> str:
    """Render the cells of ``nb`` as one part of a document.

    Parameters
    ----------
    nb : NotebookNode
        The part's cells (e.g. one notebook of the memo, merged with
        :func:`~evaluation.memo.export.merge_notebooks` so that its cell ids
        are those of the whole document); not changed.
    lang, drop_tags, code
        As for :func:`~evaluation.memo.export.export_html`; the same for
        every part of a document.

    Returns
    -------
    str
        The part's HTML, for :func:`assemble_html`.
    """
    cells = _split(_render(nb, title="part", lang=lang, drop_tags=drop_tags, code=code))[1]
    empty = _empty(lang, bool(code))
    if not cells.startswith(empty):  # pragma: no cover - a template whose frame holds text inside <main>
        fail("nb", "a template that writes text before the cells", "the project's memo template")
    return cells[len(empty):]


@lru_cache(maxsize=None)
def _empty(lang: str, code: bool) -> str:
    """What the frame holds inside ``<main>`` when there are no cells."""
    return _frame(title="part", lang=lang, links=(), css_extra="", code=code)[1]


def assemble_html(parts: Sequence[str], output_path: str | os.PathLike, *, title: str, lang: str = "da",
                  links: Sequence[tuple[str, str]] = (), css_extra: str = "", code: bool = False) -> Path:
    """Write a self-contained HTML document made of rendered parts, in order.

    Parameters
    ----------
    parts : sequence of str
        Parts from :func:`render_part`, rendered with the same ``lang`` and
        ``code``.
    output_path, title, lang, links, css_extra, code
        As for :func:`~evaluation.memo.export.export_html`.

    Returns
    -------
    Path
        ``output_path``, written atomically; the bytes ``export_html`` writes
        for a notebook of all the parts' cells.

    Raises
    ------
    ParameterError
        On a bad argument, or if a part loads a resource that is not embedded.
    """
    if isinstance(parts, str) or not isinstance(parts, Sequence) or not all(isinstance(p, str) for p in parts):
        fail("parts", type(parts).__name__, "a list of parts from render_part")
    output_path = Path(output_path)
    head, empty, tail = _frame(title=title, lang=lang, links=links, css_extra=css_extra, code=code,
                               name=output_path.stem, folder=output_path.parent)
    return _write_page(_finish(head + empty + "".join(parts) + tail), output_path)
