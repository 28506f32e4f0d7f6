"""The fork server: fresh state per kernel, refusal where a fork could differ, no leaked kernels."""
import asyncio
import os
from pathlib import Path

import nbformat
import pytest

from evaluation.run.engine import execute
from evaluation.run.kernels import server as server_module
from evaluation.run.kernels.server import DEFAULT_PRELOAD, ForkServer, active_server, fork_server
from evaluation.run.kernels.client import ForkKernelManager

FIXTURES = Path(__file__).parents[2] / "notebooks"


@pytest.fixture(scope="module")
def server():
    """A server for the module, passed explicitly (not the active one)."""
    with ForkServer() as running:
        yield running


def _text(path, cell=-1) -> str:
    return nbformat.read(path, 4).cells[cell].outputs[0].text


def test_each_kernel_draws_its_own_random_numbers(server, tmp_path):
    for name in ("a", "b"):
        execute(FIXTURES / "random_draw.ipynb", tmp_path / f"{name}.ipynb", server=server)
    # numpy's and the standard library's generators are reseeded in every
    # kernel; equal draws from both would mean a shared, inherited state
    first, second = _text(tmp_path / "a.ipynb").split(), _text(tmp_path / "b.ipynb").split()
    assert first[0] != second[0] and first[1] != second[1]


def test_kernels_are_reaped_after_use(server, tmp_path):
    execute(FIXTURES / "light.ipynb", tmp_path / "out.ipynb", server=server)
    assert server.stats()["running"] == 0


def test_a_variable_no_preloaded_module_reads_may_differ(server, tmp_path):
    forked = server.stats()["forked"]
    execute(FIXTURES / "environment.ipynb", tmp_path / "out.ipynb", cwd=tmp_path,
            env={"EVALUATION_TEST_VAR": "anden"}, server=server)
    assert server.stats()["forked"] == forked + 1
    assert _text(tmp_path / "out.ipynb", 0) == f"{tmp_path.resolve()}\nanden\n"


def test_a_start_up_variable_that_differs_means_a_normal_launch(server, tmp_path):
    refused = len(server.stats()["refused"])
    execute(FIXTURES / "environment.ipynb", tmp_path / "out.ipynb", cwd=tmp_path,
            env={"LC_MEASUREMENT": "C", "EVALUATION_TEST_VAR": "ja"}, server=server)
    reasons = server.stats()["refused"][refused:]
    assert reasons == ["the kernel environment differs from the server's in ['LC_MEASUREMENT']"]
    assert _text(tmp_path / "out.ipynb", 0) == f"{tmp_path.resolve()}\nja\n"  # run all the same


def test_a_module_in_the_working_directory_named_like_a_preloaded_one_means_a_normal_launch(server, tmp_path):
    (tmp_path / "seaborn.py").write_text("print('a local seaborn')\n")
    refused = len(server.stats()["refused"])
    execute(FIXTURES / "environment.ipynb", tmp_path / "out.ipynb", cwd=tmp_path, server=server)
    assert server.stats()["refused"][refused:] == [
        "the working directory has modules named like preloaded ones: ['seaborn']"]


def test_preloading_that_would_show_in_a_notebook_means_normal_launches(tmp_path):
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "warns_at_import.py").write_text("import warnings\nwarnings.warn('loud import', UserWarning)\n")
    (modules / "prints_at_import.py").write_text("print('hello from an import')\n")
    (modules / "uses_the_shell.py").write_text("get_ipython().events\n")
    env = {"PYTHONPATH": str(modules)}
    preload = ["warns_at_import", "prints_at_import", "uses_the_shell"]
    with fork_server(preload, env=env) as noisy:
        problems = noisy.stats()["problems"]
        execute(FIXTURES / "light.ipynb", tmp_path / "out.ipynb", {"index": 2}, env=env, server=noisy)
        stats = noisy.stats()
    assert problems == [
        "preloading uses_the_shell failed: AttributeError: events",
        "a preloaded module used the kernel's shell: events",
        "a preloaded module printed: 'hello from an import\\n'",
        "a preloaded module warned: UserWarning: loud import",
    ]
    assert stats["forked"] == 0 and len(stats["refused"]) == 1
    assert _text(tmp_path / "out.ipynb") == "3\n"  # 0 + 1 + 2


def test_stopping_the_server_kills_its_kernels():
    manager = ForkKernelManager(kernel_name="python3")
    with fork_server() as own:
        manager.fork_server_address = own.address
        asyncio.run(manager.start_kernel())
        pid = manager.provisioner.pid
        os.kill(pid, 0)  # running
        assert own.stats()["running"] == 1
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert asyncio.run(manager.provisioner.poll()) == -9  # SIGKILL
    asyncio.run(manager.cleanup_resources())


def test_an_unreachable_server_means_a_normal_launch(tmp_path):
    manager = ForkKernelManager(kernel_name="python3", fork_server_address=str(tmp_path / "none.sock"))
    asyncio.run(manager.start_kernel())
    try:
        assert manager.provisioner.process is not None  # started with Popen
        assert asyncio.run(manager.is_alive())
    finally:
        asyncio.run(manager.shutdown_kernel(now=True))


