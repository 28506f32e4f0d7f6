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
import tempfile
from pathlib import Path

import pandas as pd

__all__ = ["neutralise", "neutralise_frame", "write_table", "FLOAT_FORMAT"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FLOAT_FORMAT = "%.10g"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower() not in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity")


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
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = neutralise_frame(frame).to_csv(index=False, lineterminator="\n", float_format=FLOAT_FORMAT)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
