"""The fastfork engine: outputs identical to fresh papermill kernels, every failure reported.

The reference is always a plain ``papermill.execute_notebook`` call with the
default engine (a fresh kernel started with Popen over TCP), run in this
process just before the fast engine on the same notebook and parameters.
Outputs are compared cell by cell after :func:`normalize_notebook`, which
only joins consecutive pieces of one stream (how the kernel splits printed
text depends on flush timing, even between two fresh kernels) and replaces
the kernel's pid in cell file names.
"""
from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.engines import papermill_engines

from evaluation import config
from evaluation.data.cache import CACHE_VARIABLE, load_checked
from evaluation.run.kernels.server import RUN_PRELOAD, ForkServer
from evaluation.run.engine import ENGINE_NAME, ForkServerEngine, check_executed, execute, fork_server
from evaluation.exceptions import ExecutionError, ParameterError
from evaluation.run.nbnormalize import normalize_notebook

FIXTURES = Path(__file__).parents[1] / "notebooks"
ROOT = config.PROJECT_ROOT
#: Fixture notebooks that succeed, with the parameters they are run with.
#: (random_draw.ipynb prints random numbers, different in any two kernels.)
PASSING = {"plot": {"code": "007"}, "diagnostics": {"label": "007"}, "warns": {}, "light": {"index": 5},
           "environment": {}}
