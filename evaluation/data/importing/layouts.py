"""Recognise the layout a survey tool gives its export: which sheet holds the answers,
how many header rows there are, which columns are the tool's own metadata, and which
value labels the export itself declares.

Layouts recognised (a file that is none of them is read as the plain layout:
one header row of item keys or question texts):

============  =========================================================================
tool          recognised by
============  =========================================================================
qualtrics     a third header row of ``{"ImportId": ...}`` cells (export tags, question
              texts, import ids); ``Status``, ``Finished``, ``RecordedDate``
surveymonkey  ``Respondent ID`` and ``Collector ID`` in the first of two header rows
              (question stems, then ``Response`` or a matrix row's label)
msforms       ``ID``, ``Start time`` and ``Completion time`` (Microsoft Forms)
googleforms   a first column ``Timestamp`` (Google Forms)
surveyxact    a ``respondentid`` column; in a workbook the sheet ``Dataset``, with
              variable labels and value labels from the other sheets
============  =========================================================================
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ...exceptions import DataError, Problem
from .sources import Source

__all__ = ["Column", "Table", "TOOLS", "detect_table", "column_letter", "norm", "shown", "blank"]


def norm(value: object) -> str:
    """Whitespace-normalised, case-folded text of a cell (``""`` for blank)."""
    return "" if value is None else " ".join(str(value).split()).casefold()


def shown(value: object) -> str:
    """Whitespace-normalised text of a cell, in its own letter case."""
    return "" if value is None else " ".join(str(value).split())


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def column_letter(index: int) -> str:
    """Spreadsheet letter of the 0-based column ``index`` (0 -> 'A')."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Tool:
    key: str
    label: str
    header_rows: int
    metadata: tuple[str, ...]  # case-folded header names of the tool's own columns
    metadata_prefixes: tuple[str, ...] = ()
    time: tuple[str, ...] = ()  # time stamp columns, preferred first
    numbers_are_codes: bool = False  # numbers in the plain layout are the contract's codes


_QUALTRICS_META = (
    "startdate", "enddate", "status", "ipaddress", "progress", "duration (in seconds)", "finished", "recordeddate",
    "responseid", "recipientlastname", "recipientfirstname", "recipientemail", "externalreference",
    "locationlatitude", "locationlongitude", "distributionchannel", "userlanguage",
)
TOOLS = {
    tool.key: tool
    for tool in (
        Tool("plain", "plain table (one header row)", 1, (), numbers_are_codes=True),
        Tool("qualtrics", "Qualtrics", 3, _QUALTRICS_META, time=("recordeddate", "enddate")),
        Tool("surveymonkey", "SurveyMonkey", 2,
             ("respondent id", "collector id", "start date", "end date", "ip address", "email address", "first name",
              "last name"), ("custom data",), time=("end date",)),
        Tool("msforms", "Microsoft Forms", 1,
             ("id", "start time", "completion time", "email", "name", "last modified time", "total points",
              "quiz feedback"), ("points - ", "feedback - "), time=("completion time",)),
        Tool("googleforms", "Google Forms", 1, ("timestamp", "tidsstempel", "email address", "e-mailadresse", "score"),
             time=("timestamp", "tidsstempel")),
        Tool("surveyxact", "SurveyXact", 1,
             ("respondentid", "email", "name", "created", "starttime", "closetime", "distributiontype", "language"),
             ("statoverall_", "stato_", "stat_"), time=("closetime",)),
    )
}
_SUBLABELS = {"response", "open-ended response", "svar"}


@dataclass
class Column:
    """One column of the answer table.

    ``key`` is the name a mapping file uses for it (the first header row's
    text, or the stem and the row label of a matrix); ``texts`` are every
    text the export gives the column (header cells, a matrix's stem and row
    label, a variable label), each of which may name an item.
    """

    index: int
    key: str
    texts: tuple[str, ...]
    import_id: str = ""

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Table:
    """An export's answer table, its header resolved."""

    file: str
    sheet: str
    tool: Tool
    header_rows: list[int]
    columns: list[Column]
    body: list[tuple[int, list[object]]]
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # column key -> code -> label

    def column(self, key: str) -> Column | None:
        wanted = norm(key)
        for column in self.columns:
            if norm(column.key) == wanted or norm(column.letter) == wanted:
                return column
        return None

    def is_metadata(self, column: Column) -> bool:
        name = norm(column.texts[0]) if column.texts else ""
        return name in self.tool.metadata or any(name.startswith(p) for p in self.tool.metadata_prefixes)

    def time_column(self) -> Column | None:
        for wanted in self.tool.time:
            for column in self.columns:
                if column.texts and norm(column.texts[0]) == wanted:
                    return column
        return None

    def where(self) -> str:
        return f"{self.file} (sheet {self.sheet!r})" if self.sheet else self.file


def _filled(rows):
    return [(n, list(cells)) for n, cells in rows if not all(blank(c) for c in cells)]


def _guess_tool(rows) -> Tool:
    first = [norm(c) for c in rows[0][1]]
    third = rows[2][1] if len(rows) > 2 else []
    if any(isinstance(c, str) and c.lstrip().startswith('{"ImportId"') for c in third):
        return TOOLS["qualtrics"]
    if "respondent id" in first and "collector id" in first:
        return TOOLS["surveymonkey"]
    if {"id", "start time", "completion time"} <= set(first):
        return TOOLS["msforms"]
    if first and first[0] in ("timestamp", "tidsstempel"):
        return TOOLS["googleforms"]
    if "respondentid" in first:
        return TOOLS["surveyxact"]
    return TOOLS["plain"]


