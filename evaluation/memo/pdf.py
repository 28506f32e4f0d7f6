"""Finish the PDF that Chromium prints so that it can be published: links,
tags and metadata that an accessible PDF (PDF/UA, WCAG 2.1 AA) needs.

Chromium's tagged PDF gets much right (a tag tree in reading order,
headings, tables, lists, the images' alt texts, the language, the title and
bookmarks) but not everything; :func:`finish_pdf` fixes what it can with
pypdf, after measuring each fault on the memo:

- **Links to files** become relative to the PDF (``notebooks/04_...ipynb``):
  Chromium writes ``file:///`` URIs of the folder it printed from, which are
  dead once the memo is published and expose a local path.  A link to a
  file outside the PDF's folder loses its target.
- **Link descriptions**: every link annotation gets ``/Contents``, the text
  the link shows in the HTML.
- **Figures**: an HTML ``<figure>`` becomes a ``Figure`` tag without alt
  text around the image's ``Figure`` (which has one); the outer one is
  retagged ``Div``, so every ``Figure`` left has its alt text.
- **Structure types**: ``Em`` and ``Strong`` are PDF 2.0 types in a PDF 1.4
  file; a role map maps them to ``Span``.
- **Metadata**: XMP with the title and the language (``dc:title``,
  ``dc:language``), and the viewer shows the title, not the file name.
- **Bookmarks**: Chromium joins the words of a heading that wraps at a line
  end ("kommunerneshandlingsplaner"); each bookmark gets its heading's text.

Before printing, :data:`KEEP_SPACES_SCRIPT` and :data:`KEEP_SPACES_CSS`
make Chromium draw the space at every line end.  Chromium leaves a space
where a line wraps out of the page content, so a reader that takes the text
from the tag tree joins the two words ("oghåndteringen"; 154 of the memo's
3,259 words); with the white space collapsed by hand and kept by
``white-space: break-spaces``, the layout stays the same and no word is
joined.  Ligatures are turned off in print for the same reason: "fi" drawn
as one glyph splits "signifikant" in two for such a reader.
"""
from __future__ import annotations

import os
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..checks import fail

__all__ = ["finish_pdf", "document_links", "KEEP_SPACES_SCRIPT", "KEEP_SPACES_CSS"]

#: Run in the page before printing: collapse white space as the browser
#: would (runs of spaces and line breaks to one space; none at the start or
#: end of a block, none between blocks), outside ``pre``, and mark the body
#: so that :data:`KEEP_SPACES_CSS` applies.
KEEP_SPACES_SCRIPT = r"""() => {
  const inline = el => getComputedStyle(el).display.startsWith('inline');
  const isBlock = node => node && node.nodeType === 1 && !inline(node);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  for (const node of nodes) {
    const parent = node.parentElement;
    if (!parent || parent.closest('pre, style, script')) continue;
    let text = node.nodeValue.replace(/\s+/g, ' ');
    const inBlock = !inline(parent);
    if (inBlock && !node.previousSibling) text = text.replace(/^ /, '');
    if (inBlock && !node.nextSibling) text = text.replace(/ $/, '');
    if (text === ' ' && inBlock && (isBlock(node.previousSibling) || isBlock(node.nextSibling))) text = '';
    if (text === '') node.remove(); else node.nodeValue = text;
  }
  document.body.classList.add('spaces-kept');
}"""
#: Added to the page before printing, after :data:`KEEP_SPACES_SCRIPT`.
KEEP_SPACES_CSS = (
    "body.spaces-kept *:not(pre):not(pre *) { white-space: break-spaces; font-variant-ligatures: none; }"
)

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Types of PDF 2.0 that Chromium writes into a PDF 1.x file, and the
# standard type of PDF 1.7 each one stands for.
_ROLE_MAP = {"/Em": "/Span", "/Strong": "/Span"}


class _Links(HTMLParser):
    """Collect the text of every link and every heading of an HTML document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.headings: list[str] = []
        self._open: list[tuple[str, list[str], str | None]] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self._open.append(("a", [], values["href"]))
        elif tag in _HEADINGS:
            self._open.append((tag, [], None))
        elif tag == "img" and self._open and values.get("alt"):
            for _, text, _ in self._open:
                text.append(values["alt"])

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            kind, text, href = self._open.pop()
            words = " ".join("".join(text).split())
            if kind == "a":
                self.links.append((href, words))
            else:
                self.headings.append(words)

    def handle_data(self, data):
        for _, text, _ in self._open:
            text.append(data)


def document_links(html_text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Return the (href, text) of every link and the text of every heading of
    an HTML document, in document order, whitespace collapsed.

    >>> document_links('<h1>Et <em>langt</em>\\nnavn</h1><p><a href="#a">Gå til <b>A</b></a></p>')
    ([('#a', 'Gå til A')], ['Et langt navn'])
    """
    parser = _Links()
    parser.feed(html_text)
    parser.close()
    return parser.links, parser.headings


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def finish_pdf(pdf_path: str | os.PathLike, html_path: str | os.PathLike, *, lang: str = "da") -> Path:
    """Mend, in place, the PDF that Chromium printed from ``html_path``.

    Parameters
    ----------
    pdf_path : path-like
        The PDF; it is rewritten where it is (pass a temporary file to keep
        the write atomic, as :func:`evaluation.memo.browser.print_pdf` does).
    html_path : path-like
        The HTML document it was printed from; the folder the PDF will be
        published in is the document's folder, and relative links are made
        relative to it.
    lang : str
        The document's language (BCP 47), for the metadata.

    Returns
    -------
    Path
        ``pdf_path``.
    """
    from pypdf import PdfWriter

    pdf_path, html_path = Path(pdf_path), Path(html_path).resolve()
    if not html_path.is_file():
        fail("html_path", str(html_path), "an existing HTML file")
    links, headings = document_links(html_path.read_text(encoding="utf-8"))
    writer = PdfWriter(clone_from=str(pdf_path))
    root = writer._root_object
    info = writer.metadata or {}
    title = str(info.get("/Title") or "") or (headings[0] if headings else html_path.stem)
    _mend_links(writer, links, html_path.parent)
    _mend_figures(root)
    _mend_roles(root)
    _mend_bookmarks(root, headings)
    _add_metadata(writer, title=title, lang=lang)
    with open(pdf_path, "wb") as fh:
        writer.write(fh)
    return pdf_path


