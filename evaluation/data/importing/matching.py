"""Match an export's columns and cells to the instrument: which column is the municipality,
which column is which item, and which code each answer is.

- A municipality is read by its pseudonym, or by its real name through the
  private name map ``private/names.csv`` (with or without the word
  "Kommune"); the real name is never written anywhere.
- An item column is recognised by the item's key, question or label in any of
  the texts the export gives the column (a header, a matrix's stem or row
  label, a variable label).
- Answers: a label of the scale in any letter case; a number only when the
  export's own value labels say what it means, when a mapping's ``values``
  say so, or in the plain layout (whose numbers are the scale's codes).  A
  blank cell is *not answered*, which is not the answer "ved ikke".
"""
from __future__ import annotations

import re

import pandas as pd

from ...exceptions import DataError, Problem
from ..contract import Instrument
from .layouts import Column, Table, blank, norm, shown

__all__ = ["Municipalities", "Answers", "municipality_column", "item_columns", "tidy_responses", "MUNICIPALITY_HEADERS"]

MUNICIPALITY_HEADERS = ("municipality", "kommune")
_ASKS_FOR_MUNICIPALITY = re.compile(r"\b(hvilken kommune|which municipality)\b")


def _number_text(value: object) -> str | None:
    """``"3"`` for 3, 3.0, "3", "3,0"; ``None`` for anything that is not a whole number."""
    if isinstance(value, bool):
        return None
    try:
        number = float(shown(value).replace(",", "."))
    except ValueError:
        return None
    return str(int(number)) if number.is_integer() else None


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


class Municipalities:
    """Finds a municipality by pseudonym or, through the private name map, by real name."""

    def __init__(self, municipalities: pd.DataFrame, names: dict[str, str]):
        self.pseudonyms = {norm(m): m for m in municipalities["municipality"]}
        self.real = {}
        for pseudonym, real in names.items():
            if pseudonym in municipalities["municipality"].values:
                for form in _name_forms(real):
                    self.real[form] = pseudonym
        self.by_real_name = 0

    def find(self, value: object) -> str | None:
        found = self.pseudonyms.get(norm(value))
        if found is None:
            found = next((self.real[f] for f in _name_forms(value) if f in self.real), None)
            self.by_real_name += found is not None
        return found

    def problem(self, name: str, row: int, column: str, value: object) -> Problem:
        known = ", ".join(self.pseudonyms.values())
        how = " or a real name of private/names.csv" if self.real else " (no private/names.csv maps real names)"
        return Problem(name, f"unknown municipality; give a pseudonym of municipalities.csv ({known}){how}",
                       row=row, column=column, value=value)


def _name_forms(value: object) -> list[str]:
    text = norm(value)
    bare = re.sub(r"^kommune\s+|\s+kommune$", "", text)
    return [f for f in dict.fromkeys((text, bare)) if f]


def municipality_column(table: Table, wanted: str, problems: list[Problem]) -> Column | None:
    """The column naming the municipality: ``wanted`` (a mapping or ``--municipality-column``), else the
    one column headed municipality/kommune or asking "Hvilken kommune ...?"."""
    where = table.header_rows[0]
    if wanted:
        column = table.column(wanted)
        if column is None:
            problems.append(Problem(table.file, "no such column for the municipality; the columns are "
                                    + ", ".join(c.key for c in table.columns), row=where, value=wanted))
        return column
    found = [c for c in table.columns
             if any(norm(t) in MUNICIPALITY_HEADERS or _ASKS_FOR_MUNICIPALITY.search(norm(t)) for t in c.texts)]
    if len(found) == 1:
        return found[0]
    if not found:
        problems.append(Problem(table.file, "no municipality column: none is headed 'municipality' or 'kommune' or asks "
                                "'Hvilken kommune ...'; name it with --municipality-column NAME (or in a mapping)",
                                row=where, value=", ".join(c.key for c in table.columns)))
    else:
        for column in found[1:]:
            problems.append(Problem(table.file, f"a second municipality column (the first is {found[0].key!r}); "
                                    "choose one with --municipality-column NAME", row=where, column=column.key, value=column.key))
    return None


