"""Publishing a run's output safely: the pair's lock, the atomic swap of ``outputs/<pair>``, and the manifest.

A run builds in a private work folder under ``outputs/.runs/`` and
publishes by exchanging it with the folder ``outputs/<pair>`` in one
``renameat2(RENAME_EXCHANGE)`` call, so a reader sees the old output or the
new one, never a mix.  ``outputs/<pair>`` is an ordinary folder (no link), so
``cp -r``, ``tar`` and artifact uploads copy it as it is.  Where the file
system cannot exchange two names, the old folder is renamed aside first and
the new one renamed into place (for a moment there is no folder).
"""
from __future__ import annotations

import ctypes
import errno
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
from .leftovers import RUNS_SUBDIR

__all__ = [
    "MANIFEST",
    "CHANGES",
    "RUNS_SUBDIR",
    "FAILED_SUBDIR",
    "pair_lock",
    "new_work_folder",
    "read_manifest",
    "check_writable",
    "link_file",
    "publish_folder",
    "write_archive",
    "build_manifest",
]


MANIFEST = "manifest.json"
#: The change report a run writes when it replaces a publication (:mod:`evaluation.run.changes`).
CHANGES = "changes.html"
FAILED_SUBDIR = "failed"


#: Seconds between attempts to take a held lock while waiting for it.
LOCK_POLL_SECONDS = 0.1


@contextmanager
def pair_lock(path: Path, wait: float = 0.0, on_wait=None):
    """An exclusive lock on ``path`` (released on exit).

    A held lock is tried again for up to ``wait`` seconds (``on_wait(text)``
    is called once when waiting starts); then (or at once when ``wait`` is
    0) :class:`~evaluation.exceptions.LockError` is raised.
    """
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(path, "a+")
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                fh.close()
                waited = f"; waited {wait:g} s" if wait else ""
                raise LockError(f"another run is writing to {path.parent}{waited}; wait for it to finish, "
                                f"or give --wait SECONDS (lock: {path})") from None
            if on_wait is not None:
                on_wait(f"waiting up to {wait:g} s for another run's lock on {path.parent} (lock: {path})")
                on_wait = None
            time.sleep(min(LOCK_POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def new_work_folder(out: Path, pair: str) -> Path:
    """Create and return a private work folder for a run of ``pair``.

    Its name, ``.runs/<pair>.<pid>.<random>``, carries the run's process id,
    so that :func:`evaluation.run.leftovers.remove_orphaned_work` can tell a dead run's folder.
    """
    work = out / RUNS_SUBDIR / f"{pair}.{os.getpid()}.{uuid.uuid4().hex[:12]}"
    (work / "notebooks").mkdir(parents=True)
    return work


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


def _exchange(a: Path, b: Path) -> bool:
    """Swap the names ``a`` and ``b`` in one step; False where not supported."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _remove(path: Path, link_target: Path | None) -> None:
    """Remove a replaced version: a folder, or a link of the earlier layout and its target."""
    if link_target is not None:
        path.unlink()
        shutil.rmtree(link_target, ignore_errors=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def publish_folder(work: Path, final: Path) -> None:
    """Put the folder ``work`` in place of ``final`` atomically; remove the old version."""
    if not final.exists() and not final.is_symlink():
        os.rename(work, final)
        return
    # Earlier versions published a link into .runs/; its target goes too.
    link_target = final.resolve() if final.is_symlink() else None
    if _exchange(work, final):
        _remove(work, link_target)  # the name ``work`` now holds the old version
        return
    aside = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
    os.rename(final, aside)
    os.rename(work, final)
    _remove(aside, link_target)


def write_archive(folder: Path, target: Path) -> Path:
    """Write every file of ``folder`` into the zip file ``target``, under the folder's name.

    Entries are sorted and carry a fixed time, so the same folder gives the same bytes.
    """
    import zipfile

    from ..files import write_atomically

    files = sorted(p for p in folder.rglob("*") if p.is_file())

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for path in files:
                info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", (2000, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, path.read_bytes())

    return write_atomically(target, write)


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
        "inputs": {p.relative_to(data.path).as_posix(): sha256_file(p) for p in data.files()},
        "notebook_sources": {n: sha256_file(config.NOTEBOOKS_DIR / n) for n in sorted({j.notebook for j in jobs})},
        "package_versions": package_versions(),
        "python": sys.version.split()[0],
        "git_commit": _git_commit(),
        "notebooks": notebooks,
        "documents": documents,
        "pdf": False,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
