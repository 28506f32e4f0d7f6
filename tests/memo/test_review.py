"""Reviewer pages (evaluation.memo.export.review): hand-made notebooks and a real run's."""
import json
import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from evaluation.exceptions import ParameterError
from evaluation.memo.export import export_review_page, external_urls, review_notebook


def _notebook():
    nb = nbformat.v4.new_notebook()
    defaults = nbformat.v4.new_code_cell('item: str = "beredskab"  # default', id="defaults")
    defaults.metadata["tags"] = ["parameters"]
    injected = nbformat.v4.new_code_cell('# Parameters\nitem = "kompetencer"\n', id="injected")
    injected.metadata["tags"] = ["injected-parameters"]
    raw = nbformat.v4.new_code_cell("frame", id="raw")
    raw.metadata["tags"] = ["review"]
    raw.execution_count = 5
    raw.outputs = [nbformat.v4.new_output("execute_result", data={"text/html": "<table><tr><td>RAW&lt;1&gt;</td></tr></table>",
                                                                     "text/plain": "RAW"}, execution_count=2)]
    silent = nbformat.v4.new_code_cell("x = 1 + 1", id="silent")
    shown = nbformat.v4.new_code_cell("show(x)", id="shown")
    shown.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<p>SHOWN</p>"})]
    nb.cells = [defaults, nbformat.v4.new_markdown_cell("# Driver", id="md"), injected, silent, raw, shown]
    return nb


def test_review_notebook_puts_the_injected_parameters_first_and_keeps_everything_else():
    nb = _notebook()
    before = nbformat.writes(nb)
    out = review_notebook(nb, name="04_parameter-kompetencer")
    assert nbformat.writes(nb) == before  # the input is not changed
    assert [c.id for c in out.cells] == ["review-title", "injected", "md", "silent", "raw", "shown"]
    assert "Notesbog: 04_parameter-kompetencer" in out.cells[0].source
    assert out.cells[1].metadata["tags"] == ["run-parameters"]


def test_review_notebook_without_injected_parameters_shows_the_defaults():
    nb = _notebook()
    nb.cells = [c for c in nb.cells if c.id != "injected"]
    assert [c.id for c in review_notebook(nb, name="x").cells] == ["review-title", "defaults", "md", "silent", "raw", "shown"]


def test_page_shows_code_outputs_review_cells_and_parameters_first(tmp_path):
    path = tmp_path / "04_parameter-kompetencer.ipynb"
    nbformat.write(_notebook(), path)
    page = export_review_page(path, tmp_path / "04_parameter-kompetencer.html",
                              links=[("Notesbogen som .ipynb", "04_parameter-kompetencer.ipynb")])
    text = page.read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    main = BeautifulSoup(text, "html.parser").find("main")
    main.find("header").decompose()  # links and table of contents
    main = main.get_text()
    assert main.index('item = "kompetencer"') < main.index("Driver") < main.index("x = 1 + 1") < main.index("SHOWN")
    assert "RAW<1>" in main          # the review cell's table, its text escaped as it was
    # A raw frame scrolls in a box of its own that a keyboard reaches, as the memo's tables do.
    box = soup.find("table").parent
    assert box["class"] == ["table-wrap"] and box["tabindex"] == "0" and box["aria-label"] == "Tabel i celle 5"
    assert "beredskab" not in main   # the defaults cell gives way to the injected values
    assert soup.find("h1").get_text() == "Notesbog: 04_parameter-kompetencer"
    assert soup.html["lang"] == "da" and soup.title.get_text() == "Notesbog: 04_parameter-kompetencer"
    assert [a["href"] for a in soup.select("nav.doc-links a")] == ["04_parameter-kompetencer.ipynb"]
    assert soup.select(".highlight") and external_urls(text) == []


def test_page_of_a_missing_notebook_is_refused(tmp_path):
    with pytest.raises(ParameterError, match="executed notebook"):
        export_review_page(tmp_path / "nope.ipynb", tmp_path / "nope.html")
    assert not (tmp_path / "nope.html").exists()


