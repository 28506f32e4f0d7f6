"""The run's ``index.html``: links to the memo, the profiles, the notebooks, the tables and the manifest.
"""
from __future__ import annotations

import html
import os
from collections.abc import Sequence
from pathlib import Path

from ...checks import fail
from .document import _CSS_PATH, _slug, _unique_id, _write_atomic
from .links import _check_links, _check_text

__all__ = ["render_index"]


def render_index(
    entries: Sequence[tuple[str, Sequence[tuple[str, str]]]],
    output_path: str | os.PathLike,
    *,
    title: str,
) -> Path:
    """Write a small self-contained ``index.html`` that links to the outputs.

    Parameters
    ----------
    entries : sequence of (section title, [(label, relative href), ...])
        One section per entry, in order; every text is HTML-escaped and every
        href must be relative.
    output_path : path-like
        The file to write.
    title : str
        Page title and its one ``<h1>``.

    Returns
    -------
    Path
        ``output_path``, written atomically as UTF-8 with ``\\n`` line ends.
    """
    _check_text("title", title)
    if isinstance(entries, (str, bytes)) or not isinstance(entries, Sequence):
        fail("entries", entries, "a sequence of (section title, [(label, href), ...])")
    sections = []
    taken = {"doc-main"}
    for entry in entries:
        if not (isinstance(entry, Sequence) and not isinstance(entry, str) and len(entry) == 2):
            fail("entries", entry, "(section title, [(label, href), ...]) pairs")
        heading, links = entry
        _check_text("section title", heading)
        ident = _unique_id(_slug(heading), taken)
        items = "\n".join(
            f'<li><a href="{html.escape(href)}">{html.escape(label)}</a></li>'
            for label, href in _check_links("entries", links)
        )
        block = f'<section>\n<h2 id="{ident}">{html.escape(heading)}</h2>\n'
        if items:
            block += f"<ul>\n{items}\n</ul>\n"
        sections.append(block + "</section>")
    return _write_page(output_path, title=title, sections=sections)


def _write_page(output_path: str | os.PathLike, *, title: str, sections: Sequence[str]) -> Path:
    """Write a small self-contained Danish page: the stylesheet inlined, ``title``
    as its ``<title>`` and one ``<h1>``, then ``sections`` (HTML, already safe)."""
    css = _CSS_PATH.read_text(encoding="utf-8")
    document = "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="da">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)}</title>",
            f'<style type="text/css">\n{css}</style>',
            "</head>",
            "<body>",
            '<main id="doc-main">',
            f"<h1>{html.escape(title)}</h1>",
            *sections,
            "</main>",
            "</body>",
            "</html>",
        ]
    )
    return _write_atomic(Path(output_path), document)
