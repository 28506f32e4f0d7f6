"""Executing a run's notebooks, and finishing each one as soon as it is done.

:func:`execute_pending` runs the notebooks a run has to execute, in
parallel through papermill (:mod:`evaluation.run.parallel`), each reading the
run's snapshot of its inputs.  Each notebook that finishes is finished off in
a background thread while the kernels go on (:func:`after_job`): its bytes
made stable and its paths those of the publication
(:func:`finalise_notebook`), its reviewer page written, its profile exported
or its part of the memo rendered.
"""
from __future__ import annotations

import json
import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .. import config
from ..files import write_text_atomically
from .documents import MemoParts, export_profile, exporters_warmed
from .inputs import INPUTS_SUBDIR
from .kernelinfo import record_installed_kernel
from .plan import Job, longest_first
from .publish import link_file
from .result import RunReport

__all__ = ["SOURCE_DATE_EPOCH", "KERNEL_ENV", "kernel_env", "run_kernel_server", "execute_pending", "after_job", "review_page",
           "finalise_notebook"]


#: Fixed timestamp for file metadata that would otherwise carry the run's time.
SOURCE_DATE_EPOCH = "946684800"
#: Variables added to every kernel's environment (and the fork server's).
KERNEL_ENV = {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}


def kernel_env() -> dict[str, str]:
    """:data:`KERNEL_ENV` plus the variables that make kernels import this checkout's package."""
    return {**KERNEL_ENV, **config.kernel_environment()}


def run_kernel_server():
    """A fork server for a run's kernels (a context manager): it preloads the
    run's modules (:data:`~evaluation.run.kernels.preload.RUN_PRELOAD`) with
    the kernels' environment from now on, without being waited for."""
    from .kernels.server import RUN_PRELOAD, fork_server  # the standard library only: it starts at once

    return fork_server(RUN_PRELOAD, env=kernel_env(), wait=False)


def execute_pending(opts, report: RunReport, pending: list[Job], work: Path, final: Path,
                    memo: MemoParts | None = None, seconds: dict[str, float] | None = None) -> dict:
    """Execute ``pending`` in parallel, the longest first (by ``seconds``, what
    each took the last time, see :func:`~evaluation.run.plan.longest_first`);
    return their manifest entries.
    Each memo part is rendered as soon as its notebook is done (``memo``)."""
    if not pending:
        return {}
    pending = longest_first(pending, seconds or {})
    from . import parallel
    from .progress import Progress

    workers = opts.jobs or os.cpu_count() or 1
    tasks = [
        parallel.Job(
            input_path=j.source,
            output_path=work / "notebooks" / f"{j.name}.ipynb",
            # Every notebook reads the run's snapshot of the inputs.
            parameters={**j.parameters, "output_dir": config.project_relative(work),
                        "data_dir": config.project_relative(work / INPUTS_SUBDIR)},
            name=j.name,
        )
        for j in pending
    ]
    progress = Progress(total=len(tasks), quiet=report.quiet, record=report.event)
    by_name = {j.name: j for j in pending}
    # Each finished notebook is finalised (and a profile exported) in a
    # background thread while the kernels go on, instead of all at the end.
    after = ThreadPoolExecutor(max_workers=1)
    done: dict[str, Future] = {}

    def on_event(kind, name, **info):
        progress.event(kind, name, **info)
        if kind == "finish":
            done[name] = after.submit(after_job, by_name[name], work, final, memo)

    try:
        with exporters_warmed(work):  # the exporters' templates compile while the fork server preloads
            results = parallel.execute_many(tasks, workers=workers, engine=opts.engine, timeout=opts.timeout,
                                            cwd=config.NOTEBOOKS_DIR, env=kernel_env(), on_event=on_event)
    finally:
        progress.close()
        after.shutdown(wait=True)
    failures = [r for r in results if r.status == "failed"]
    if failures:
        first = failures[0].error
        if len(failures) > 1:
            others = ", ".join(r.name for r in failures[1:])
            raise type(first)(first.notebook, first.cell, f"{first.error} (also failed: {others})")
        raise first
    entries = {}
    for r in results:
        job = by_name[r.name]
        writes, timing = done[job.name].result() if job.name in done else after_job(job, work, final, memo)
        entries[job.name] = {
            "key": None,  # filled by build_manifest
            "notebook": job.notebook,
            "parameters": job.parameters,
            "document": job.document,
            "writes": writes,
            "seconds": round(r.seconds, 3),
            "timing": timing,
        }
    return entries


def after_job(job: Job, work: Path, final: Path, memo: MemoParts | None = None) -> tuple[list[str], dict]:
    """Finalise one executed notebook, write its reviewer page; export it when it
    is a profile, render its part of the memo when it is one."""
    writes, timing = finalise_notebook(work / "notebooks" / f"{job.name}.ipynb", work, final)
    review_page(job, work)
    if job.document.startswith("profile:"):
        export_profile(job, work)
    elif memo is not None:
        memo.prepare(job)
    return writes, timing


def review_page(job: Job, work: Path, final: Path | None = None) -> None:
    """Write (or, for a reused notebook, link) ``notebooks/<name>.html``, its reviewer page."""
    rel = f"notebooks/{job.name}.html"
    if final is not None and (final / rel).is_file():
        return link_file(final / rel, work / rel)
    from ..memo import export

    links = [("Oversigt", "../index.html"), ("Notat", "../memo.html"), ("Notesbogen som .ipynb", f"{job.name}.ipynb")]
    export.export_review_page(work / "notebooks" / f"{job.name}.ipynb", work / rel, links=links)


def finalise_notebook(path: Path, work: Path, final: Path) -> tuple[list[str], dict]:
    """Make an executed notebook show the published paths and stable bytes.

    Returns the files its cells reported writing, and the timing removed
    from it (kept in the manifest instead).
    """
    import nbformat

    from .nbnormalize import normalize_notebook

    raw = path.read_text(encoding="utf-8")
    for before, after in ((work, final), (config.project_relative(work), config.project_relative(final))):
        raw = raw.replace(json.dumps(str(before))[1:-1], json.dumps(str(after))[1:-1])
    nb = nbformat.reads(raw, as_version=4)
    nb, timing = normalize_notebook(nb, name=path.stem, root=config.PROJECT_ROOT)
    record_installed_kernel(nb)  # JupyterLab then opens it unchanged
    writes = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            writes += output.get("metadata", {}).get("evaluation", {}).get("writes", [])
    write_text_atomically(path, nbformat.writes(nb) + "\n")
    return sorted(set(writes)), timing
