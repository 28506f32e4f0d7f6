"""Executing a run's notebooks (evaluation.run.execution): the kernels' environment and
how each executed notebook is finished off before it is published."""
from __future__ import annotations

import os

import nbformat

from evaluation import config
from evaluation.run.execution import SOURCE_DATE_EPOCH, finalise_notebook, kernel_env


def test_kernels_get_the_fixed_timestamp_and_this_checkout_first_on_their_path(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    env = kernel_env()
    assert env["SOURCE_DATE_EPOCH"] == SOURCE_DATE_EPOCH == "946684800"  # 2000-01-01T00:00:00Z
    assert env["PYTHONPATH"].split(os.pathsep) == [str(config.PROJECT_ROOT), "/elsewhere"]


def _executed(work, relative_work: str):
    """A notebook as papermill leaves it in a work folder: the work folder's
    paths in its outputs, times in its metadata, files reported written."""
    cell = nbformat.v4.new_code_cell("print(output_dir)", execution_count=1)
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=f"{relative_work}/tables\n"),
        nbformat.v4.new_output("display_data", data={"text/plain": f"'{work}/figures/figur-1.png'"},
                               metadata={"evaluation": {"writes": ["tables/b.csv", "tables/a.csv"]}}),
        nbformat.v4.new_output("display_data", data={"text/plain": "again"},
                               metadata={"evaluation": {"writes": ["tables/a.csv"]}}),
    ]
    cell.metadata["papermill"] = {"start_time": "2026-01-01T10:00:00", "end_time": "2026-01-01T10:00:02",
                                  "duration": 2.0}
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["papermill"] = {"start_time": "2026-01-01T10:00:00", "end_time": "2026-01-01T10:00:03",
                                "duration": 3.0, "input_path": str(config.NOTEBOOKS_DIR / "x.ipynb")}
    return nb


def test_a_finished_notebook_shows_the_published_paths_and_no_times(tmp_path):
    work, final = tmp_path / ".runs" / "pair.1.abc", tmp_path / "pair"
    path = work / "notebooks" / "x.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(_executed(work, config.project_relative(work)), path)
    writes, timing = finalise_notebook(path, work, final)
    assert writes == ["tables/a.csv", "tables/b.csv"]  # each once, sorted
    assert timing["start_time"] == "2026-01-01T10:00:00" and timing["duration"] == 3.0
    assert [c["duration"] for c in timing["cells"]] == [2.0]
    text = path.read_text(encoding="utf-8")
    assert str(work) not in text and config.project_relative(work) not in text
    assert f"{config.project_relative(final)}/tables" in text and f"{final}/figures/figur-1.png" in text
    assert "2026-01-01" not in text  # the times live in the manifest, not in the notebook
    assert text.endswith("}\n")
    before = path.read_bytes()
    finalise_notebook(path, work, final)  # finishing it again changes nothing
    assert path.read_bytes() == before
