"""Word export (evaluation.memo.export.word): the memo of a real run, read back.

The .docx is read as what it is, a zip of WordprocessingML parts, with the
standard library's XML parser (through defusedxml), and converted back to
plain text with the same pandoc.  Everything it must show is compared with
the HTML memo it came from and with the run's tables.
"""
import os
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree as ET

from evaluation.exceptions import ParameterError
from evaluation.memo.export import export_docx
from evaluation.memo.text import interval_text, number, signed

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


def _xml(docx: Path, part: str):
    with zipfile.ZipFile(docx) as z:
        return ET.fromstring(z.read(part))


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _style(paragraph) -> str:
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val") if style is not None else ""


@pytest.fixture(scope="module")
def memo_docx(bundled_run):
    return bundled_run / "memo.docx"


@pytest.fixture(scope="module")
def memo_html(bundled_run):
    return BeautifulSoup((bundled_run / "memo.html").read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def body(memo_docx):
    return _xml(memo_docx, "word/document.xml").find(f"{W}body")


def test_headings_are_word_headings_in_the_memo_order(body, memo_html):
    headings = [(_style(p), _text(p)) for p in body.iter(f"{W}p") if _style(p).startswith("Heading")]
    main = memo_html.find("main")
    expected = [(f"Heading{int(h.name[1]) - 1}", " ".join(h.get_text().split())) for h in main.find_all(["h2", "h3", "h4"])]
    assert headings == expected
    assert headings[0] == ("Heading1", "1 Indledning")
    assert ("Heading2", "3.2 Beredskab") in headings
    titles = [_text(p) for p in body.iter(f"{W}p") if _style(p) == "Title"]
    assert titles == [" ".join(memo_html.find("h1").get_text().split())]


def test_every_figure_has_its_alt_text_and_a_figur_caption(body, memo_html):
    figures = memo_html.find_all("figure")
    paragraphs = list(body.iter(f"{W}p"))
    drawings = [(i, d) for i, p in enumerate(paragraphs) for d in p.iter(f"{WP}docPr")]
    assert len(drawings) == len(figures) == 9
    for (index, doc_pr), figure in zip(drawings, figures):
        assert doc_pr.get("descr") == figure.find("img")["alt"] and doc_pr.get("descr")
        caption = paragraphs[index + 1]
        assert _style(caption) == "ImageCaption"
        assert _text(caption).startswith(figure.find("figcaption").contents[0].strip())
        assert _text(caption).startswith(f"Figur {figures.index(figure) + 1}. ")


def test_every_table_is_a_word_table_with_a_repeating_header_row(body, memo_html):
    html_tables = memo_html.find_all("table")
    tables = list(body.iter(f"{W}tbl"))
    assert len(tables) == len(html_tables) > 0
    for table, html_table in zip(tables, html_tables):
        rows = table.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert [_text(c) for c in rows[0].findall(f"{W}tc")] == [th.get_text() for th in html_table.find("thead").find_all("th")]
        assert len(rows) == len(html_table.find_all("tr"))


def test_document_language_title_a4_page_numbers_and_toc(memo_docx, body, memo_html):
    styles = _xml(memo_docx, "word/styles.xml")
    assert {lang.get(f"{W}val") for lang in styles.iter(f"{W}lang")} == {"da-DK"}
    core = _xml(memo_docx, "docProps/core.xml")
    title = core.find("{http://purl.org/dc/elements/1.1/}title").text
    assert title == " ".join(memo_html.find("h1").get_text().split())
    assert core.find("{http://purl.org/dc/elements/1.1/}language").text == "da-DK"
    section = body.find(f"{W}sectPr")
    size = section.find(f"{W}pgSz")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")  # A4 in twentieths of a point
    assert section.find(f"{W}footerReference") is not None
    with zipfile.ZipFile(memo_docx) as z:
        footer = z.read("word/footer1.xml").decode("utf-8")
    assert "PAGE" in footer
    instructions = [t.text for t in body.iter(f"{W}instrText")]
    assert any(i.strip().startswith("TOC") for i in instructions)


def test_table_of_contents_lists_every_heading_before_word_updates_it(body, memo_html):
    toc = body.find(f"{W}sdt")
    entries = [(link.get(f"{W}anchor"), _text(link)) for link in toc.iter(f"{W}hyperlink")]
    headings = [_text(p) for p in body.iter(f"{W}p") if _style(p).startswith("Heading")]
    assert [text for _, text in entries] == headings and len(entries) > 15
    # Each entry links its heading's bookmark (pandoc names them by the HTML ids).
    ids = [h["id"] for h in memo_html.find("main").find_all(["h2", "h3", "h4"])]
    assert [anchor for anchor, _ in entries] == ids
    assert set(ids) <= {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    # The entries are the field's current result: between its separate and end marks.
    marks = [c.get(f"{W}fldCharType") for c in toc.iter(f"{W}fldChar")]
    assert marks == ["begin", "separate", "end"]


def test_cross_references_are_links_to_bookmarks_and_no_code_is_shown(body):
    bookmarks = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    anchors = [h.get(f"{W}anchor") for h in body.iter(f"{W}hyperlink") if h.get(f"{W}anchor")]
    assert {"fig-1", "sec-A"} <= set(anchors)
    assert set(anchors) <= bookmarks
    styles = {_style(p) for p in body.iter(f"{W}p")}
    assert "SourceCode" not in styles
    text = _text(body)
    assert "import " not in text and "report.show" not in text and "open_context" not in text


def test_pandoc_reads_the_key_numbers_back(memo_docx, bundled_run):
    import pypandoc

    plain = subprocess.run([pypandoc.get_pandoc_path(), str(memo_docx), "-t", "plain", "--wrap=none"],
                           capture_output=True, text=True, check=True).stdout
    comparison = pd.read_csv(bundled_run / "tables" / "comparison.csv")
    for _, row in comparison.iterrows():
        assert f"{number(row['mean_baseline'])} → {number(row['mean_followup'])}" in plain
        assert f"{signed(row['mean_change'], 2)}, {interval_text(row)}" in plain


def test_same_html_gives_the_same_bytes(bundled_run, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")
    one = export_docx(bundled_run / "profiles" / "kommune-a.html", tmp_path / "a.docx")
    two = export_docx(bundled_run / "profiles" / "kommune-a.html", tmp_path / "b.docx")
    assert one.read_bytes() == two.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "b.docx"]  # no temporary file left


def test_profiles_get_word_copies_listed_in_the_index(bundled_run):
    htmls = sorted(p.stem for p in (bundled_run / "profiles").glob("*.html"))
    assert sorted(p.stem for p in (bundled_run / "profiles").glob("*.docx")) == htmls
    index = BeautifulSoup((bundled_run / "index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = [a["href"] for a in index.find_all("a")]
    assert "memo.docx" in hrefs and "profiles/kommune-a.docx" in hrefs
    assert hrefs.index("memo.docx") == hrefs.index("memo.html") + 1


def test_bad_arguments(tmp_path):
    with pytest.raises(ParameterError, match="html_path"):
        export_docx(tmp_path / "missing.html", tmp_path / "x.docx")
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
    with pytest.raises(ParameterError, match="lang"):
        export_docx(page, tmp_path / "x.docx", lang="danish")
    assert not (tmp_path / "x.docx").exists()
