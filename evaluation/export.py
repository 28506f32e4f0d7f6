"""Export executed notebooks as self-contained Danish HTML documents.

Use::

    nb = merge_notebooks([out / "01_indledning.ipynb", out / "02_resultater.ipynb"],
                         title="Opfølgning på handlingsplaner")
    export_html(nb, out / "memo.html", title=nb.metadata.title,
                links=[("Kørte notebooks", "notebooks/")])
    external_urls((out / "memo.html").read_text(encoding="utf-8"))  # -> []

nbconvert's ``HTMLExporter`` runs in this process, once per document, with
the template in ``evaluation/templates/memo``: classic's cell blocks inside a
page of our own that loads nothing from anywhere (no script, no web font, the
stylesheet inlined).  Code inputs, prompts, stderr streams and the plain-text
reprs of cells that also show HTML or an image are left out.  A table of
contents is built from the h1-h3 headings of the result.

Outputs are inserted as they are.  The notebooks escape every text that comes
from data before it reaches an output; nothing here un-escapes, and nothing
here sanitises either (nbconvert's sanitiser breaks tables).  A cell that
loads a resource not embedded as a ``data:`` URI (from another host or from
a file) makes the export fail.
"""
from __future__ import annotations

import copy
import html
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

import nbformat
from nbconvert import HTMLExporter
from nbconvert.utils.iso639_1 import iso639_1

from .checks import fail
from .files import write_text_atomically

__all__ = [
    "TEMPLATES_DIR",
    "TEMPLATE_NAME",
    "PARAMETER_TAGS",
    "REVIEW_TAGS",
    "merge_notebooks",
    "export_html",
    "export_notebook_html",
    "render_index",
    "external_urls",
    "external_links",
]

#: Folder of the project's nbconvert templates.
TEMPLATES_DIR: Path = Path(__file__).resolve().parent / "templates"
#: The template every HTML document of the project is rendered with.
TEMPLATE_NAME = "memo"
_CSS_PATH = TEMPLATES_DIR / TEMPLATE_NAME / "static" / "memo.css"

#: Tags of the cells papermill reads and writes; they never reach a document.
PARAMETER_TAGS = frozenset({"parameters", "injected-parameters"})
#: Tags of cells kept in the executed notebooks for reviewers (raw frames)
#: but left out of a document by default.
REVIEW_TAGS = frozenset({"review"})
#: Output types a document shows, in nbconvert's order of preference.
_SHOWN_MIMETYPES = ("text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/plain")
_RICH_MIMETYPES = frozenset({"text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg"})
#: Cell metadata that records when a cell ran; dropped so merges are stable.
_TIMING_METADATA = ("papermill", "execution", "ExecuteTime")

_TOC_MARKER = "<!--evaluation:toc-->"
# HTMLExporter gives every <img> without alt this English text; we replace it.
_ALT_EN = "No description has been provided for this image"
_ALT_DA = "Figur uden tekstbeskrivelse"
_TOC_LEVELS = ("h1", "h2", "h3")
_EMPTY_ID = re.compile(r"""\s+id\s*=\s*(?:""|'')""", re.IGNORECASE)

