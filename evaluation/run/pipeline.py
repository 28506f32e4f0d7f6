"""The run: plan, execute with papermill, export with nbconvert, publish.

``evaluation run`` works like this:

1. Plan the notebook executions (:mod:`evaluation.run.plan`) and fingerprint
   their inputs (:mod:`evaluation.run.fingerprint`).  If the published output
   of the pair already has every fingerprint, stop: nothing heavy is
   imported on this path.
2. Check the options and validate the data folder (bad input stops here,
   before anything is written), then take the pair's lock (a second run on
   the same output is refused).
3. Build the new version in a private work folder: reuse the executed
   notebooks and files of unchanged jobs, execute the others in parallel
   through papermill (:mod:`evaluation.run.engine`), export the memo and the
   profiles with nbconvert (:mod:`evaluation.memo.export`), write the index and
   the manifest.
4. Publish by atomically replacing the symlink ``outputs/<pair>`` with one
   to the new version.  On any failure nothing is published, the previous
   output stays as it was, and the work folder is kept under
   ``outputs/failed/<pair>/`` for inspection.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..exceptions import DataError, EvaluationError, ExecutionError, ParameterError, Problem
from ..files import write_text_atomically
from ..names import pair_name, resolve_pair, slug
from .fingerprint import DataFolder, job_key
from ..memo.outline import MEMO_TITLE
from .linking import add_source_links, index_entries
from .plan import Job, describe_job, plan_jobs
from .publish import (
    FAILED_SUBDIR,
    MANIFEST,
    RUNS_SUBDIR,
    build_manifest,
    check_writable,
    link_file,
    pair_lock,
    publish_folder,
    read_manifest,
)

__all__ = ["RunOptions", "run", "run_from_args"]


#: Fixed timestamp for file metadata that would otherwise carry the run's time.
SOURCE_DATE_EPOCH = "946684800"


@dataclass(frozen=True)
class RunOptions:
    data: Path
    out: Path
    baseline: str = ""
    followup: str = ""
    jobs: int | None = None
    force: bool = False
    profiles: bool = True
    municipalities: tuple[str, ...] = ()
    timeout: float = 300.0
    pdf: bool = False
    engine: str = "fastfork"
    quiet: bool = False
    show_names: bool = False
    draft: bool = False


def run_from_args(args) -> int:
    """Entry point of ``evaluation run``."""
    opts = RunOptions(
        data=config.data_dir(args.data),
        out=Path(args.out).resolve() if args.out else config.OUTPUTS_DIR,
        baseline=args.baseline or "",
        followup=args.followup or "",
        jobs=args.jobs,
        force=args.force,
        profiles=not args.no_profiles,
        municipalities=tuple(args.municipality or ()),
        timeout=args.timeout,
        pdf=args.pdf,
        show_names=args.show_names,
        draft=getattr(args, "draft", False),
    )
    result = run(opts)
    print(result["message"])
    return 0


# ------------------------------------------------------------------ helpers
def _log(opts: RunOptions, text: str) -> None:
    if not opts.quiet:
        print(text, file=sys.stderr, flush=True)


# --------------------------------------------------------------------- run
def run(opts: RunOptions) -> dict:
    """Build (or confirm up to date) the outputs of one pair of rounds.

    Returns a dict with ``message``, ``folder`` (the published path),
    ``executed`` and ``reused`` (job names).
    """
    _check_options(opts)
    data = DataFolder(opts.data)
    if not (opts.data / "rounds.yml").is_file():
        # Let the full validation name the problem.
        _validate(opts.data)
    try:
        baseline, followup = resolve_pair(data.round_keys, opts.baseline, opts.followup)
        final = opts.out / pair_name(baseline, followup)
        jobs = plan_jobs(data, baseline, followup, final, profiles=opts.profiles,
                         municipalities=list(opts.municipalities) or None, show_names=opts.show_names)
        keys = {j.name: job_key(j.source, j.parameters, list(j.facets), data) for j in jobs}
    except EvaluationError:
        raise
    except Exception:
        # The light reader choked on a file the contract does not allow
        # (bad YAML, another encoding, a missing column): the full
        # validation names the file, row and value.
        _validate(opts.data)
        raise
    previous = read_manifest(final) if final.exists() else {}
    prev_keys = {name: entry.get("key") for name, entry in previous.get("notebooks", {}).items()}
    # A published draft is up to date only for another draft run: a final run
    # must see the missing material and refuse.
    if (not opts.force and prev_keys == keys and previous.get("complete") and previous.get("pdf", False) >= opts.pdf
            and (opts.draft or not previous.get("draft", False))):
        return {"message": f"up to date: {final} (nothing re-executed; --force reruns everything)",
                "folder": final, "executed": [], "reused": list(keys)}
    ds = _validate(opts.data)  # bad input stops here, before anything is written
    missing = _check_material(ds, baseline, followup, draft=opts.draft)
    if opts.pdf:
        from ..memo.browser import require_chromium

        require_chromium()  # fail before any work, not after every notebook ran
    check_writable(opts.out)
    with pair_lock(opts.out / f".{final.name}.lock"):
        return _build(opts, data, jobs, keys, previous, final, missing)


def _check_options(opts: RunOptions) -> None:
    """Refuse run options that are not allowed, before anything is read."""
    jobs = opts.jobs
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ParameterError(f"--jobs must be a whole number of at least 1; got {jobs!r}")
    timeout = opts.timeout
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ParameterError(f"--timeout must be a positive number of seconds; got {timeout!r}")


def _validate(folder: Path):
    """Validate the whole data folder; raises DataError listing every problem."""
    from ..data import load_dataset

    return load_dataset(folder)


def _check_material(ds, baseline: str, followup: str, *, draft: bool) -> list:
    """What the pair lacks for a final memo; refuse (exit 2, nothing written)
    unless a draft may stand in for every missing part."""
    from ..data.material import missing_for_pair
    from ..data.reading import display_path

    missing = missing_for_pair(ds, baseline, followup)
    blocking = [m for m in missing if not m.draftable] if draft else missing
    if blocking:
        advice = ("a memo compares answers, so even a draft needs them: import them with 'evaluation import'"
                  if draft else "add it, or build a draft with 'evaluation run --draft' (missing parts shown as 'Mangler:')")
        raise DataError([Problem(display_path(ds.path / m.file), f"{m.describe().split(': ', 1)[1]}; "
                                 f"a final memo of {baseline} -> {followup} needs it: {advice}", value=m.round)
                         for m in blocking])
    return missing


def _build(opts, data, jobs, keys, previous, final, missing=()) -> dict:
    os.environ.setdefault("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    work = opts.out / RUNS_SUBDIR / f"{final.name}.{uuid.uuid4().hex[:12]}"
    (work / "notebooks").mkdir(parents=True)
    prev_entries = previous.get("notebooks", {}) if previous else {}
    reuse = [] if opts.force else [
        j for j in jobs if prev_entries.get(j.name, {}).get("key") == keys[j.name]
        and (final / "notebooks" / f"{j.name}.ipynb").exists()
    ]
    pending = [j for j in jobs if j not in reuse]
    entries = {}
    try:
        for job in reuse:
            entry = dict(prev_entries[job.name])
            for rel in [f"notebooks/{job.name}.ipynb", *entry.get("writes", [])]:
                link_file(final / rel, work / rel)
            entries[job.name] = entry
        entries.update(_execute(opts, pending, work, final))
        labels = data.item_labels()
        documents = _export(opts, jobs, pending, work, final, previous, labels, draft=bool(missing))
        manifest = build_manifest(opts, data, jobs, keys, entries, documents, final)
        manifest["draft"] = bool(missing)
        manifest["missing"] = [m.describe() for m in missing]
        if opts.pdf:
            from ..memo.browser import print_pdf

            print_pdf(work / "memo.html", work / "memo.pdf")
            manifest["pdf"] = True
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _write_index(work, jobs, labels, draft=bool(missing))  # last: it links the PDF when there is one
    except BaseException:
        failed = opts.out / FAILED_SUBDIR / final.name
        shutil.rmtree(failed, ignore_errors=True)
        failed.parent.mkdir(parents=True, exist_ok=True)
        if work.exists():
            os.rename(work, failed)
            _log(opts, f"nothing published; the partial run is kept in {failed}")
        raise
    publish_folder(work, final)
    shutil.rmtree(opts.out / FAILED_SUBDIR / final.name, ignore_errors=True)
    message = (f"wrote {'a DRAFT to ' if missing else ''}{final} "
               f"({len(pending)} notebook(s) executed, {len(reuse)} reused"
               f"{f'; {len(missing)} missing part(s) shown as Mangler' if missing else ''}): "
               f"{final / 'memo.html'}, index: {final / 'index.html'}")
    return {"message": message, "folder": final, "executed": [j.name for j in pending], "reused": [j.name for j in reuse]}


def _execute(opts, pending: list[Job], work: Path, final: Path) -> dict:
    """Execute ``pending`` in parallel; return their manifest entries."""
    if not pending:
        return {}
    from . import parallel
    from .progress import Progress

    workers = opts.jobs or os.cpu_count() or 1
    tasks = [
        parallel.Job(
            input_path=j.source,
            output_path=work / "notebooks" / f"{j.name}.ipynb",
            parameters={**j.parameters, "output_dir": str(work)},
            name=j.name,
        )
        for j in pending
    ]
    progress = Progress(total=len(tasks), quiet=opts.quiet)
    by_name = {j.name: j for j in pending}
    # Each finished notebook is finalised (and a profile exported) in a
    # background thread while the kernels go on, instead of all at the end.
    after = ThreadPoolExecutor(max_workers=1)
    done: dict[str, Future] = {}

    def on_event(kind, name, **info):
        progress.event(kind, name, **info)
        if kind == "finish":
            done[name] = after.submit(_after_job, by_name[name], work, final)

    try:
        results = parallel.execute_many(tasks, workers=workers, engine=opts.engine, timeout=opts.timeout,
                                      cwd=config.NOTEBOOKS_DIR, env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH},
                                      on_event=on_event)
    finally:
        progress.close()
        after.shutdown(wait=True)
    failures = [r for r in results if r.status == "failed"]
    if failures:
        first = failures[0].error
        if len(failures) > 1:
            others = ", ".join(r.name for r in failures[1:])
            raise ExecutionError(first.notebook, first.cell, f"{first.error} (also failed: {others})")
        raise first
    entries = {}
    for r in results:
        job = by_name[r.name]
        writes, timing = done[job.name].result() if job.name in done else _after_job(job, work, final)
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


def _after_job(job: Job, work: Path, final: Path) -> tuple[list[str], dict]:
    """Finalise one executed notebook; export it when it is a profile."""
    writes, timing = _finalise_notebook(work / "notebooks" / f"{job.name}.ipynb", work, final)
    if job.document.startswith("profile:"):
        _export_profile(job, work)
    return writes, timing


def _finalise_notebook(path: Path, work: Path, final: Path) -> tuple[list[str], dict]:
    """Make an executed notebook show the published paths and stable bytes.

    Returns the files its cells reported writing, and the timing removed
    from it (kept in the manifest instead).
    """
    import nbformat

    from .nbnormalize import normalize_notebook

    raw = path.read_text(encoding="utf-8").replace(json.dumps(str(work))[1:-1], json.dumps(str(final))[1:-1])
    nb = nbformat.reads(raw, as_version=4)
    nb, timing = normalize_notebook(nb, name=path.stem, root=config.PROJECT_ROOT)
    writes = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            writes += output.get("metadata", {}).get("evaluation", {}).get("writes", [])
    write_text_atomically(path, nbformat.writes(nb) + "\n")
    return sorted(set(writes)), timing


def _export(opts, jobs: list[Job], pending: list[Job], work: Path, final: Path, previous: dict,
            labels: dict[str, str], *, draft: bool = False) -> dict:
    """Export the memo and the profiles; reuse unchanged ones.

    Cells tagged ``review`` are left out by :func:`evaluation.memo.export.export_html`."""
    from ..memo import export

    changed = {j.name for j in pending}
    memo_jobs = [j for j in jobs if j.document == "memo"]
    documents = {}
    if changed & {j.name for j in memo_jobs} or not (final / "memo.html").exists():
        title = ("Udkast: " if draft else "") + MEMO_TITLE
        merged = export.merge_notebooks([work / "notebooks" / f"{j.name}.ipynb" for j in memo_jobs], title=title)
        merged = add_source_links(merged, [(f"notebooks/{j.name}.ipynb", describe_job(j, labels)) for j in memo_jobs])
        export.export_html(merged, work / "memo.html", title=title,
                           links=[("Oversigt: kørte notesbøger, tabeller, profiler og manifest", "index.html")])
    else:
        link_file(final / "memo.html", work / "memo.html")
    documents["memo.html"] = [j.name for j in memo_jobs]
    profile_jobs = [j for j in jobs if j.document.startswith("profile:")]
    for job in profile_jobs:
        rel = _profile_file(job)
        if job.name in changed or not (final / rel).exists():
            if not (work / rel).exists():  # normally exported as soon as it finished
                _export_profile(job, work)
        else:
            link_file(final / rel, work / rel)
        documents[rel] = [job.name]
    return documents


def _export_profile(job: Job, work: Path) -> None:
    """Export one executed profile notebook as ``profiles/<slug>.html``."""
    from ..memo import export

    rel = _profile_file(job)
    nb = export.merge_notebooks([work / "notebooks" / f"{job.name}.ipynb"], title=job.parameters["municipality"])
    nb = add_source_links(nb, [(f"../notebooks/{job.name}.ipynb", describe_job(job, {}))])  # a profile names its municipality, no item
    (work / "profiles").mkdir(exist_ok=True)
    export.export_html(nb, work / rel, title=f"Profil: {job.parameters['municipality']} – {MEMO_TITLE}",
                       links=[("Oversigt over alle filer fra kørslen", "../index.html"), (f"Notatet: {MEMO_TITLE}", "../memo.html")])


def _profile_file(job: Job) -> str:
    """Where a profile is published: named by the municipality's slug, so a
    name from the data can never leave ``profiles/`` or need escaping."""
    return f"profiles/{slug(job.parameters['municipality'])}.html"


def _write_index(work: Path, jobs: list[Job], labels: dict[str, str], *, draft: bool = False) -> None:
    from ..memo import export

    title = ("Udkast: " if draft else "") + f"Oversigt over kørslen: {MEMO_TITLE}"
    export.render_index(index_entries(work, jobs, labels, profile_file=_profile_file), work / "index.html", title=title)
