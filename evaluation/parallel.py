"""Execute many notebooks at once, reporting progress and every failure.

Each worker is a thread that calls :func:`evaluation.engine.execute`; the
kernels are separate processes, so threads are enough, and nbclient runs its
own event loop in each of them.  Kernels connect over unix sockets with a
name of their own, so parallel start-ups never race for a port.

Use::

    jobs = [Job("notebooks/a.ipynb", "outputs/a.ipynb", {"round": "2019"}), ...]
    results = execute_many(jobs, workers=2, timeout=300, on_event=print)
    failed = [r for r in results if r.status == "failed"]
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from . import engine as _engine
from . import forkserver
from .exceptions import ExecutionError, ParameterError

__all__ = ["Job", "JobResult", "JobEvent", "execute_many"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One notebook to execute.

    ``cwd`` is the kernel's working directory (default: this process's).
    """

    input_path: Path | str
    output_path: Path | str
    parameters: Mapping = field(default_factory=dict)
    cwd: Path | str | None = None

    @property
    def name(self) -> str:
        return os.fspath(self.input_path)


@dataclass(frozen=True)
class JobResult:
    """What became of a job.

    ``status`` is ``"ok"``, ``"failed"`` (``error`` says why) or
    ``"skipped"`` (not started because an earlier job failed and the run
    stops at the first failure).  ``seconds`` is the wall time of the job.
    """

    job: Job
    status: str
    error: Exception | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class JobEvent:
    """A progress event: ``kind`` is ``"start"``, ``"finish"`` or ``"skip"``.

    ``index`` is the job's position in the list given to
    :func:`execute_many`; ``result`` is set for ``"finish"`` and ``"skip"``.
    """

    kind: str
    index: int
    job: Job
    result: JobResult | None = None


def _check(jobs, workers, timeout, engine) -> None:
    if not all(isinstance(job, Job) for job in jobs):
        raise ParameterError("jobs must be a list of evaluation.parallel.Job")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ParameterError(f"workers must be a positive integer, not {workers!r}")
    if engine not in _engine.ENGINES:
        raise ParameterError(f"engine must be one of {_engine.ENGINES}, not {engine!r}")
    outputs = [Path(job.output_path).resolve() for job in jobs]
    if len(set(outputs)) != len(outputs):
        raise ParameterError("two jobs write the same output notebook")


def execute_many(jobs: list[Job], *, workers: int, engine: str = "fastfork",
                 timeout: float | None = None, env: Mapping | None = None,
                 on_event: Callable[[JobEvent], None] | None = None,
                 fail_fast: bool = True, server=None) -> list[JobResult]:
    """Execute ``jobs`` with ``workers`` notebooks at a time.

    Parameters
    ----------
    jobs : list of Job
        The notebooks; each writes its own output notebook.
    workers : int
        Notebooks executed at once.
    engine : {"fastfork", "papermill"}
        As for :func:`evaluation.engine.execute`.  With ``fastfork`` and no
        running fork server, one is started for the call.
    timeout : float, optional
        Seconds any one cell may run.
    env : mapping, optional
        Variables added to every kernel's environment (and the server's).
    on_event : callable, optional
        Called with a :class:`JobEvent` when a job starts, finishes or is
        skipped.  Calls come from worker threads, one at a time; an exception
        in the callback is logged and does not stop the run.
    fail_fast : bool
        Start no further job after the first failure (jobs already running
        finish).
    server : ForkServer, optional
        The fork server (default: the running one, else a new one).

    Returns
    -------
    list of JobResult
        One per job, in the order of ``jobs``.
    """
    jobs = list(jobs)
    _check(jobs, workers, timeout, engine)
    stop = threading.Event()
    event_lock = threading.Lock()

    def emit(event: JobEvent) -> None:
        if on_event is None:
            return
        with event_lock:
            try:
                on_event(event)
            except Exception:
                log.exception("the progress callback failed on %s", event)

    def run(index: int, job: Job, address) -> JobResult:
        if stop.is_set():
            result = JobResult(job, "skipped")
            emit(JobEvent("skip", index, job, result))
            return result
        emit(JobEvent("start", index, job))
        start = time.perf_counter()
        try:
            _engine.execute(job.input_path, job.output_path, job.parameters, cwd=job.cwd,
                            timeout=timeout, engine=engine, env=env, server=address)
            result = JobResult(job, "ok", None, time.perf_counter() - start)
        except Exception as exc:
            if not isinstance(exc, ExecutionError):
                log.error("unexpected failure of %s", job.name, exc_info=exc)
            result = JobResult(job, "failed", exc, time.perf_counter() - start)
            if fail_fast:
                stop.set()
        emit(JobEvent("finish", index, job, result))
        return result

    with ExitStack() as stack:
        address = None
        if engine == "fastfork":
            server = server or forkserver.active_server()
            if server is None:
                server = stack.enter_context(forkserver.fork_server(env=env))
            address = server.address
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="notebook")
        futures = [pool.submit(run, i, job, address) for i, job in enumerate(jobs)]
        try:
            results = [future.result() for future in futures]
        except BaseException:
            stop.set()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    return results
