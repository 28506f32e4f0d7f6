"""The run: plan, execute with papermill, export with nbconvert, publish.

``evaluation run`` works like this:

1. Plan the notebook executions (:mod:`evaluation.run.plan`) and fingerprint
   their inputs (:mod:`evaluation.run.fingerprint`).  If the published output
   of the pair already has every fingerprint, stop: nothing heavy is
   imported on this path.
2. Check the options and validate the data folder (bad input stops here,
   before anything is written), then take the pair's lock (a second run on
   the same output is refused, or waits ``--wait`` seconds for it).
3. Build the new version in a private work folder: take the snapshot of the
   inputs (:mod:`evaluation.run.inputs`), reuse the executed notebooks and
   files of unchanged jobs, execute the others in parallel through papermill
   (:mod:`evaluation.run.execution`), export the memo and the
   profiles with nbconvert (:mod:`evaluation.memo.export`), write the index and
   the manifest and ``run.log``.  A run that builds part of the profiles
   keeps the others (:mod:`evaluation.run.scope`).
4. Publish by atomically exchanging the folder ``outputs/<pair>`` with the
   new version (:mod:`evaluation.run.publish`).  On any failure nothing is
   published, the previous output stays as it was, and the work folder is
   kept under ``outputs/failed/<pair>/`` with its ``run.log``.  A signal
   that comes once publishing has begun takes effect when it is complete
   (:mod:`evaluation.run.signals`).
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from .. import config
from ..exceptions import DiskFull, EvaluationError, ParameterError, is_disk_full
from ..names import pair_name, resolve_pair
from .caches import cache_dir, data_cache, use_tool_caches, use_tool_caches_outside
from .documents import MemoParts, export_documents, profile_file, write_index
from .execution import SOURCE_DATE_EPOCH, execute_pending, review_page, run_kernel_server
from .fingerprint import DataFolder, job_key
from .hashcache import remembered_hashes
from .inputs import check_material, drop_private, snapshot_for_pair
from .leftovers import remove_orphaned_work
from .plan import Job, plan_jobs
from .publish import (
    FAILED_SUBDIR,
    MANIFEST,
    build_manifest,
    check_writable,
    link_file,
    new_work_folder,
    pair_lock,
    publish_folder,
    read_manifest,
)
from .result import RunReport
from .scope import describe_scope, kept_profiles, up_to_date
from .signals import uninterrupted
from .verify import damaged_files, seal
from .word import write_word_documents

__all__ = ["RunOptions", "run", "SOURCE_DATE_EPOCH"]


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
    docx: bool = False
    engine: str = "fastfork"
    quiet: bool = False
    show_names: bool = False
    draft: bool = False
    wait: float = 0.0


# --------------------------------------------------------------------- run
def run(opts: RunOptions, report: RunReport | None = None) -> dict:
    """Build (or confirm up to date) the outputs of one pair of rounds.

    ``report`` (default: a new one) receives the console lines and what the
    run did.  Returns a dict with ``status`` (``built`` or ``up-to-date``),
    ``message``, ``folder`` (the published path), ``executed`` and
    ``reused`` (job names).
    """
    with remembered_hashes(cache_dir(opts.out)):  # a file hashed before and unchanged since is not read again
        return _run(opts, report if report is not None else RunReport(quiet=opts.quiet))


def _run(opts: RunOptions, report: RunReport) -> dict:
    _check_options(opts)
    data = DataFolder(opts.data)
    if not (opts.data / "rounds.yml").is_file():
        # Let the full validation name the problem.
        _validate(opts.data)
    try:
        baseline, followup = resolve_pair(data.round_keys, opts.baseline, opts.followup)
        final = opts.out / pair_name(baseline, followup)
        report.pair, report.baseline, report.followup = final.name, baseline, followup
        jobs = plan_jobs(data, baseline, followup, final, profiles=opts.profiles,
                         municipalities=list(opts.municipalities) or None, show_names=opts.show_names)
        keys = _keys(jobs, data)
    except ParameterError:
        # A name the plan cannot use (two municipalities with one file
        # name): the full validation names its file and row.
        _validate(opts.data)
        raise
    except EvaluationError:
        raise
    except Exception:
        # The light reader choked on a file the contract does not allow
        # (bad YAML, another encoding, a missing column): the full
        # validation names the file, row and value.
        _validate(opts.data)
        raise
    subset = not opts.profiles or bool(opts.municipalities)
    done = _if_up_to_date(opts, report, final, keys, subset)
    if done:
        return done
    opts = _rebuild_if_damaged(opts, report, final)
    # With its caches outside the output folder, the fork server starts now and
    # preloads while this process validates the data and waits for the lock;
    # otherwise it starts once the data has passed (nothing is written before).
    early = use_tool_caches_outside(opts.out)
    with _kernel_server(opts, final, keys) if early else contextlib.nullcontext():
        return _checked_build(opts, report, data, jobs, keys, final, subset, baseline, followup, server=not early)


def _checked_build(opts, report, data, jobs, keys, final, subset, baseline, followup, *, server: bool) -> dict:
    """Validate, take the pair's lock and build (starting the fork server now with ``server``)."""
    ds = _validate(opts.data, cache=data_cache())  # bad input stops here, before anything is written
    missing = check_material(ds, baseline, followup, draft=opts.draft)
    if opts.pdf:
        from ..memo.browser import require_chromium

        require_chromium()  # fail before any work, not after every notebook ran
    check_writable(opts.out)
    with pair_lock(opts.out / f".{final.name}.lock", wait=opts.wait, on_wait=report.say):
        remove_orphaned_work(opts.out, final.name)  # of runs that were killed
        # Another run may have published while this one waited for the lock.
        done = _if_up_to_date(opts, report, final, keys, subset)
        if done:
            return done
        previous = read_manifest(final) if final.exists() else {}
        damaged = set(damaged_files(final, previous) or ()) if previous else set()
        kept, kept_keys, stale = kept_profiles(previous, jobs, final, data, baseline, followup,
                                               show_names=opts.show_names, damaged=damaged)
        scope = describe_scope(data, jobs, kept, stale, subset=subset)
        use_tool_caches(opts.out)
        with _kernel_server(opts, final, keys) if server else contextlib.nullcontext():
            return _build(opts, report, data, jobs, keys, previous, final, missing, kept=(kept, kept_keys, scope))


