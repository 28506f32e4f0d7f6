"""Execute one notebook with papermill, fast, and check the result ourselves.

Papermill stays the executor; the speed-up is a papermill engine.  The
``fastfork`` engine (:class:`ForkServerEngine`) is papermill's own nbclient
engine with a kernel manager whose kernels are forked by a fork server
(:mod:`evaluation.run.kernels.server`) that has pandas, seaborn, matplotlib and the
kernel's modules imported already, so a kernel is ready in a fraction of the
time a fresh one needs.  Every kernel is still a new process that runs the
notebook from its first cell, and its outputs are those of a fresh kernel
(``tests/run/test_engine.py`` compares them for every notebook).

:func:`execute` runs one notebook through papermill with either engine and
then verifies the executed notebook itself, because papermill does not
notice everything: after a cell timeout or a dead kernel it marks the
remaining cells "completed".  Every failure becomes an
:class:`~evaluation.exceptions.ExecutionError` naming the notebook, the cell
and the error, after the partly executed notebook has been saved.

Cells are numbered as Jupyter shows them: cell ``n`` is the n-th code cell
of the executed notebook (papermill's injected-parameters cell included),
the ``In [n]`` of a run in which every cell ran in order.

It also offers :func:`normalize_notebook` (from
:mod:`evaluation.run.nbnormalize`, byte-stable executed notebooks).  Many
notebooks at once are :mod:`evaluation.run.parallel`'s job; it imports this
module, never the other way round.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import nbformat
import papermill
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError
from traitlets.config import Config

from .kernels import server as forkserver
from ..exceptions import CellTimeout, ExecutionError, ParameterError
from .kernels.server import ForkServer, fork_server
from .kernels.client import ForkKernelManager, IpcKernelManager
from .nbnormalize import normalize_notebook

__all__ = [
    "ENGINE_NAME",
    "ENGINES",
    "ForkServerEngine",
    "register_engine",
    "fork_server",
    "execute",
    "run_notebook",
    "check_executed",
    "normalize_notebook",
]

#: The name under which :class:`ForkServerEngine` is registered with papermill.
ENGINE_NAME = "fastfork"
#: The values :func:`execute` accepts for ``engine``.
ENGINES = ("fastfork", "papermill")
KERNEL_NAME = "python3"


class ForkServerEngine(NBClientEngine):
    """Papermill's nbclient engine, with kernels forked by a fork server.

    Besides papermill's engine options it accepts ``fork_server`` (a
    :class:`~evaluation.run.kernels.server.ForkServer` or its socket address, ``""``
    for none; default: the innermost :func:`fork_server` block, else a
    process-wide server started on first use) and ``kernel_env`` (variables
    added to the kernel's environment).
    """

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, fork_server=None, kernel_env=None, **kwargs):
        try:
            if fork_server is None:
                fork_server = forkserver.active_server() or forkserver.default_server(kernel_env)
            address = fork_server if isinstance(fork_server, str) else fork_server.wait_ready().address
        except forkserver.ForkServerUnavailable as exc:
            forkserver.log.warning("kernels will start normally: %s", exc)
            address = ""
        config = _kernel_config(kwargs.pop("config", None), kernel_env)
        config.ForkKernelManager.fork_server_address = address
        kwargs["kernel_manager_class"] = ForkKernelManager
        return super().execute_managed_notebook(nb_man, kernel_name, config=config, **kwargs)


def _kernel_config(config: Config | None, kernel_env: Mapping | None) -> Config:
    merged = Config()
    if config:
        merged.merge(config)
    if kernel_env:
        merged.IpcKernelManager.kernel_env = {str(k): str(v) for k, v in kernel_env.items()}
    return merged


def register_engine(name: str = ENGINE_NAME) -> None:
    """Register :class:`ForkServerEngine` with papermill under ``name``.

    Importing this module registers it as ``fastfork``, after which
    ``papermill.execute_notebook(..., engine_name="fastfork")`` uses it.
    """
    papermill_engines.register(name, ForkServerEngine)


register_engine()


class _Tracker:
    """nbclient hooks that keep the notebook being executed and its current cell."""

    def __init__(self):
        self.nb = None
        self.cell_index: int | None = None
        self.cell_done = False

    def notebook_started(self, notebook, **_):
        self.nb = notebook

    def cell_started(self, cell, cell_index, **_):
        self.cell_index, self.cell_done = cell_index, False

    def cell_finished(self, cell, cell_index, **_):
        self.cell_done = True


def _code_number(nb, index: int) -> int:
    """Return the 1-based number among code cells of ``nb.cells[index]``."""
    return sum(1 for cell in nb.cells[: index + 1] if cell.cell_type == "code")


def check_executed(nb) -> tuple[int, str] | None:
    """Return the first failure in an executed notebook, or None.

    A failure is an error output (``SystemExit`` with code 0 excepted, as
    papermill does) or a code cell that has source but no execution count.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.

    Returns
    -------
    tuple of (int, str) or None
        The cell number (see the module docstring) and a description.
    """
    stopped_at = None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        number = _code_number(nb, index)
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            if output.get("ename") == "SystemExit" and output.get("evalue") in ("", "0"):
                stopped_at = number
                continue
            return number, f"{output.get('ename')}: {output.get('evalue')}"
        skipped = "skip-execution" in cell.metadata.get("tags", [])
        if cell.get("execution_count") is None and cell.source.strip() and not skipped:
            why = f" (the notebook exited in cell {stopped_at})" if stopped_at else ""
            return number, f"the cell was not executed{why}"
    return None


def _mark_failed(nb, index: int, ename: str, evalue: str) -> None:
    """Record in ``nb`` where execution failed, which papermill does not after a timeout."""
    cell = nb.cells[index]
    cell.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[]))
    cell.metadata.setdefault("papermill", {}).update(status="failed", exception=True)
    for later in nb.cells[index + 1:]:
        later.metadata.setdefault("papermill", {})["status"] = "pending"
    nb.metadata.setdefault("papermill", {})["exception"] = True


def _check_arguments(input_path, output_path, parameters, cwd, timeout, engine) -> None:
    if engine not in ENGINES:
        raise ParameterError(f"engine must be one of {ENGINES}, not {engine!r}")
    if not Path(input_path).is_file():
        raise ParameterError(f"no such notebook: {input_path}")
    if not Path(output_path).resolve().parent.is_dir():
        raise ParameterError(f"the folder of the output notebook does not exist: {output_path}")
    if parameters is not None and not isinstance(parameters, Mapping):
        raise ParameterError(f"parameters must be a mapping, not {type(parameters).__name__}")
    if cwd is not None and not Path(cwd).is_dir():
        raise ParameterError(f"the working directory does not exist: {cwd}")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                or not timeout > 0):
        raise ParameterError(f"timeout must be a positive number of seconds or None, not {timeout!r}")


def execute(input_path, output_path, parameters: Mapping | None = None, *, cwd=None,
            timeout: float | None = None, engine: str = "fastfork", env: Mapping | None = None,
            server: ForkServer | str | None = None) -> None:
    """Execute a notebook with papermill and fail loudly if anything went wrong.

    Parameters
    ----------
    input_path, output_path : path
        The notebook to run and where to save the executed copy (also when it
        fails).  Paths are used as given: pass absolute paths when other
        threads may change the working directory.
    parameters : mapping, optional
        Values for the notebook's ``parameters`` cell.
    cwd : path, optional
        Working directory of the kernel (default: this process's).  It is
        handed to the kernel manager rather than to papermill's ``cwd``,
        which changes the working directory of the whole process and is
        therefore not safe in threads.
    timeout : float, optional
        Seconds any one cell may run (default: no limit).
    engine : {"fastfork", "papermill"}
        ``fastfork`` forks kernels from a fork server; ``papermill`` is
        papermill's own engine starting a fresh kernel.  Both connect to the
        kernel over unix sockets.
    env : mapping, optional
        Variables added to the kernel's environment.  With ``fastfork``, give
        the fork server the same ones.
    server : ForkServer or str, optional
        The fork server (default: see :class:`ForkServerEngine`).

    Raises
    ------
    ExecutionError
        If a cell raised, timed out or was not executed, or the kernel died
        or did not start.
    ParameterError
        If an argument is not allowed.
    """
    run_notebook(input_path, output_path, parameters, cwd=cwd, timeout=timeout, engine=engine,
                 env=env, server=server)


def run_notebook(input_path, output_path, parameters=None, *, cwd=None, timeout=None,
                 engine="fastfork", env=None, server=None):
    """Do what :func:`execute` does and return the executed notebook."""
    _check_arguments(input_path, output_path, parameters, cwd, timeout, engine)
    name = os.fspath(input_path)
    tracker = _Tracker()
    options = dict(on_notebook_start=tracker.notebook_started, on_cell_execute=tracker.cell_started,
                   on_cell_executed=tracker.cell_finished)
    if cwd is not None:
        options["resources"] = {"metadata": {"path": os.fspath(cwd)}}
    # Every output has arrived when the last cell's reply has; stopping the
    # kernel at once then loses nothing and skips the graceful-shutdown wait.
    options["shutdown_kernel"] = "immediate"
    if engine == "fastfork":
        options.update(fork_server=server, kernel_env=env)
        engine_name = ENGINE_NAME
    else:
        options.update(kernel_manager_class=IpcKernelManager, config=_kernel_config(None, env))
        engine_name = None
    try:
        nb = papermill.execute_notebook(
            os.fspath(input_path), os.fspath(output_path), parameters=dict(parameters or {}),
            engine_name=engine_name, kernel_name=KERNEL_NAME, request_save_on_cell_execute=False,
            progress_bar=False, log_output=False, execution_timeout=timeout, **options,
        )
    except PapermillExecutionError as exc:  # papermill has saved the notebook
        # Imported here: papermill loads this module through its entry point
        # while papermill.execute is still initialising.
        from papermill.execute import ERROR_MARKER_TAG

        cells = [c for c in tracker.nb.cells if ERROR_MARKER_TAG not in c.metadata.get("tags", [])]
        number = sum(1 for c in cells[: exc.cell_index + 1] if c.cell_type == "code")
        raise ExecutionError(name, number, f"{exc.ename}: {exc.evalue}") from None
    except (CellTimeoutError, DeadKernelError) as exc:
        timed_out = isinstance(exc, CellTimeoutError)
        text = f"timed out after {timeout:g} s" if timed_out else "kernel died"
        error = _failure(name, output_path, tracker, type(exc).__name__, text)
        if timed_out:
            error = CellTimeout(error.notebook, error.cell, error.error)
        raise error from None
    except Exception as exc:
        text = f"{type(exc).__name__}: {exc}".strip()
        raise _failure(name, output_path, tracker, type(exc).__name__, text) from None
    problem = check_executed(nb)
    if problem is not None:
        raise ExecutionError(name, *problem)
    return nb


def _failure(name: str, output_path, tracker: _Tracker, ename: str, text: str) -> ExecutionError:
    """Save what ran, marking the failed cell, and return the error to raise."""
    nb, index = tracker.nb, tracker.cell_index
    if nb is None:
        return ExecutionError(name, None, f"the kernel did not start: {text}")
    if index is None or tracker.cell_done:  # not inside a cell
        nbformat.write(nb, os.fspath(output_path))
        return ExecutionError(name, None, text)
    _mark_failed(nb, index, ename, text)
    nbformat.write(nb, os.fspath(output_path))
    return ExecutionError(name, _code_number(nb, index), text)
