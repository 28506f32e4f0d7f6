"""Assemble one self-contained Danish HTML document with nbconvert.

nbconvert's ``HTMLExporter`` runs in this process, once per document, with
the template in ``evaluation/memo/templates/memo``: classic's cell blocks
inside a page of our own that loads nothing from anywhere (no script, no web
font, the stylesheet inlined).  A table of contents is built from the h1-h3
headings of the result, and headings without an id get one.
"""
from __future__ import annotations

import html
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.filters.strings import clean_html
from nbconvert.utils.iso639_1 import iso639_1

from ...checks import fail
from ...files import write_text_atomically
from .links import _check_css, _check_links, _check_text, _is_embedded, _scan
from .merging import REVIEW_TAGS, _reader_copy

__all__ = ["TEMPLATES_DIR", "TEMPLATE_NAME", "export_html", "export_notebook_html"]


#: Folder of the project's nbconvert templates.
TEMPLATES_DIR: Path = Path(__file__).resolve().parent.parent / "templates"
#: The template every HTML document of the project is rendered with.
TEMPLATE_NAME = "memo"
_CSS_PATH = TEMPLATES_DIR / TEMPLATE_NAME / "static" / "memo.css"

_TOC_MARKER = "<!--evaluation:toc-->"
# What an <img> without alt text gets (nbconvert would give it an English text).
_ALT_DA = "Figur uden tekstbeskrivelse"
_TOC_LEVELS = ("h1", "h2", "h3")
_EMPTY_ID = re.compile(r"""\s+id\s*=\s*(?:""|'')""", re.IGNORECASE)


# --------------------------------------------------------------------------
# Headings, ids and the table of contents


def _slug(text: str) -> str:
    """Return an ASCII id made from a heading's text."""
    text = text.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:60].rstrip("-") or "afsnit"


def _unique_id(base: str, taken: set[str]) -> str:
    """Return ``base``, or ``base-2``, ``base-3``, ... if taken; record it as taken."""
    ident, number = base, 1
    while ident in taken:
        number += 1
        ident = f"{base}-{number}"
    taken.add(ident)
    return ident


