"""Load each round's ``rounds/<key>/plan_status.csv``: the municipalities' plan phases."""
from __future__ import annotations

import os

import pandas as pd

from ..exceptions import Problem
from .contract import PHASES, STATUSES
from .municipalities import load_municipalities
from .reading import (
    check_unique as _check_unique,
    check_values as _check_values,
    raise_problems as _raise,
    read_round_tables,
)
from .rounds import load_rounds

__all__ = ["load_plan_status"]


def load_plan_status(
    data: str | os.PathLike | None = None,
    *,
    rounds: pd.DataFrame | None = None,
    municipalities: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read every round's ``plan_status.csv``.

    A round whose file has only its header has no plan status yet.

    Returns
    -------
    DataFrame
        ``round``, ``municipality``, ``phase`` (one of :data:`PHASES`),
        ``status`` (one of :data:`STATUSES`).
    """
    rounds = rounds if rounds is not None else load_rounds(data)
    municipalities = municipalities if municipalities is not None else load_municipalities(data)
    problems: list[Problem] = []

    def check(frame, name, key, problems):
        _check_values(frame, "municipality", tuple(municipalities["municipality"]), name, problems, "municipality")
        _check_values(frame, "phase", PHASES, name, problems, "phase")
        _check_values(frame, "status", STATUSES, name, problems, "status")
        _check_unique(frame, ["municipality", "phase"], name, problems, "the status of this phase")
        return frame

    out = read_round_tables(data, rounds, "plan_status.csv", ["municipality", "phase", "status"], problems, check)
    _raise(problems)
    return out.astype(str).reset_index(drop=True)