def item_columns(table: Table, instrument: Instrument, wanted: dict[str, str], skip: set[int],
                 problems: list[Problem]) -> tuple[dict[str, Column], list[tuple[str, str]]]:
    """Which column holds which item, and the columns left out with the reason.

    In the plain layout a column that is not an item is a problem; a tool's
    export has its own metadata and other questions, which are left out and
    listed.
    """
    where = table.header_rows[0]
    keys = list(instrument.items["item"])
    texts = {}
    for key, question, label in zip(instrument.items["item"], instrument.items["question"], instrument.items["label"]):
        for text in (key, question, label):
            texts.setdefault(norm(text), key)
    found: dict[str, Column] = {}
    for key, name in wanted.items():
        column = table.column(name)
        if key not in keys:
            problems.append(Problem(table.file, "the mapping names an item the instrument does not have", column=name, value=key))
        elif column is None:
            problems.append(Problem(table.file, f"the mapping's column for item {key!r} is not in the export", row=where, value=name))
        else:
            found[key] = column
    ignored = []
    taken = {c.index for c in found.values()} | skip
    for column in table.columns:
        if column.index in taken:
            continue
        if wanted or table.is_metadata(column):
            ignored.append((column.key, "metadata of the survey tool" if table.is_metadata(column) else "not named in the mapping"))
            continue
        key = next((texts[norm(t)] for t in column.texts if norm(t) in texts), None)
        if key is None:
            if table.tool.key == "plain":
                problems.append(Problem(table.file, "unknown column: not an item key or question of the instrument",
                                        row=where, column=column.key, value=column.key))
            else:
                ignored.append((column.key, "not an item of the instrument"))
        elif key in found:
            problems.append(Problem(table.file, f"a second column for item {key!r} (the first is {found[key].key!r})",
                                    row=where, column=column.key, value=column.key))
        else:
            found[key] = column
    hint = "" if table.tool.key == "plain" else (
        "; name its column under 'items:' in a mapping file (--mapping FILE); columns not recognised: "
        + (", ".join(k for k, why in ignored if why == "not an item of the instrument") or "none"))
    for key in keys:
        if key not in found:
            problems.append(Problem(table.file, f"item missing: no column for item {key!r}{hint}", row=where, value=key))
    return found, ignored


