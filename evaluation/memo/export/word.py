"""Export an HTML document of the project (the memo, a profile) to Word with pandoc.

Use::

    export_docx(out / "memo.html", out / "memo.docx")

pandoc comes with the ``pypandoc-binary`` package, so nothing else needs
installing.  It reads the finished HTML document, not the notebooks, so the
Word file says exactly what the HTML says: the same numbered headings,
figures with their captions and alt texts, tables and links.  Before pandoc
reads it, the page's own navigation (skip link, links to the other files,
table of contents) is taken out; the ``h1`` title and its subtitle become the
document's title and subtitle.

The house style comes from a reference document built here from pandoc's
own (:func:`reference_docx`): A4 with 2.5 cm margins, page numbers in the
footer, pandoc's heading styles (Heading 1-3, numbered in their text as in
the HTML) and caption styles.  pandoc adds a table-of-contents
field ("Indhold") that Word fills in when the file is opened, keeps every
table's header row as a repeating header row, gives every image its alt text
(``descr``) and turns ``#anchor`` links into links to Word bookmarks.  The
document language is ``da-DK``.

With ``SOURCE_DATE_EPOCH`` set (as every run sets it), the same HTML gives
the same bytes.
"""
from __future__ import annotations

import functools
import os
import re
import tempfile
from html import escape, unescape
from pathlib import Path

from ...checks import fail
from ...files import write_atomically

__all__ = ["DOCX_LANGUAGE", "export_docx", "reference_docx"]

#: The language every Word document is marked with.
DOCX_LANGUAGE = "da-DK"

# Parts of the HTML page that are navigation for a browser, not content.
_DROP = (
    re.compile(r'<a class="skip-link"[^>]*>.*?</a>\n?', re.S),
    re.compile(r'<header class="doc-header">.*?</header>\n?', re.S),
    re.compile(r"<style\b.*?</style>\n?", re.S | re.I),
)
# A figure's scroll box (for small screens) holds only its image; Word needs the bare image.
_FIGURE_SCROLL = re.compile(r'<div\b[^>]*\bclass="figure-scroll"[^>]*>\s*(<img\b[^>]*>)\s*</div>')
_TITLE = re.compile(r'<h1 id="top">(.*?)</h1>(?:<p class="subtitle">(.*?)</p>)?', re.S)
_TAG = re.compile(r"<[^>]+>")


def _plain(fragment: str) -> str:
    return " ".join(unescape(_TAG.sub("", fragment)).split())


def _prepare(document: str) -> tuple[str, str, str]:
    """Return the HTML pandoc should read, the title and the subtitle."""
    for pattern in _DROP:
        document = pattern.sub("", document)
    document = _FIGURE_SCROLL.sub(r"\1", document)
    match = _TITLE.search(document)
    if match is None:
        title_tag = re.search(r"<title>(.*?)</title>", document, re.S)
        return document, _plain(title_tag.group(1)) if title_tag else "", ""
    document = document[: match.start()] + document[match.end():]
    return document, _plain(match.group(1)), _plain(match.group(2) or "")


_HEADING = re.compile(r'<h([2-4]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TOC_EMPTY = '<w:fldChar w:fldCharType="separate" /><w:fldChar w:fldCharType="end" /></w:r></w:p>'


def _toc_entry(level: int, anchor: str, text: str) -> str:
    return (f'<w:p><w:pPr><w:pStyle w:val="TOC{level}" /><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9060" /></w:tabs>'
            f'<w:ind w:left="{(level - 1) * 440}" /></w:pPr><w:hyperlink w:anchor="{escape(anchor)}">'
            f'<w:r><w:rPr><w:rStyle w:val="Hyperlink" /></w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
            "</w:hyperlink></w:p>")


def _fill_toc(path: Path, entries: list[tuple[int, str, str]]) -> None:
    """Put the headings into the table-of-contents field's result, in place.

    pandoc leaves the field empty (and marked for update), so a reader that
    does not update fields (LibreOffice, a converter, Word's protected view)
    shows an empty table of contents.  With the headings as the field's
    current result, each a link to its heading's bookmark, every reader
    shows it; Word still rebuilds it, with page numbers, when it updates
    the field.  The zip entries keep their names, order and dates.
    """
    import zipfile

    with zipfile.ZipFile(path) as source:
        infos = source.infolist()
        parts = {info.filename: source.read(info) for info in infos}
    document = parts["word/document.xml"].decode("utf-8")
    if document.count(_TOC_EMPTY) != 1:
        return
    filled = ('<w:fldChar w:fldCharType="separate" /></w:r></w:p>'
              + "".join(_toc_entry(*entry) for entry in entries)
              + '<w:p><w:r><w:fldChar w:fldCharType="end" /></w:r></w:p>')
    parts["word/document.xml"] = document.replace(_TOC_EMPTY, filled).encode("utf-8")
    with zipfile.ZipFile(path, "w") as target:
        for info in infos:
            target.writestr(info, parts[info.filename])


def _pandoc(*args: str, text: str | None = None) -> bytes:
    import subprocess

    import pypandoc

    result = subprocess.run([pypandoc.get_pandoc_path(), *args], input=None if text is None else text.encode("utf-8"),
                            capture_output=True, timeout=300)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        fail("pandoc", message.splitlines()[-1] if message else f"exit {result.returncode}", "a successful conversion")
    return result.stdout


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_FOOTER = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:ftr {_W}><w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/></w:pPr>'
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:ftr>'
)
_FOOTER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
_FOOTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
# A4 (210 x 297 mm) with 2.5 cm margins, in twentieths of a point.
_PAGE = ('<w:pgSz w:w="11906" w:h="16838"/>'
         '<w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418" w:header="709" w:footer="709" w:gutter="0"/>')


