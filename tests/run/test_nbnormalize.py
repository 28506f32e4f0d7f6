"""Byte-stable executed notebooks: timing split off, ids derived, streams joined."""
import copy
import re
from pathlib import Path

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from evaluation.run.engine import execute, fork_server
from evaluation.run.nbnormalize import cell_id, merge_streams, normalize_file, normalize_notebook

FIXTURES = Path(__file__).parents[1] / "notebooks"


def _stream(name, text):
    return new_output("stream", name=name, text=text)


def test_merge_streams_joins_only_neighbours_of_the_same_stream():
    figure = new_output("display_data", data={"text/plain": "<Figure>"})
    outputs = [_stream("stdout", "a\n"), _stream("stdout", ["b", "\n"]), _stream("stderr", "warn\n"),
               _stream("stdout", "c\n"), figure, _stream("stdout", "d\n"), _stream("stdout", "e\n")]
    before = copy.deepcopy(outputs)
    merged = merge_streams(outputs)
    assert [(o["output_type"], o.get("name"), o.get("text")) for o in merged] == [
        ("stream", "stdout", "a\nb\n"),
        ("stream", "stderr", "warn\n"),
        ("stream", "stdout", "c\n"),
        ("display_data", None, None),
        ("stream", "stdout", "d\ne\n"),
    ]
    assert outputs == before  # not changed


def test_cell_ids_are_valid_distinct_and_stable():
    ids = [cell_id("02_konklusion", i) for i in range(50)] + [cell_id("03_planstatus", i) for i in range(50)]
    assert len(set(ids)) == 100
    assert all(re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", i) for i in ids)  # nbformat's rule
    assert cell_id("02_konklusion", 7) == ids[7]


def _executed():
    nb = new_notebook(metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python", "version": "3.11.7"},
        "papermill": {"start_time": "2024-01-01T10:00:00", "end_time": "2024-01-01T10:00:03",
                      "duration": 3.0, "exception": None, "parameters": {"code": "007"},
                      "input_path": "/home/x/project/notebooks/a.ipynb",
                      "output_path": "/home/x/project/outputs/a.ipynb"},
    })
    code = new_code_cell("print(1)", execution_count=1, outputs=[
        _stream("stdout", "1\n"), _stream("stdout", "2\n"),
        _stream("stderr", "/tmp/ipykernel_4242/123.py:1: UserWarning: x\n"),
        new_output("error", ename="E", evalue="v", traceback=["File /tmp/ipykernel_4242/123.py, line 1"]),
    ])
    code.metadata["papermill"] = {"start_time": "2024-01-01T10:00:01", "end_time": "2024-01-01T10:00:02",
                                  "duration": 1.0, "status": "completed", "exception": False}
    code.metadata["execution"] = {"iopub.status.busy": "2024-01-01T10:00:01.1"}
    markdown = new_markdown_cell("# Titel")
    markdown.metadata["papermill"] = {"start_time": None, "end_time": None, "duration": None, "status": "completed"}
    nb.cells = [markdown, code]
    return nb


def test_normalize_notebook_removes_timing_and_returns_it():
    nb = _executed()
    before = copy.deepcopy(nb)
    normal, timing = normalize_notebook(nb, name="a", root="/home/x/project")
    assert nb == before  # not changed
    assert timing == {
        "start_time": "2024-01-01T10:00:00", "end_time": "2024-01-01T10:00:03", "duration": 3.0,
        "cells": [{"index": 1, "id": cell_id("a", 1), "start_time": "2024-01-01T10:00:01",
                   "end_time": "2024-01-01T10:00:02", "duration": 1.0,
                   "execution": {"iopub.status.busy": "2024-01-01T10:00:01.1"}}],
    }
    assert normal.metadata.papermill == {"exception": None, "parameters": {"code": "007"},
                                         "input_path": "notebooks/a.ipynb", "output_path": "outputs/a.ipynb"}
    assert normal.metadata.kernelspec == before.metadata.kernelspec
    assert normal.metadata.language_info == before.metadata.language_info
    code = normal.cells[1]
    assert [c.id for c in normal.cells] == [cell_id("a", 0), cell_id("a", 1)]
    assert code.metadata == {"papermill": {"status": "completed", "exception": False}}
    assert code.outputs[0].text == "1\n2\n"
    assert code.outputs[1].text == "/tmp/ipykernel_0/123.py:1: UserWarning: x\n"
    assert code.outputs[2].traceback == ["File /tmp/ipykernel_0/123.py, line 1"]
    nbformat.validate(normal)


def test_name_defaults_to_the_input_file_name():
    normal, _ = normalize_notebook(_executed())
    assert normal.cells[0].id == cell_id("a.ipynb", 0)


@pytest.fixture
def kernel_environment(monkeypatch):
    """The environment of a real run (the suite sets MPLBACKEND=Agg for itself)."""
    monkeypatch.delenv("MPLBACKEND", raising=False)


def test_executed_notebooks_are_byte_identical_across_runs_and_engines(kernel_environment, tmp_path):
    out = tmp_path / "plot.ipynb"
    parameters = {"code": "007"}
    versions = []
    with fork_server() as server:
        for _ in range(2):
            execute(FIXTURES / "plot.ipynb", out, parameters, cwd=tmp_path, server=server)
            normalize_file(out, name="plot", root=tmp_path)
            versions.append(out.read_bytes())
    papermill.execute_notebook(str(FIXTURES / "plot.ipynb"), str(out), parameters=parameters,
                               kernel_name="python3", progress_bar=False, cwd=str(tmp_path))
    timing = normalize_file(out, name="plot", root=tmp_path)
    versions.append(out.read_bytes())
    assert versions[0] == versions[1] == versions[2]
    assert b"image/png" in versions[0]
    assert timing["duration"] > 0 and all(c["duration"] is not None for c in timing["cells"])