class Answers:
    """Turns answer cells into codes of the scale and remembers which value became which code."""

    def __init__(self, instrument: Instrument, table: Table, values: dict[str, int]):
        self.instrument = instrument
        self.table = table
        self.mapped = {norm(k): v for k, v in values.items()}
        self.labels = {norm(label): int(code) for code, label in zip(instrument.scale["code"], instrument.scale["label"])}
        self.used: dict[str, int] = {}
        self.refused: set[str] = set()  # columns already reported for numbers without labels

    def code(self, value: object, row: int, column: Column, problems: list[Problem]) -> int | None:
        """The code of one cell; ``None`` for a blank (not answered) and for a problem."""
        if blank(value):
            return None
        text = shown(value)
        number = _number_text(value)
        code = self.mapped.get(norm(text), self.mapped.get(number) if number is not None else None)
        how = text if code is not None and norm(text) in self.mapped else number
        if code is None and not isinstance(value, bool):
            code, how = self.labels.get(norm(text)), text
        if code is None and number is not None:
            code, how = self._number(number, row, column, value, problems), number
            if code is None:
                return None
        if code is None and self.table.tool.numbers_are_codes and _is_number(text):
            allowed = ", ".join(map(str, self.instrument.codes))
            problems.append(Problem(self.table.file, f"score out of range; allowed codes: {allowed}",
                                    row=row, column=column.key, value=value))
            return None
        if code is None:
            allowed = ", ".join(self.instrument.scale["label"])
            more = "" if self.table.tool.numbers_are_codes else " (another wording can be mapped under 'values:' in a mapping file)"
            problems.append(Problem(self.table.file, f"answer is not a label on the scale; allowed: {allowed}{more}",
                                    row=row, column=column.key, value=value))
            return None
        if code not in self.instrument.codes:
            problems.append(Problem(self.table.file, "the mapping gives a code that is not on the scale",
                                    row=row, column=column.key, value=f"{text} -> {code}"))
            return None
        self.used[how] = code
        return code

    def labelled(self, columns: list[Column]) -> dict[str, int]:
        """Every code the export's own value labels give the item ``columns`` (one meaning per code)."""
        found: dict[str, int | None] = {}
        for column in columns:
            for number, label in self.table.value_labels.get(column.key, {}).items():
                code = self.labels.get(norm(label))
                if code is not None:
                    found[number] = code if found.get(number, code) == code else None
        return {k: v for k, v in found.items() if v is not None}

    def _number(self, number: str, row: int, column: Column, value: object, problems: list[Problem]) -> int | None:
        labels = self.table.value_labels.get(column.key)
        if labels:
            label = labels.get(number)
            code = self.labels.get(norm(label)) if label is not None else None
            if code is None:
                what = f"is labelled {label!r}, not a label on the scale" if label else "has no value label in the export"
                problems.append(Problem(self.table.file, f"code {number} {what}", row=row, column=column.key, value=value))
            return code
        if self.table.tool.numbers_are_codes:
            code = int(number)
            if code not in self.instrument.codes:
                allowed = ", ".join(map(str, self.instrument.codes))
                problems.append(Problem(self.table.file, f"score out of range; allowed codes: {allowed}",
                                        row=row, column=column.key, value=value))
                return None
            return code
        if column.key not in self.refused:
            self.refused.add(column.key)
            problems.append(Problem(
                self.table.file, f"numeric answers, but the {self.table.tool.label} export does not say which answer each "
                "number stands for (tools number answers in display order); export the answers as choice texts, or give "
                "a value map ('values:' in a mapping file, --mapping FILE)", row=row, column=column.key, value=value))
        return None


def tidy_responses(table: Table, instrument: Instrument, municipalities: Municipalities) -> pd.DataFrame:
    """The answers of a plain tidy export (columns ``municipality``, ``item``, ``score``)."""
    problems: list[Problem] = []
    header = [c.key for c in table.columns]
    folded = [h.casefold() for h in header]
    where = table.header_rows[0]
    muni_col = next(i for i, h in enumerate(folded) if h in MUNICIPALITY_HEADERS)
    item_col, score_col = folded.index("item"), folded.index("score")
    for i, text in enumerate(header):
        if i not in (muni_col, item_col, score_col):
            problems.append(Problem(table.file, "unknown column; a tidy export has municipality, item, score", row=where, column=text, value=text))
    items = {}
    for key, question in zip(instrument.items["item"], instrument.items["question"]):
        items[norm(key)] = items[norm(question)] = key
    answers = Answers(instrument, table, {})
    records, seen, first_row = [], {}, {}
    for number, cells in table.body:
        muni = municipalities.find(cells[muni_col])
        if muni is None:
            problems.append(municipalities.problem(table.file, number, header[muni_col], cells[muni_col]))
        key = items.get(norm(cells[item_col]))
        if key is None:
            problems.append(Problem(table.file, "unknown item: not an item key or question of the instrument", row=number, column=header[item_col], value=cells[item_col]))
        code = answers.code(cells[score_col], number, table.columns[score_col], problems)
        if muni is None or key is None:
            continue
        first_row.setdefault(muni, number)
        if (muni, key) in seen:
            problems.append(Problem(table.file, f"{muni} answers item {key!r} twice (first on row {seen[muni, key]})", row=number, column=header[item_col], value=cells[item_col]))
            continue
        seen[muni, key] = number
        records.append((muni, key, code))
    for muni, number in first_row.items():
        for key in instrument.items["item"]:
            if (muni, key) not in seen:
                problems.append(Problem(table.file, f"item missing: {muni} has no answer to item {key!r}", row=number, column=header[item_col], value=key))
    if problems:
        raise DataError(problems)
    return pd.DataFrame.from_records(records, columns=["municipality", "item", "score"])

