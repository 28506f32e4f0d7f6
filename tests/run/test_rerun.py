"""``evaluation rerun``: an executed notebook run again with its recorded parameters, and compared."""
from __future__ import annotations

import hashlib
import json

import nbformat
import pytest

from evaluation.cli import main
from evaluation.exceptions import ParameterError
from evaluation.run.rerun import MARKER, compare_notebooks, papermill_value, rerun_parameters, scratch_folder


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def untouched(bundled_run):
    """The publication's files before any rerun; checked again after each."""
    return _snapshot(bundled_run)


def _executed(parameters):
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"parameters": parameters}
    return nb


# ------------------------------------------------------------------ units
def test_values_are_read_as_papermill_reads_them():
    assert [papermill_value(v) for v in ("False", "12", "-1.5", "1e3", "Kommune A", "")] == \
        [False, 12, -1.5, 1000.0, "Kommune A", ""]


def test_overrides_are_merged_into_every_recorded_parameter():
    nb = _executed({"data_dir": "data", "output_dir": "outputs/p", "item": "beredskab", "show_name": False})
    merged = rerun_parameters(nb, {"item": {}, "data_dir": {}}, [("item", "kompetencer"), ("show_name", "True")])
    assert merged == {"data_dir": "data", "output_dir": "outputs/p", "item": "kompetencer", "show_name": True}


def test_an_unknown_name_is_refused_with_the_valid_ones():
    nb = _executed({"data_dir": "data", "output_dir": "x", "item": "beredskab"})
    with pytest.raises(ParameterError, match=r"unknown parameter 'itme'.*: baseline, data_dir, item$"):
        rerun_parameters(nb, {"baseline": {}}, [("itme", "x")])
    with pytest.raises(ParameterError, match="--out"):
        rerun_parameters(nb, {}, [("output_dir", "elsewhere")])


def test_the_scratch_folder_is_never_in_a_publication_or_someone_elses(tmp_path):
    publication = tmp_path / "pair"
    (publication / "notebooks").mkdir(parents=True)
    (publication / "manifest.json").write_text("{}")
    notebook = publication / "notebooks" / "02.ipynb"
    for inside in (publication, publication / "notebooks", publication / "new" / "deeper"):
        with pytest.raises(ParameterError, match="inside the publication"):
            scratch_folder(notebook, str(inside))
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep")
    with pytest.raises(ParameterError, match="not an earlier rerun"):
        scratch_folder(notebook, str(foreign))
    (tmp_path / "earlier").mkdir()
    (tmp_path / "earlier" / MARKER).write_text("{}")
    assert scratch_folder(notebook, str(tmp_path / "earlier")) == tmp_path / "earlier"
    assert scratch_folder(notebook, str(tmp_path / "new")) == tmp_path / "new"


def test_comparison_names_the_cell_and_the_first_difference():
    a, b = nbformat.v4.new_notebook(), nbformat.v4.new_notebook()
    for nb, text in ((a, "<p>middelværdi 2,9</p>"), (b, "<p>middelværdi 3,1</p>")):
        cell = nbformat.v4.new_code_cell("show()", id="c-1")
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": text})]
        nb.cells = [nbformat.v4.new_code_cell("x = 1", id="c-0"), cell]
    [outcome] = compare_notebooks(a, b)
    assert not outcome.identical and outcome.what == "cell 2 (c-1)"
    assert outcome.difference.startswith("output 1, text/html at character 16: published")
    assert "2,9" in outcome.difference and "3,1" in outcome.difference
    assert compare_notebooks(a, a)[0].identical


# ------------------------------------------------------- real notebooks
@pytest.mark.parametrize("name", ["04_parameter-beredskab", "profil-kommune-c"])
def test_a_rerun_with_the_recorded_parameters_reproduces_every_output(bundled_run, untouched, tmp_path, capsys, name):
    out = tmp_path / "scratch"
    assert main(["rerun", str(bundled_run / "notebooks" / f"{name}.ipynb"), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.rstrip().splitlines()[-1].startswith("reproduced: ")
    assert "  different  " not in text and text.count("  identical  ") >= 2
    result = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert result["reproduced"] and all(o["identical"] for o in result["outputs"])
    assert any(o["what"].startswith(("tables/", "figures/")) for o in result["outputs"])
    assert (out / f"{name}.ipynb").is_file()
    assert _snapshot(bundled_run) == untouched


def test_an_override_computes_another_item(bundled_run, untouched, tmp_path, capsys):
    out = tmp_path / "scratch"
    code = main(["rerun", str(bundled_run / "notebooks" / "04_parameter-beredskab.ipynb"),
                 "-p", "item", "kompetencer", "--out", str(out)])
    assert code == 1  # not the published beredskab notebook any more
    text = capsys.readouterr().out
    assert "item='kompetencer' (recorded: 'beredskab')" in text
    # kompetencer's own table and figure, byte for byte those the kompetencer notebook published
    assert "identical  tables/item_kompetencer.csv" in text
    assert (out / "tables" / "item_kompetencer.csv").read_bytes() == \
        (bundled_run / "tables" / "item_kompetencer.csv").read_bytes()
    assert "different  tables/item_beredskab.csv: missing in the rerun" in text
    rerun_nb = nbformat.read(out / "04_parameter-beredskab.ipynb", as_version=4)
    assert rerun_nb.metadata.papermill.parameters["item"] == "kompetencer"
    assert _snapshot(bundled_run) == untouched


def test_an_unknown_parameter_exits_2_naming_the_valid_ones(bundled_run, untouched, tmp_path, capsys):
    code = main(["rerun", str(bundled_run / "notebooks" / "04_parameter-beredskab.ipynb"), "-p", "itme", "x",
                 "--out", str(tmp_path / "s")])
    assert code == 2
    assert "unknown parameter 'itme'; this notebook's parameters are: baseline, data_dir, followup, item" in \
        capsys.readouterr().err
    assert not (tmp_path / "s").exists() and _snapshot(bundled_run) == untouched


def test_a_rerun_into_the_publication_is_refused(bundled_run, untouched, capsys):
    code = main(["rerun", str(bundled_run / "notebooks" / "02_konklusion.ipynb"), "--out", str(bundled_run / "x")])
    assert code == 2 and "inside the publication" in capsys.readouterr().err
    assert _snapshot(bundled_run) == untouched


def test_a_file_that_is_not_an_executed_notebook_is_refused(tmp_path, capsys):
    plain = tmp_path / "plain.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), plain)
    assert main(["rerun", str(plain), "--out", str(tmp_path / "s")]) == 2
    assert "records no papermill parameters" in capsys.readouterr().err
    assert main(["rerun", str(tmp_path / "missing.ipynb")]) == 2
