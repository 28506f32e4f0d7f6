"""Link texts of the published documents (evaluation.run.linking)."""
from __future__ import annotations

import re

import nbformat

from evaluation.memo.outline import MEMO_TITLE
from evaluation.run.linking import add_source_links, describe_table, index_entries
from evaluation.run.plan import Job

LABELS = {"beredskab": "Beredskab", "internt_samarbejde": "Internt samarbejde", "kl": "KL-samarbejde"}
JOBS = [
    Job("01_introduktion", "01_introduktion.ipynb", {}, ()),
    Job("04_parameter-internt_samarbejde", "04_parameter.ipynb", {"item": "internt_samarbejde"}, ()),
    Job("profil-kommune-a", "08_profil.ipynb", {"municipality": "Kommune A"}, (), document="profile:Kommune A"),
]


def test_tables_are_named_in_danish_and_items_by_their_label():
    assert describe_table("comparison", LABELS) == "Sammenligning af de to målinger"
    assert describe_table("item_internt_samarbejde", LABELS) == "Hver kommunes svar: internt samarbejde"
    assert describe_table("distribution_kl", LABELS) == "Fordelingen af svar: KL-samarbejde"
    # An unknown item key is not a label: the stem is shown as words.
    assert describe_table("item_ukendt", LABELS) == "item ukendt"


def test_index_entries_say_where_each_link_leads(tmp_path):
    (tmp_path / "tables").mkdir()
    for stem in ("headroom", "item_beredskab"):
        (tmp_path / "tables" / f"{stem}.csv").write_text("a\n1\n", encoding="utf-8")
    entries = dict(index_entries(tmp_path, JOBS, LABELS, profile_file=lambda j: "profiles/kommune-a.html"))
    assert entries["Notat"] == [(f"Notatet som webside: {MEMO_TITLE}", "memo.html")]  # no PDF written
    assert entries["Kommuneprofiler"] == [("Profil: Kommune A", "profiles/kommune-a.html")]
    assert entries["Kørte notesbøger (til gennemgang)"] == [
        ("Notebook 01: introduktion (kørt notesbog)", "notebooks/01_introduktion.html"),
        ("Notebook 01: introduktion (notesbogsfil til JupyterLab)", "notebooks/01_introduktion.ipynb"),
        ("Notebook 04: internt samarbejde (kørt notesbog)", "notebooks/04_parameter-internt_samarbejde.html"),
        ("Notebook 04: internt samarbejde (notesbogsfil til JupyterLab)",
         "notebooks/04_parameter-internt_samarbejde.ipynb"),
        ("Notebook 08: profil for Kommune A (kørt notesbog)", "notebooks/profil-kommune-a.html"),
        ("Notebook 08: profil for Kommune A (notesbogsfil til JupyterLab)", "notebooks/profil-kommune-a.ipynb"),
    ]
    assert entries["Tabeller"] == [("Tabel: Plads til forbedring (CSV-fil)", "tables/headroom.csv"),
                                   ("Tabel: Hver kommunes svar: beredskab (CSV-fil)", "tables/item_beredskab.csv")]
    for links in entries.values():
        for text, _ in links:
            assert not re.search(r"\.(ipynb|csv|html|json|pdf)\b|/", text), text


def test_pdf_is_listed_once_written(tmp_path):
    (tmp_path / "memo.pdf").write_bytes(b"%PDF-")
    entries = dict(index_entries(tmp_path, JOBS[:1], LABELS, profile_file=str))
    assert entries["Notat"][1] == (f"Notatet som PDF: {MEMO_TITLE}", "memo.pdf")
    assert "Kommuneprofiler" not in entries and "Tabeller" not in entries


def _code(id_, source_id, outputs, tags=(), count=None):
    cell = nbformat.v4.new_code_cell("x", id=id_)
    cell.outputs = outputs
    cell.execution_count = count
    cell.metadata["source_cell"] = source_id
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def _html(text):
    return [nbformat.v4.new_output("display_data", data={"text/html": text, "text/plain": "<HTML>"})]


