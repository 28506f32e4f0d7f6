"""Signatures of the files ``evaluation watch`` watches, read with the standard library only.

A file's signature is its inode, size, modification and status change times
(nanoseconds): an edit in place changes the times, a file replaced by
another (an editor's save) the inode.  :class:`Sources` groups what is
watched: the inputs, whose change makes a rebuild, and the code (the
package's source and the installed environment), whose change makes the
command start again.  Names nobody means as input are ignored: hidden files
and folders (``.git``, ``.ipynb_checkpoints``, editors' ``.swp`` files),
backups ending in ``~``, autosaves in ``#``, compiled modules.
"""
from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["tree_signature", "environment_signature", "Sources", "changed"]


def _ignored(name: str) -> bool:
    """Hidden files, editors' backups and swap files, compiled modules."""
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".pyc")) or name == "__pycache__"


def tree_signature(root: Path, skip: tuple[Path, ...] = ()) -> dict[str, tuple]:
    """Path -> (inode, size, modification and change time) of every file under
    ``root`` (empty when it is missing), but ignored names and folders in ``skip``."""
    out, folders = {}, [str(root)]
    skipped = {str(p) for p in skip}
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue
        for entry in entries:
            if _ignored(entry.name):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.path not in skipped:
                        folders.append(entry.path)
                    continue
                st = entry.stat()
            except OSError:  # gone meanwhile
                continue
            out[entry.path] = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return out


def _stat(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, stat.S_IFMT(st.st_mode)


def environment_signature() -> dict[str, tuple | None]:
    """What a change of the installed environment touches: the interpreter,
    the folders of installed packages (an install or removal changes their
    listing), the kernel specifications and matplotlib's ``matplotlibrc``."""
    paths = {Path(sys.executable), Path(sys.prefix) / "pyvenv.cfg"}
    paths.update(Path(p) for p in sys.path if p and ("site-packages" in p or "dist-packages" in p))
    from jupyter_core.paths import jupyter_path

    kernels = [Path(p) for p in jupyter_path("kernels")]
    paths.update(kernels)
    paths.update(k / name / "kernel.json" for k in kernels if k.is_dir() for name in os.listdir(k))
    if os.environ.get("MPLCONFIGDIR"):
        paths.add(Path(os.environ["MPLCONFIGDIR"]) / "matplotlibrc")
    return {str(p): _stat(p) for p in sorted(paths)}


@dataclass(frozen=True)
class Sources:
    """What is watched: the inputs (a change rebuilds) and the code (a change restarts)."""

    inputs: tuple[Path, ...]
    package: Path
    skip: tuple[Path, ...] = ()

    def input_signature(self) -> dict:
        return {path: sig for root in self.inputs for path, sig in tree_signature(root, self.skip).items()}

    def code_signature(self) -> dict:
        return {**tree_signature(self.package), **environment_signature()}


def changed(before: dict, after: dict) -> list[str]:
    """The paths whose signature differs (added, changed or removed), sorted."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
