"""Remembered file hashes: a file whose inode, size and modification time are unchanged is not read again.

An up-to-date ``evaluation run`` hashes every input file, every notebook,
the package's source and every published file (to see that the publication
is still what its manifest says).  Inside :func:`remembered_hashes`,
:func:`digest` first looks a file up by its device and inode, and takes the
remembered hash when its size, modification time and status change time (in
nanoseconds) are those it had when it was hashed; any other file is read.
A file edited in place gets a new modification time; a file replaced by
another (an editor saving, a copy, a new run's publication) has another
inode, or, when the old inode number is reused, a new change time (which no
program can set back): either is read again.

A hash is remembered only for a file that had not been modified for
:data:`SETTLED_SECONDS` when it was read.  File systems keep times in ticks
(a few milliseconds, up to 2 seconds on some), so a file written again in
the same tick as the reading, with the same size, would keep its time; a
file that old cannot be.

What this trusts: that nobody changes a file and then sets its
modification time back (``touch -d``).  ``evaluation verify`` never uses
the remembered hashes, and ``evaluation run --force`` rebuilds whatever
they say.

The hashes are kept in one JSON file of the tool's cache (deleting it only
costs time), replaced atomically, and pruned of files that are gone or
changed.  This module imports only the standard library.
"""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

__all__ = ["SETTLED_SECONDS", "FILE_NAME", "remembered_hashes", "digest"]

#: How long a file must have been left alone before its hash is remembered.
SETTLED_SECONDS = 2.0
#: The file of the tool's cache that keeps the hashes.
FILE_NAME = "file-hashes.json"
#: The most hashes kept (the ones of this run first).
KEPT = 100_000
_VERSION = 2

_lock = threading.Lock()
_active: list["_Store"] = []


class _Store:
    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, list] = {}
        self.used: set[str] = set()
        self.dirty = False
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("version") == _VERSION and isinstance(data.get("files"), dict):
                self.entries = data["files"]
        except (OSError, ValueError):
            pass

    def save(self) -> None:
        kept = {key: self.entries[key] for key in self.used if key in self.entries}
        for key, entry in self.entries.items():
            if len(kept) >= KEPT:
                break
            if key not in kept and _still(key, entry):
                kept[key] = entry
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".hashes-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"version": _VERSION, "files": kept}, fh, separators=(",", ":"))
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _key(st: os.stat_result) -> str:
    return f"{st.st_dev}:{st.st_ino}"


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _still(key: str, entry) -> bool:
    """Whether the file an old entry was made from is still there, unchanged."""
    try:
        st = os.stat(entry[4])
    except (OSError, IndexError, TypeError):
        return False
    return _key(st) == key and _stamp(st) == entry[:3]


@contextlib.contextmanager
def remembered_hashes(folder: Path | None) -> Iterator[None]:
    """Remember file hashes in ``folder`` (a folder of the tool's cache) while
    the block runs; kept when the block ends without an error.  ``None``:
    no remembering (every file is read)."""
    if folder is None:
        yield
        return
    store = _Store(Path(folder) / FILE_NAME)
    with _lock:
        _active.append(store)
    ok = False
    try:
        yield
        ok = True
    finally:
        with _lock:
            _active.remove(store)
        if ok and store.dirty:
            with contextlib.suppress(OSError):  # only a cache: a full disk or a read-only home costs time only
                store.save()


def digest(path: Path, compute: Callable[[Path], str]) -> str:
    """``compute(path)``, or the hash remembered for this very file (see the module docstring)."""
    with _lock:
        store = _active[-1] if _active else None
    if store is None:
        return compute(path)
    before = os.stat(path)
    key = _key(before)
    with _lock:
        entry = store.entries.get(key)
        store.used.add(key)
    if entry is not None and entry[:3] == _stamp(before):
        return entry[3]
    started = time.time_ns()
    value = compute(path)
    after = os.stat(path)
    settled = after.st_mtime_ns <= started - int(SETTLED_SECONDS * 1e9)
    if settled and _key(after) == key and _stamp(after) == _stamp(before):
        with _lock:
            store.entries[key] = [*_stamp(after), value, os.path.abspath(path)]
            store.dirty = True
    return value
