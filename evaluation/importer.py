"""Import a survey tool's export (.xlsx or .csv) as one round of the data folder.

Use::

    evaluation import eksport.xlsx --round opfoelgning-2019 [--data DIR] [--replace]

The export may be *wide* (one row per municipality, one column per item;
an item column is headed by the item's key or its Danish question) or *tidy*
(columns ``municipality``, ``item``, ``score``).  The municipality column may
be called ``municipality`` or ``kommune``.  Answers are codes (``3``,
``3.0``) or scale labels in any letter case (``I høj grad``, ``ved ikke``).

Every problem in the export is collected before one
:class:`~evaluation.exceptions.DataError` is raised; nothing is written then.
The export itself is only opened for reading.  A workbook is inspected as a
zip archive before openpyxl sees it, and its XML is parsed through
defusedxml.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from . import config
from .data import Instrument, load_instrument, load_municipalities, load_rounds, parse_response_rows
from .exceptions import DataError, EvaluationError, ParameterError, Problem
from .files import write_atomically

__all__ = [
    "MAX_BYTES",
    "MAX_RATIO",
    "RATIO_MIN_BYTES",
    "MAX_MEMBERS",
    "import_export",
    "read_export",
    "read_rows",
    "rows_to_responses",
    "check_xlsx_archive",
    "decode_text",
    "write_responses",
]

#: Largest export accepted: file size of a CSV, total uncompressed size of a workbook.
MAX_BYTES = 50 * 2**20
#: Largest compression ratio of a workbook member bigger than :data:`RATIO_MIN_BYTES`.
MAX_RATIO = 100
RATIO_MIN_BYTES = 2**20
#: Most members a workbook archive may have.
MAX_MEMBERS = 1000

_ENCODINGS = ("utf-8", "cp1252")
_MUNICIPALITY_HEADERS = ("municipality", "kommune")
_CHUNK = 2**20
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


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


def _unreadable(name: str, why: str) -> DataError:
    return DataError(Problem(name, f"unreadable file: {why}"))


# ------------------------------------------------------------- reading files
def decode_text(raw: bytes, name: str) -> str:
    """Decode a CSV export: UTF-8, UTF-8 with BOM or Windows-1252, in that order.

    Raises :class:`DataError` ("unreadable file") when the bytes are none of
    them, or hold NUL bytes (UTF-16 and binary files).
    """
    if b"\x00" in raw:
        raise _unreadable(name, "not a text file in UTF-8 or Windows-1252 (it holds NUL bytes; UTF-16?)")
    for encoding in _ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text[1:] if text.startswith("\ufeff") else text
    raise _unreadable(name, "not encoded as UTF-8 or Windows-1252")


def _split(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))


def _trimmed_width(row: list[str]) -> int:
    width = len(row)
    while width and not row[width - 1].strip():
        width -= 1
    return width


def _sniff(text: str, name: str) -> list[list[str]]:
    """Parse ``text`` with ',' or ';', whichever gives the consistent table.

    For each separator the score is the number of non-blank rows as wide as
    the header (blank trailing cells ignored); the higher score wins, ties go
    to the wider header, then to the comma.
    """
    best, best_key, error = None, None, None
    for delimiter in (",", ";"):
        try:
            rows = _split(text, delimiter)
        except csv.Error as exc:
            error = exc
            continue
        widths = [_trimmed_width(r) for r in rows if any(c.strip() for c in r)]
        header = widths[0] if widths else 0
        key = (sum(w == header for w in widths) if header > 1 else 0, header)
        if best_key is None or key > best_key:
            best, best_key = rows, key
    if best is None:
        raise _unreadable(name, f"broken CSV quoting: {error}")
    return best


def _csv_rows(path: Path, name: str) -> list[tuple[int, list[object]]]:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DataError(Problem(name, f"file is larger than {MAX_BYTES // 2**20} MB", value=size))
    with open(path, "rb") as fh:
        raw = fh.read()
    text = decode_text(raw, name)
    if not text.translate(str.maketrans("", "", ",;\"")).strip():
        raise DataError(Problem(name, "file is empty"))
    rows = _sniff(text, name)
    _check_separator(rows, name)
    return [(number, [cell.strip() for cell in row]) for number, row in enumerate(rows, start=1)]


def _check_separator(rows: list[list[str]], name: str) -> None:
    """Refuse a header that is one cell holding another separator (tab, '|'),
    which would otherwise read as one unknown column."""
    header = next((r for r in rows if any(c.strip() for c in r)), [])
    cells = [c for c in header if c.strip()]
    if len(cells) != 1:
        return
    for separator, what in (("\t", "tabs"), ("|", "'|'")):
        if separator in cells[0].strip():
            raise DataError(Problem(name, f"columns are separated by {what}; save the export with ',' or ';' "
                                          "between columns", row=rows.index(header) + 1, value=cells[0]))


def check_xlsx_archive(fh, name: str) -> None:
    """Refuse a workbook archive that could exhaust memory or hides a DTD.

    Checks, before any XML is parsed: at most :data:`MAX_MEMBERS` members,
    at most :data:`MAX_BYTES` uncompressed in total, no member over
    :data:`RATIO_MIN_BYTES` compressed more than :data:`MAX_RATIO`:1, and no
    member declaring a DTD or entities (Office Open XML never does).  The
    sizes checked are those the archive declares; :mod:`zipfile` never
    inflates a member past its declared size.

    Raises
    ------
    DataError
        "unreadable file" for something that is not a zip archive, "refused"
        for the limits above.
    """
    try:
        with zipfile.ZipFile(fh) as archive:
            members = archive.infolist()
            problems = _archive_limits(members, name)
            if problems:
                raise DataError(problems)
            for info in members:
                if _declares_dtd(archive, info):
                    raise DataError(
                        Problem(name, "refused: the workbook's XML declares a DTD or entities (an XML entity expansion attack?)", column=info.filename)
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise _unreadable(name, f"not a valid .xlsx workbook (zip archive): {exc}") from exc


def _archive_limits(members: list[zipfile.ZipInfo], name: str) -> list[Problem]:
    problems = []
    if len(members) > MAX_MEMBERS:
        problems.append(Problem(name, f"refused: the workbook archive has more than {MAX_MEMBERS} members", value=len(members)))
    total = sum(info.file_size for info in members)
    if total > MAX_BYTES:
        problems.append(
            Problem(name, f"refused: the workbook would unpack to more than {MAX_BYTES // 2**20} MB (a zip bomb?)", value=total)
        )
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_BYTES and ratio > MAX_RATIO:
            problems.append(
                Problem(name, f"refused: a member is compressed {ratio:.0f}:1, more than {MAX_RATIO}:1 (a zip bomb?)", column=info.filename, value=info.file_size)
            )
    return problems


def _declares_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    if info.is_dir():
        return False
    tail = b""
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _DTD_MARKERS):
                return True
            tail = window[-16:]
    return False


def _require_defusedxml() -> None:
    """Make sure openpyxl parses XML through defusedxml."""
    import defusedxml.ElementTree
    import openpyxl.xml
    import openpyxl.xml.functions

    if not (openpyxl.xml.DEFUSEDXML and openpyxl.xml.functions.iterparse is defusedxml.ElementTree.iterparse):
        raise EvaluationError(
            "openpyxl does not parse XML through defusedxml; install defusedxml and leave OPENPYXL_DEFUSEDXML unset"
        )


def _caused_by_unsafe_xml(exc: BaseException) -> bool:
    from defusedxml import DefusedXmlException

    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DefusedXmlException):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _xlsx_rows(path: Path, name: str) -> list[tuple[int, list[object]]]:
    _require_defusedxml()
    import openpyxl

    with open(path, "rb") as fh:
        check_xlsx_archive(fh, name)
        fh.seek(0)
        try:
            workbook = openpyxl.load_workbook(fh, read_only=False, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds of error on a damaged workbook
            if _caused_by_unsafe_xml(exc):
                raise DataError(Problem(name, "refused: the workbook's XML declares entities or a DTD (defusedxml stopped it)")) from exc
            raise _unreadable(name, f"not a valid .xlsx workbook: {type(exc).__name__}: {exc}") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=sheet.max_column, values_only=True)
        return [(number, [v.strip() if isinstance(v, str) else v for v in row]) for number, row in enumerate(rows, start=1)]
    finally:
        workbook.close()


def read_rows(path: str | os.PathLike) -> list[tuple[int, list[object]]]:
    """Read the cells of an export, with each row's number as a spreadsheet shows it.

    Parameters
    ----------
    path : path-like
        A ``.xlsx`` workbook (its first sheet is read) or a ``.csv`` file.

    Returns
    -------
    list of (int, list)
        ``(row number, cells)`` for every row, the first row being 1; cells
        are stripped strings (CSV) or openpyxl values (``None`` for blank).

    Raises
    ------
    DataError
        Missing, unsupported, unsafe or unreadable file.
    """
    path = Path(path)
    name = os.fspath(path)
    if not path.is_file():
        raise DataError(Problem(name, "file is missing"))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path, name)
    if suffix == ".xlsx":
        return _xlsx_rows(path, name)
    raise DataError(Problem(name, "unsupported file type; export the survey as .xlsx or .csv", value=path.suffix))


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


def read_export(path: str | os.PathLike, instrument: Instrument, municipalities: pd.DataFrame) -> pd.DataFrame:
    """Read a survey export into the contract's answers for one round.

    Returns
    -------
    DataFrame
        ``municipality``, ``item``, ``score`` (int code 0-4); see
        :func:`rows_to_responses`.

    Raises
    ------
    DataError
        Listing every problem of the file.
    """
    return rows_to_responses(read_rows(path), os.fspath(path), instrument, municipalities)


# ------------------------------------------------------------------- writing
def write_responses(frame: pd.DataFrame, target: Path) -> Path:
    """Write answers to ``target`` atomically: UTF-8, ``\\n`` line endings.

    The rows go to a temporary file in the same folder, which replaces
    ``target`` in one step; on any failure the temporary file is removed and
    ``target`` is left as it was.
    """
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(["municipality", "item", "score"])
            writer.writerows(frame[["municipality", "item", "score"]].itertuples(index=False, name=None))
            fh.flush()
            os.fsync(fh.fileno())  # raw data: on disk before it replaces the old file

    return write_atomically(target, write)


def import_export(path: str | os.PathLike, round_key: str, *, data: str | os.PathLike | None = None, replace: bool = False) -> Path:
    """Import a survey export as the answers of round ``round_key``.

    Parameters
    ----------
    path : path-like
        The export, ``.xlsx`` or ``.csv`` (wide or tidy; see the module).
    round_key : str
        A round listed in ``rounds.yml``.
    data : path-like, optional
        The data folder (default: the bundled ``data/``).
    replace : bool
        Overwrite ``responses/<round_key>.csv`` if it exists.

    Returns
    -------
    Path
        The file written, ``responses/<round_key>.csv``, with columns
        ``municipality``, ``item``, ``score``.

    Raises
    ------
    DataError
        Listing every problem: unknown round, existing round file, and
        every problem of the export.  Nothing is written then.
    """
    if not isinstance(round_key, str) or not round_key:
        raise ParameterError(f"round_key must be a non-empty string, got {round_key!r}")
    if not isinstance(replace, bool):
        raise ParameterError(f"replace must be True or False, got {replace!r}")
    instrument = load_instrument(data)
    rounds = load_rounds(data)
    municipalities = load_municipalities(data)
    problems: list[Problem] = []
    known = rounds["round"].tolist()
    target = None
    if round_key not in known:
        rounds_file = os.fspath(config.data_dir(data) / "rounds.yml")
        problems.append(Problem(rounds_file, f"unknown round; add it to rounds.yml first or use one of {', '.join(known)}", column="key", value=round_key))
    else:
        target = config.round_file(round_key, data)
        if target.exists() and not replace:
            problems.append(Problem(os.fspath(target), "the round already has a response file; use --replace (replace=True) to overwrite it", value=round_key))
    try:
        frame = read_export(path, instrument, municipalities)
    except DataError as exc:
        problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    _check_written_form(frame, instrument, municipalities)
    return write_responses(frame, target)


def _check_written_form(frame: pd.DataFrame, instrument: Instrument, municipalities: pd.DataFrame) -> None:
    """Make sure the rows about to be written load with the contract reader."""
    with tempfile.TemporaryDirectory() as folder:
        probe = write_responses(frame, Path(folder) / "probe.csv")
        problems: list[Problem] = []
        parse_response_rows(probe, instrument, municipalities, problems)
    if problems:
        raise DataError(problems)
