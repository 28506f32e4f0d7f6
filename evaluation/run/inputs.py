"""The run's own copy of its inputs: the notebooks read it, the manifest hashes it, the publication keeps it.

A run copies the data folder into its work folder (``inputs/``) before any
notebook starts, and every notebook reads that copy.  A file edited while
the run goes on therefore changes nothing in it: every table and figure
comes from one state of the data, and the manifest's hashes are those of
the files the memo was made from.  The copy is published as
``outputs/<pair>/inputs/``, so a reviewer has those exact files.

The private name map (``private/``) is copied for the run only, for the
profiles that show real names, and removed before anything is published or
kept after a failure (:func:`drop_private`).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from .. import config
from .fingerprint import DataFolder, sha256_file

__all__ = ["INPUTS_SUBDIR", "snapshot_inputs", "drop_private", "input_hashes"]

#: The snapshot's folder inside the work folder and the publication.
INPUTS_SUBDIR = "inputs"


def _hidden(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n.startswith(".")]  # editor and system files are no inputs


def snapshot_inputs(data: Path, work: Path) -> Path:
    """Copy the data folder ``data`` to ``work/inputs`` and return that folder."""
    target = work / INPUTS_SUBDIR
    shutil.copytree(data, target, ignore=_hidden)
    return target


def drop_private(work: Path) -> None:
    """Remove the private name map from the snapshot in ``work``."""
    shutil.rmtree(work / INPUTS_SUBDIR / config.PRIVATE_SUBDIR, ignore_errors=True)


def input_hashes(data: DataFolder) -> dict[str, str]:
    """Every input file of ``data`` (private files excluded), relative path -> SHA-256."""
    return {p.relative_to(data.path).as_posix(): sha256_file(p) for p in data.files()}
