"""Load ``plan_status.csv``: each municipality's plan phases per round."""
from __future__ import annotations

import os

import pandas as pd

from .. import config
from ..exceptions import Problem
from .contract import PHASES, STATUSES
from .municipalities import load_municipalities
from .reading import (
    check_unique as _check_unique,
    check_values as _check_values,
    display_path as _rel,
    raise_problems as _raise,
    read_csv_strict,
)
from .rounds import load_rounds

__all__ = ["load_plan_status"]


def load_plan_status(
    data: str | os.PathLike | None = None,
    *,
    rounds: pd.DataFrame | None = None,
    municipalities: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read ``plan_status.csv``.

    Returns
    -------
    DataFrame
        ``round``, ``municipality``, ``phase`` (one of :data:`PHASES`),
        ``status`` (one of :data:`STATUSES`).
    """
    rounds = rounds if rounds is not None else load_rounds(data)
    municipalities = municipalities if municipalities is not None else load_municipalities(data)
    path = config.data_dir(data) / "plan_status.csv"
    problems: list[Problem] = []
    frame = read_csv_strict(path, ["round", "municipality", "phase", "status"], problems)
    _raise(problems)
    name = _rel(path)
    _check_values(frame, "round", tuple(rounds["round"]), name, problems, "round")
    _check_values(frame, "municipality", tuple(municipalities["municipality"]), name, problems, "municipality")
    _check_values(frame, "phase", PHASES, name, problems, "phase")
    _check_values(frame, "status", STATUSES, name, problems, "status")
    _check_unique(frame, ["round", "municipality", "phase"], name, problems, "the status of this phase")
    _raise(problems)
    return frame.drop(columns="_line").astype(str).reset_index(drop=True)