def _mend_links(writer, links: list[tuple[str, str]], folder: Path) -> None:
    from pypdf.generic import NameObject, TextStringObject

    texts: dict[str, str] = {}
    for href, text in links:
        parts = urlsplit(href)
        if not text:
            continue
        if not parts.scheme and not parts.path and parts.fragment:
            key = "#" + unquote(parts.fragment)
        elif not parts.scheme and not href.startswith("/"):
            key = (folder / unquote(parts.path)).resolve().as_uri()
        else:
            key = href
        texts.setdefault(key, text)
    for page in writer.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A")
            action = action.get_object() if action is not None else None
            dest = annot.get("/Dest")
            if isinstance(dest, NameObject) or (dest is not None and isinstance(dest, str)):
                key = "#" + str(dest).lstrip("/")
            elif action is not None and action.get("/S") == "/URI":
                key = str(action["/URI"])
                target = urlsplit(key)
                if target.scheme == "file":
                    path = Path(unquote(target.path))
                    if path.is_relative_to(folder):
                        relative = path.relative_to(folder).as_posix()
                        action[NameObject("/URI")] = TextStringObject(
                            relative + (f"#{target.fragment}" if target.fragment else ""))
                    else:
                        del annot["/A"]  # a file outside the publication: no target to publish
                    key = target._replace(fragment="").geturl()
            else:
                continue
            text = texts.get(key)
            if text:
                annot[NameObject("/Contents")] = TextStringObject(text)


def _children(element) -> list:
    from pypdf.generic import ArrayObject, DictionaryObject

    kids = element.get("/K")
    if kids is None:
        return []
    kids = kids.get_object()
    kids = list(kids) if isinstance(kids, ArrayObject) else [kids]
    out = []
    for kid in kids:
        kid = kid.get_object()
        if isinstance(kid, DictionaryObject) and "/S" in kid:
            out.append(kid)
    return out


def _elements(root):
    """Every structure element of the tag tree, parents before children."""
    tree = root.get("/StructTreeRoot")
    stack = list(reversed(_children(tree.get_object()))) if tree is not None else []
    while stack:
        element = stack.pop()
        yield element
        stack += reversed(_children(element))


def _descendants(element):
    stack = list(_children(element))
    while stack:
        child = stack.pop()
        yield child
        stack += _children(child)


def _mend_figures(root) -> None:
    from pypdf.generic import NameObject

    for element in list(_elements(root)):
        if element["/S"] != "/Figure" or "/Alt" in element:
            continue
        if any(e["/S"] == "/Figure" for e in _descendants(element)):  # a <figure> around an image: a group
            element[NameObject("/S")] = NameObject("/Div")


def _mend_roles(root) -> None:
    from pypdf.generic import DictionaryObject, NameObject

    tree = root.get("/StructTreeRoot")
    if tree is None:
        return
    tree = tree.get_object()
    used = {str(e["/S"]) for e in _elements(root)}
    roles = tree.get("/RoleMap")
    roles = roles.get_object() if roles is not None else DictionaryObject()
    for custom, standard in _ROLE_MAP.items():
        if custom in used and custom not in roles:
            roles[NameObject(custom)] = NameObject(standard)
    if len(roles):
        tree[NameObject("/RoleMap")] = roles


def _mend_bookmarks(root, headings: list[str]) -> None:
    from pypdf.generic import NameObject, TextStringObject

    by_letters: dict[str, str] = {}
    for heading in headings:
        by_letters.setdefault(_squeezed(heading), heading)
    outlines = root.get("/Outlines")
    first = outlines.get_object().get("/First") if outlines is not None else None
    stack = [first] if first is not None else []
    while stack:
        item = stack.pop().get_object()
        fixed = by_letters.get(_squeezed(str(item.get("/Title", ""))))
        if fixed and fixed != item.get("/Title"):
            item[NameObject("/Title")] = TextStringObject(fixed)
        stack += [item[key] for key in ("/Next", "/First") if key in item]


def _xmp(title: str, lang: str) -> bytes:
    """An XMP packet with the document's title and language (Dublin Core)."""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>\n'
        f"<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>\n"
        "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode("utf-8")


def _add_metadata(writer, *, title: str, lang: str) -> None:
    from pypdf.generic import BooleanObject, DictionaryObject, NameObject, StreamObject, TextStringObject

    root = writer._root_object
    root[NameObject("/Lang")] = TextStringObject(lang)
    writer.add_metadata({"/Title": title})
    preferences = root.get("/ViewerPreferences")
    preferences = preferences.get_object() if preferences is not None else DictionaryObject()
    preferences[NameObject("/DisplayDocTitle")] = BooleanObject(True)
    root[NameObject("/ViewerPreferences")] = preferences
    stream = StreamObject()
    stream.set_data(_xmp(title, lang))
    stream.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    root[NameObject("/Metadata")] = writer._add_object(stream)
