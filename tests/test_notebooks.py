"""The notebooks are drivers: a documented parameters cell, no functions,
no hard-coded inputs, committed without outputs."""
import ast
import re
from pathlib import Path

import nbformat
import pytest
from papermill.translators import PythonTranslator

from evaluation import config
from evaluation.data import load_dataset

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
COMMON = {"data_dir", "output_dir", "baseline", "followup"}
PARAM_LINE = re.compile(r"^(?P<name>[a-z_]+): (?P<type>str|int|float|bool) = .+  # \S.*$")


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_there_are_notebooks():
    names = {p.stem for p in NOTEBOOKS}
    assert {"01_introduktion", "02_konklusion", "03_planstatus", "04_parameter", "05_kontekst",
            "06_centret", "07_metode", "08_profil"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_code_cell_is_a_typed_commented_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    first = _code_cells(nb)[0]
    assert "parameters" in first.metadata.get("tags", [])
    assignments = [line for line in first.source.splitlines() if line and not line.startswith("#")]
    for line in assignments:
        assert PARAM_LINE.match(line), f"{path.name}: parameter line not 'name: type = value  # help': {line!r}"
    inferred = {p.name for p in PythonTranslator.inspect(first)}
    assert COMMON <= inferred, f"papermill --help-notebook misses {COMMON - inferred} in {path.name}"
    assert len(inferred) == len(assignments)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in _code_cells(nb):
        assert cell.get("outputs") == [] and cell.get("execution_count") is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_function_or_class_defined_in_a_notebook(path):
    nb = nbformat.read(path, as_version=4)
    for cell in _code_cells(nb):
        tree = ast.parse(cell.source)
        defined = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))]
        assert not defined, f"{path.name} defines {type(defined[0]).__name__} in a cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_only_the_parameters_cell_names_inputs(path):
    ds = load_dataset()
    inputs = set(ds.round_keys) | set(ds.instrument.items["item"]) | set(ds.municipalities["municipality"])
    nb = nbformat.read(path, as_version=4)
    for cell in _code_cells(nb)[1:]:
        strings = {n.value for n in ast.walk(ast.parse(cell.source)) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        assert not (strings & inputs), f"{path.name} hard-codes {strings & inputs}"
        assert not any("/" in s and ("data" in s or "outputs" in s) for s in strings), f"{path.name} hard-codes a path"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_call_into_the_package(path):
    nb = nbformat.read(path, as_version=4)
    source = "\n".join(c.source for c in _code_cells(nb))
    assert "open_context(data_dir, output_dir, baseline, followup)" in source
