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

A pair's snapshot holds the rounds up to its follow-up and no later one
(their folders left out, ``rounds.yml`` cut after the follow-up), so a
publication carries no material of a round it does not cover.
"""
from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import yaml

from .. import config
from ..exceptions import DataError, Problem
from .fingerprint import DataFolder, sha256_file

__all__ = ["INPUTS_SUBDIR", "snapshot_inputs", "snapshot_for_pair", "drop_private", "input_hashes", "check_material"]

#: The snapshot's folder inside the work folder and the publication.
INPUTS_SUBDIR = "inputs"


def _hidden(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n.startswith(".")]  # editor and system files are no inputs


def snapshot_inputs(data: Path, work: Path, rounds: list[str] | None = None) -> Path:
    """Copy the data folder ``data`` to ``work/inputs`` and return that folder.

    With ``rounds``, only those rounds' folders are copied and ``rounds.yml``
    lists only them (in its own order).
    """
    target = work / INPUTS_SUBDIR
    rounds_dir = Path(data) / "rounds"

    def ignore(folder: str, names: list[str]) -> list[str]:
        left_out = _hidden(folder, names)
        if rounds is not None and Path(folder) == rounds_dir:
            left_out += [n for n in names if n not in rounds and (rounds_dir / n).is_dir()]
        return left_out

    shutil.copytree(data, target, ignore=ignore)
    listing = target / "rounds.yml"
    if rounds is not None and listing.is_file():
        content = yaml.safe_load(listing.read_text(encoding="utf-8"))
        if isinstance(content, dict) and isinstance(content.get("rounds"), list):
            kept = [r for r in content["rounds"] if not isinstance(r, dict) or str(r.get("key")) in rounds]
            if len(kept) == len(content["rounds"]):  # nothing dropped: keep the file's own bytes
                return target
            content["rounds"] = kept
            listing.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def rounds_up_to(data: DataFolder, followup: str) -> list[str] | None:
    """The rounds of ``data`` up to and including ``followup`` (None: every round)."""
    keys = data.round_keys
    return keys[: keys.index(followup) + 1] if followup in keys else None


def snapshot_for_pair(data: DataFolder, work: Path, followup: str,
                      keys_of: Callable[[DataFolder], dict]) -> tuple[DataFolder, dict]:
    """Copy the inputs a pair may use (rounds up to ``followup``) into ``work``.

    The whole data folder is copied first, in one go, and ``keys_of`` (the
    jobs' keys over a data folder) is computed over that copy: for a folder
    unchanged since the run planned, they are the keys the plan (and the
    next run's no-op check) computed over the folder itself; for a folder
    edited meanwhile, the keys of what the notebooks will read.  The pair's
    snapshot is then cut from that copy.  Returns the snapshot and the keys.
    """
    whole_dir = work / ".whole"
    try:
        whole = DataFolder(snapshot_inputs(data.path, whole_dir))
        keys = keys_of(whole)
        snapshot = DataFolder(snapshot_inputs(whole.path, work, rounds_up_to(whole, followup)))
    finally:
        shutil.rmtree(whole_dir, ignore_errors=True)
    return snapshot, keys


def drop_private(work: Path) -> None:
    """Remove the private name map from the snapshot in ``work``."""
    shutil.rmtree(work / INPUTS_SUBDIR / config.PRIVATE_SUBDIR, ignore_errors=True)


def input_hashes(data: DataFolder) -> dict[str, str]:
    """Every input file of ``data`` (private files excluded), relative path -> SHA-256."""
    return {p.relative_to(data.path).as_posix(): sha256_file(p) for p in data.files()}


def check_material(ds, baseline: str, followup: str, *, draft: bool) -> list:
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
