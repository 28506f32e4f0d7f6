"""Load ``municipalities.csv`` (fixed facts per municipality) and the optional private name map."""
from __future__ import annotations

import os

import pandas as pd

from .. import config
from ..exceptions import Problem
from ..names import slug
from .contract import BOOLEANS as _BOOLEANS
from .reading import (
    check_unique as _check_unique,
    check_values as _check_values,
    display_path as _rel,
    raise_problems as _raise,
    read_csv_strict,
)

__all__ = ["MAX_NAME_LENGTH", "load_municipalities", "load_names"]

#: The longest municipality name allowed, in characters.  A name becomes part
#: of file names (``profiles/<slug>.html``, ``notebooks/profil-<slug>.ipynb``
#: and their temporary siblings); 50 characters keep every one of them under
#: the 255 bytes a file name may have, even in characters of four bytes each.
MAX_NAME_LENGTH = 50


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
    problems += _name_problems(frame, name)
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


def _shown(value: str) -> str:
    """A long value cut for a message."""
    return value if len(value) <= MAX_NAME_LENGTH + 10 else value[:MAX_NAME_LENGTH] + "…"


def _name_problems(frame: pd.DataFrame, name: str) -> list[Problem]:
    """Empty names, names over :data:`MAX_NAME_LENGTH`, and two names that give one file name."""
    problems, files = [], {}
    for value, line in zip(frame["municipality"], frame["_line"]):
        if not value:
            problems.append(Problem(name, "municipality name is empty", row=line, column="municipality", value=value))
        elif len(value) > MAX_NAME_LENGTH:
            problems.append(Problem(name, f"municipality name is {len(value):,} characters long; at most "
                                    f"{MAX_NAME_LENGTH} are allowed, because it becomes part of file names",
                                    row=line, column="municipality", value=_shown(value)))
        elif slug(value) in files and files[slug(value)][0] != value:
            other, other_line = files[slug(value)]
            problems.append(Problem(name, f"gives the same file name {slug(value)!r} as {other!r} (row {other_line}); "
                                    "rename one", row=line, column="municipality", value=value))
        else:
            files.setdefault(slug(value), (value, line))
    return problems


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
