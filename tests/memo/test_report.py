"""Tests of evaluation.memo.report: the HTML blocks notebooks show.

Expected HTML is written out by hand.  Everything that comes from data is
fed a hostile string and must come out escaped.
"""
import base64
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from evaluation.memo import report  # noqa: E402
from evaluation.memo.outline import Entry, memo_outline  # noqa: E402
from evaluation.exceptions import ParameterError  # noqa: E402

SCRIPT = "<script>alert(1)</script>"
ATTR = '" onerror="x'
SCRIPT_ESC = "&lt;script&gt;alert(1)&lt;/script&gt;"
ATTR_ESC = "&quot; onerror=&quot;x"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def outline():
    return memo_outline(["beredskab", "indsatser"], ["radikalisering_udfordring"],
                        titles={"beredskab": "Beredskab", "sec:beredskab": "Beredskab"})


def tiny_figure():
    fig = Figure(figsize=(1, 1), dpi=20)
    fig.add_subplot().plot([0, 1], [0, 1])
    return fig


def assert_no_raw_markup(html, *hostile):
    for text in hostile:
        assert text not in html


# ------------------------------------------------------------- text blocks
def test_block_is_a_string_with_writes():
    b = report.Block("<p>x</p>", writes=["a/b.png"])
    assert b == "<p>x</p>"
    assert b.writes == ("a/b.png",)
    assert report.Block("<p>y</p>").writes == ()


def test_title_escapes():
    assert report.title("Notat") == '<h1 id="top">Notat</h1>'
    html = report.title(SCRIPT, ATTR)
    assert html == f'<h1 id="top">{SCRIPT_ESC}</h1><p class="subtitle">{ATTR_ESC}</p>'


def test_heading_ids_and_levels(outline):
    assert report.heading(outline.get("sec:conclusion")) == '<h2 id="sec-2">2 Konklusion på opfølgningen</h2>'
    assert report.heading(outline.get("sec:item:beredskab")) == '<h3 id="sec-3-2">3.2 Beredskab</h3>'
    assert report.heading(outline.get("sec:methods")) == '<h2 id="sec-A">A Metode og forbehold</h2>'
    # Deep levels stop at h4.
    assert report.heading(Entry("k", "section", "3.2.1.1", "Dyb", level=5)).startswith('<h4 id="sec-3-2-1-1">')


def test_heading_escapes_a_title_from_data():
    entry = memo_outline([SCRIPT], [], titles={f"sec:{SCRIPT}": SCRIPT}).get(f"sec:item:{SCRIPT}")
    html = report.heading(entry)
    assert html == f'<h3 id="sec-3-2">3.2 {SCRIPT_ESC}</h3>'


def test_paragraph_bullets_note_skip_empty_parts():
    assert report.paragraph("En.", "", "To.") == "<p>En. To.</p>"
    assert report.paragraph("", "") == ""
    assert report.bullets(["a", "", "b"]) == "<ul><li>a</li><li>b</li></ul>"
    assert report.bullets([]) == ""
    assert report.note("Bemærk.") == '<p class="note">Bemærk.</p>'
    assert report.note("") == ""