def test_every_executed_notebook_of_a_run_has_a_page_linked_from_memo_and_index(bundled_run):
    notebooks = sorted(p.stem for p in (bundled_run / "notebooks").glob("*.ipynb"))
    assert sorted(p.stem for p in (bundled_run / "notebooks").glob("*.html")) == notebooks
    index = BeautifulSoup((bundled_run / "index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = [a["href"] for a in index.find_all("a")]
    for name in notebooks:
        assert hrefs.index(f"notebooks/{name}.ipynb") == hrefs.index(f"notebooks/{name}.html") + 1
    memo = BeautifulSoup((bundled_run / "memo.html").read_text(encoding="utf-8"), "html.parser")
    sources = memo.select("p.source")
    memo_notebooks = json.loads((bundled_run / "manifest.json").read_text(encoding="utf-8"))["documents"]["memo.html"]
    assert len(memo_notebooks) == 11  # 01-03, 04 for each of 5 parameters, 05 once, 06, 07
    pages = []
    for line in sources:
        link, download = line.find_all("a")
        page, _, cell = link["href"].partition("#")
        assert (bundled_run / page).is_file() and download["href"] == page[:-5] + ".ipynb"
        assert link.get_text().startswith("Beregningen i notebook ")
        _assert_links_to_a_computing_cell(bundled_run / page, cell, link.get_text())
        pages.append(page)
    # Every memo notebook is linked, in memo order, more than once where it computed more than one block.
    assert list(dict.fromkeys(pages)) == [f"notebooks/{name}.html" for name in memo_notebooks]
    assert len(sources) > len(memo_notebooks) + 5
    assert len({line.find("a")["href"] for line in sources}) == len(sources)  # each to its own cell
    profile = BeautifulSoup((bundled_run / "profiles" / "kommune-a.html").read_text(encoding="utf-8"), "html.parser")
    assert profile.select("p.source")
    for line in profile.select("p.source"):
        link = line.find("a")
        page, _, cell = link["href"].partition("#")
        assert page.startswith("../notebooks/profil-") and (bundled_run / "profiles" / page).is_file()
        _assert_links_to_a_computing_cell(bundled_run / "profiles" / page, cell, link.get_text())


def _assert_links_to_a_computing_cell(page, cell: str, text: str):
    """``cell`` is the id of a code cell of the executed notebook that shows an output, the
    reviewer page gives that cell the id and labels it with the number the link names."""
    nb = nbformat.read(page.with_suffix(".ipynb"), as_version=4)
    source = {c.id: c for c in nb.cells}
    assert cell in source and source[cell].cell_type == "code" and source[cell].outputs, (page.name, cell)
    element = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find(id=cell)
    assert element is not None and "cell" in element["class"], (page.name, cell)
    assert source[cell].source.splitlines()[0] in element.get_text()
    number = source[cell].execution_count
    assert text.endswith(f", celle {number}"), (text, number)
    assert element.select_one(".cell-label").get_text() == f"Celle {number}"


_NUMBER = r"\d+(?:[.,]\d+)*"


def _output_numbers(cell) -> set[str]:
    """Every number in what a code cell of an executed notebook showed (HTML read as text)."""
    texts = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        html = data.get("text/html") or data.get("text/markdown")
        texts.append(BeautifulSoup(html, "html.parser").get_text(" ") if html else
                     output.get("text") or data.get("text/plain", ""))
    return set(re.findall(_NUMBER, " ".join(texts)))


@pytest.mark.parametrize("run", ["bundled_run", "large_run"])
def test_every_number_of_the_memo_is_in_the_output_of_the_cell_its_link_names(request, run):
    """Following "Beregningen i ..., celle N" a reviewer finds each number the memo or a
    profile printed above the link (since the previous one) in the output of that very
    cell: in its paragraphs, lists, tables and captions.  A title or heading is no block
    of its own: its numbers are in the output of a cell of the notebook the next link
    names.  On the bundled data and on a generated panel whose memo lists the
    municipalities in tables."""
    folder = request.getfixturevalue(run)
    documents = [folder / "memo.html", *sorted((folder / "profiles").glob("*.html"))]
    checked = {}
    for document in documents:
        main = BeautifulSoup(document.read_text(encoding="utf-8"), "html.parser").find("main")
        pending, titles = [], []
        for element in main.find_all(["h1", "h2", "h3", "h4", "p", "li", "th", "td", "caption", "figcaption"]):
            if element.find_parent(["nav", "header"]):  # the links and the table of contents
                continue
            classes = element.get("class") or []
            if "source" in classes:
                page, _, cell = element.find("a")["href"].partition("#")
                nb = nbformat.read((document.parent / page).with_suffix(".ipynb"), as_version=4)
                [computed] = [c for c in nb.cells if c.id == cell]
                missing = [n for n in pending if n not in _output_numbers(computed)]
                assert missing == [], (document.name, page, cell, missing[:5])
                anywhere = set().union(*(_output_numbers(c) for c in nb.cells))
                assert [n for n in titles if n not in anywhere] == [], (document.name, page, titles)
                checked[document.name] = checked.get(document.name, 0) + len(pending)
                pending, titles = [], []
            elif element.name.startswith("h") or "subtitle" in classes:
                titles += re.findall(_NUMBER, element.get_text(" "))
            else:
                pending += re.findall(_NUMBER, element.get_text(" "))
        assert pending == titles == [], (document.name, pending[:5], titles[:5])  # none after the last link
    assert checked["memo.html"] > 200 and min(checked.values()) > 5, checked
    assert len(checked) == (11 if run == "bundled_run" else 1)  # the memo and ten profiles; no profiles


def test_a_real_page_shows_the_injected_parameters_and_the_raw_comparison(bundled_run):
    soup = BeautifulSoup((bundled_run / "notebooks" / "02_konklusion.html").read_text(encoding="utf-8"), "html.parser")
    code = [pre.get_text() for pre in soup.select(".input_area pre")]
    assert code[0].startswith("# Parameters") and 'baseline = "slutmaaling-2018"' in code[0]
    assert any("compare.compare_rounds" in c for c in code)
    tables = soup.find_all("table")
    assert any("n_pairs" in t.get_text() and "verdict" in t.get_text() for t in tables)  # the review cell


def test_a_real_page_shows_the_rerun_commands_and_the_papermill_one_reproduces(bundled_run, tmp_path):
    """The plain papermill command of the page, run from the project root (writing into a
    temporary folder instead of outputs/rerun/), gives the published outputs."""
    import shlex
    import subprocess
    import sys

    from evaluation import config
    from evaluation.run.nbnormalize import normalize_notebook
    from evaluation.run.rerun import compare_notebooks

    name = "06_centret"
    soup = BeautifulSoup((bundled_run / "notebooks" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
    rerun, papermill = [pre.get_text() for pre in soup.select("pre.command")]
    published = nbformat.read(bundled_run / "notebooks" / f"{name}.ipynb", as_version=4)
    executed = f"{published.metadata.papermill.parameters['output_dir']}/notebooks/{name}.ipynb"
    assert rerun == f".venv/bin/evaluation rerun {shlex.quote(executed)}"
    for key, value in published.metadata.papermill.parameters.items():
        if key != "output_dir":
            assert f"-r {key} {shlex.quote(value)}" in papermill, key
    assert f"-r output_dir outputs/rerun/{name}" in papermill and "outputs/rerun/" in papermill
    scratch = tmp_path / "rerun"
    command = papermill.replace(f"outputs/rerun/{name}", shlex.quote(str(scratch)))
    command = command.replace(".venv/bin/papermill", shlex.quote(str(Path(sys.executable).parent / "papermill")))
    subprocess.run(["bash", "-c", command], cwd=config.PROJECT_ROOT, check=True, capture_output=True)
    fresh, _ = normalize_notebook(nbformat.read(scratch / f"{name}.ipynb", as_version=4), name=name)
    outcomes = compare_notebooks(published, fresh)
    assert outcomes and all(o.identical for o in outcomes), [o.line() for o in outcomes]


def test_the_unrounded_p_values_behind_the_memo_are_in_a_cell_output(bundled_run):
    """The memo prints p-values rounded (Friedman's p in the trend paragraph, the smallest
    possible p in the appendix table); a review cell shows each as tables/*.csv holds it."""
    import csv

    shown = set()
    for path in (bundled_run / "notebooks").glob("0*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                html = output.get("data", {}).get("text/html")
                if html:
                    shown |= {td.get_text().strip() for td in BeautifulSoup(html, "html.parser").find_all("td")}
    wanted = {"friedman.csv": None, "comparison.csv": ("p_wilcoxon", "p_sign", "p_holm", "min_p", "min_p_holm")}
    checked = 0
    for name, columns in wanted.items():
        with open(bundled_run / "tables" / name, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for column, value in row.items():
                    if value and (columns is None or column in columns):
                        assert value in shown, (name, row.get("item"), column, value)
                        checked += 1
    assert checked >= 5 * 5 + 5 * 5  # five parameters: p_value and the others of friedman.csv, five p columns
