"""Load ``municipalities.csv`` (fixed facts per municipality) and the optional private name map."""
from __future__ import annotations

import os

import pandas as pd

from .. import config
from ..exceptions import Problem
from .contract import BOOLEANS as _BOOLEANS
from .reading import (
    check_unique as _check_unique,
    check_values as _check_values,
    display_path as _rel,
    raise_problems as _raise,
    read_csv_strict,
)

__all__ = ["load_municipalities", "load_names"]


def load_municipalities(data: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read ``municipalities.csv``.

    Returns
    -------
    DataFrame
        ``municipality``, ``had_plan_before`` (bool), ``used_centre_advice``
        (bool).  How a municipality took part in a round is not a fixed
        fact: it is in each round's ``participation.csv``.
    """
    path = config.data_dir(data) / "municipalities.csv"
    problems: list[Problem] = []
    cols = ["municipality", "had_plan_before", "used_centre_advice"]
    frame = read_csv_strict(path, cols, problems)
    _raise(problems)
    name = _rel(path)
    for value, line in zip(frame["municipality"], frame["_line"]):
        if not value:
            problems.append(Problem(name, "municipality name is empty", row=line, column="municipality", value=value))
    if frame.empty:
        problems.append(Problem(name, "file has a header but no municipalities"))
    _check_unique(frame, ["municipality"], name, problems, "municipality")
    for col in ("had_plan_before", "used_centre_advice"):
        frame[col] = frame[col].str.lower()
        _check_values(frame, col, tuple(_BOOLEANS), name, problems, "truth value")
    _raise(problems)
    for col in ("had_plan_before", "used_centre_advice"):
        frame[col] = frame[col].map(_BOOLEANS).astype(bool)
    return frame.drop(columns="_line").reset_index(drop=True)


def load_names(data: str | os.PathLike | None = None) -> dict[str, str]:
    """Read the optional private name map ``private/names.csv``.

    Returns a dict from pseudonym to real name; empty when there is no map.
    The map is git-ignored and used only for a municipality's own profile.
    """
    path = config.data_dir(data) / config.PRIVATE_SUBDIR / "names.csv"
    if not path.exists():
        return {}
    problems: list[Problem] = []
    frame = read_csv_strict(path, ["municipality", "name"], problems)
    _raise(problems)
    return dict(zip(frame["municipality"], frame["name"]))