# Schemes that load nothing from a host.  Any other scheme, and a URL that
# starts with // (protocol-relative), counts as external.
_LOCAL_SCHEMES = frozenset({"data", "about", "blob", "javascript"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
# Attributes that make the browser fetch something on its own.
_RESOURCE_ATTRS = frozenset({"src", "poster", "background", "manifest", "lowsrc", "dynsrc"})
_SRCSET_ATTRS = frozenset({"srcset", "imagesrcset"})
_LINK_TAGS = frozenset({"a", "area"})


# --------------------------------------------------------------------------
# Arguments


def _check_text(name: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        fail(name, value, "a non-empty string")


def _check_href(href: object) -> str:
    """Return ``href`` percent-encoded where needed; it must be relative."""
    if not isinstance(href, str) or not href.strip() or href != href.strip():
        fail("href", href, "a relative path or #fragment without surrounding spaces")
    if href.startswith(("/", "\\")) or urlsplit(href).scheme or any(ord(c) < 32 for c in href):
        fail("href", href, "a relative path (no scheme, host or leading slash), e.g. notebooks/01.ipynb")
    return quote(href, safe="/#?&=%-._~+,;:@!$'()*")


def _check_links(name: str, links: object) -> list[tuple[str, str]]:
    if isinstance(links, (str, bytes)) or not isinstance(links, Iterable):
        fail(name, links, "a sequence of (label, relative href) pairs")
    checked = []
    for pair in links:
        if not (isinstance(pair, Sequence) and not isinstance(pair, str) and len(pair) == 2):
            fail(name, pair, "(label, relative href) pairs")
        label, href = pair
        _check_text("label", label)
        checked.append((label, _check_href(href)))
    return checked


def _check_css(css_extra: object) -> None:
    if not isinstance(css_extra, str):
        fail("css_extra", css_extra, "a string of CSS")
    if "</" in css_extra or "<!--" in css_extra:
        fail("css_extra", css_extra, "CSS without '</' or '<!--'")
    if any(not _is_embedded(url) for url in _css_urls(css_extra)):
        fail("css_extra", css_extra, "CSS whose url() and @import load nothing (data: URIs only)")


# --------------------------------------------------------------------------
# Notebooks


def _has_tag(cell, tags: Iterable[str]) -> bool:
    return not set(tags).isdisjoint(cell.get("metadata", {}).get("tags", []))


def merge_notebooks(paths: Sequence[str | os.PathLike], *, title: str) -> nbformat.NotebookNode:
    """Join executed notebooks into one, in the order given.

    Parameters
    ----------
    paths : sequence of path-like
        The executed notebooks, in memo order.
    title : str
        The document's title; stored as ``metadata.title``.

    Returns
    -------
    NotebookNode
        A new nbformat 4.5 notebook: every cell of every part in order, except
        the cells tagged ``parameters`` or ``injected-parameters``.  Cell ids
        are ``p<part>-c<cell>`` (both counted from 1, zero-padded), and the
        timing metadata papermill and nbclient record are dropped, so two
        merges of the same files are equal.  Metadata: ``title``,
        ``language`` ("da"), and the first part's ``kernelspec`` and
        ``language_info``.

    Raises
    ------
    ParameterError
        If ``paths`` is empty, names a missing file, or ``title`` is empty.
    """
    if isinstance(paths, (str, bytes, os.PathLike)) or not isinstance(paths, Sequence) or not paths:
        fail("paths", paths, "a non-empty list of notebook paths")
    _check_text("title", title)
    files = [Path(p) for p in paths]
    for path in files:
        if not path.is_file():
            fail("paths", str(path), "existing notebook files")

    merged = nbformat.v4.new_notebook()
    for part, path in enumerate(files, start=1):
        source = nbformat.read(path, as_version=4)
        if part == 1:
            for key in ("kernelspec", "language_info"):
                if key in source.metadata:
                    merged.metadata[key] = copy.deepcopy(source.metadata[key])
        kept = [cell for cell in source.cells if not _has_tag(cell, PARAMETER_TAGS)]
        for number, cell in enumerate(kept, start=1):
            cell = copy.deepcopy(cell)
            cell["id"] = f"p{part:02d}-c{number:04d}"
            for key in _TIMING_METADATA:
                cell.metadata.pop(key, None)
            merged.cells.append(cell)
    merged.metadata["title"] = title
    merged.metadata["language"] = "da"
    return merged


def _shown_outputs(outputs: list) -> list:
    """Return the outputs a reader sees, each reduced to its shown types."""
    rich = any(
        _RICH_MIMETYPES.intersection(out.get("data", {}))
        for out in outputs
        if out.get("output_type") in ("display_data", "execute_result")
    )
    shown = []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream" and out.get("name") == "stderr":
            continue
        if kind in ("display_data", "execute_result"):
            data = {k: v for k, v in out.get("data", {}).items() if k in _SHOWN_MIMETYPES}
            if rich and set(data) <= {"text/plain"}:
                continue
            if not data:
                continue
            out = copy.deepcopy(out)
            out["data"] = nbformat.from_dict(data)
        shown.append(out)
    return shown


def _reader_copy(nb: nbformat.NotebookNode, title: str, drop_tags: frozenset) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` with only what a reader sees; ``nb`` is not changed."""
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        if _has_tag(cell, PARAMETER_TAGS | drop_tags):
            continue
        if cell.cell_type == "code":
            cell.outputs = _shown_outputs(cell.get("outputs", []))
            if not cell.outputs:
                continue
        cells.append(cell)
    out.cells = cells
    out.metadata["title"] = title
    return out


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
    """Find every id, the h1-h3 headings inside <main>, and images with the English alt."""

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
        elif tag == "img" and values.get("alt") == _ALT_EN:
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
    """Give headings without id a slug id, translate default alt texts, fill in the TOC."""
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
        fixed = tag_text.replace(f'alt="{_ALT_EN}"', f'alt="{_ALT_DA}"')
        edits.append((start, start + len(tag_text), fixed))
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


_EXPORTERS = threading.local()


def _exporter(lang: str) -> HTMLExporter:
    """Return this thread's HTML exporter for ``lang``, made on first use.

    Making an exporter compiles the Jinja templates again; one exporter per
    thread and language keeps them compiled across the documents of a run
    (nbconvert's own command line reuses one exporter the same way).
    """
    cache = _EXPORTERS.__dict__.setdefault("by_lang", {})
    if lang not in cache:
        cache[lang] = HTMLExporter(
            template_name=TEMPLATE_NAME,
            extra_template_basedirs=[str(TEMPLATES_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            exclude_anchor_links=True,
            # embed_images stays off: it re-parses each inline HTML tag of a
            # markdown cell on its own and so empties <b>...</b> (nbconvert 7.17).
            # Markdown attachments are embedded anyway; any other image fails below.
            language_code=lang,
            config={"CSSHTMLHeaderPreprocessor": {"enabled": False}},
        )
    return cache[lang]


def export_html(
    nb: nbformat.NotebookNode,
    output_path: str | os.PathLike,
    *,
    title: str,
    lang: str = "da",
    links: Sequence[tuple[str, str]] = (),
    css_extra: str = "",
    drop_tags: Iterable[str] = REVIEW_TAGS,
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
    output_path = Path(output_path)

    exporter = _exporter(lang)
    resources = {
        "metadata": {"name": output_path.stem, "path": str(output_path.parent)},
        "evaluation": {
            "css_extra": css_extra,
            "links_html": _links_html(checked_links),
            "toc_marker": _TOC_MARKER,
        },
    }
    body, _ = exporter.from_notebook_node(_reader_copy(nb, title, drop_tags), resources=resources)
    document = _finish(body)
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


# --------------------------------------------------------------------------
# Checks


def _is_external(url: str) -> bool:
    """True if ``url`` would reach another host (or leave the folder by scheme)."""
    url = "".join(c for c in url.strip(" \t\n\r\f\x00") if c not in "\t\n\r")
    if url.startswith(("//", "\\\\", "/\\", "\\/")):
        return True
    match = _SCHEME.match(url)
    return bool(match) and match.group(1).lower() not in _LOCAL_SCHEMES


def _is_embedded(url: str) -> bool:
    """True if ``url`` needs no file and no host: a data: URI or a #fragment."""
    url = url.strip().lower()
    return url.startswith(("data:", "#")) or url in ("", "about:blank")


def _css_urls(css: str) -> list[str]:
    """Return the targets of ``url(...)``, then of ``@import "..."``, in ``css``."""
    found = [a or b or c for a, b, c in _CSS_URL.findall(css)]
    return found + [a or b for a, b in _CSS_IMPORT.findall(css)]


def _srcset_urls(value: str) -> list[str]:
    """Return the URLs of a ``srcset`` (data: URIs hold commas, so split with care)."""
    urls, i, n = [], 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            while i < n and value[i] != ",":
                i += 1
        if url:
            urls.append(url)
    return urls


class _UrlScanner(HTMLParser):
    """Collect every URL of a document as a resource load or a plain link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.resources: list[str] = []
        self.links: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        refresh = tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh"
        for name, value in attrs:
            if value is None:
                continue
            if name in _RESOURCE_ATTRS or (name == "data" and tag == "object"):
                self.resources.append(value)
            elif name in _SRCSET_ATTRS:
                self.resources.extend(_srcset_urls(value))
            elif name in ("href", "xlink:href"):
                (self.links if tag in _LINK_TAGS else self.resources).append(value)
            elif name in ("action", "formaction", "ping"):
                self.links.extend(value.split() if name == "ping" else [value])
            elif name == "style":
                self.resources.extend(_css_urls(value))
            elif name == "content" and refresh:
                _, _, target = value.partition("=")
                self.resources.append(target.strip(" '\""))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.resources.extend(_css_urls(data))


def _scan(html_text: str) -> _UrlScanner:
    if not isinstance(html_text, str):
        fail("html_text", type(html_text).__name__, "a string of HTML")
    scanner = _UrlScanner()
    scanner.feed(html_text)
    scanner.close()
    return scanner


def external_urls(html_text: str) -> list[str]:
    """List the URLs in ``html_text`` that would load a resource from another host.

    Looks at ``src``, ``srcset``, ``poster``, ``<object data>``, ``href`` on
    anything but ``<a>``/``<area>`` (stylesheets, icons, SVG images), CSS
    ``url(...)`` and ``@import`` in ``<style>`` and ``style=""``, and meta
    refresh.  External means protocol-relative (``//host``) or any scheme but
    ``data:``, ``about:``, ``blob:`` and ``javascript:``.

    Returns
    -------
    list of str
        The URLs in document order, duplicates kept; empty if none.

    Examples
    --------
    >>> external_urls('<img src="data:image/png;base64,AA=="><script src="//cdn.example/x.js"></script>')
    ['//cdn.example/x.js']
    >>> external_urls('<a href="https://example.org/">plain link</a>')
    []
    """
    return [url for url in _scan(html_text).resources if _is_external(url)]


def external_links(html_text: str) -> list[str]:
    """List the plain links (``<a>``/``<area>`` href, form actions) that point outside the document.

    Outside means what :func:`external_urls` calls external: a host, or a
    scheme such as ``mailto:``.  Following a link loads nothing by itself, but
    a memo that should work offline carries none.

    Returns
    -------
    list of str
        The URLs in document order, duplicates kept; empty if none.

    Examples
    --------
    >>> external_links('<a href="https://example.org/">x</a> <a href="notebooks/01.ipynb">y</a>')
    ['https://example.org/']
    """
    return [url for url in _scan(html_text).links if _is_external(url)]
