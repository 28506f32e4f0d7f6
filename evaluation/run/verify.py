"""Is a publication what its manifest says it is?

A run records the SHA-256 of every file it publishes in the manifest
(``files``: path relative to the folder -> hash; the manifest itself is the
one file not listed) and makes the files read-only, so that opening them in
JupyterLab or an editor does not change them by accident.
:func:`check_publication` compares a folder with its manifest and lists
what was added, changed or removed since; ``evaluation verify`` prints that,
and ``evaluation run`` rebuilds a publication that no longer matches instead
of calling it up to date.
"""
from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..exceptions import ParameterError
from .fingerprint import sha256_file

__all__ = ["FILES_KEY", "Check", "file_hashes", "seal", "check_publication", "damaged_files"]

#: The manifest key holding the hash of every published file.
FILES_KEY = "files"
_MANIFEST = "manifest.json"


def _files(folder: Path) -> list[str]:
    """Every file under ``folder`` (hidden ones too), relative, sorted; the manifest left out."""
    found = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in names:
            rel = (Path(root) / name).relative_to(folder).as_posix()
            if rel != _MANIFEST:
                found.append(rel)
    return sorted(found)


def file_hashes(folder: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``folder`` but the manifest."""
    return {rel: sha256_file(folder / rel) for rel in _files(folder)}


def seal(folder: Path, manifest: dict) -> dict:
    """Record every file's hash in ``manifest``, write it, make every file read-only.

    Returns the manifest as written.  Folders stay writable, so the next
    run can replace the publication and remove this one.
    """
    files = _files(folder)
    for rel in files:  # before hashing, so that the hashes remembered are those of the files as sealed
        _read_only(folder / rel)
    manifest = {**manifest, FILES_KEY: {rel: sha256_file(folder / rel) for rel in files}}
    (folder / _MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _read_only(folder / _MANIFEST)
    return manifest


def _read_only(path: Path) -> None:
    mode = stat.S_IMODE(path.lstat().st_mode)
    if mode & 0o222:
        os.chmod(path, mode & ~0o222)


@dataclass
class Check:
    """What :func:`check_publication` found; each list holds relative paths, sorted."""

    folder: Path
    checked: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def lines(self, shown: str | None = None) -> list[str]:
        """The report ``evaluation verify`` prints; ``shown`` names the folder (default: its path)."""
        name = shown or str(self.folder)
        if self.intact:
            return [f"{name}: intact ({self.checked} files match {_MANIFEST})"]
        counts = ", ".join(f"{len(v)} {k}" for k, v in
                           (("changed", self.changed), ("added", self.added), ("removed", self.removed)) if v)
        out = [f"{name}: NOT intact ({counts}; {self.checked} files in {_MANIFEST})"]
        for kind, paths in (("changed", self.changed), ("added", self.added), ("removed", self.removed)):
            out += [f"  {kind + ':':9}{p}" for p in paths]
        return out


def _recorded(folder: Path) -> dict[str, str]:
    path = folder / _MANIFEST
    if not folder.is_dir():
        raise ParameterError(f"{folder}: no such folder (give the folder of a publication, e.g. outputs/<pair>)")
    if not path.is_file():
        raise ParameterError(f"{folder}: no {_MANIFEST}; not a publication of 'evaluation run'")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ParameterError(f"{path}: not a readable manifest ({exc})") from None
    files = manifest.get(FILES_KEY) if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise ParameterError(f"{path}: records no hashes of the published files ('{FILES_KEY}'); "
                             "it was published by an earlier version: rebuild it with 'evaluation run --force'")
    return files


def check_publication(folder: str | os.PathLike) -> Check:
    """Compare every file of a publication with its manifest.

    Raises :class:`~evaluation.exceptions.ParameterError` (exit 2) when
    ``folder`` is not a folder, has no readable manifest, or its manifest
    records no file hashes.
    """
    folder = Path(folder)
    recorded = _recorded(folder)
    present = set(_files(folder))
    result = Check(folder=folder, checked=len(recorded))
    result.removed = sorted(set(recorded) - present)
    result.added = sorted(present - set(recorded))
    result.changed = sorted(rel for rel in present & set(recorded) if sha256_file(folder / rel) != recorded[rel])
    return result


def damaged_files(folder: Path, manifest: dict) -> list[str] | None:
    """The files of ``folder`` that differ from ``manifest`` (added, changed or
    removed); ``None`` when the manifest records no hashes."""
    files = manifest.get(FILES_KEY)
    if not isinstance(files, dict):
        return None
    try:
        check = check_publication(folder)
    except ParameterError:
        return None
    return sorted({*check.added, *check.changed, *check.removed})