def test_the_active_server_is_the_innermost_block():
    assert active_server() is None
    with fork_server(preload=[]) as outer:
        assert active_server() is outer
        with fork_server(preload=[]) as inner:
            assert active_server() is inner
        assert active_server() is outer
    assert active_server() is None
    assert not outer.running and not inner.running


def test_preload_must_be_a_list_of_names():
    with pytest.raises(TypeError, match="sequence of module names"):
        ForkServer("pandas")


def test_the_default_thread_name_counter_can_be_read_and_set():
    import threading

    from evaluation.run.kernels.preload import set_thread_names_taken, thread_names_taken

    taken = thread_names_taken()
    assert threading.Thread().name.startswith(f"Thread-{taken + 1}")
    assert thread_names_taken() == taken + 1
    set_thread_names_taken(taken)  # a child takes the kernel's names back like this
    assert threading.Thread().name.startswith(f"Thread-{taken + 1}")


def test_the_kernel_modules_are_preloaded_quietly_and_their_traces_recorded():
    # Run in a process of its own: preloading changes that process for good.
    import json
    import subprocess
    import sys

    code = ("import json; from evaluation.run.kernels.preload import Preloaded; p = Preloaded(['json']); p.load(); "
            "print(json.dumps([p.problems, p.kernel_env, p.kernel_thread_names]))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYDEVD")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    problems, kernel_env, thread_names = json.loads(done.stdout)
    assert problems == []
    # debugpy's import sets this variable and creates one unstarted thread
    # object; a child repeats both where a fresh kernel would.
    assert kernel_env == {"PYDEVD_USE_FRAME_EVAL": "NO"}
    assert thread_names == 1
    # and its start-up note does not reach the terminal of the run
    assert "Debugger warning" not in done.stderr


def test_a_stopped_server_leaves_no_socket_and_names_its_owner(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(server_module.tempfile, "tempdir", None)
    with server_module.fork_server(preload=()) as srv:
        folder = os.path.dirname(srv.address)
        assert os.path.basename(folder).startswith(f"evfork-{os.getpid()}-") and os.path.exists(srv.address)
    assert list(tmp_path.iterdir()) == []


def test_a_server_started_without_waiting_is_waited_for_at_first_use(tmp_path):
    with fork_server(preload=["json"], wait=False) as early:
        assert early.info == {}  # still preloading: start() returned at once
        execute(FIXTURES / "light.ipynb", tmp_path / "out.ipynb", {"index": 2}, server=early)
        stats = early.stats()
        assert early.info["problems"] == []
    assert stats["forked"] == 1 and stats["refused"] == []
    assert _text(tmp_path / "out.ipynb") == "3\n"


def test_a_server_that_never_started_means_normal_launches(tmp_path, monkeypatch):
    from evaluation.run.kernels import server as forkserver

    broken = ForkServer(preload=["json"], startup_timeout=0.0).start(wait=False)
    try:
        with pytest.raises(forkserver.ForkServerUnavailable):
            broken.wait_ready()
        assert not broken.running
        execute(FIXTURES / "light.ipynb", tmp_path / "out.ipynb", {"index": 2}, server=broken)
        assert _text(tmp_path / "out.ipynb") == "3\n"  # run all the same, launched normally
    finally:
        broken.stop()


def test_the_server_leaves_without_tearing_down_its_modules(tmp_path):
    """Once its kernels are reaped the server ends with os._exit: the
    preloaded modules' exit handlers (pandas, matplotlib, ...) do not run,
    which took a stopping run a second or more."""
    modules = tmp_path / "modules"
    modules.mkdir()
    marker = tmp_path / "torn-down"
    (modules / "says_goodbye.py").write_text(
        f"import atexit, pathlib\natexit.register(pathlib.Path({str(marker)!r}).touch)\n")
    with fork_server(["says_goodbye"], env={"PYTHONPATH": str(modules)}) as running:
        assert running.stats()["problems"] == []
    assert not running.running
    assert not marker.exists()


def _evaluation_imports(path) -> set[str]:
    """The package modules a notebook's code cells import (``from X import a``
    counts X.a when that is a module of its own, else X)."""
    import ast
    import json

    package = Path(__file__).resolve().parents[3]
    found = set()
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse("".join(cell["source"]))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("evaluation"):
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    path_of = package / sub.replace(".", "/")
                    found.add(sub if path_of.is_dir() or path_of.with_suffix(".py").is_file() else node.module)
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("evaluation")}
    return found


def test_a_runs_server_preloads_every_package_module_the_notebooks_import():
    from evaluation import config
    from evaluation.run.kernels.server import PACKAGE_PRELOAD, RUN_PRELOAD

    imported = set().union(*(_evaluation_imports(p) for p in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))))
    assert imported and imported <= set(PACKAGE_PRELOAD), sorted(imported - set(PACKAGE_PRELOAD))
    assert set(RUN_PRELOAD) == set(DEFAULT_PRELOAD) | set(PACKAGE_PRELOAD)
