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


def test_source_links_follow_each_part_and_escape_the_description():
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


def test_source_link_leads_to_the_first_cell_that_shows_a_result():
    def code(id_, source_id, outputs, tags=()):
        cell = nbformat.v4.new_code_cell("x", id=id_)
        cell.outputs = outputs
        cell.metadata["source_cell"] = source_id
        if tags:
            cell.metadata["tags"] = list(tags)
        return cell

    shown = [nbformat.v4.new_output("display_data", data={"text/html": "<p>3,2</p>"})]
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("a", id="p1-0"),
        code("p1-1", "c-silent", []),
        code("p1-2", "c-warning", [nbformat.v4.new_output("stream", name="stderr", text="warn")]),
        code("p1-3", "c-raw", shown, tags=["review"]),
        code("p1-4", "c-result", shown),
        code("p1-5", "c-later", shown),
        nbformat.v4.new_markdown_cell("only text", id="p2-0"),
    ])
    out = add_source_links(nb, [("notebooks/a.ipynb", "notebook 01: a"), ("notebooks/b.ipynb", "notebook 02: b")])
    assert '<a href="notebooks/a.html#c-result">' in out.cells[6].source
    assert '<a href="notebooks/b.html">' in out.cells[8].source  # no cell computed anything: the page's top