def _style_reference(data: bytes) -> bytes:
    """Give pandoc's default reference document the house style: A4 with
    2.5 cm margins and the page number in the footer."""
    import io
    import zipfile

    parts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        for info in source.infolist():
            parts[info.filename] = source.read(info).decode("utf-8") if info.filename.endswith((".xml", ".rels")) \
                else source.read(info)
    document = parts["word/document.xml"]
    sect = document.rindex("<w:sectPr>") + len("<w:sectPr>")
    parts["word/document.xml"] = (document[:sect] + '<w:footerReference w:type="default" r:id="rIdPageFooter"/>'
                                  + document[sect:].replace("</w:sectPr>", _PAGE + "</w:sectPr>", 1))
    if "xmlns:r=" not in parts["word/document.xml"][:2000]:
        parts["word/document.xml"] = parts["word/document.xml"].replace(
            "<w:document ", '<w:document xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ', 1)
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        "</Relationships>", f'<Relationship Type="{_FOOTER_REL}" Id="rIdPageFooter" Target="footer1.xml" /></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        "</Types>", f'<Override PartName="/word/footer1.xml" ContentType="{_FOOTER_TYPE}" /></Types>')
    parts["word/footer1.xml"] = _FOOTER
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content.encode("utf-8") if isinstance(content, str) else content)
    return out.getvalue()


@functools.lru_cache(maxsize=1)
def _reference_bytes() -> bytes:
    return _style_reference(_pandoc("--print-default-data-file", "reference.docx"))


def reference_docx(path: str | os.PathLike) -> Path:
    """Write the reference document (the house style pandoc copies) to ``path``."""
    data = _reference_bytes()
    return write_atomically(Path(path), lambda tmp: tmp.write_bytes(data))


def export_docx(html_path: str | os.PathLike, output_path: str | os.PathLike, *, lang: str = DOCX_LANGUAGE) -> Path:
    """Convert a finished HTML document of the project to a Word file.

    Parameters
    ----------
    html_path : path-like
        An HTML document written by :func:`evaluation.memo.export.export_html`.
    output_path : path-like
        The ``.docx`` to write (atomically).
    lang : str
        The document language (BCP 47).

    Returns
    -------
    Path
        ``output_path``.

    Raises
    ------
    ParameterError
        If ``html_path`` does not exist or pandoc fails (its message is given).
    """
    html_path = Path(html_path)
    if not html_path.is_file():
        fail("html_path", str(html_path), "an existing HTML document")
    if not isinstance(lang, str) or not re.fullmatch(r"[a-z]{2,3}(-[A-Z]{2})?", lang):
        fail("lang", lang, "a language tag such as 'da-DK'")
    body, title, subtitle = _prepare(html_path.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        reference = reference_docx(Path(tmp) / "reference.docx")
        args = ["--from=html", "--to=docx", f"--reference-doc={reference}",
                "--toc", "--toc-depth=3", "--shift-heading-level-by=-1", f"--resource-path={html_path.parent}",
                "--metadata=toc-title:Indhold", f"--metadata=lang:{lang}"]
        if title:
            args.append(f"--metadata=title:{title}")
        if subtitle:
            args.append(f"--metadata=subtitle:{subtitle}")
        entries = [(int(level) - 1, ident, _plain(text)) for level, ident, text in _HEADING.findall(body)]

        def convert(out: Path) -> None:
            _pandoc(*args, f"--output={out}", text=body)
            _fill_toc(out, entries)

        return write_atomically(Path(output_path), convert)