def _keys(jobs: list[Job], data: DataFolder) -> dict[str, str]:
    return {j.name: job_key(j.source, j.parameters, list(j.facets), data) for j in jobs}


def _if_up_to_date(opts: RunOptions, report: RunReport, final: Path, keys: dict, subset: bool) -> dict | None:
    previous = read_manifest(final) if final.exists() else {}
    if opts.force or not up_to_date(previous, keys, subset=subset, pdf=opts.pdf, draft=opts.draft, docx=opts.docx):
        return None
    if damaged_files(final, previous) != []:  # edited since, or published before files were hashed
        return None
    report.status, report.folder = "up-to-date", final
    report.draft, report.scope, report.reused = bool(previous.get("draft")), previous.get("scope"), list(keys)
    return {"status": "up-to-date", "message": f"up to date: {final} (nothing re-executed; --force reruns everything)",
            "folder": final, "executed": [], "reused": list(keys)}


def _kernel_server(opts: RunOptions, final: Path, keys: dict):
    """A fork server started now, without waiting for it, when kernels will be
    needed (the ``fastfork`` engine and a job whose key the publication lacks)."""
    published = (read_manifest(final) if final.exists() else {}).get("notebooks", {})
    stale = opts.force or any(published.get(name, {}).get("key") != key for name, key in keys.items())
    if opts.engine != "fastfork" or not stale:
        return contextlib.nullcontext()
    from .kernels.server import active_server

    if active_server() is not None and active_server().running:  # one the caller keeps (evaluation watch)
        return contextlib.nullcontext()
    return run_kernel_server()


def _rebuild_if_damaged(opts: RunOptions, report: RunReport, final: Path) -> RunOptions:
    """A publication that differs from its manifest is rebuilt whole: nothing of it is reused."""
    damaged = damaged_files(final, read_manifest(final)) if final.is_dir() else []
    if not damaged or opts.force:
        return opts
    report.warn(f"{len(damaged)} file(s) of {config.project_relative(final)} differ from its manifest "
                f"({', '.join(damaged[:3])}{', ...' if len(damaged) > 3 else ''}); rebuilding it "
                "('evaluation verify' lists them)")
    return replace(opts, force=True)


def _check_options(opts: RunOptions) -> None:
    """Refuse run options that are not allowed, before anything is read."""
    jobs = opts.jobs
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ParameterError(f"--jobs must be a whole number of at least 1; got {jobs!r}")
    timeout = opts.timeout
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ParameterError(f"--timeout must be a positive number of seconds; got {timeout!r}")


def _validate(folder: Path, cache: Path | None = None):
    """Validate the whole data folder; raises DataError listing every problem.

    With ``cache``, the checked copy is kept there, and the notebooks read it
    instead of validating the folder again (:mod:`evaluation.data.cache`).
    """
    from ..data.cache import load_checked

    return load_checked(folder, cache=cache)


