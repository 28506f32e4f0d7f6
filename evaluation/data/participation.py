"""Load each round's ``rounds/<key>/participation.csv``: how each municipality took part."""
from __future__ import annotations

import os

import pandas as pd

from ..exceptions import Problem
from .contract import PARTICIPATION_MODES
from .municipalities import load_municipalities
from .reading import (
    check_unique as _check_unique,
    check_values as _check_values,
    raise_problems as _raise,
    read_round_tables,
)
from .rounds import load_rounds

__all__ = ["load_participation"]


def load_participation(
    data: str | os.PathLike | None = None,
    *,
    rounds: pd.DataFrame | None = None,
    municipalities: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read every round's ``participation.csv``.

    Each municipality appears at most once per round; one not listed took no
    part in that round.  A round whose file has only its header has no
    participation recorded yet.

    Returns
    -------
    DataFrame
        ``round``, ``municipality``, ``mode`` (one of
        :data:`PARTICIPATION_MODES`).
    """
    rounds = rounds if rounds is not None else load_rounds(data)
    municipalities = municipalities if municipalities is not None else load_municipalities(data)
    problems: list[Problem] = []

    def check(frame, name, key, problems):
        _check_values(frame, "municipality", tuple(municipalities["municipality"]), name, problems, "municipality")
        frame["mode"] = frame["mode"].str.lower()
        _check_values(frame, "mode", PARTICIPATION_MODES, name, problems, "way of taking part")
        _check_unique(frame, ["municipality"], name, problems, "municipality")
        return frame

    out = read_round_tables(data, rounds, "participation.csv", ["municipality", "mode"], problems, check)
    _raise(problems)
    return out.astype(str).reset_index(drop=True)
