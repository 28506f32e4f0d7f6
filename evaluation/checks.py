"""Argument checks shared by the analysis modules.

Every check raises :class:`~evaluation.exceptions.ParameterError` with one
message form: the argument's name, the value that was given, and what is
allowed.  Analysis functions call these helpers first, before computing.

>>> check_choice("round", "2020", ["slutmaaling-2018", "opfoelgning-2019"])
Traceback (most recent call last):
...
evaluation.exceptions.ParameterError: round='2020' is not allowed; allowed: slutmaaling-2018, opfoelgning-2019
"""
from __future__ import annotations

import numbers
from collections.abc import Iterable

import pandas as pd

from .exceptions import ParameterError

__all__ = [
    "RESPONSE_COLUMNS",
    "fail",
    "check_choice",
    "check_number",
    "check_frame",
    "check_responses",
    "resolve_items",
    "resolve_rounds",
    "check_pair",
]

#: Columns of a tidy responses frame (``Dataset.responses``).
RESPONSE_COLUMNS = ("round", "municipality", "item", "score", "dont_know")


def fail(name: str, value: object, allowed: str) -> None:
    """Raise the one form of argument error: name, bad value, what is allowed."""
    raise ParameterError(f"{name}={value!r} is not allowed; allowed: {allowed}")


def check_choice(name: str, value: object, allowed: Iterable) -> None:
    """Check that ``value`` is one of ``allowed``."""
    allowed = list(allowed)
    if value not in allowed:
        fail(name, value, ", ".join(map(str, allowed)) or "(nothing: the data hold no such values)")


def check_number(name: str, value: object, low: float, high: float, *, integer: bool = False) -> None:
    """Check that ``value`` is a real number (an integer if asked) in ``[low, high]``."""
    kind = "an integer" if integer else "a number"
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if ok and integer:
        ok = float(value).is_integer()
    if not ok or not (low <= value <= high):
        fail(name, value, f"{kind} from {low} to {high}")


def check_frame(name: str, frame: object, columns: Iterable[str]) -> None:
    """Check that ``frame`` is a DataFrame holding every one of ``columns``."""
    columns = list(columns)
    if not isinstance(frame, pd.DataFrame):
        fail(name, type(frame).__name__, f"a DataFrame with columns {', '.join(columns)}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        fail(name, f"columns {', '.join(map(str, frame.columns))}", f"a DataFrame with columns {', '.join(columns)}")


def check_responses(responses: object, name: str = "responses") -> None:
    """Check a tidy responses frame: its columns and one answer per round, municipality and item."""
    check_frame(name, responses, RESPONSE_COLUMNS)
    keys = ["round", "municipality", "item"]
    duplicated = responses.duplicated(keys)
    if duplicated.any():
        first = responses.loc[duplicated, keys].iloc[0]
        fail(name, f"two answers for {' / '.join(map(str, first))}", "one answer per round, municipality and item")


def _as_list(value) -> list:
    return [value] if isinstance(value, str) else list(value)


def resolve_items(responses: pd.DataFrame, items=None) -> list[str]:
    """Return the items to analyse, in their order of appearance in ``responses``.

    ``None`` means every item present; a single key may be given as a string.
    An item the data do not hold raises :class:`ParameterError`.
    """
    present = list(pd.unique(responses["item"]))
    if items is None:
        return present
    wanted = _as_list(items)
    for item in wanted:
        check_choice("item", item, present)
    return [item for item in present if item in wanted]


def resolve_rounds(responses: pd.DataFrame, rounds_keys=None, *, name: str = "round") -> list[str]:
    """Return the round keys to analyse, in the order given.

    ``None`` means every round present, in its order of appearance (the
    loaders sort responses chronologically).  A key the data do not hold, or
    a key given twice, raises :class:`ParameterError`.
    """
    present = list(pd.unique(responses["round"]))
    if rounds_keys is None:
        return present
    keys = _as_list(rounds_keys)
    for key in keys:
        check_choice(name, key, present)
    if len(set(keys)) != len(keys):
        fail(f"{name}s", keys, "each round at most once")
    return keys


def check_pair(responses: pd.DataFrame, baseline: str, followup: str) -> None:
    """Check a baseline and a follow-up round: both present and different."""
    present = list(pd.unique(responses["round"]))
    check_choice("baseline", baseline, present)
    check_choice("followup", followup, present)
    if baseline == followup:
        fail("followup", followup, f"a round other than the baseline {baseline!r}")
