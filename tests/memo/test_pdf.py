"""The printed PDF is mended for publishing (evaluation.memo.pdf).

A small document made for the purpose is printed by the machine's Chromium
and checked with pypdf: relative links with descriptions, alt text on
every figure, a role map for Chromium's PDF 2.0 types, XMP metadata, and
bookmarks with the headings' words.  The memo's own PDF is checked in
``tests/memo/test_browser.py``.  Without Chromium these tests are skipped,
except on CI, where a missing browser fails.
"""
from __future__ import annotations

import os
import re

import pytest

from evaluation.memo.browser import CHROMIUM_ENV, BrowserError, find_chromium, open_browser, print_pdf
from evaluation.memo.pdf import document_links

pypdf = pytest.importorskip("pypdf")

PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
TITLE = "Opfølgning på kommunernes handlingsplaner mod ekstremisme"
PAGE = f"""<!DOCTYPE html>
<html lang="da"><head><meta charset="utf-8"><title>{TITLE}</title></head>
<body><main>
<h1 style="width:45mm">{TITLE}</h1>
<p>Tekst med <em>kursiv</em> og <strong>fed</strong>:
<a href="notebooks/01_introduktion.ipynb">Beregningen i notebook 01: introduktion</a>,
<a href="#fig-1">figur 1</a> og <a href="../andet/side.html">en side uden for udgivelsen</a>.</p>
<figure id="fig-1"><img src="data:image/png;base64,{PIXEL}" alt="Et kvadrat i én farve" style="width:40mm">
<figcaption>Figur 1. Et kvadrat</figcaption></figure>
<h2>Andet afsnit med en overskrift</h2>
</main></body></html>
"""


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The page above printed to ``udgivelse/dokument.pdf``, opened with pypdf."""
    if find_chromium() is None or not _starts():
        reason = f"no working Chromium: install Debian's chromium (apt-get install chromium) or set {CHROMIUM_ENV}"
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI must run the PDF checks")
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("pdf") / "udgivelse"
    (folder / "notebooks").mkdir(parents=True)
    (folder / "notebooks" / "01_introduktion.ipynb").write_text("{}", encoding="utf-8")
    html = folder / "dokument.html"
    html.write_text(PAGE, encoding="utf-8")
    path = print_pdf(html, folder / "dokument.pdf")
    return pypdf.PdfReader(path)


def _starts() -> bool:
    try:
        with open_browser():
            return True
    except BrowserError:
        return False


def _root(pdf):
    return pdf.trailer["/Root"]


def _elements(pdf):
    stack = [_root(pdf)["/StructTreeRoot"].get_object()]
    while stack:
        element = stack.pop()
        kids = element.get("/K")
        if kids is None:
            continue
        kids = kids.get_object()
        for kid in (kids if isinstance(kids, list) else [kids]):
            kid = kid.get_object()
            if isinstance(kid, dict) and "/S" in kid:
                yield kid
                stack.append(kid)


def _links(pdf) -> list:
    annotations = [a.get_object() for page in pdf.pages for a in page.get("/Annots") or []]
    return [a for a in annotations if a["/Subtype"] == "/Link"]


def test_links_are_relative_described_and_never_file_uris(printed):
    links = _links(printed)
    uris = [str(a["/A"]["/URI"]) for a in links if "/A" in a and a["/A"].get("/S") == "/URI"]
    assert uris == ["notebooks/01_introduktion.ipynb"]
    assert not any("file:" in str(a.get("/A", "")) for a in links)
    contents = sorted({str(a["/Contents"]) for a in links})
    assert contents == ["Beregningen i notebook 01: introduktion", "en side uden for udgivelsen", "figur 1"]
    # The link that leaves the publication keeps its text but has no target.
    outside = [a for a in links if str(a["/Contents"]) == "en side uden for udgivelsen"]
    assert outside and all("/A" not in a and "/Dest" not in a for a in outside)


def test_every_figure_tag_has_alt_text(printed):
    elements = list(_elements(printed))
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert [str(f["/Alt"]) for f in figures] == ["Et kvadrat i én farve"]
    # The <figure> around the image is a group.
    assert any(e["/S"] == "/Div" for e in elements)


def test_role_map_maps_chromiums_pdf_2_types_to_standard_ones(printed):
    used = {str(e["/S"]) for e in _elements(printed)}
    assert {"/Em", "/Strong"} <= used
    assert dict(_root(printed)["/StructTreeRoot"]["/RoleMap"]) == {"/Em": "/Span", "/Strong": "/Span"}


def test_tagged_with_language_title_and_xmp(printed):
    root = _root(printed)
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]) == "da"
    assert printed.metadata.title == TITLE
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = printed.xmp_metadata
    assert xmp.dc_title == {"x-default": TITLE}
    assert xmp.dc_language == ["da"]


def test_bookmarks_keep_the_words_of_a_wrapped_heading(printed):
    def flat(entries):
        for entry in entries:
            yield from flat(entry) if isinstance(entry, list) else [entry]

    titles = [entry.title for entry in flat(printed.outline)]
    # The h1 wraps over several lines at 45 mm.
    assert titles == [TITLE, "Andet afsnit med en overskrift"]


def test_xmp_escapes_the_title():
    from evaluation.memo.pdf import _xmp

    packet = _xmp('<Tal & "tekst">', "da").decode("utf-8")
    assert "&lt;Tal &amp; &quot;tekst&quot;&gt;" in packet and "<Tal" not in packet


def test_document_links_reads_nested_text_and_image_alt():
    links, headings = document_links(
        '<h2>Om <a href="#x">x</a></h2><a href="a.csv"><img alt="Ikon"> Tabel</a><a href="b">  </a>')
    assert links == [("#x", "x"), ("a.csv", "Ikon Tabel"), ("b", "")]
    assert headings == ["Om x"]
    assert not re.search(r"\s{2}", " ".join(t for _, t in links))