def test_a_part_without_a_stated_result_links_its_page_once_and_escapes_the_description():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("a", id="p1-0"),
                                         nbformat.v4.new_markdown_cell("b", id="p1-1"),
                                         nbformat.v4.new_markdown_cell("c", id="p2-0")])
    out = add_source_links(nb, [("notebooks/a.ipynb", "notebook 01: a"), ("notebooks/b&c.ipynb", "notebook <2>")])
    assert [c.id for c in out.cells] == ["p1-0", "p1-1", "p1-source", "p2-0", "p2-source"]
    assert out.cells[2].source == ('<p class="source"><a href="notebooks/a.html">Beregningen i notebook 01: a</a> '
                                   '(<a href="notebooks/a.ipynb">hent notebook 01: a til JupyterLab</a>)</p>')
    assert out.cells[4].source == ('<p class="source"><a href="notebooks/b&amp;c.html">'
                                   "Beregningen i notebook &lt;2&gt;</a> "
                                   '(<a href="notebooks/b&amp;c.ipynb">hent notebook &lt;2&gt; til JupyterLab</a>)</p>')


def test_each_block_that_states_something_is_followed_by_a_link_to_its_own_cell():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("a", id="p1-0"),
        _code("p1-1", "c-silent", [], count=3),
        _code("p1-2", "c-warning", [nbformat.v4.new_output("stream", name="stderr", text="warn 1")], count=4),
        _code("p1-3", "c-raw", _html("<p>3,2</p>"), tags=["review"], count=5),
        _code("p1-4", "c-title", _html('<h1>Titel</h1><p class="subtitle">Notat 2019</p>'), count=6),
        _code("p1-5", "c-heading", _html('<h2 id="x">1 Indledning</h2>\n'), count=7),
        _code("p1-6", "c-result", _html("<h2>2 Konklusion</h2><p>3,2 &rarr; 3,5</p>"), count=8),
        _code("p1-7", "c-list", _html("<ul><li>n = 10</li></ul>"), count=9),
        _code("p1-8", "c-figure", [nbformat.v4.new_output("display_data", data={"image/png": "iVBOR"})], count=10),
        _code("p1-9", "c-print", [nbformat.v4.new_output("stream", name="stdout", text="p = 0,25\n")], count=11),
        nbformat.v4.new_markdown_cell("only text", id="p2-0"),
        _code("p2-1", "c-other", _html("<p>&nbsp;</p>"), count=2),
    ])
    out = add_source_links(nb, [("notebooks/a.ipynb", "notebook 01: a"), ("notebooks/b.ipynb", "notebook 02: b")])
    assert [c.id for c in out.cells] == [
        "p1-0", "p1-1", "p1-2", "p1-3", "p1-4", "p1-5", "p1-6", "p1-6-source", "p1-7", "p1-7-source",
        "p1-8", "p1-8-source", "p1-9", "p1-9-source", "p2-0", "p2-1", "p2-source"]
    links = {c.id: c.source for c in out.cells if c.id.endswith("source")}
    assert links["p1-6-source"] == ('<p class="source"><a href="notebooks/a.html#c-result">'
                                    "Beregningen i notebook 01: a, celle 8</a> "
                                    '(<a href="notebooks/a.ipynb">hent notebook 01: a til JupyterLab</a>)</p>')
    assert 'href="notebooks/a.html#c-list">Beregningen i notebook 01: a, celle 9<' in links["p1-7-source"]
    assert 'href="notebooks/a.html#c-figure">' in links["p1-8-source"]
    assert 'href="notebooks/a.html#c-print">' in links["p1-9-source"]
    # The second part states nothing (a blank paragraph): its page is linked once, at its top.
    assert '<a href="notebooks/b.html">Beregningen i notebook 02: b</a>' in links["p2-source"]
