"""Match an export's headers and values to the instrument: wide or tidy layout, keys or question texts, codes or labels.
"""
from __future__ import annotations

import pandas as pd

from ...exceptions import DataError, Problem
from ..contract import Instrument

__all__ = ["rows_to_responses"]


_MUNICIPALITY_HEADERS = ("municipality", "kommune")


# ------------------------------------------------------------------ helpers
def _norm(value: object) -> str:
    """Whitespace-normalised, case-folded text of a cell (``""`` for blank)."""
    if value is None:
        return ""
    return " ".join(str(value).split()).casefold()


def _shown(value: object) -> str:
    """Whitespace-normalised text of a cell, in its own letter case."""
    return "" if value is None else " ".join(str(value).split())


def _column_letter(index: int) -> str:
    """Spreadsheet letter of the 0-based column ``index`` (0 -> 'A')."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# ---------------------------------------------------------- rows to answers
class _Matcher:
    """Looks up municipalities, items and answers the way the contract allows."""

    def __init__(self, instrument: Instrument, municipalities: pd.DataFrame):
        self.instrument = instrument
        self.municipalities = {_norm(m): m for m in municipalities["municipality"]}
        self.items = {}
        for key, question in zip(instrument.items["item"], instrument.items["question"]):
            self.items[_norm(key)] = key
            self.items[_norm(question)] = key
        self.codes = ", ".join(map(str, instrument.codes))
        self.labels = ", ".join(instrument.scale["label"])

    def code(self, value: object, name: str, row: int, column: str, problems: list[Problem]) -> int | None:
        text = _shown(value)
        if not text:
            problems.append(Problem(name, "answer is missing; use 0 or 'Ved ikke' for don't know", row=row, column=column, value=value))
            return None
        code = None if isinstance(value, bool) else self.instrument.code_for(text)
        if code is not None:
            return code
        try:
            float(text.replace(",", "."))
        except ValueError:
            message = f"answer is not a label on the scale; allowed: {self.labels}"
        else:
            message = f"score out of range; allowed codes: {self.codes}"
        problems.append(Problem(name, message, row=row, column=column, value=value))
        return None

    def municipality(self, value, name, row, column, problems) -> str | None:
        found = self.municipalities.get(_norm(value))
        if found is None:
            problems.append(
                Problem(name, "unknown municipality; municipalities.csv lists " + ", ".join(self.municipalities.values()), row=row, column=column, value=value)
            )
        return found


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(rows, name, problems):
    """Split rows into (header row number, header cells, data rows), dropping
    blank rows and header-less blank columns; report values in columns
    without a header."""
    filled = [(n, cells) for n, cells in rows if not all(_blank(c) for c in cells)]
    if not filled:
        raise DataError(Problem(name, "file is empty"))
    header_row, header = filled[0]
    keep = [i for i, h in enumerate(header) if not _blank(h)]
    kept = set(keep)
    body = []
    for number, cells in filled[1:]:
        for i, value in enumerate(cells):
            if i not in kept and not _blank(value):
                problems.append(Problem(name, "value in a column without a header", row=number, column=_column_letter(i), value=value))
        body.append((number, [cells[i] if i < len(cells) else None for i in keep]))
    if not body:
        raise DataError(Problem(name, "file is empty: a header but no answers", row=header_row))
    return header_row, [_shown(header[i]) for i in keep], body


def rows_to_responses(
    rows: list[tuple[int, list[object]]], name: str, instrument: Instrument, municipalities: pd.DataFrame
) -> pd.DataFrame:
    """Turn the rows of an export (wide or tidy) into the contract's answers.

    Parameters
    ----------
    rows : list of (int, list)
        As returned by :func:`read_rows`.
    name : str
        The file's name, used in problems.
    instrument : Instrument
    municipalities : DataFrame
        With a ``municipality`` column: the known municipalities.

    Returns
    -------
    DataFrame
        ``municipality``, ``item`` (key), ``score`` (int code 0-4, 0 =
        "ved ikke"); sorted by municipality then instrument item order.

    Raises
    ------
    DataError
        Listing every problem found.
    """
    problems: list[Problem] = []
    header_row, header, body = _table(rows, name, problems)
    folded = [h.casefold() for h in header]
    muni_cols = [i for i, h in enumerate(folded) if h in _MUNICIPALITY_HEADERS]
    if not muni_cols:
        problems.append(Problem(name, "no municipality column; head it 'municipality' or 'kommune'", row=header_row, value=",".join(header)))
        raise DataError(problems)
    for i in muni_cols[1:]:
        problems.append(Problem(name, "a second municipality column", row=header_row, column=header[i], value=header[i]))
    matcher = _Matcher(instrument, municipalities)
    if "item" in folded and "score" in folded:
        records = _from_tidy(header_row, header, body, muni_cols[0], name, matcher, problems)
    else:
        records = _from_wide(header_row, header, body, muni_cols[0], name, matcher, problems)
    if problems:
        raise DataError(problems)
    frame = pd.DataFrame.from_records(records, columns=["municipality", "item", "score"])
    order = {k: i for i, k in enumerate(instrument.items["item"])}
    frame = frame.assign(_order=frame["item"].map(order)).sort_values(["municipality", "_order"], kind="stable")
    return frame.drop(columns="_order").astype({"score": "int64"}).reset_index(drop=True)


def _from_wide(header_row, header, body, muni_col, name, matcher, problems):
    columns = {}
    for i, text in enumerate(header):
        if i == muni_col:
            continue
        key = matcher.items.get(text.casefold())
        if key is None:
            problems.append(Problem(name, "unknown column: not an item key or question of the instrument", row=header_row, column=text, value=text))
        elif key in columns.values():
            problems.append(Problem(name, f"a second column for item {key!r}", row=header_row, column=text, value=text))
        else:
            columns[i] = key
    for key in matcher.instrument.items["item"]:
        if key not in columns.values():
            problems.append(Problem(name, f"item missing: no column for item {key!r}", row=header_row, value=key))
    records, seen = [], {}
    for number, cells in body:
        muni = matcher.municipality(cells[muni_col], name, number, header[muni_col], problems)
        if muni is not None and muni in seen:
            problems.append(Problem(name, f"municipality appears twice (first on row {seen[muni]})", row=number, column=header[muni_col], value=cells[muni_col]))
        elif muni is not None:
            seen[muni] = number
        for i, key in columns.items():
            code = matcher.code(cells[i], name, number, header[i], problems)
            records.append((muni, key, code))
    return records


def _from_tidy(header_row, header, body, muni_col, name, matcher, problems):
    folded = [h.casefold() for h in header]
    item_col, score_col = folded.index("item"), folded.index("score")
    for i, text in enumerate(header):
        if i not in (muni_col, item_col, score_col):
            problems.append(Problem(name, "unknown column; a tidy export has municipality, item, score", row=header_row, column=text, value=text))
    records, seen, first_row = [], {}, {}
    for number, cells in body:
        muni = matcher.municipality(cells[muni_col], name, number, header[muni_col], problems)
        key = matcher.items.get(_norm(cells[item_col]))
        if key is None:
            problems.append(Problem(name, "unknown item: not an item key or question of the instrument", row=number, column=header[item_col], value=cells[item_col]))
        code = matcher.code(cells[score_col], name, number, header[score_col], problems)
        if muni is None or key is None:
            continue
        first_row.setdefault(muni, number)
        if (muni, key) in seen:
            problems.append(
                Problem(name, f"{muni} answers item {key!r} twice (first on row {seen[muni, key]})", row=number, column=header[item_col], value=cells[item_col])
            )
            continue
        seen[muni, key] = number
        records.append((muni, key, code))
    for muni, number in first_row.items():
        for key in matcher.instrument.items["item"]:
            if (muni, key) not in seen:
                problems.append(Problem(name, f"item missing: {muni} has no answer to item {key!r}", row=number, column=header[item_col], value=key))
    return records
