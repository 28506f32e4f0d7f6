"""Decide which rows of an export count, the way a careful evaluator would, and say why.

Rows dropped, each with its reason:

- a preview, test or spam response (Qualtrics ``Status``);
- an unfinished attempt (Qualtrics ``Finished`` false; SurveyXact: no close time);
- a row without an answer to any item (an invited contact who never answered);
- an earlier complete response of a municipality that answered again: the
  latest by the export's own time stamp counts.  Without a time stamp two
  responses of one municipality are a problem naming both rows.
"""
from __future__ import annotations

import datetime as dt
import re

from ...exceptions import Problem
from .layouts import Column, Table, blank, norm, shown

__all__ = ["Row", "screen_rows", "pick_latest", "parse_time"]

_STATUS_DROPPED = {
    "survey preview": "a survey preview", "1": "a survey preview",
    "survey test": "a survey test", "2": "a survey test",
    "spam": "marked as spam", "8": "marked as spam",
}
_FALSE = {"false", "0", "nej", "no"}
_FORMATS = {
    "surveymonkey": ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M"),
    "googleforms": ("%Y/%m/%d %I:%M:%S %p", "%Y/%m/%d %H:%M:%S", "%d/%m/%Y %H.%M.%S", "%d/%m/%Y %H:%M:%S"),
    "msforms": ("%m/%d/%y %H:%M:%S", "%m/%d/%Y %H:%M:%S"),
    "surveyxact": ("%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M"),
}
_ZONE = re.compile(r"\s*(?:GMT|UTC)([+-]\d{1,2})(?::?(\d{2}))?$")


class Row:
    """One row of the export's answer table and what became of it."""

    def __init__(self, number: int, cells: list[object]):
        self.number = number
        self.cells = cells
        self.municipality: str | None = None
        self.dropped = ""  # the reason, empty while the row counts

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Row({self.number}, {self.municipality!r}, {self.dropped!r})"


def _named(table: Table, name: str) -> Column | None:
    return next((c for c in table.columns if c.texts and norm(c.texts[0]) == name), None)


def screen_rows(table: Table, item_columns: list[Column]) -> list[Row]:
    """Every body row, with the reason it is dropped for previews, unfinished attempts and empty rows."""
    position = {c.index: i for i, c in enumerate(table.columns)}
    status, finished, progress = (_named(table, n) for n in ("status", "finished", "progress"))
    closed = _named(table, "closetime") if table.tool.key == "surveyxact" else None
    rows = []
    for number, cells in table.body:
        row = Row(number, cells)
        answered = any(not blank(cells[position[c.index]]) for c in item_columns)
        if table.tool.key == "qualtrics" and status is not None:
            why = _STATUS_DROPPED.get(norm(cells[position[status.index]]))
            if why:
                row.dropped = f"{why} ({status.key} = {shown(cells[position[status.index]])})"
        if not row.dropped and table.tool.key == "qualtrics" and finished is not None \
                and norm(cells[position[finished.index]]) in _FALSE:
            done = f", {progress.key} = {shown(cells[position[progress.index]])} %" if progress is not None else ""
            row.dropped = f"an unfinished attempt ({finished.key} = {shown(cells[position[finished.index]])}{done})"
        if not row.dropped and not answered:
            row.dropped = "no answer to any item (an invited contact who never answered)"
        if not row.dropped and closed is not None and blank(cells[position[closed.index]]):
            row.dropped = f"an unfinished attempt (no {closed.key})"
        rows.append(row)
    return rows


def parse_time(value: object, tool: str) -> dt.datetime | None:
    """The time stamp of a cell as the tool writes it; ``None`` if it is not one."""
    if isinstance(value, dt.datetime):
        return value
    text = shown(value)
    if not text:
        return None
    zone = None
    match = _ZONE.search(text)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2) or 0)
        zone = dt.timezone(dt.timedelta(hours=hours, minutes=minutes if hours >= 0 else -minutes))
        text = text[: match.start()]
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        stamp = None
        for fmt in _FORMATS.get(tool, ()):
            try:
                stamp = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if stamp is None:
        return None
    if zone is not None:  # compare instants: convert to UTC, drop the zone
        stamp = stamp.replace(tzinfo=zone).astimezone(dt.timezone.utc).replace(tzinfo=None)
    return stamp


def pick_latest(rows: list[Row], table: Table, time: Column | None, municipality_key: str, problems: list[Problem]) -> None:
    """Among the rows that count, keep the latest response of each municipality; drop the others with the reason."""
    position = {c.index: i for i, c in enumerate(table.columns)}
    groups: dict[str, list[Row]] = {}
    for row in rows:
        if not row.dropped and row.municipality is not None:
            groups.setdefault(row.municipality, []).append(row)
    for muni, group in groups.items():
        if len(group) < 2:
            continue
        numbers = ", ".join(str(r.number) for r in group)
        if time is None:
            problems.append(Problem(table.file, f"{muni} answered more than once (rows {numbers}) and the export has no "
                                    "time stamp to tell which response is the latest; keep only the response that counts "
                                    "in a copy of the export, or name a time stamp column in a mapping",
                                    row=group[-1].number, column=municipality_key, value=muni))
            continue
        stamps = []
        for row in group:
            cell = row.cells[position[time.index]]
            stamp = parse_time(cell, table.tool.key)
            if stamp is None:
                problems.append(Problem(table.file, f"not a time stamp, so the latest response of {muni} (rows {numbers}) "
                                        "cannot be chosen", row=row.number, column=time.key, value=cell))
            stamps.append(stamp)
        if None in stamps:
            continue
        latest = max(stamps)
        if stamps.count(latest) > 1:
            problems.append(Problem(table.file, f"{muni} answered more than once (rows {numbers}) and two responses "
                                    "have the same latest time stamp", row=group[-1].number, column=time.key,
                                    value=shown(group[stamps.index(latest)].cells[position[time.index]])))
            continue
        kept = group[stamps.index(latest)]
        for row, stamp in zip(group, stamps):
            if row is not kept:
                row.dropped = (f"an earlier response of {muni}: row {kept.number} is later "
                               f"({time.key} {stamp:%Y-%m-%d %H:%M:%S} < {latest:%Y-%m-%d %H:%M:%S})")
