"""Load ``rounds.yml``: the survey rounds in chronological order."""
from __future__ import annotations

import datetime as dt
import os

import pandas as pd

from .. import config
from ..exceptions import Problem
from .reading import display_path as _rel, raise_problems as _raise, read_yaml as _read_yaml

__all__ = ["load_rounds"]


def load_rounds(data: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read ``rounds.yml``.

    Returns
    -------
    DataFrame
        ``round`` (key), ``label``, ``definite`` (the label's definite form
        for running text), ``date`` (datetime64), ``description``,
        ``order`` (0-based, chronological).
    """
    path = config.data_dir(data) / "rounds.yml"
    problems: list[Problem] = []
    content = _read_yaml(path, problems)
    _raise(problems)
    name = _rel(path)
    entries = content.get("rounds")
    if not isinstance(entries, list) or not entries:
        _raise([Problem(name, "'rounds' must be a non-empty list", column="rounds")])
    rows = []
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("key") or not entry.get("label") or not entry.get("date"):
            problems.append(Problem(name, f"round {i} needs key, label and date", column="rounds", value=entry))
            continue
        key = str(entry["key"])
        if not key.replace("-", "").replace("_", "").isalnum():
            problems.append(Problem(name, "round key may hold only letters, digits, '-' and '_'", column="key", value=key))
        date = entry["date"]
        if not isinstance(date, dt.date):
            try:
                date = dt.date.fromisoformat(str(date))
            except ValueError:
                problems.append(Problem(name, "date must be YYYY-MM-DD", column="date", value=entry["date"]))
                continue
        rows.append(
            {
                "round": key,
                "label": str(entry["label"]),
                "definite": str(entry.get("definite") or str(entry["label"]).lower()),
                "date": pd.Timestamp(date),
                "description": str(entry.get("description", "")),
            }
        )
    _raise(problems)
    frame = pd.DataFrame(rows)
    for value in frame.loc[frame["round"].duplicated(), "round"]:
        problems.append(Problem(name, "round key appears twice", column="key", value=value))
    for value in frame.loc[frame["definite"].str.casefold().duplicated(), "definite"]:
        problems.append(Problem(name, "two rounds have the same definite form, so running text could not tell "
                                "them apart; give each its own (e.g. 'opfølgningen 2020')", column="definite", value=value))
    if not frame["date"].is_monotonic_increasing:
        problems.append(Problem(name, "rounds must be listed in chronological order", column="date"))
    _raise(problems)
    frame["order"] = range(len(frame))
    return frame
