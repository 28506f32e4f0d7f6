"""Execute many notebooks at once, reporting progress and every failure.

Each worker is a thread that runs :func:`evaluation.run.engine.execute`; the
kernels are separate processes, so threads are enough, and nbclient runs its
own event loop in each of them.  Kernels connect over unix sockets with a
name of their own, so parallel start-ups never race for a port.

Use::

    jobs = [Job("notebooks/a.ipynb", "outputs/a.ipynb", {"round": "2019"}), ...]
    results = execute_many(jobs, workers=2, timeout=300, on_event=progress.event)
    failed = [r for r in results if r.status == "failed"]
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import engine as _engine
from .kernels import server as forkserver
from .kernels.client import kill_launched_kernels
from ..exceptions import ExecutionError, ParameterError, is_disk_full

__all__ = ["Job", "JobResult", "execute_many"]

log = logging.getLogger(__name__)

#: Seconds between sweeps for running kernels while an interrupted call winds down.
KILL_INTERVAL = 0.05


@contextmanager
def _silenced(*loggers: logging.Logger):
    """Drop what ``loggers`` log inside the block (kernels stopped on purpose are no news)."""
    def drop(record: logging.LogRecord) -> bool:
        return False

    for logger in loggers:
        logger.addFilter(drop)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(drop)


@dataclass(frozen=True)
class Job:
    """One notebook to execute.

    ``cwd`` is the kernel's working directory (default: the one given to
    :func:`execute_many`); ``name`` labels the job in events and results
    (default: the input path).
    """

    input_path: Path | str
    output_path: Path | str
    parameters: Mapping = field(default_factory=dict)
    cwd: Path | str | None = None
    name: str | None = None

    def __post_init__(self):
        if self.name is None:
            object.__setattr__(self, "name", os.fspath(self.input_path))


@dataclass(frozen=True)
class JobResult:
    """What became of a job.

    ``status`` is ``"ok"``, ``"failed"`` (``error``, an
    :class:`~evaluation.exceptions.ExecutionError`, says why) or
    ``"skipped"`` (not started: an earlier job failed and the run stops at
    the first failure).  ``seconds`` is the job's wall time; ``timing`` is
    what :func:`evaluation.run.nbnormalize.normalize_notebook` would remove from
    the executed notebook (``None`` unless the job succeeded).
    """

    job: Job
    status: str
    error: ExecutionError | None = None
    seconds: float = 0.0
    timing: dict | None = None

    @property
    def name(self) -> str:
        return self.job.name

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _check(jobs: list, workers, engine, cwd) -> None:
    if not all(isinstance(job, Job) for job in jobs):
        raise ParameterError("jobs must be a list of evaluation.run.parallel.Job")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ParameterError(f"workers must be a positive integer, not {workers!r}")
    if engine not in _engine.ENGINES:
        raise ParameterError(f"engine must be one of {_engine.ENGINES}, not {engine!r}")
    for job in jobs:
        if not Path(job.input_path).is_file():
            raise ParameterError(f"no such notebook: {job.input_path}")
        if not Path(job.output_path).resolve().parent.is_dir():
            raise ParameterError(f"the folder of the output notebook does not exist: {job.output_path}")
        folder = job.cwd if job.cwd is not None else cwd
        if folder is not None and not Path(folder).is_dir():
            raise ParameterError(f"the working directory does not exist: {folder}")
    outputs = [Path(job.output_path).resolve() for job in jobs]
    if len(set(outputs)) != len(outputs):
        raise ParameterError("two jobs write the same output notebook")


def execute_many(jobs: list[Job], *, workers: int, engine: str = "fastfork",
                 timeout: float | None = None, cwd=None, env: Mapping | None = None,
                 on_event: Callable[..., None] | None = None, fail_fast: bool = True,
                 server=None) -> list[JobResult]:
    """Execute ``jobs``, ``workers`` notebooks at a time.

    Parameters
    ----------
    jobs : list of Job
        The notebooks; each writes its own output notebook.
    workers : int
        Notebooks executed at once.
    engine : {"fastfork", "papermill"}
        As for :func:`evaluation.run.engine.execute`.  With ``fastfork`` and no
        fork server running, one is started for the call.
    timeout : float, optional
        Seconds any one cell may run.
    cwd : path, optional
        Working directory of the kernels of jobs that name none.
    env : mapping, optional
        Variables added to every kernel's environment (and the server's).
    on_event : callable, optional
        Called as ``on_event(kind, name, **info)``: kind ``"start"`` (info
        ``index``), ``"finish"`` (``index``, ``seconds``) or ``"fail"``
        (``index``, ``seconds``, ``error``), where ``index`` is the job's
        position in ``jobs``.  Calls come from worker threads, one at a time;
        an exception in the callback is logged and does not stop the run.
    fail_fast : bool
        Start no job after the first failure (jobs already running finish).
    server : ForkServer or str, optional
        The fork server (default: the running one, else a new one).

    Returns
    -------
    list of JobResult
        One per job, in the order of ``jobs``.

    Raises
    ------
    ParameterError
        Before anything runs, if an argument or a job is not allowed.
    """
    jobs = list(jobs)
    _check(jobs, workers, engine, cwd)
    stop = threading.Event()
    interrupted = threading.Event()  # the caller was interrupted: end quietly
    event_lock = threading.Lock()

    def emit(kind: str, job: Job, **info) -> None:
        if on_event is None:
            return
        with event_lock:
            try:
                on_event(kind, job.name, **info)
            except Exception:
                log.exception("the progress callback failed on %s of %s", kind, job.name)

    def run(index: int, job: Job, address) -> JobResult:
        if stop.is_set():
            return JobResult(job, "skipped")
        emit("start", job, index=index)
        start = time.perf_counter()
        try:
            nb = _engine.run_notebook(
                job.input_path, job.output_path, job.parameters,
                cwd=job.cwd if job.cwd is not None else cwd, timeout=timeout, engine=engine,
                env=env, server=address,
            )
        except Exception as exc:
            if interrupted.is_set():  # its kernel was stopped on purpose
                return JobResult(job, "skipped", None, time.perf_counter() - start)
            if not isinstance(exc, ExecutionError):
                if not is_disk_full(exc):  # reported as such by the caller, without a traceback
                    log.error("unexpected failure of %s", job.name, exc_info=exc)
                exc = ExecutionError(job.name, None, f"{type(exc).__name__}: {exc}")
            seconds = time.perf_counter() - start
            if fail_fast:
                stop.set()
            emit("fail", job, index=index, seconds=seconds, error=exc)
            return JobResult(job, "failed", exc, seconds)
        seconds = time.perf_counter() - start
        timing = _engine.normalize_notebook(nb, name=Path(job.output_path).stem)[1]
        emit("finish", job, index=index, seconds=seconds)
        return JobResult(job, "ok", None, seconds, timing)

    with ExitStack() as stack:
        address = None
        if engine == "fastfork" and jobs:
            server = server or forkserver.active_server()
            try:
                if server is None:
                    server = stack.enter_context(forkserver.fork_server(env=env))
                address = server if isinstance(server, str) else server.wait_ready().address
            except forkserver.ForkServerUnavailable as exc:
                log.warning("kernels will start normally: %s", exc)
                address = ""  # the kernel managers then launch with Popen
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="notebook")
        futures = [pool.submit(run, i, job, address) for i, job in enumerate(jobs)]
        try:
            results = [future.result() for future in futures]
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM): start nothing more, stop the fork
            # server (it kills every kernel it forked, so the running jobs
            # end at once) and wait for the workers, so that none writes
            # into the output after this returns.
            stop.set()
            interrupted.set()
            pool.shutdown(wait=False, cancel_futures=True)
            with _silenced(logging.getLogger("papermill"), forkserver.log):  # "kernel died": on purpose
                stack.close()
                if isinstance(server, forkserver.ForkServer):  # also one the caller started early
                    server.stop()
                # Kernels launched normally (no fork server) are killed one by
                # one, also one that a worker was launching meanwhile.
                while running := [f for f in futures if not f.done()]:  # cancelled ones are done
                    kill_launched_kernels()
                    wait(running, timeout=KILL_INTERVAL, return_when=FIRST_COMPLETED)
            pool.shutdown(wait=True)
            raise
        pool.shutdown()
    return results
