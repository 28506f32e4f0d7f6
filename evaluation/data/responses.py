"""Load the answers: one ``rounds/<key>/responses.csv`` per round, into one tidy frame."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..exceptions import Problem
from .contract import Instrument
from .instrument import load_instrument
from .municipalities import load_municipalities
from .reading import (
    check_unique as _check_unique,
    check_values as _check_values,
    display_path as _rel,
    raise_problems as _raise,
    read_csv_strict,
    read_round_tables,
)
from .rounds import load_rounds

__all__ = ["load_responses", "sort_responses", "parse_response_rows", "not_answered"]


def not_answered(frame: pd.DataFrame) -> pd.Series:
    """Which answers are *not answered* (a blank score), as opposed to "ved ikke" and to a score.

    Both are missing answers and count in no mean, share or test; they are
    counted apart so that a reader learns which was which.
    """
    return frame["score"].isna() & ~frame["dont_know"].astype(bool)


def load_responses(
    data: str | os.PathLike | None = None,
    *,
    instrument: Instrument | None = None,
    rounds: pd.DataFrame | None = None,
    municipalities: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read every round's ``rounds/<key>/responses.csv`` into one tidy frame.

    A municipality that appears in a round has a row for every item: a code
    (0 for "ved ikke") or an empty score for a question it left blank (not
    answered); a municipality may be absent from a round, and a round whose
    file has only its header has no answers yet.

    Returns
    -------
    DataFrame
        ``round``, ``municipality``, ``item``, ``score`` (float: 1-4, NaN
        for "ved ikke" and for not answered), ``dont_know`` (bool: the answer
        was "ved ikke"; not answered is NaN without it); sorted by round order,
        municipality and instrument item order.
    """
    instrument = instrument or load_instrument(data)
    rounds = rounds if rounds is not None else load_rounds(data)
    municipalities = municipalities if municipalities is not None else load_municipalities(data)
    problems: list[Problem] = []

    def check(frame, name, key, problems):
        return _parse_frame(frame, name, instrument, municipalities, problems)

    out = read_round_tables(data, rounds, "responses.csv", ["municipality", "item", "score"], problems, check)
    _raise(problems)
    out = out.astype({"municipality": str, "item": str, "round": str}) if len(out) else _empty()
    return sort_responses(out, instrument, rounds)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({
        "round": pd.Series(dtype=object), "municipality": pd.Series(dtype=object), "item": pd.Series(dtype=object),
        "score": pd.Series(dtype=float), "dont_know": pd.Series(dtype=bool),
    })


def sort_responses(frame: pd.DataFrame, instrument: Instrument, rounds: pd.DataFrame) -> pd.DataFrame:
    """Sort a responses frame by round order, municipality and item order."""
    round_order = {k: i for i, k in enumerate(rounds["round"])}
    item_order = {k: i for i, k in enumerate(instrument.items["item"])}
    key = pd.DataFrame(
        {
            "r": frame["round"].map(round_order),
            "m": frame["municipality"],
            "i": frame["item"].map(item_order),
        }
    )
    order = key.sort_values(["r", "m", "i"], kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def parse_response_rows(path: Path, instrument: Instrument, municipalities: pd.DataFrame, problems: list[Problem]):
    """Read and check one contract response file; return its rows or ``None``.

    Returns
    -------
    DataFrame or None
        ``municipality``, ``item``, ``score`` (float, NaN for "ved ikke" and
        for not answered), ``dont_know`` (bool).
    """
    frame = read_csv_strict(path, ["municipality", "item", "score"], problems)
    if frame is None:
        return None
    name = _rel(path)
    if frame.empty:
        problems.append(Problem(name, "file has a header but no answers"))
        return None
    out = _parse_frame(frame, name, instrument, municipalities, problems)
    return None if out is None else out.drop(columns="_line")


def _parse_frame(frame: pd.DataFrame, name: str, instrument: Instrument, municipalities: pd.DataFrame, problems: list[Problem]):
    """Check the rows of one response file (with ``_line``); return the tidy rows or ``None``."""
    if frame.empty:
        return None
    before = len(problems)
    _check_values(frame, "municipality", tuple(municipalities["municipality"]), name, problems, "municipality")
    _check_values(frame, "item", tuple(instrument.items["item"]), name, problems, "item")
    codes = []
    allowed_codes = set(instrument.codes)
    for value, line in zip(frame["score"], frame["_line"]):
        if value == "":  # not answered: the question was left blank (not "ved ikke")
            codes.append(None)
            continue
        digits = value[1:] if value.startswith("-") else value
        code = value if digits.isascii() and digits.isdigit() else None
        if code is None or int(code) not in allowed_codes:
            problems.append(
                Problem(name, f"score must be one of the codes {', '.join(map(str, instrument.codes))} or empty "
                        "(not answered)", row=line, column="score", value=value)
            )
            codes.append(None)
        else:
            codes.append(int(code))
    _check_unique(frame, ["municipality", "item"], name, problems, "the municipality's answer to this item")
    all_items = set(instrument.items["item"])
    answered: dict[str, tuple[int, set]] = {}
    for muni, item, line in zip(frame["municipality"], frame["item"], frame["_line"]):
        answered.setdefault(muni, (int(line), set()))[1].add(item)
    for muni, (line, items) in answered.items():
        for item in sorted(all_items - items):
            problems.append(Problem(name, "item missing for this municipality", row=line, column="item", value=f"{muni} / {item}"))
    if len(problems) > before:
        return None
    missing = set(instrument.missing_codes)
    code_series = pd.Series(codes, index=frame.index, dtype="float64")
    dont_know = code_series.isin(missing)
    return pd.DataFrame(
        {
            "municipality": frame["municipality"].astype(str),
            "item": frame["item"].astype(str),
            "score": code_series.mask(dont_know),
            "dont_know": dont_know.astype(bool),
            "_line": frame["_line"],
        }
    )