# ------------------------------------------------------------------ figure
def test_figure_writes_png_and_svg_and_embeds_the_png(tmp_path, outline):
    entry = outline.get("fig:item:beredskab")
    block = report.figure(tiny_figure(), entry, alt="Søjler &amp; punkter", output_dir=tmp_path, stem="item_beredskab",
                          note="Spørgsmål: hvor godt?")
    png, svg = tmp_path / "figures" / "item_beredskab.png", tmp_path / "figures" / "item_beredskab.svg"
    assert png.read_bytes().startswith(PNG_MAGIC)
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert block.writes == ("figures/item_beredskab.png", "figures/item_beredskab.svg")
    src = re.search(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', block).group(1)
    assert base64.b64decode(src) == png.read_bytes()
    assert 'alt="Søjler &amp; punkter"' in block
    assert block.startswith('<figure id="fig-3" class="memo-figure">')
    assert "<figcaption>Figur 3. Beredskab" in block
    assert '<p class="figure-note">Spørgsmål: hvor godt?</p></figcaption></figure>' in block


def test_figure_without_note_and_with_a_relative_output_dir(tmp_path, monkeypatch, outline):
    monkeypatch.chdir(tmp_path)
    block = report.figure(tiny_figure(), outline.get("fig:means"), alt="x", output_dir="out", stem="means")
    assert block.writes == ("figures/means.png", "figures/means.svg")
    assert (tmp_path / "out" / "figures" / "means.png").is_file()
    assert "figure-note" not in block
    assert "<figcaption>Figur 1. Udvikling i udvalgte områder</figcaption>" in block


def test_figure_takes_a_chart_drawn_straight_to_png(tmp_path, outline):
    from evaluation.memo.figures import Chart
    from evaluation.memo.figures.raster import Rect, Text

    chart = Chart([Rect(2, 2, 20, 10, "#0072B2"), Text(4, 30, "Ved ikke", 12)], 60, 40)
    block = report.figure(chart, outline.get("fig:means"), alt="Et diagram", output_dir=tmp_path, stem="profil-x",
                          formats=("png",))
    png = tmp_path / "figures" / "profil-x.png"
    assert block.writes == ("figures/profil-x.png",) and not (tmp_path / "figures" / "profil-x.svg").exists()
    assert png.read_bytes() == chart.png()  # the chart's own bytes, not a re-encoding
    src = re.search(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="Et diagram">', block).group(1)
    assert base64.b64decode(src) == png.read_bytes()


def test_figure_caption_escapes_a_title_from_data(tmp_path):
    entry = memo_outline(["x"], [], titles={"x": SCRIPT}).get("fig:item:x")
    block = report.figure(tiny_figure(), entry, alt="x", output_dir=tmp_path, stem="x")
    assert f"<figcaption>Figur 3. {SCRIPT_ESC}</figcaption>" in block
    assert_no_raw_markup(block, SCRIPT)


# ------------------------------------------------------------------- table
def test_table_escapes_cells_headers_and_caption():
    frame = pd.DataFrame({"municipality": [SCRIPT, ATTR], "n": [1, 2]})
    html = report.table(frame, caption=SCRIPT, columns={"municipality": ATTR, "n": "Antal"})
    assert f"<caption>{SCRIPT_ESC}</caption>" in html
    assert f'aria-label="{SCRIPT_ESC}"' in html
    assert f'<th scope="col">{ATTR_ESC}</th><th scope="col">Antal</th>' in html
    assert f'<th scope="row">{SCRIPT_ESC}</th><td>1</td>' in html
    assert f'<th scope="row">{ATTR_ESC}</th><td>2</td>' in html
    assert_no_raw_markup(html, SCRIPT, ATTR)


def test_table_exact_html_with_danish_numbers():
    frame = pd.DataFrame(
        {
            "item": ["beredskab", "kompetencer"],
            "mean": [3.2, 2.777778],
            "change": [0.3, -0.222222],
            "n": [10, 9],
            "flag": [True, False],
            "note": ["a", None],
        }
    )
    html = report.table(frame, caption="Tal", decimals={"change": 2},
                        columns={"item": "Parameter", "mean": "Gns.", "change": "Ændring", "n": "n",
                                 "flag": "Loft", "note": "Note"})
    # By hand: means with one decimal, the change with two, counts without;
    # the first column heads its row; the box is a named, focusable region.
    assert html == (
        '<div class="table-wrap" role="region" tabindex="0" aria-label="Tal"><table><caption>Tal</caption>'
        '<thead><tr><th scope="col">Parameter</th><th scope="col">Gns.</th><th scope="col">Ændring</th>'
        '<th scope="col">n</th><th scope="col">Loft</th><th scope="col">Note</th></tr></thead><tbody>'
        '<tr><th scope="row">beredskab</th><td>3,2</td><td>0,30</td><td>10</td><td>ja</td><td>a</td></tr>'
        '<tr><th scope="row">kompetencer</th><td>2,8</td><td>-0,22</td><td>9</td><td>nej</td><td></td></tr>'
        "</tbody></table></div>"
    )


def test_table_without_row_headers_has_only_data_cells_in_the_body():
    html = report.table(pd.DataFrame({"a": [1, 2]}), caption="T", row_headers=False)
    assert re.findall(r"<tbody>.*</tbody>", html) == ["<tbody><tr><td>1</td></tr><tr><td>2</td></tr></tbody>"]


@pytest.mark.parametrize("caption", ["", "   ", None])
def test_table_needs_a_caption(caption):
    with pytest.raises(ParameterError, match="caption"):
        report.table(pd.DataFrame({"a": [1]}), caption=caption)


def test_table_columns_select_and_order():
    frame = pd.DataFrame({"a": [1], "b": ["x"], "c": [2]})
    html = report.table(frame, caption="T", columns={"c": "C", "b": "B"})
    assert '<th scope="col">C</th><th scope="col">B</th>' in html
    assert '<th scope="row">2</th><td>x</td>' in html
    assert ">a</th>" not in html


def test_table_a_float_column_has_one_format_for_every_row():
    # A mean of exactly 3 is "3,0" beside "3,2", not "3".
    frame = pd.DataFrame({"mean": [3.0, 3.2, np.nan]})
    html = report.table(frame, caption="T", row_headers=False)
    assert re.findall(r"<td>(.*?)</td>", html) == ["3,0", "3,2", "–"]


def test_table_counts_stored_as_floats_stay_whole_numbers():
    # Counts that became floats (e.g. after a merge) print without decimals.
    frame = pd.DataFrame({"n": [10.0, 9.0], "mean": [3.25, 3.0]})
    assert re.findall(r"<td>(.*?)</td>", report.table(frame, caption="T", decimals={"mean": 2}, row_headers=False)) == [
        "10", "3,25", "9", "3,00"]


def test_table_of_only_booleans_and_numpy_values():
    frame = pd.DataFrame({"flag": np.array([True, False])})
    assert re.findall(r"<td>(.*?)</td>", report.table(frame, caption="T", row_headers=False)) == ["ja", "nej"]
    frame = pd.DataFrame({"n": np.array([1, 2], dtype="int64"), "share": np.array([0.5, -0.04], dtype="float32")})
    assert re.findall(r"<td>(.*?)</td>", report.table(frame, caption="T", row_headers=False)) == ["1", "0,5", "2", "0,0"]


# ------------------------------------------------------------------ quotes
@pytest.fixture
def quote_frame():
    return pd.DataFrame(
        {
            "theme": ["beredskab", "beredskab", "indsatser", "beredskab"],
            "role": ["Koordinator", ATTR, "Leder", "Konsulent"],
            "municipality": ["Kommune A", SCRIPT, "Kommune B", ""],
            "text": ["Vi er klar.", SCRIPT, "Andet tema.", 'Et "citat" & mere'],
        }
    )


def test_quotes_of_one_theme_escaped(quote_frame):
    html = report.quotes(quote_frame, "beredskab")
    assert html == (
        "<blockquote><p>»Vi er klar.«</p><footer>Koordinator, Kommune A</footer></blockquote>"
        f"<blockquote><p>»{SCRIPT_ESC}«</p><footer>{ATTR_ESC}, {SCRIPT_ESC}</footer></blockquote>"
        "<blockquote><p>»Et &quot;citat&quot; &amp; mere«</p><footer>Konsulent</footer></blockquote>"
    )
    assert "Andet tema" not in html


def test_quotes_limit_and_unknown_theme(quote_frame):
    assert report.quotes(quote_frame, "beredskab", limit=1).count("<blockquote>") == 1
    assert report.quotes(quote_frame, "centrets_arbejde") == ""


def test_quotes_with_missing_municipality_values(quote_frame):
    frame = quote_frame.copy()
    frame.loc[0, "municipality"] = np.nan
    frame.loc[1, "municipality"] = None
    html = report.quotes(frame, "beredskab")
    assert "<footer>Koordinator</footer>" in html
    assert f"<footer>{ATTR_ESC}</footer>" in html
    assert "nan" not in html and "None" not in html


# -------------------------------------------------------------- save_table
def test_save_table_writes_a_neutralised_csv_and_records_it(tmp_path):
    frame = pd.DataFrame({"municipality": ["=HYPERLINK(1)", SCRIPT], "mean": [3.25, -1.5]})
    block = report.save_table(frame, tmp_path, "comparison")
    path = tmp_path / "tables" / "comparison.csv"
    assert path.read_bytes() == (
        "municipality,mean\n'=HYPERLINK(1),3.25\n<script>alert(1)</script>,-1.5\n".encode("utf-8")
    )
    assert block.writes == ("tables/comparison.csv",)
    assert block == '<p class="table-file">Tabellen er gemt som <code>tables/comparison.csv</code>.</p>'


def test_save_table_escapes_the_file_name(tmp_path):
    block = report.save_table(pd.DataFrame({"a": [1]}), tmp_path, "a&b")
    assert "<code>tables/a&amp;b.csv</code>" in block
    assert block.writes == ("tables/a&b.csv",)


# -------------------------------------------------------------------- show
@pytest.fixture
def displayed(monkeypatch):
    import IPython.display

    calls = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: calls.append((objs, kw)))
    return calls


def test_show_emits_html_with_the_files_written(displayed, tmp_path, outline):
    fig = report.figure(tiny_figure(), outline.get("fig:means"), alt="x", output_dir=tmp_path, stem="means")
    tab = report.save_table(pd.DataFrame({"a": [1]}), tmp_path, "t")
    report.show(report.heading(outline.get("sec:conclusion")), "", fig, report.paragraph("Tekst."), tab)
    assert len(displayed) == 1
    (obj,), kw = displayed[0]
    from IPython.display import HTML

    assert isinstance(obj, HTML)
    assert obj.data.startswith('<h2 id="sec-2">')
    assert obj.data.count("\n") == 3  # four non-empty blocks, one per line
    assert kw["metadata"] == {"evaluation": {"writes": ["figures/means.png", "figures/means.svg", "tables/t.csv"]}}


def test_show_without_files_has_no_metadata(displayed):
    report.show(report.paragraph("Tekst."))
    (obj,), kw = displayed[0]
    assert obj.data == "<p>Tekst.</p>"
    assert kw["metadata"] is None
