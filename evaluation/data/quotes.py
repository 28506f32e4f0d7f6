"""Load ``quotes.csv``: the interview statements, by theme."""
from __future__ import annotations

import os

import pandas as pd

from .. import config
from ..exceptions import Problem
from .contract import QUOTE_THEMES
from .municipalities import load_municipalities
from .reading import (
    check_values as _check_values,
    display_path as _rel,
    raise_problems as _raise,
    read_csv_strict,
)

__all__ = ["load_quotes"]


def load_quotes(data: str | os.PathLike | None = None, *, municipalities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read ``quotes.csv``: ``theme``, ``role``, ``municipality`` (may be
    empty, e.g. for the centre's staff), ``text``."""
    municipalities = municipalities if municipalities is not None else load_municipalities(data)
    path = config.data_dir(data) / "quotes.csv"
    problems: list[Problem] = []
    frame = read_csv_strict(path, ["theme", "role", "municipality", "text"], problems)
    _raise(problems)
    name = _rel(path)
    _check_values(frame, "theme", QUOTE_THEMES, name, problems, "theme")
    allowed = ("",) + tuple(municipalities["municipality"])
    _check_values(frame, "municipality", allowed, name, problems, "municipality")
    for value, line in zip(frame["text"], frame["_line"]):
        if not value:
            problems.append(Problem(name, "quote text is empty", row=line, column="text", value=value))
    _raise(problems)
    return frame.drop(columns="_line").astype(str).reset_index(drop=True)