def _build(opts, report, data, jobs, keys, previous, final, missing=(), *, kept=((), {}, None)) -> dict:
    kept_jobs, kept_keys, scope = kept
    os.environ.setdefault("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    work = new_work_folder(opts.out, final.name)
    prev_entries = previous.get("notebooks", {}) if previous else {}
    reuse = [] if opts.force else [
        j for j in jobs if prev_entries.get(j.name, {}).get("key") == keys[j.name]
        and (final / "notebooks" / f"{j.name}.ipynb").exists()
    ]
    pending = [j for j in jobs if j not in reuse]
    report.executed, report.reused = [j.name for j in pending], [j.name for j in reuse]
    report.draft, report.scope = bool(missing), scope
    if kept_jobs:
        report.say(f"keeping {len(kept_jobs)} profile(s) of the previous publication that this run does not build")
    if scope and scope["profiles_stale"]:
        report.warn(f"{len(scope['profiles_stale'])} kept profile(s) were built from earlier inputs "
                    f"({', '.join(scope['profiles_stale'][:5])}{', ...' if len(scope['profiles_stale']) > 5 else ''}); "
                    "a run without --municipality and --no-profiles rebuilds them")
    entries = {}
    try:
        # The data folder was read and validated before; a file edited since
        # then is validated again, in the snapshot the notebooks will read,
        # and a notebook whose inputs it changed is executed, not reused.
        data, snapshot_keys = snapshot_for_pair(data, work, report.followup, lambda folder: _keys(jobs, folder))
        if snapshot_keys != keys:
            _validate(data.path)
            keys = snapshot_keys
            reuse = [j for j in reuse if prev_entries[j.name]["key"] == keys[j.name]]
            pending = [j for j in jobs if j not in reuse]
            report.executed, report.reused = [j.name for j in pending], [j.name for j in reuse]
        for job in [*reuse, *kept_jobs]:
            entry = dict(prev_entries[job.name])
            for rel in [f"notebooks/{job.name}.ipynb", *entry.get("writes", []),
                        *([profile_file(job)] if job in kept_jobs else [])]:
                link_file(final / rel, work / rel)
            review_page(job, work, final)
            entries[job.name] = entry
        labels = data.item_labels()
        memo = MemoParts(jobs, work, labels, cache=cache_dir(opts.out) / "memo-parts")
        timed = {name: e["seconds"] for name, e in prev_entries.items() if isinstance(e.get("seconds"), (int, float))}
        entries.update(execute_pending(opts, report, pending, work, final, memo, timed))
        every = _in_data_order(data, [*jobs, *kept_jobs])
        documents = export_documents(jobs, pending, work, final, labels, draft=bool(missing), memo=memo)
        documents.update({profile_file(j): [j.name] for j in kept_jobs})
        manifest = build_manifest(opts, data, every, {**keys, **kept_keys}, entries, documents, final)
        manifest.update(status="built", draft=bool(missing), missing=[m.describe() for m in missing],
                        scope=scope, complete=bool(scope and scope["complete"]))
        if opts.pdf:
            from ..memo.browser import print_pdf

            print_pdf(work / "memo.html", work / "memo.pdf")
            manifest["pdf"] = True
        if opts.docx:
            write_word_documents(work, final, manifest)
        if previous.get("notebooks"):  # a run replaces a publication of the same pair
            from .changes import write_change_report

            write_change_report(final, work, previous, manifest)
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        write_index(work, every, labels, draft=bool(missing))  # last: it links the PDF and the change report
        drop_private(work)
        report.say(f"publishing {config.project_relative(final)}")  # the log names no absolute folder
        report.write_log(work)
        seal(work, manifest)  # every file's hash into the manifest; files read-only
    except BaseException as exc:
        failed = opts.out / FAILED_SUBDIR / final.name
        shutil.rmtree(failed, ignore_errors=True)
        if is_disk_full(exc):
            # Keeping the partial run would keep the disk full, and a file
            # cut off by the full disk must not stay under its name.
            shutil.rmtree(work, ignore_errors=True)
            report.status = "failed"
            raise DiskFull(opts.out) from None
        failed.parent.mkdir(parents=True, exist_ok=True)
        report.status = "failed"
        if work.exists():
            drop_private(work)
            os.rename(work, failed)
            report.folder = failed
            report.say(f"nothing published; the partial run is kept in {failed}")
            report.lines.append(f"error: {exc}" if str(exc) else f"error: {type(exc).__name__}")
            report.write_log(failed)
        raise
    with uninterrupted():  # a signal now takes effect once the folder is in place and the old one gone
        publish_folder(work, final)
        report.status, report.folder = "built", final
    shutil.rmtree(opts.out / FAILED_SUBDIR / final.name, ignore_errors=True)
    message = (f"wrote {'a DRAFT to ' if missing else ''}{final} "
               f"({len(pending)} notebook(s) executed, {len(reuse)} reused"
               f"{f'; {len(missing)} missing part(s) shown as Mangler' if missing else ''}): "
               f"{final / 'memo.html'}, index: {final / 'index.html'}")
    return {"status": "built", "message": message, "folder": final, "executed": report.executed,
            "reused": report.reused}


def _in_data_order(data: DataFolder, jobs: list[Job]) -> list[Job]:
    """The memo's jobs in plan order, then the profiles in the data's order of municipalities."""
    order = {f"profile:{m}": i for i, m in enumerate(data.municipalities())}
    return sorted(jobs, key=lambda j: -1 if j.document == "memo" else order.get(j.document, len(order)))
