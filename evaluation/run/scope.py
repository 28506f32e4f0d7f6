"""What a publication holds: the memo and which municipalities' profiles.

A run that builds part of the profiles (``--municipality``) or none
(``--no-profiles``) never shrinks a publication: the profiles of the
previous publication that it does not build are kept, linked into the new
version as they were, and the manifest says which profiles the folder holds,
which were built from earlier inputs (stale) and which are missing.  A full
run rebuilds whatever is stale or missing.
"""
from __future__ import annotations

from pathlib import Path

from ..names import slug
from .fingerprint import DataFolder, job_key
from .plan import Job, plan_jobs

__all__ = ["kept_profiles", "up_to_date", "describe_scope"]


def _municipality(job: Job) -> str:
    return job.document.split(":", 1)[1]


def _touched(name: str, entry: dict, damaged: set[str]) -> bool:
    """Whether a file of the published profile ``name`` differs from the manifest."""
    stem = f"profiles/{slug(str(entry.get('document', '')).split(':', 1)[-1])}."
    own = {f"notebooks/{name}.ipynb", f"notebooks/{name}.html", *entry.get("writes", [])}
    return any(path in own or path.startswith(stem) for path in damaged)


def kept_profiles(previous: dict, jobs: list[Job], final: Path, data: DataFolder, baseline: str,
                  followup: str, *, show_names: bool = False,
                  damaged: set[str] = frozenset()) -> tuple[list[Job], dict[str, str], list[str]]:
    """The previous publication's profiles that this run does not build.

    Returns the kept jobs (as the previous manifest recorded them), their
    recorded keys, and the names of those whose inputs have changed since
    (stale).  Profiles of municipalities no longer in the data are dropped,
    and so are profiles with a file in ``damaged`` (changed since published).
    """
    planned = {j.name for j in jobs}
    entries = {name: e for name, e in previous.get("notebooks", {}).items()
               if name not in planned and str(e.get("document", "")).startswith("profile:")
               and (final / "notebooks" / f"{name}.ipynb").is_file() and not _touched(name, e, damaged)}
    if not entries:
        return [], {}, []
    every = {j.name: j for j in plan_jobs(data, baseline, followup, final, show_names=show_names)
             if j.document.startswith("profile:")}
    kept, keys, stale = [], {}, []
    for name, entry in entries.items():
        if name not in every:
            continue
        kept.append(Job(name, entry["notebook"], dict(entry["parameters"]), (), document=entry["document"]))
        keys[name] = entry.get("key")
        current = every[name]
        if keys[name] != job_key(current.source, current.parameters, list(current.facets), data):
            stale.append(_municipality(current))
    return kept, keys, stale


def up_to_date(previous: dict, keys: dict[str, str], *, subset: bool, pdf: bool, draft: bool,
               docx: bool = False) -> bool:
    """Whether the published folder already holds what this run would build.

    A full run needs exactly the planned notebooks; a subset run needs its
    own notebooks and lets the folder hold more.  A published draft is up to
    date only for another draft run (a final run must see the missing
    material and refuse), and a run with ``--pdf`` or ``--docx`` needs the PDF or the Word files.
    """
    recorded = {name: entry.get("key") for name, entry in previous.get("notebooks", {}).items()}
    return (bool(keys) and all(recorded.get(name) == key for name, key in keys.items())
            and (subset or set(recorded) == set(keys))
            and previous.get("pdf", False) >= pdf and previous.get("docx", False) >= docx
            and (draft or not previous.get("draft", False)))


def describe_scope(data: DataFolder, jobs: list[Job], kept: list[Job], stale: list[str], *,
                   subset: bool) -> dict:
    """The ``scope`` of a publication, as the manifest and the run's result record it.

    Keys: ``municipalities`` (how many the data has), ``profiles`` (the
    municipalities whose profile the folder holds, in the data's order),
    ``profiles_built`` (those this run planned, executed or reused),
    ``profiles_kept`` (carried over from the previous publication),
    ``profiles_stale`` (kept ones whose inputs changed since),
    ``profiles_missing`` (municipalities without a profile), ``subset`` (the
    run asked for part of the profiles) and ``complete`` (every profile is
    there and none is stale).
    """
    known = data.municipalities()
    built = [_municipality(j) for j in jobs if j.document.startswith("profile:")]
    carried = [_municipality(j) for j in kept]
    held = set(built) | set(carried)
    missing = [m for m in known if m not in held]
    return {
        "municipalities": len(known),
        "profiles": [m for m in known if m in held],
        "profiles_built": built,
        "profiles_kept": carried,
        "profiles_stale": [m for m in carried if m in set(stale)],
        "profiles_missing": missing,
        "subset": subset,
        "complete": not missing and not stale,
    }
