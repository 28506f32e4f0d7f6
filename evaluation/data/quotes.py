"""Load each round's ``rounds/<key>/quotes.csv``: the interview statements, by theme."""
from __future__ import annotations

import os

import pandas as pd

from ..exceptions import Problem
from .contract import INTERVIEW_MODES, QUOTE_THEMES
from .municipalities import load_municipalities
from .participation import load_participation
from .reading import (
    check_unique as _check_unique,
    check_values as _check_values,
    raise_problems as _raise,
    read_round_tables,
)
from .rounds import load_rounds

__all__ = ["load_quotes"]


def load_quotes(
    data: str | os.PathLike | None = None,
    *,
    rounds: pd.DataFrame | None = None,
    municipalities: pd.DataFrame | None = None,
    participation: pd.DataFrame | None = None,
    check_interviews: bool = True,
) -> pd.DataFrame:
    """Read every round's ``quotes.csv``.

    A statement of a municipality must come from one interviewed in that
    round (participation ``interview`` or ``both``; not checked with
    ``check_interviews=False``, e.g. when the participation itself is
    broken); an empty municipality means the centre's own staff.  The
    optional ``id`` names a statement so that a coding can link it
    (``codings.csv``, column ``quote``); a non-empty id is unique within its
    round.

    Returns
    -------
    DataFrame
        ``round``, ``theme``, ``role``, ``municipality`` (may be empty),
        ``text``, ``id`` (may be empty); in file order within each round.
    """
    rounds = rounds if rounds is not None else load_rounds(data)
    municipalities = municipalities if municipalities is not None else load_municipalities(data)
    if participation is None and check_interviews:
        participation = load_participation(data, rounds=rounds, municipalities=municipalities)
    problems: list[Problem] = []

    def check(frame, name, key, problems):
        _check_values(frame, "theme", QUOTE_THEMES, name, problems, "theme")
        allowed = ("",) + tuple(municipalities["municipality"])
        _check_values(frame, "municipality", allowed, name, problems, "municipality")
        if check_interviews:
            this = participation[participation["round"] == key]
            interviewed = set(this.loc[this["mode"].isin(INTERVIEW_MODES), "municipality"])
        for value, line in zip(frame["municipality"], frame["_line"]):
            if check_interviews and value and value in allowed and value not in interviewed:
                problems.append(Problem(
                    name, "a statement of a municipality that was not interviewed in this round "
                    "(participation.csv: interview or both)", row=line, column="municipality", value=value))
        for value, line in zip(frame["text"], frame["_line"]):
            if not value:
                problems.append(Problem(name, "quote text is empty", row=line, column="text", value=value))
        named = frame[frame["id"] != ""]
        _check_unique(named, ["id"], name, problems, "statement id")
        return frame

    out = read_round_tables(data, rounds, "quotes.csv", ["theme", "role", "municipality", "text"], problems, check,
                            optional=("id",))
    _raise(problems)
    return out.astype(str).reset_index(drop=True)
