"""Tests of evaluation.memo.export: merged notebooks to self-contained HTML.

The notebooks are built here with nbformat to look like papermill's output:
a ``parameters`` cell, papermill's ``injected-parameters`` cell, markdown,
and code cells whose outputs are HTML, PNG, plain-text reprs and streams.
The HTML is checked with BeautifulSoup, a parser independent of the
stdlib html.parser the module itself uses.
"""
from __future__ import annotations

import base64
import re
import struct
import zlib

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from evaluation.exceptions import ParameterError
from evaluation.memo.export import (
    export_html,
    export_notebook_html,
    external_links,
    external_urls,
    merge_notebooks,
    render_index,
)


def _png_1x1() -> str:
    """A valid 1x1 red PNG, base64-encoded (built by hand from the PNG spec)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return base64.b64encode(png).decode("ascii")


PNG = _png_1x1()
# Data reach outputs escaped; this is what a municipality name "<script>..." becomes.
ESCAPED_DATA = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _part(n: int) -> nbformat.NotebookNode:
    """One executed-looking driver notebook; ``n`` numbers its sections."""
    parameters = new_code_cell(
        "data_dir: str = 'data'  # PARAM_SOURCE", metadata={"tags": ["parameters"]},
        outputs=[new_output("stream", name="stdout", text="PARAM_OUTPUT\n")],
    )
    injected = new_code_cell("# Parameters\ndata_dir = '/x'  # INJECTED_SOURCE\n",
                             metadata={"tags": ["injected-parameters"], "papermill": {"duration": 0.1}})
    markdown = new_markdown_cell(
        f"# Del {n}: Resultater for æøå\n\nTekst med <b>fed</b> og `<script>` som kode.\n\n## Uden id"
    )
    section = (
        f'<h2 id="sec-{n}-2">{n}.2 Beredskab</h2>'
        f'<p>Se <a href="#fig-{n}">figur {n}</a>.</p>'
        f'<figure id="fig-{n}"><img src="data:image/png;base64,{PNG}" alt="Beredskab for del {n}">'
        f"<figcaption>Figur {n}. Beredskab</figcaption></figure>"
        "<table><thead><tr><th>Kommune</th><th>Score</th></tr></thead>"
        f"<tbody><tr><td>{ESCAPED_DATA}</td><td>3,5</td></tr></tbody></table>"
    )
    rich = new_code_cell(
        "show_section(SECRET_CODE)",
        execution_count=3,
        metadata={"papermill": {"start_time": "2026-01-01T00:00:00"}, "execution": {"iopub.status.idle": "x"}},
        outputs=[
            new_output("display_data", data={"text/html": section, "text/plain": "<IPython HTML object>"}),
            new_output("execute_result", data={"text/plain": "<Figure size 640x480>"}, execution_count=3),
            new_output("stream", name="stderr", text="UserWarning: STDERR_NOISE\n"),
        ],
    )
    plot = new_code_cell(
        "plot(PLOT_CODE)", execution_count=4,
        outputs=[new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure PLAIN_REPR>"})],
    )
    printed = new_code_cell("print(PRINT_CODE)", execution_count=5,
                            outputs=[new_output("stream", name="stdout", text=f"udskrift {n}\n")])
    silent = new_code_cell("x = 1  # SILENT_CODE", execution_count=6)
    review = new_code_cell("frame", execution_count=7, metadata={"tags": ["review"]},
                           outputs=[new_output("execute_result", data={"text/html": "<table><tr><td>REVIEW_FRAME"
                                                                       "</td></tr></table>"}, execution_count=7)])
    nb = new_notebook(cells=[parameters, injected, markdown, rich, plot, printed, silent, review])
    nb.metadata["papermill"] = {"start_time": "2026-01-01T00:00:00"}
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


@pytest.fixture
def parts(tmp_path):
    paths = []
    for n in (1, 2):
        path = tmp_path / f"0{n}_del.ipynb"
        nbformat.write(_part(n), path)
        paths.append(path)
    return paths


@pytest.fixture
def memo(parts, tmp_path):
    nb = merge_notebooks(parts, title="Opfølgning på handlingsplaner")
    links = [("Kørte notebooks <alle>", "notebooks/01 del.ipynb"), ("Tabeller", "tables/")]
    path = export_html(nb, tmp_path / "out" / "memo.html", title="Opfølgning på handlingsplaner", links=links)
    text = path.read_text(encoding="utf-8")
    return path, text, BeautifulSoup(text, "html.parser")


# ---------------------------------------------------------------- merge


def test_merge_drops_parameter_cells_and_keeps_order(parts):
    nb = merge_notebooks(parts, title="Notat")
    # Per part: markdown, rich, plot, printed, silent, review (parameters and injected dropped).
    expected = []
    for _ in (1, 2):
        expected += ["markdown", "code", "code", "code", "code", "code"]
    assert [c.cell_type for c in nb.cells] == expected
    assert nb.cells[0].source.startswith("# Del 1")
    assert nb.cells[6].source.startswith("# Del 2")
    assert nb.cells[5].metadata["tags"] == ["review"]
    sources = "".join(c.source for c in nb.cells)
    assert "PARAM_SOURCE" not in sources and "INJECTED_SOURCE" not in sources
    assert [c.id for c in nb.cells[:2]] == ["p01-c0001", "p01-c0002"]
    assert nb.cells[6].id == "p02-c0001"
    assert all("papermill" not in c.metadata and "execution" not in c.metadata for c in nb.cells)
    assert nb.metadata["title"] == "Notat"
    assert nb.metadata["language"] == "da"
    assert "papermill" not in nb.metadata
    assert nb.metadata["kernelspec"]["name"] == "python3"
    nbformat.validate(nb)


def test_merge_is_deterministic_and_leaves_files_alone(parts):
    before = [p.read_bytes() for p in parts]
    first = nbformat.writes(merge_notebooks(parts, title="Notat"))
    second = nbformat.writes(merge_notebooks(parts, title="Notat"))
    assert first == second
    assert [p.read_bytes() for p in parts] == before


@pytest.mark.parametrize(
    "paths, title",
    [([], "Notat"), (["missing.ipynb"], "Notat"), ("one.ipynb", "Notat"), (None, "Notat")],
)
def test_merge_rejects_bad_paths(tmp_path, paths, title):
    if isinstance(paths, list):
        paths = [tmp_path / p for p in paths]
    with pytest.raises(ParameterError):
        merge_notebooks(paths, title=title)


def test_merge_rejects_empty_title(parts):
    with pytest.raises(ParameterError, match="title"):
        merge_notebooks(parts, title="  ")


# ---------------------------------------------------------------- export


def test_export_hides_code_prompts_stderr_and_plain_reprs(memo):
    _, text, _ = memo
    for hidden in ("SECRET_CODE", "PLOT_CODE", "PRINT_CODE", "SILENT_CODE", "PARAM_SOURCE",
                   "PARAM_OUTPUT", "INJECTED_SOURCE", "STDERR_NOISE", "<Figure", "&lt;Figure",
                   "IPython HTML object", "In&nbsp;[", "Out[", "REVIEW_FRAME"):
        assert hidden not in text, hidden
    # A cell whose only output is printed text keeps it.
    assert "udskrift 1" in text and "udskrift 2" in text


def test_export_page_is_danish_responsive_and_printable(memo):
    _, text, soup = memo
    assert soup.html["lang"] == "da"
    assert soup.title.string == "Opfølgning på handlingsplaner"
    viewport = soup.find("meta", attrs={"name": "viewport"})
    assert viewport is not None and "width=device-width" in viewport["content"]
    css = "\n".join(style.string for style in soup.find_all("style"))
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", css)
    assert "counter(page)" in css
    assert re.search(r"@media print\s*\{", css)
    assert re.search(r"figure,\s*img[^{]*\{[^}]*break-inside:\s*avoid", css)
    assert "max-width: 48rem" in css
    assert "No description has been provided" not in text


def test_an_image_without_alt_text_gets_a_danish_one(memo):
    _, text, soup = memo
    images = soup.find_all("img")
    # Each part's plot is a bare image/png output; its figure has its own alt text.
    assert sorted(img["alt"] for img in images) == ["Beredskab for del 1", "Beredskab for del 2",
                                                    "Figur uden tekstbeskrivelse", "Figur uden tekstbeskrivelse"]
    assert len(re.findall(r"<img\b[^>]*\balt=", text)) == len(images) == 4  # one alt each, none doubled


def test_export_loads_nothing_and_embeds_images(memo):
    _, text, soup = memo
    assert external_urls(text) == []
    assert external_links(text) == []
    assert soup.find("script") is None
    assert soup.find("link") is None
    images = soup.find_all("img")
    assert len(images) == 4  # one figure in an HTML output and one PNG output per part
    assert all(img["src"].startswith("data:image/png;base64,") for img in images)
    assert all(img.get("alt") for img in images)
    assert sorted(img["alt"] for img in images)[:2] == ["Beredskab for del 1", "Beredskab for del 2"]


def test_export_table_of_contents_matches_headings(memo):
    _, _, soup = memo
    main = soup.find("main")
    headings = main.find_all(["h1", "h2", "h3"])
    toc = soup.find("nav", class_="toc")
    entries = toc.find_all("a")
    # Every heading in order, by its id; hand-made slugs where the notebook gave none.
    assert [a["href"] for a in entries] == [
        "#del-1-resultater-for-aeoeaa", "#uden-id", "#sec-1-2",
        "#del-2-resultater-for-aeoeaa", "#uden-id-2", "#sec-2-2",
    ]
    assert [a["href"][1:] for a in entries] == [h["id"] for h in headings]
    assert [a.get_text() for a in entries] == [h.get_text() for h in headings]
    assert toc.find_parent("main") is None


def test_export_internal_links_land_and_ids_are_unique(memo):
    _, _, soup = memo
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    targets = [a["href"][1:] for a in soup.find_all("a", href=True) if a["href"].startswith("#")]
    assert "fig-1" in targets and "fig-2" in targets
    assert set(targets) <= set(ids)


def test_export_keeps_escaped_data_and_author_markup(memo):
    _, text, soup = memo
    assert text.count(ESCAPED_DATA) == 2
    assert [td.get_text() for td in soup.find_all("td") if "alert" in td.get_text()] == [
        "<script>alert(1)</script>"
    ] * 2
    # Markdown written by the authors: inline HTML intact, a code span escaped.
    assert soup.find("b").get_text() == "fed"
    assert [c.get_text() for c in soup.find_all("code")] == ["<script>", "<script>"]


def test_export_link_list_escapes_labels_and_encodes_hrefs(memo):
    _, text, soup = memo
    links = soup.find("nav", class_="doc-links").find_all("a")
    assert [(a.get_text(), a["href"]) for a in links] == [
        ("Kørte notebooks <alle>", "notebooks/01%20del.ipynb"),
        ("Tabeller", "tables/"),
    ]
    assert "Kørte notebooks &lt;alle&gt;" in text


def test_export_is_byte_identical_utf8_and_lf(parts, tmp_path, memo):
    path, _, _ = memo
    nb = merge_notebooks(parts, title="Opfølgning på handlingsplaner")
    again = export_html(nb, tmp_path / "again.html", title="Opfølgning på handlingsplaner",
                        links=[("Kørte notebooks <alle>", "notebooks/01 del.ipynb"), ("Tabeller", "tables/")])
    data = path.read_bytes()
    assert again.read_bytes() == data
    assert b"\r" not in data and data.endswith(b"\n")
    data.decode("utf-8")
    assert [p.name for p in path.parent.iterdir()] == ["memo.html"]  # no temp file left


def test_export_does_not_change_the_notebook(parts, tmp_path):
    nb = merge_notebooks(parts, title="Notat")
    before = nbformat.writes(nb)
    export_html(nb, tmp_path / "memo.html", title="Et andet navn")
    assert nbformat.writes(nb) == before


def test_export_shows_review_cells_when_asked(parts, tmp_path):
    nb = merge_notebooks(parts, title="Notat")
    text = export_html(nb, tmp_path / "m.html", title="Notat", drop_tags=()).read_text()
    assert text.count("REVIEW_FRAME") == 2
    assert "SECRET_CODE" not in text and "PARAM_OUTPUT" not in text


def test_export_applies_css_extra(parts, tmp_path):
    nb = merge_notebooks(parts, title="Notat")
    text = export_html(nb, tmp_path / "m.html", title="Notat", css_extra="h1 { color: #123456; }").read_text()
    assert "h1 { color: #123456; }" in text


@pytest.mark.parametrize(
    "html_output",
    [
        '<img src="https://example.org/a.png" alt="x">',
        '<img src="figur.png" alt="x">',
        '<link rel="stylesheet" href="//cdn.example.org/a.css">',
        '<div style="background: url(http://example.org/b.png)">x</div>',
    ],
)
def test_export_refuses_resources_that_are_not_embedded(html_output, tmp_path):
    nb = new_notebook(cells=[new_code_cell("x", outputs=[new_output("display_data", data={"text/html": html_output})])])
    with pytest.raises(ParameterError, match="data: URIs"):
        export_html(nb, tmp_path / "m.html", title="Notat")
    assert not (tmp_path / "m.html").exists()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"links": [("Ude", "https://example.org/")]},
        {"links": [("Rod", "/etc/passwd")]},
        {"links": [("Vært", "//example.org/x")]},
        {"links": [("", "memo.html")]},
        {"links": "memo.html"},
        {"lang": "dansk"},
        {"title": ""},
        {"css_extra": "@import 'https://example.org/x.css';"},
        {"css_extra": "</style><script>alert(1)</script>"},
        {"css_extra": "body { background: url(bg.png); }"},
        {"drop_tags": "review"},
        {"drop_tags": [1]},
    ],
)
def test_export_rejects_bad_arguments(kwargs, tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("# Titel")])
    args = {"title": "Notat", **kwargs}
    with pytest.raises(ParameterError):
        export_html(nb, tmp_path / "m.html", **args)


def test_export_notebook_html_drops_parameter_cells(parts, tmp_path):
    path = export_notebook_html(parts[0], tmp_path / "profil.html", title="Kommune A",
                                links=[("Notatet", "../memo.html")])
    text = path.read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert "PARAM_OUTPUT" not in text and "SECRET_CODE" not in text
    assert soup.title.string == "Kommune A"
    assert [a["href"] for a in soup.find("nav", class_="toc").find_all("a")] == [
        "#del-1-resultater-for-aeoeaa", "#uden-id", "#sec-1-2",
    ]
    assert external_urls(text) == [] and external_links(text) == []
    again = export_notebook_html(parts[0], tmp_path / "igen.html", title="Kommune A",
                                 links=[("Notatet", "../memo.html")])
    assert again.read_bytes() == path.read_bytes()


def test_export_without_headings_has_no_toc(tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("Kun tekst.")])
    soup = BeautifulSoup(export_html(nb, tmp_path / "m.html", title="Notat").read_text(), "html.parser")
    assert soup.find("nav", class_="toc") is None
    assert soup.find("main").get_text().strip() == "Kun tekst."


# ---------------------------------------------------------------- index


def test_render_index_escapes_and_links(tmp_path):
    entries = [
        ("Notat", [("Notatet (HTML)", "memo.html"), ("<script>alert(1)</script>", "profiler/Kommune Ø.html")]),
        ("Data & tabeller", [("Manifest", "manifest.json")]),
    ]
    path = render_index(entries, tmp_path / "index.html", title="Oversigt <2019>")
    text = path.read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert soup.find("script") is None
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert soup.html["lang"] == "da"
    assert soup.h1.get_text() == "Oversigt <2019>"
    assert [h.get_text() for h in soup.find_all("h2")] == ["Notat", "Data & tabeller"]
    assert [(a.get_text(), a["href"]) for a in soup.find_all("a")] == [
        ("Notatet (HTML)", "memo.html"),
        ("<script>alert(1)</script>", "profiler/Kommune%20%C3%98.html"),
        ("Manifest", "manifest.json"),
    ]
    assert external_urls(text) == [] and external_links(text) == []
    assert soup.find("meta", attrs={"name": "viewport"}) is not None
    again = render_index(entries, tmp_path / "igen.html", title="Oversigt <2019>")
    assert again.read_bytes() == path.read_bytes()


@pytest.mark.parametrize(
    "entries",
    [
        [("Notat", [("Ude", "http://example.org/")])],
        [("", [("Notatet", "memo.html")])],
        [("Notat", [("Notatet",)])],
        "memo.html",
    ],
)
def test_render_index_rejects_bad_entries(entries, tmp_path):
    with pytest.raises(ParameterError):
        render_index(entries, tmp_path / "index.html", title="Oversigt")


# ---------------------------------------------------------------- checks


@pytest.mark.parametrize(
    "html_text, loads, links",
    [
        ('<script src="https://cdn.example.org/require.js"></script>', ["https://cdn.example.org/require.js"], []),
        ('<link rel="stylesheet" href="//fonts.example.org/css">', ["//fonts.example.org/css"], []),
        ('<img src="data:image/png;base64,AAAA" alt="x">', [], []),
        ('<img srcset="data:image/png;base64,AA,BB 1x, https://h.example/b.png 2x" alt="x">',
         ["https://h.example/b.png"], []),
        ("<style>@import 'https://h.example/a.css'; p { background: url(\"//h.example/p.png\") }</style>",
         ["//h.example/p.png", "https://h.example/a.css"], []),
        ('<div style="background-image: url(http://h.example/z.png)">x</div>', ["http://h.example/z.png"], []),
        ('<svg><image href="https://h.example/i.png"/></svg>', ["https://h.example/i.png"], []),
        ('<meta http-equiv="refresh" content="0; url=https://h.example/">', ["https://h.example/"], []),
        ('<video poster="HTTPS://h.example/v.jpg"></video>', ["HTTPS://h.example/v.jpg"], []),
        ('<a href="https://example.org/">x</a><a href="#fig-1">y</a><a href="notebooks/a.ipynb">z</a>',
         [], ["https://example.org/"]),
        ('<a href="mailto:someone@example.org">x</a>', [], ["mailto:someone@example.org"]),
        ('<img src="figur.png" alt="x"><a href="../memo.html">x</a>', [], []),
    ],
)
def test_external_urls_and_links(html_text, loads, links):
    # Expected lists written by hand from the HTML; CSS @import is listed after url().
    assert external_urls(html_text) == loads
    assert external_links(html_text) == links
