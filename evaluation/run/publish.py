"""Publishing a run's output safely: the pair's lock, the atomic swap of ``outputs/<pair>``, and the manifest.

A run builds in a private work folder under ``outputs/.runs/`` and
publishes by replacing the symlink ``outputs/<pair>`` in one rename, so a
reader sees the old output or the new one, never a mix.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from .. import config
from ..exceptions import LockError, ParameterError
from .fingerprint import DataFolder, package_versions, sha256_file

__all__ = [
    "MANIFEST",
    "CHANGES",
    "RUNS_SUBDIR",
    "FAILED_SUBDIR",
    "pair_lock",
    "read_manifest",
    "check_writable",
    "link_file",
    "publish_folder",
    "build_manifest",
]


MANIFEST = "manifest.json"
#: The change report a run writes when it replaces a publication (:mod:`evaluation.run.changes`).
CHANGES = "changes.html"
RUNS_SUBDIR = ".runs"
FAILED_SUBDIR = "failed"


@contextmanager
def pair_lock(path: Path):
    """An exclusive, non-blocking lock on ``path`` (released on exit)."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(path, "a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise LockError(f"another run is writing to {path.parent}; wait for it to finish (lock: {path})") from None
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError(f"cannot create the output folder {out}: {exc.strerror}") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ParameterError(f"the output folder {out} is not writable")


def _git_commit() -> str:
    try:
        res = subprocess.run(["git", "rev-parse", "HEAD"], cwd=config.PROJECT_ROOT, capture_output=True, text=True, timeout=10)
        commit = res.stdout.strip() if res.returncode == 0 else "unknown"
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "evaluation", "notebooks"],
                               cwd=config.PROJECT_ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        return commit + ("-dirty" if dirty and commit != "unknown" else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def link_file(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def publish_folder(work: Path, final: Path) -> None:
    """Point ``final`` at ``work`` atomically; remove the old version."""
    old_target = final.resolve() if final.is_symlink() else None
    if final.exists() and not final.is_symlink():
        # An output folder from before versioned publishing: move it aside first.
        legacy = final.with_name(f".{final.name}.legacy-{uuid.uuid4().hex[:8]}")
        os.rename(final, legacy)
        old_target = legacy
    tmp_link = final.with_name(f".{final.name}.link-{uuid.uuid4().hex[:8]}")
    os.symlink(os.path.relpath(work, final.parent), tmp_link)
    os.replace(tmp_link, final)
    if old_target is not None and old_target.exists() and old_target != work.resolve():
        shutil.rmtree(old_target, ignore_errors=True)


def build_manifest(opts, data: DataFolder, jobs, keys, entries, documents, final) -> dict:
    notebooks = {}
    for job in jobs:
        entry = dict(entries[job.name])
        entry["key"] = keys[job.name]
        notebooks[job.name] = entry
    return {
        "complete": True,
        "pair": final.name,
        "data": config.project_relative(opts.data),
        "inputs": {p.relative_to(opts.data).as_posix(): sha256_file(p) for p in data.files()},
        "notebook_sources": {n: sha256_file(config.NOTEBOOKS_DIR / n) for n in sorted({j.notebook for j in jobs})},
        "package_versions": package_versions(),
        "python": sys.version.split()[0],
        "git_commit": _git_commit(),
        "notebooks": notebooks,
        "documents": documents,
        "pdf": False,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
