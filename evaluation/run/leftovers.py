"""What a killed run leaves behind, and how the next run removes it.

SIGKILL (or a power cut) cannot be handled: the run's work folder
(``<out>/.runs/<pair>.<pid>.<random>``) stays, and so does its fork
server's socket folder (``$TMPDIR/evfork-<pid>-<random>``) when the server
died with it (a server whose caller died removes its own), and the folder of
the kernels' sockets and connection files (``$TMPDIR/evk-<pid>-<random>``).  Both names carry
the process id of the run that made them, so a later run can tell an orphan
from the folder of a run that is still going, and removes it:

- :func:`remove_orphaned_work`, called while holding a pair's lock (every
  work folder of that pair is then an orphan, whatever its name);
- :func:`remove_orphaned_sockets`, called before a fork server starts.

A process id can be reused: a folder whose owner's number belongs to another
live process is left for a later run, never removed too early.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path

__all__ = ["SOCKET_FOLDER_PREFIX", "KERNEL_FOLDER_PREFIX", "RUNS_SUBDIR", "alive", "remove_orphaned_work", "remove_orphaned_sockets"]

#: The socket folder of a fork server: ``evfork-<owner pid>-<random>``.
SOCKET_FOLDER_PREFIX = "evfork-"
#: The folder of a run's kernel sockets and connection files: ``evk-<owner pid>-<random>``.
KERNEL_FOLDER_PREFIX = "evk-"
#: The folder of the work folders under the output folder.
RUNS_SUBDIR = ".runs"


def alive(pid: int) -> bool:
    """Whether a process with this id exists (another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _work_owner(name: str) -> int | None:
    """The pid in a work folder's name ``<pair>.<pid>.<random>``; None for the earlier ``<pair>.<random>``."""
    parts = name.split(".")
    return int(parts[-2]) if len(parts) >= 3 and parts[-2].isdigit() else None


def remove_orphaned_work(out: Path, pair: str) -> list[Path]:
    """Remove the work folders of dead runs under ``out``; return them.

    Call it holding the lock of ``pair``: every work folder of ``pair`` and
    every old version set aside while publishing it is then an orphan.  A
    work folder of another pair goes when the process named in it is gone.
    """
    runs = out / RUNS_SUBDIR
    found = [p for p in runs.iterdir() if p.is_dir() and not p.is_symlink()] if runs.is_dir() else []
    orphans = [p for p in found if p.name.startswith(f"{pair}.")
               or (_work_owner(p.name) is not None and not alive(_work_owner(p.name)))]
    orphans += [p for p in out.glob(f".{pair}.old-*") if p.is_dir() and not p.is_symlink()]
    for path in orphans:
        shutil.rmtree(path, ignore_errors=True)
    return orphans


def remove_orphaned_sockets(folder: str | os.PathLike | None = None) -> list[str]:
    """Remove this user's socket folders (fork server, kernels) whose owner has died; return them.

    ``folder`` is the temporary folder to look in (default:
    :func:`tempfile.gettempdir`, where the servers make them).
    """
    base = os.fspath(folder) if folder is not None else tempfile.gettempdir()
    removed = []
    with contextlib.suppress(OSError), os.scandir(base) as entries:
        for entry in entries:
            found = re.fullmatch(rf"(?:{SOCKET_FOLDER_PREFIX}|{KERNEL_FOLDER_PREFIX})(\d+)-\w+", entry.name)
            try:
                mine = entry.is_dir(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_uid == os.getuid()
            except OSError:
                continue
            if found and mine and not alive(int(found.group(1))):
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(entry.path)
    return removed