class _DocumentScanner(HTMLParser):
    """Find every id, the h1-h3 headings inside <main>, and images without alt text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.headings: list[dict] = []
        self.alt_fixes: list[tuple[tuple[int, int], str]] = []
        self._main_depth = 0
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "main":
            self._main_depth += 1
        elif tag == "img" and "alt" not in values:
            self.alt_fixes.append((self.getpos(), self.get_starttag_text()))
        elif tag in _TOC_LEVELS and self._main_depth:
            self._open = {
                "tag": tag,
                "id": values.get("id"),
                "pos": self.getpos(),
                "start_tag": self.get_starttag_text(),
                "text": [],
            }
            self.headings.append(self._open)

    def handle_endtag(self, tag):
        if tag == "main":
            self._main_depth = max(0, self._main_depth - 1)
        elif self._open is not None and tag == self._open["tag"]:
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"].append(data)


def _line_starts(text: str) -> list[int]:
    """Return the index in ``text`` at which each line starts."""
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _toc_html(entries: list[tuple[str, str, str]]) -> str:
    if not entries:
        return ""
    items = "\n".join(
        f'<li class="toc-{level}"><a href="#{html.escape(ident)}">{html.escape(text)}</a></li>'
        for level, ident, text in entries
    )
    return (
        '<nav class="toc" aria-label="Indholdsfortegnelse">\n'
        '<p class="nav-title">Indhold</p>\n'
        f"<ol>\n{items}\n</ol>\n</nav>"
    )


def _links_html(links: list[tuple[str, str]]) -> str:
    if not links:
        return ""
    items = "\n".join(
        f'<li><a href="{html.escape(href)}">{html.escape(label)}</a></li>' for label, href in links
    )
    return (
        '<nav class="doc-links" aria-label="Tilhørende filer">\n'
        '<p class="nav-title">Tilhørende filer</p>\n'
        f"<ul>\n{items}\n</ul>\n</nav>"
    )


def _finish(document: str) -> str:
    """Give headings without id a slug id, images without alt text a Danish one, fill in the TOC."""
    if document.count(_TOC_MARKER) != 1:
        fail("nb", f"{document.count(_TOC_MARKER)} copies of {_TOC_MARKER}", "cells that do not contain it")
    scanner = _DocumentScanner()
    scanner.feed(document)
    scanner.close()
    taken = set(scanner.ids)
    line_starts = _line_starts(document)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement)
    entries = []
    for heading in scanner.headings:
        text = " ".join("".join(heading["text"]).split())
        ident = heading["id"]
        if not ident:
            ident = _unique_id(_slug(text), taken)
            line, column = heading["pos"]
            start = line_starts[line - 1] + column
            tag_text = heading["start_tag"]
            # An empty id="" is dropped; the new id goes right after the tag name.
            rest = _EMPTY_ID.sub("", tag_text[1 + len(heading["tag"]) :])
            new_tag = f'{tag_text[: 1 + len(heading["tag"])]} id="{ident}"{rest}'
            edits.append((start, start + len(tag_text), new_tag))
        if text:
            entries.append((heading["tag"], ident, text))
    for (line, column), tag_text in scanner.alt_fixes:
        start = line_starts[line - 1] + column
        edits.append((start, start + len("<img"), f'<img alt="{_ALT_DA}"'))
    pieces, done = [], 0
    for start, end, replacement in sorted(edits):
        pieces += [document[done:start], replacement]
        done = end
    pieces.append(document[done:])
    return _title_first("".join(pieces).replace(_TOC_MARKER, _toc_html(entries)))


_HEADER = re.compile(r'<header class="doc-header">.*?</header>\n?', re.S)
_TITLE = re.compile(r'<h1 id="top">.*?</h1>(<p class="subtitle">.*?</p>)?', re.S)


def _title_first(document: str) -> str:
    """Move the links and the table of contents below the document's title
    (an ``h1`` with id ``top``), so a reader sees the title first."""
    header, title = _HEADER.search(document), _TITLE.search(document)
    if not header or not title or title.start() < header.start():
        return document
    block = header.group(0)
    without = document[: header.start()] + document[header.end():]
    title = _TITLE.search(without)
    return without[: title.end()] + "\n" + block + without[title.end():]


# --------------------------------------------------------------------------
# Writing


def _write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` as UTF-8 with ``\\n`` line ends; readers never see half a file."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    return write_text_atomically(path, text)


class _Exporter(HTMLExporter):
    """nbconvert's HTML exporter without its last pass.

    That pass parses the whole page with BeautifulSoup to give images
    without alt text an English one and to make the lab template's cells
    focusable, then serialises it again: half the time of a page.  The
    project's template is classic's, whose cells it does not touch, and
    :func:`_finish` gives images without alt text a Danish one.
    """

    def from_notebook_node(self, nb, resources=None, **kw):
        # As HTMLExporter.from_notebook_node (nbconvert 7), up to the parse.
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                 resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


_EXPORTERS: dict[tuple[str, bool], tuple[threading.Lock, HTMLExporter]] = {}
_EXPORTERS_LOCK = threading.Lock()


@lru_cache(maxsize=4096)
def _clean(text: str) -> str:
    return clean_html(text)


def _clean_html(element) -> str:
    """nbconvert's ``clean_html`` filter (bleach), which the template runs on
    every highlighted code cell, remembered per text: the reviewer pages of a
    notebook run once per municipality share their code cells, and cleaning
    them again was a third of the time such a page took."""
    return _clean(element.decode() if isinstance(element, bytes) else str(element))


@contextmanager
def _exporter(lang: str, code: bool = False) -> Iterator[HTMLExporter]:
    """Lend the HTML exporter for ``lang`` (showing code cells' source or
    not), made on first use; one thread at a time uses it.

    Making an exporter compiles the Jinja templates again; one exporter per
    language for the whole process keeps them compiled across the documents
    of a run, whichever thread renders them (nbconvert's own command line
    reuses one exporter the same way).
    """
    with _EXPORTERS_LOCK:
        if (lang, code) not in _EXPORTERS:
            _EXPORTERS[lang, code] = threading.Lock(), _Exporter(
                template_name=TEMPLATE_NAME,
                extra_template_basedirs=[str(TEMPLATES_DIR)],
                exclude_input=not code,
                exclude_input_prompt=not code,  # a reviewer page labels each code cell
                exclude_output_prompt=True,
                exclude_anchor_links=True,
                # embed_images stays off: it re-parses each inline HTML tag of a
                # markdown cell on its own and so empties <b>...</b> (nbconvert 7.17).
                # Markdown attachments are embedded anyway; any other image fails below.
                language_code=lang,
                config={"CSSHTMLHeaderPreprocessor": {"enabled": False}},
                filters={"clean_html": _clean_html},
            )
        lock, exporter = _EXPORTERS[lang, code]
    with lock:
        yield exporter


def export_html(
    nb: nbformat.NotebookNode,
    output_path: str | os.PathLike,
    *,
    title: str,
    lang: str = "da",
    links: Sequence[tuple[str, str]] = (),
    css_extra: str = "",
    drop_tags: Iterable[str] = REVIEW_TAGS,
    code: bool = False,
) -> Path:
    """Render an executed notebook as one self-contained HTML file.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook (e.g. from :func:`merge_notebooks`); not changed.
    output_path : path-like
        The HTML file to write; its folder is created if needed.
    title : str
        The document's ``<title>``.
    lang : str
        ISO 639-1 code of the document's language (``<html lang>``).
    links : sequence of (label, href)
        Listed at the top, e.g. the executed notebooks and tables.  Hrefs must
        be relative (no scheme, host or leading slash); they are
        percent-encoded where needed and every label is HTML-escaped.
    css_extra : str
        CSS added after the template's stylesheet; it may load nothing.
    drop_tags : iterable of str
        Cells with any of these tags are left out (by default the ``review``
        cells that show raw frames in the executed notebooks).  Cells tagged
        ``parameters`` or ``injected-parameters`` are always left out.
    code : bool
        Show each code cell's source above its outputs (a reviewer's page,
        see :mod:`.review`); by default a reader sees outputs only.

    Returns
    -------
    Path
        ``output_path``, written atomically as UTF-8 with ``\\n`` line ends.
        The same notebook and arguments give the same bytes.

    Raises
    ------
    ParameterError
        On a bad argument, or if a cell loads a resource (an image, a
        stylesheet) that is not embedded as a ``data:`` URI, from another host
        or from a file (the message lists the first URLs).
    """
    output_path = Path(output_path)
    body = _render(nb, title=title, lang=lang, links=links, css_extra=css_extra, drop_tags=drop_tags, code=code,
                   name=output_path.stem, folder=output_path.parent)
    return _write_page(_finish(body), output_path)


def _render(nb, *, title: str, lang: str, links=(), css_extra: str = "", drop_tags: Iterable[str] = REVIEW_TAGS,
            code: bool = False, name: str = "document", folder: str | os.PathLike = ".") -> str:
    """Check the arguments of :func:`export_html` and render the page, before :func:`_finish`."""
    if not isinstance(nb, nbformat.NotebookNode) or "cells" not in nb:
        fail("nb", type(nb).__name__, "an nbformat NotebookNode")
    _check_text("title", title)
    if lang not in iso639_1:
        fail("lang", lang, "an ISO 639-1 language code such as 'da'")
    checked_links = _check_links("links", links)
    _check_css(css_extra)
    if isinstance(drop_tags, str) or not isinstance(drop_tags, Iterable):
        fail("drop_tags", drop_tags, "an iterable of tag names, e.g. ('review',)")
    drop_tags = frozenset(drop_tags)
    if not all(isinstance(tag, str) for tag in drop_tags):
        fail("drop_tags", sorted(map(repr, drop_tags)), "tag names (strings)")
    resources = {
        "metadata": {"name": name, "path": str(folder)},
        "evaluation": {
            "css_extra": css_extra,
            "links_html": _links_html(checked_links),
            "toc_marker": _TOC_MARKER,
        },
    }
    reader = _reader_copy(nb, title, drop_tags, keep_code=bool(code))
    with _exporter(lang, bool(code)) as exporter:
        body, _ = exporter.from_notebook_node(reader, resources=resources)
    return body


def _write_page(document: str, output_path: Path) -> Path:
    """Refuse a page that loads anything not embedded; write it atomically."""
    loads = [url for url in _scan(document).resources if not _is_embedded(url)]
    if loads:
        fail("nb", ", ".join(loads[:5]), "cells whose images and other resources are embedded as data: URIs")
    return _write_atomic(output_path, document)


def export_notebook_html(
    path: str | os.PathLike,
    output_path: str | os.PathLike,
    *,
    title: str,
    links: Sequence[tuple[str, str]] = (),
    drop_tags: Iterable[str] = REVIEW_TAGS,
) -> Path:
    """Render one executed notebook (e.g. a municipality profile) as standalone HTML.

    Same template and rules as :func:`export_html`; the cells tagged
    ``parameters`` and ``injected-parameters`` are left out, and so are the
    cells tagged with one of ``drop_tags``.

    Returns
    -------
    Path
        ``output_path``.
    """
    path = Path(path)
    if not path.is_file():
        fail("path", str(path), "an existing notebook file")
    nb = nbformat.read(path, as_version=4)
    return export_html(nb, output_path, title=title, links=links, drop_tags=drop_tags)