PROJECT = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.fixture(scope="module")
def server():
    """One fork server for the module, in the environment of a normal run.

    The test suite sets MPLBACKEND=Agg for itself; kernels of a real run do
    not see it, so it is removed while these tests run (the reference
    kernels inherit the same environment).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MPLBACKEND", raising=False)
        patch.delenv(CACHE_VARIABLE, raising=False)
        with fork_server() as running:
            yield running


@pytest.fixture(scope="module")
def run_server(tmp_path_factory):
    """A server as a run starts it (the package's modules preloaded too), and
    the kernel environment of a run: a checked copy of the bundled data kept.
    The reference kernels validate the data themselves."""
    cache = tmp_path_factory.mktemp("datasets")
    load_checked(config.DATA_DIR, cache=cache)
    assert len(list(cache.glob("*.pickle"))) == 1
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MPLBACKEND", raising=False)
        patch.delenv(CACHE_VARIABLE, raising=False)
        with ForkServer(RUN_PRELOAD) as running:  # passed explicitly, never the active one
            yield running, {CACHE_VARIABLE: str(cache)}


def _code_cells(path) -> list[tuple]:
    nb, _ = normalize_notebook(nbformat.read(path, as_version=4), name="compared")
    return [(c.execution_count, c.outputs) for c in nb.cells if c.cell_type == "code"]


def _fresh(path, out, parameters, cwd=ROOT) -> None:
    papermill.execute_notebook(str(path), str(out), parameters=parameters, kernel_name="python3",
                               progress_bar=False, cwd=str(cwd))


def _assert_identical(path, parameters, server, tmp_path, env=None, cwd=ROOT) -> list[tuple]:
    """Run ``path`` both ways (in ``cwd``); assert every code cell's outputs are equal; return them."""
    reference, fast = tmp_path / "fresh.ipynb", tmp_path / "fast.ipynb"
    _fresh(path, reference, parameters, cwd)
    forked = server.stats()["forked"]
    execute(path, fast, parameters, cwd=cwd, timeout=300, server=server, env=env)
    stats = server.stats()
    assert stats["forked"] == forked + 1, "the kernel was not forked"
    assert stats["refused"] == []
    expected, actual = _code_cells(reference), _code_cells(fast)
    assert len(actual) == len(expected)
    differing = [i for i, (a, b) in enumerate(zip(expected, actual)) if a != b]
    if differing:
        # A cell whose outputs differ between two fresh kernels (a clock, an
        # address) says nothing about the engine; any other difference fails.
        again = tmp_path / "fresh-again.ipynb"
        _fresh(path, again, parameters, cwd)
        unstable = {i for i, (a, b) in enumerate(zip(expected, _code_cells(again))) if a != b}
        assert [i for i in differing if i not in unstable] == [], f"code cells differ: {differing}"
    assert nbformat.read(fast, 4).metadata.language_info == nbformat.read(reference, 4).metadata.language_info
    return actual


@pytest.mark.parametrize("name", sorted(PASSING))
def test_outputs_identical_to_a_fresh_kernel(name, server, tmp_path):
    _assert_identical(FIXTURES / f"{name}.ipynb", PASSING[name], server, tmp_path)


@pytest.mark.parametrize("path", PROJECT or [None], ids=lambda p: p.stem if p else "none")
def test_project_notebook_outputs_identical_to_a_fresh_kernel(path, run_server, tmp_path):
    """As a run executes them: in notebooks/, from a run's server, with the checked data."""
    if path is None:
        pytest.skip("notebooks/ holds no notebook")
    server, env = run_server
    _assert_identical(path, {}, server, tmp_path, env=env, cwd=config.NOTEBOOKS_DIR)


def test_string_parameter_stays_a_string_and_figures_are_drawn(server, tmp_path):
    cells = _assert_identical(FIXTURES / "plot.ipynb", {"code": "007"}, server, tmp_path)
    texts = ["".join(o.get("text", "")) for _, outputs in cells for o in outputs]
    assert "code='007' type=str n=4\n" in texts
    images = [o for _, outputs in cells for o in outputs if "image/png" in o.get("data", {})]
    # the bar plot (plt.show), then the line plot twice: as the value of the
    # cell's last expression and once more when the inline backend flushes
    assert len(images) == 3


def test_failed_cell_outputs_identical_to_a_fresh_kernel(server, tmp_path):
    path, parameters = FIXTURES / "raises.ipynb", {"divisor": 0}
    with pytest.raises(papermill.PapermillExecutionError):
        _fresh(path, tmp_path / "fresh.ipynb", parameters)
    with pytest.raises(ExecutionError):
        execute(path, tmp_path / "fast.ipynb", parameters, cwd=ROOT, server=server)
    assert _code_cells(tmp_path / "fast.ipynb") == _code_cells(tmp_path / "fresh.ipynb")


def test_a_notebook_that_exits_early_has_the_outputs_of_a_fresh_kernel(server, tmp_path):
    path = FIXTURES / "stops.ipynb"
    _fresh(path, tmp_path / "fresh.ipynb", {})  # papermill lets sys.exit(0) pass
    with pytest.raises(ExecutionError):
        execute(path, tmp_path / "fast.ipynb", cwd=ROOT, server=server)
    assert _code_cells(tmp_path / "fast.ipynb") == _code_cells(tmp_path / "fresh.ipynb")


def test_a_dead_kernel_leaves_the_outputs_of_a_fresh_kernel(server, tmp_path):
    # plain papermill saves nothing when the kernel dies, so the reference is
    # papermill's engine with a fresh kernel through execute()
    path = FIXTURES / "dies.ipynb"
    for engine in ("papermill", "fastfork"):
        with pytest.raises(ExecutionError):
            execute(path, tmp_path / f"{engine}.ipynb", cwd=ROOT, timeout=60, engine=engine, server=server)
    fast, fresh = _code_cells(tmp_path / "fastfork.ipynb"), _code_cells(tmp_path / "papermill.ipynb")
    # the dying cell has an execution count only if the kernel's announcement
    # of the execution arrived before it died, with either engine
    assert [outputs for _, outputs in fast] == [outputs for _, outputs in fresh]
    assert (fast[0][0], fast[2][0]) == (fresh[0][0], fresh[2][0]) == (1, None)


@pytest.mark.parametrize("engine", ["fastfork", "papermill"])
def test_an_error_names_notebook_cell_and_exception(engine, server, tmp_path):
    path, out = FIXTURES / "raises.ipynb", tmp_path / "out.ipynb"
    with pytest.raises(ExecutionError) as caught:
        execute(path, out, {"divisor": 0}, cwd=ROOT, engine=engine, server=server)
    # code cells: parameters, injected parameters, print, raise -> the 4th
    assert (caught.value.notebook, caught.value.cell) == (str(path), 4)
    assert caught.value.error == "ValueError: cannot divide by 0"
    assert str(path) in str(caught.value) and "cell 4" in str(caught.value)
    saved = nbformat.read(out, 4)
    assert [o.ename for c in saved.cells for o in c.get("outputs", []) if o.output_type == "error"] == ["ValueError"]


@pytest.mark.parametrize("engine", ["fastfork", "papermill"])
def test_a_cell_timeout_names_the_cell_and_the_limit(engine, server, tmp_path):
    path, out = FIXTURES / "sleeps.ipynb", tmp_path / "out.ipynb"
    with pytest.raises(ExecutionError) as caught:
        execute(path, out, {"seconds": 600.0}, cwd=ROOT, timeout=1, engine=engine, server=server)
    # code cells: parameters, injected parameters, import, sleep -> the 4th
    assert (caught.value.notebook, caught.value.cell) == (str(path), 4)
    assert caught.value.error == "timed out after 1 s"
    saved = nbformat.read(out, 4)
    code = [c for c in saved.cells if c.cell_type == "code"]
    assert code[2].outputs[0].text == "going to sleep\n"
    assert code[3].outputs[-1].ename == "CellTimeoutError"
    assert code[3].metadata.papermill.status == "failed"
    # papermill would have marked the last cell "completed"
    assert code[4].execution_count is None and code[4].metadata.papermill.status == "pending"


@pytest.mark.parametrize("engine", ["fastfork", "papermill"])
def test_a_dead_kernel_names_the_cell(engine, server, tmp_path):
    path, out = FIXTURES / "dies.ipynb", tmp_path / "out.ipynb"
    with pytest.raises(ExecutionError) as caught:
        execute(path, out, cwd=ROOT, timeout=60, engine=engine, server=server)
    assert (caught.value.notebook, caught.value.cell, caught.value.error) == (str(path), 2, "kernel died")
    code = [c for c in nbformat.read(out, 4).cells if c.cell_type == "code"]
    assert code[0].outputs[0].text == "alive\n"
    assert code[2].execution_count is None


def test_a_notebook_that_exits_early_fails_on_the_first_cell_not_run(server, tmp_path):
    path = FIXTURES / "stops.ipynb"
    with pytest.raises(ExecutionError) as caught:
        execute(path, tmp_path / "out.ipynb", cwd=ROOT, server=server)
    assert caught.value.cell == 3
    assert caught.value.error == "the cell was not executed (the notebook exited in cell 2)"


def test_the_engine_is_registered_with_papermill(server, tmp_path):
    assert papermill_engines.get_engine(ENGINE_NAME) is ForkServerEngine
    forked = server.stats()["forked"]
    nb = papermill.execute_notebook(str(FIXTURES / "light.ipynb"), str(tmp_path / "out.ipynb"),
                                    parameters={"index": 3}, engine_name="fastfork",
                                    kernel_name="python3", progress_bar=False)
    assert server.stats()["forked"] == forked + 1  # the server of the enclosing fork_server()
    assert nb.cells[-1].outputs[0].text == "6\n"  # 0 + 1 + 2 + 3


def test_kernel_gets_cwd_and_extra_environment(tmp_path):
    with fork_server(env={"EVALUATION_TEST_VAR": "ja"}) as server:
        execute(FIXTURES / "environment.ipynb", tmp_path / "out.ipynb", cwd=tmp_path,
                env={"EVALUATION_TEST_VAR": "ja"}, server=server)
        assert server.stats()["forked"] == 1
    text = nbformat.read(tmp_path / "out.ipynb", 4).cells[0].outputs[0].text
    assert text == f"{tmp_path.resolve()}\nja\n"


@pytest.mark.parametrize("arguments, message", [
    ({"engine": "nbclient"}, "engine must be one of"),
    ({"timeout": 0}, "timeout must be a positive number"),
    ({"timeout": "5"}, "timeout must be a positive number"),
    ({"cwd": "/no/such/folder"}, "the working directory does not exist"),
    ({"parameters": ["code"]}, "parameters must be a mapping"),
])
def test_bad_arguments_are_refused(arguments, message, tmp_path):
    with pytest.raises(ParameterError, match=message):
        execute(FIXTURES / "light.ipynb", tmp_path / "out.ipynb", **arguments)


def test_missing_notebook_and_output_folder_are_refused(tmp_path):
    with pytest.raises(ParameterError, match="no such notebook"):
        execute(tmp_path / "nothing.ipynb", tmp_path / "out.ipynb")
    with pytest.raises(ParameterError, match="folder of the output notebook"):
        execute(FIXTURES / "light.ipynb", tmp_path / "missing" / "out.ipynb")


def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def _code(source, count, *outputs, tags=()):
    cell = nbformat.v4.new_code_cell(source, execution_count=count, outputs=list(outputs))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def test_check_executed_finds_errors_and_cells_not_run():
    error = nbformat.v4.new_output("error", ename="KeyError", evalue="'x'", traceback=[])
    ok = _notebook(nbformat.v4.new_markdown_cell("# Title"), _code("a = 1", 1), _code("", None),
                   _code("b = 2", None, tags=["skip-execution"]), _code("c = 3", 2))
    assert check_executed(ok) is None  # empty and skipped cells never run
    # the markdown cell does not count: the failing cell is the 2nd code cell
    assert check_executed(_notebook(nbformat.v4.new_markdown_cell("x"), _code("a", 1), _code("b", 2, error))) \
        == (2, "KeyError: 'x'")
    assert check_executed(_notebook(_code("a", 1), _code("b", None))) == (2, "the cell was not executed")
