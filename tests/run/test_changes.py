"""The change report (evaluation.run.changes, rendered by evaluation.memo.export.changes)."""
import json
from html import escape

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from evaluation.cli import main
from evaluation.memo.export import external_urls, render_changes
from evaluation.run.changes import (
    CELL_COLUMNS,
    changed_cells,
    changed_inputs,
    changed_sentences,
    compare_publications,
    sentences,
)

PAIR = "opfoelgning-2019_vs_slutmaaling-2018"
SCRIPT = "<script>alert(1)</script>"


def _publication(folder, tables=None, memo=""):
    (folder / "tables").mkdir(parents=True)
    for name, frame in (tables or {}).items():
        frame.to_csv(folder / "tables" / name, index=False)
    (folder / "memo.html").write_text(f"<html><body><nav><p>Indhold.</p></nav><main>{memo}</main></body></html>",
                                      encoding="utf-8")
    return folder


def test_changed_inputs_lists_changed_added_and_removed_files():
    old = {"inputs": {"a.csv": "1", "b.csv": "2", "gone.csv": "3"}}
    new = {"inputs": {"a.csv": "1", "b.csv": "9", "new.csv": "4"}}
    assert changed_inputs(old, new).to_dict("records") == [
        {"file": "b.csv", "old_sha256": "2", "new_sha256": "9"},
        {"file": "gone.csv", "old_sha256": "3", "new_sha256": ""},
        {"file": "new.csv", "old_sha256": "", "new_sha256": "4"},
    ]
    assert changed_inputs(old, old).empty


def test_changed_cells_match_rows_by_their_leading_columns(tmp_path):
    # "item" repeats, so rows are told apart by item and round; row order does not matter.
    old = pd.DataFrame({"item": ["a", "a", "b"], "round": ["r1", "r2", "r1"], "mean": [3.2, 3.5, 2.0], "n": [10, 10, 9]})
    new = pd.DataFrame({"item": ["a", "a", "c"], "round": ["r2", "r1", "r1"], "mean": [3.6, 3.2, 2.5], "n": [10, 10, 8]})
    new["extra"] = 1
    one = _publication(tmp_path / "old", {"t.csv": old, "only_old.csv": old})
    two = _publication(tmp_path / "new", {"t.csv": new})
    cells = changed_cells(one, two)
    assert list(cells.columns) == CELL_COLUMNS
    assert cells.to_dict("records") == [
        {"table": "tables/only_old.csv", "row": "", "column": "", "old": "tabel", "new": ""},
        {"table": "tables/t.csv", "row": "", "column": "extra", "old": "", "new": "kolonne"},
        {"table": "tables/t.csv", "row": "item=a, round=r2", "column": "mean", "old": "3.5", "new": "3.6"},
        {"table": "tables/t.csv", "row": "item=b, round=r1", "column": "", "old": "række", "new": ""},
        {"table": "tables/t.csv", "row": "item=c, round=r1", "column": "", "old": "", "new": "række"},
    ]
    assert changed_cells(one, one).empty


def test_files_a_run_reused_are_not_read_again(tmp_path, monkeypatch):
    """A reused table or document is the same file (a hard link) or has the
    same bytes: it is skipped, and the report is what comparing it gives."""
    import os

    from evaluation.run import changes

    frame = pd.DataFrame({"item": ["a"], "mean": [3.2]})
    one = _publication(tmp_path / "old", {"same.csv": frame, "copied.csv": frame}, memo="<p>A steg.</p>")
    two = _publication(tmp_path / "new", {"copied.csv": frame}, memo="<p>A steg.</p>")
    os.link(one / "tables" / "same.csv", two / "tables" / "same.csv")
    read = []
    monkeypatch.setattr(changes, "_read", lambda path: read.append(path.name) or pd.read_csv(path, dtype=str, keep_default_na=False))
    assert changed_cells(one, two).empty and changed_sentences(one, two).empty
    assert read == []
    frame.assign(mean=[3.5]).to_csv(two / "tables" / "copied.csv", index=False)
    assert changed_cells(one, two)["new"].tolist() == ["3.5"] and sorted(read) == ["copied.csv", "copied.csv"]


def test_sentences_split_at_sentence_ends_not_at_decimal_commas():
    page = ("<html><body><nav><p>Indhold</p></nav><main><h2>2 Konklusion</h2>"
            "<p>Gennemsnittet steg fra 2,8 til 3,1. 6 kommuner svarede højere. »Citat.« Se <a href='#fig-1'>figur 1</a>.</p>"
            "<ul><li>Beredskab: 3,2 → 3,5.</li></ul></main></body></html>")
    assert sentences(page) == ["2 Konklusion", "Gennemsnittet steg fra 2,8 til 3,1.", "6 kommuner svarede højere.",
                               "»Citat.« Se figur 1.", "Beredskab: 3,2 → 3,5."]


def test_changed_sentences_pair_old_and_new(tmp_path):
    one = _publication(tmp_path / "old", memo="<p>A steg. B faldt. C holdt.</p><p>Slut.</p>")
    two = _publication(tmp_path / "new", memo="<p>A steg. B holdt. C holdt.</p><p>Slut.</p><p>Ny.</p>")
    assert changed_sentences(one, two).to_dict("records") == [
        {"document": "memo.html", "old": "B faldt.", "new": "B holdt."},
        {"document": "memo.html", "old": "", "new": "Ny."},
    ]
    assert changed_sentences(one, one).empty