def _choose_sheet(source: Source) -> tuple[str, list]:
    """The sheet holding the answers: ``Dataset`` when a workbook has one, else the first sheet with cells."""
    sheets = [(name, _filled(rows)) for name, rows in source.sheets]
    for name, rows in sheets:
        if norm(name) in ("dataset", "data") and rows:
            return name, rows
    for name, rows in sheets:
        if rows:
            return name, rows
    raise DataError(Problem(source.name, "file is empty"))


def detect_table(source: Source, tool_key: str = "", sheet: str = "", header_rows: int = 0) -> Table:
    """Find the answer table of ``source`` and resolve its header.

    ``tool_key``, ``sheet`` and ``header_rows`` override what is recognised
    (a mapping file gives them).
    """
    problems: list[Problem] = []
    if sheet and source.kind == "workbook":
        found = [(n, _filled(r)) for n, r in source.sheets if norm(n) == norm(sheet)]
        if not found:
            names = ", ".join(n for n, _ in source.sheets)
            raise DataError(Problem(source.name, f"no sheet {sheet!r}; the workbook has {names}", value=sheet))
        name, rows = found[0]
        if not rows:
            raise DataError(Problem(source.name, "the sheet is empty", column=name))
    else:
        name, rows = _choose_sheet(source)
    tool = TOOLS[tool_key] if tool_key else _guess_tool(rows)
    count = header_rows or tool.header_rows
    if len(rows) <= count:
        raise DataError(Problem(source.name, "file is empty: a header but no answers", row=rows[-1][0]))
    width = max(len(cells) for _, cells in rows)
    heads = [cells + [None] * (width - len(cells)) for _, cells in rows[:count]]
    body = []
    columns = _columns(heads, tool, width)
    kept = {c.index for c in columns}
    for number, cells in rows[count:]:
        cells = cells + [None] * (width - len(cells))
        for i, value in enumerate(cells):
            if i not in kept and not blank(value):
                problems.append(Problem(source.name, "value in a column without a header", row=number,
                                        column=column_letter(i), value=value))
        body.append((number, [cells[c.index] for c in columns]))
    if problems:
        raise DataError(problems)
    table = Table(source.name, name if source.kind == "workbook" else "", tool, [n for n, _ in rows[:count]],
                  columns, body)
    if source.kind == "workbook":
        _add_labels(table, source, name)
    return table


def _columns(heads: list[list[object]], tool: Tool, width: int) -> list[Column]:
    columns, stem = [], ""
    for i in range(width):
        cells = [shown(h[i]) for h in heads]
        import_id = ""
        if tool.key == "qualtrics":
            import_id = _import_id(cells[2])
            cells = cells[:2]
        if tool.key == "surveymonkey":
            top, sub = cells[0], cells[1] if len(cells) > 1 else ""
            stem = top or (stem if sub else "")
            texts = [t for t in (stem if not top else top, sub) if t and norm(t) not in _SUBLABELS]
            if top and sub and norm(sub) not in _SUBLABELS:
                key = f"{top} / {sub}"
            elif not top and sub:
                key = f"{stem} / {sub}"
            else:
                key = top
        else:
            texts = [t for t in cells if t]
            key = texts[0] if texts else ""
            grid = re.fullmatch(r"(.+?)\s*\[(.+)\]", key)
            if grid:  # Google Forms grid question: "stem [row]"
                texts += [grid.group(1), grid.group(2)]
            if tool.key == "qualtrics" and len(texts) > 1 and " - " in texts[1]:  # matrix: "stem - row"
                texts += texts[1].rsplit(" - ", 1)
        if not key:
            continue
        columns.append(Column(i, key, tuple(dict.fromkeys(texts)), import_id))
    seen: dict[str, int] = {}
    for column in columns:
        seen[norm(column.key)] = seen.get(norm(column.key), 0) + 1
    for column in columns:
        if seen[norm(column.key)] > 1:
            column.key = f"{column.key} ({column.letter})"
    return columns


def _import_id(cell: str) -> str:
    try:
        value = json.loads(cell)
    except (ValueError, TypeError):
        return ""
    return str(value.get("ImportId", "")) if isinstance(value, dict) else ""


_VARIABLE = ("variable", "variabel", "variabelnavn", "name")
_VALUE = ("value", "værdi", "kode", "code")
_LABEL = ("label", "etiket", "tekst", "text", "spørgsmål", "question")


def _label_sheets(source: Source, skip: str):
    for name, rows in source.sheets:
        rows = _filled(rows)
        if name == skip or not rows:
            continue
        head = [norm(c) for c in rows[0][1]]
        find = lambda words: next((i for i, h in enumerate(head) if h in words), None)  # noqa: E731
        yield rows[1:], find(_VARIABLE), find(_VALUE), find(_LABEL)


def _add_labels(table: Table, source: Source, data_sheet: str) -> None:
    """Variable labels (question texts) and value labels from a workbook's other sheets."""
    by_name = {norm(c.texts[0]): c for c in table.columns if c.texts}
    for rows, var, value, label in _label_sheets(source, data_sheet):
        if var is None or label is None:
            continue
        current = ""
        for _, cells in rows:
            cells = cells + [None] * (max(var, label, value or 0) + 1 - len(cells))
            current = shown(cells[var]) or current
            column = by_name.get(norm(current))
            text = shown(cells[label])
            if column is None or not text:
                continue
            if value is None:
                column.texts = tuple(dict.fromkeys(column.texts + (text,)))
            elif not blank(cells[value]):
                code = shown(cells[value])
                code = code[:-2] if code.endswith(".0") else code
                table.value_labels.setdefault(column.key, {})[code] = text
