"""Write result tables as CSV files that are safe to open in a spreadsheet.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return could be run as a formula by a spreadsheet program; it gets a leading
apostrophe.  Real numbers are left alone.  Files are written atomically with
``\\n`` line endings and a fixed float format, so the same table gives the
same bytes.

>>> neutralise("=HYPERLINK(1)"), neutralise("-0.5"), neutralise("Kommune A")
("'=HYPERLINK(1)", '-0.5', 'Kommune A')
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from ..files import write_text_atomically

__all__ = ["as_saved", "neutralise", "neutralise_frame", "write_table", "FLOAT_FORMAT"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FLOAT_FORMAT = "%.10g"
#: A plain decimal number as a spreadsheet reads it (ASCII digits, optional
#: sign, point and exponent).  ``float()`` accepts more ("-nan", "+infinity",
#: "-1_000", other scripts' digits), none of which a spreadsheet reads as a
#: number, so its leading sign would start a formula.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _is_number(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None


def neutralise(value):
    """Return ``value`` with a leading apostrophe if a spreadsheet could read
    it as a formula; numbers and non-strings are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and column name) neutralised."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def write_table(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``frame`` to ``path`` as neutralised, deterministic CSV."""
    text = neutralise_frame(frame).to_csv(index=False, lineterminator="\n", float_format=FLOAT_FORMAT)
    return write_text_atomically(path, text)


def as_saved(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every float as its CSV file holds it
    (:data:`FLOAT_FORMAT`, empty where missing), so a notebook can show a
    reviewer the unrounded values behind the rounded ones a document prints.

    >>> as_saved(pd.DataFrame({"item": ["a", "b"], "p": [8.578757602123e-05, float("nan")], "n": [9, 10]}))
      item                p   n
    0    a  8.578757602e-05   9
    1    b                   10
    """
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else FLOAT_FORMAT % v)
    return out