def test_profiles_are_compared_only_when_no_publication_showed_real_names(tmp_path):
    one = _publication(tmp_path / "old", memo="<p>Samme.</p>")
    two = _publication(tmp_path / "new", memo="<p>Samme.</p>")
    for folder, name in ((one, "Aabenraa Testby"), (two, "Kommune A")):
        (folder / "profiles").mkdir()
        (folder / "profiles" / "kommune-a.html").write_text(f"<main><h1>Profil: {name}</h1></main>", encoding="utf-8")
    plain = {"notebooks": {"profil-kommune-a": {"parameters": {"show_name": False}}}}
    named = {"notebooks": {"profil-kommune-a": {"parameters": {"show_name": True}}}}
    both_plain = compare_publications(one, two, plain, plain)["sentences"]
    assert both_plain.to_dict("records") == [
        {"document": "profiles/kommune-a.html", "old": "Profil: Aabenraa Testby", "new": "Profil: Kommune A"}]
    for old, new in ((named, plain), (plain, named)):
        report = compare_publications(one, two, old, new)
        assert report["sentences"].empty
        text = render_changes(report, tmp_path / "c.html", title="Ændringer", profiles=False).read_text(encoding="utf-8")
        assert "samme sætninger i notatet." in text and "Profilerne er ikke sammenlignet" in text
        assert "Aabenraa" not in text


def test_report_page_says_nothing_changed_or_lists_everything_escaped(tmp_path):
    one = _publication(tmp_path / "old", {"t.csv": pd.DataFrame({"item": ["a"], "v": ["x"]})}, memo=f"<p>{escape(SCRIPT)}.</p>")
    two = _publication(tmp_path / "new", {"t.csv": pd.DataFrame({"item": ["a"], "v": [SCRIPT]})}, memo="<p>Nyt.</p>")
    same = compare_publications(one, one, {"inputs": {"x": "1"}}, {"inputs": {"x": "1"}})
    text = render_changes(same, tmp_path / "same.html", title="Ændringer").read_text(encoding="utf-8")
    assert "Intet er ændret siden den forrige offentliggørelse" in text and "<table" not in text
    report = compare_publications(one, two, {"inputs": {"x": "a" * 64}}, {"inputs": {"x": "b" * 64}})
    page = render_changes(report, tmp_path / "changes.html", title="Ændringer", links=[("Oversigt", "index.html")])
    text = page.read_text(encoding="utf-8")
    assert "<script>" not in text and external_urls(text) == []
    soup = BeautifulSoup(text, "html.parser")
    assert [h.get_text() for h in soup.find_all("h2")] == [
        "Ændrede inputfiler (1)", "Ændrede tal i tabellerne (1)", "Ændrede sætninger (1)"]
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in soup.find_all("tr") if tr.find("td")]
    assert ["x", "aaaaaaaaaaaa…", "bbbbbbbbbbbb…"] in rows
    assert ["tables/t.csv", "item=a", "v", "x", SCRIPT] in rows
    assert ["memo.html", SCRIPT + ".", "Nyt."] in rows
    assert all(th.get("scope") == "col" for th in soup.find_all("th")) and soup.html["lang"] == "da"


def test_a_run_that_replaces_a_publication_reports_what_changed(data_copy, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["run", "--data", str(data_copy), "--out", str(out), "--no-profiles", "--json"]
    assert main(args) == 0
    assert not (out / PAIR / "changes.html").exists()  # the first run of a pair has no report
    assert json.loads(capsys.readouterr().out)["paths"]["changes"] is None
    answers = data_copy / "rounds" / "opfoelgning-2019" / "responses.csv"
    lines = answers.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("Kommune B,indsatser,"))
    before = lines[row].rsplit(",", 1)[1]
    lines[row] = "Kommune B,indsatser,1"
    answers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    old_table = pd.read_csv(out / PAIR / "tables" / "comparison.csv").set_index("item")
    assert main(args) == 0
    new_table = pd.read_csv(out / PAIR / "tables" / "comparison.csv").set_index("item")
    # The --json result names the report among the published paths.
    assert json.loads(capsys.readouterr().out)["paths"]["changes"] == str(out / PAIR / "changes.html")
    soup = BeautifulSoup((out / PAIR / "changes.html").read_text(encoding="utf-8"), "html.parser")
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in soup.find_all("tr") if tr.find("td")]
    assert [r[0] for r in rows if len(r) == 3 and r[0].startswith("rounds/")] == ["rounds/opfoelgning-2019/responses.csv"]
    cell = [r for r in rows if r[:3] == ["tables/comparison.csv", "item=indsatser", "mean_followup"]]
    assert cell == [["tables/comparison.csv", "item=indsatser", "mean_followup",
                     str(old_table.loc["indsatser", "mean_followup"]), str(new_table.loc["indsatser", "mean_followup"])]]
    assert int(before) > 1 and not [r for r in rows if r[1:2] == ["item=beredskab"]]  # untouched items stay out
    assert any(r[0] == "memo.html" and "indsatser" in r[1] for r in rows)
    index = BeautifulSoup((out / PAIR / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "changes.html" in [a["href"] for a in index.find_all("a")]
    # Forced again on the same inputs: a report that says nothing changed.
    assert main([*args, "--force"]) == 0
    text = (out / PAIR / "changes.html").read_text(encoding="utf-8")
    assert "Intet er ændret siden den forrige offentliggørelse" in text
