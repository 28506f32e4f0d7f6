"""Read a survey export's cells: text files of any common encoding and delimiter, and workbooks.

A workbook is inspected as a zip archive before openpyxl sees it (size,
compression ratio, member count, DTDs), and its XML is parsed through
defusedxml.  The export itself is only opened for reading.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ...exceptions import DataError, EvaluationError, Problem

__all__ = [
    "MAX_BYTES", "MAX_RATIO", "RATIO_MIN_BYTES", "MAX_MEMBERS", "Source", "read_source", "read_rows",
    "check_xlsx_archive", "decode_text",
]


#: Largest export accepted: file size of a CSV, total uncompressed size of a workbook.
MAX_BYTES = 50 * 2**20
#: Largest compression ratio of a workbook member bigger than :data:`RATIO_MIN_BYTES`.
MAX_RATIO = 100
RATIO_MIN_BYTES = 2**20
#: Most members a workbook archive may have.
MAX_MEMBERS = 1000

_ENCODINGS = ("utf-8", "cp1252")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig", "UTF-8 with BOM"), (b"\xff\xfe", "utf-16", "UTF-16"), (b"\xfe\xff", "utf-16", "UTF-16"))
_DELIMITERS = {",": "','", ";": "';'", "\t": "tab"}
#: File name endings read as delimited text.
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass
class Source:
    """The cells of one export and how they were read.

    ``sheets`` holds ``(sheet name, rows)`` in workbook order (one unnamed
    sheet for a text file); rows are ``(row number, cells)`` as
    :func:`read_rows` returns them.
    """

    name: str
    sha256: str
    kind: str  # "text" or "workbook"
    encoding: str = ""
    delimiter: str = ""
    sheets: list = field(default_factory=list)

    def describe(self) -> str:
        if self.kind == "workbook":
            return "Excel workbook (.xlsx)"
        return f"text, {self.encoding}, {_DELIMITERS.get(self.delimiter, repr(self.delimiter))}-separated"
_CHUNK = 2**20
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


def _unreadable(name: str, why: str) -> DataError:
    return DataError(Problem(name, f"unreadable file: {why}"))


# ------------------------------------------------------------- reading files
def decode_text(raw: bytes, name: str) -> str:
    """Decode a text export: UTF-16 or UTF-8 with a byte-order mark, else UTF-8, else Windows-1252.

    Raises :class:`DataError` ("unreadable file") when the bytes are none of
    them, or hold NUL bytes without a UTF-16 byte-order mark (binary files).
    """
    return _decode(raw, name)[0]


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    """The text of ``raw`` and the name of its encoding (see :func:`decode_text`)."""
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError as exc:
                raise _unreadable(name, f"it starts as {label} but is not: {exc}") from exc
            return (text[1:] if text.startswith("\ufeff") else text), label
    if b"\x00" in raw:
        raise _unreadable(name, "not a text file in UTF-8, UTF-16 with byte-order mark or Windows-1252 (it holds NUL bytes)")
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding), {"utf-8": "UTF-8", "cp1252": "Windows-1252"}[encoding]
        except UnicodeDecodeError:
            continue
    raise _unreadable(name, "not encoded as UTF-8, UTF-16 or Windows-1252")


def _split(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))


def _trimmed_width(row: list[str]) -> int:
    width = len(row)
    while width and not row[width - 1].strip():
        width -= 1
    return width


def _sniff(text: str, name: str) -> tuple[list[list[str]], str]:
    """Parse ``text`` with ',', ';' or a tab, whichever gives the consistent table.

    For each separator the score is the number of non-blank rows as wide as
    the header (blank trailing cells ignored); the higher score wins, ties go
    to the wider header, then to the comma, then the semicolon.
    """
    best, best_key, error, chosen = None, None, None, ","
    for delimiter in _DELIMITERS:
        try:
            rows = _split(text, delimiter)
        except csv.Error as exc:
            error = exc
            continue
        widths = [_trimmed_width(r) for r in rows if any(c.strip() for c in r)]
        header = widths[0] if widths else 0
        key = (sum(w == header for w in widths) if header > 1 else 0, header)
        if best_key is None or key > best_key:
            best, best_key, chosen = rows, key, delimiter
    if best is None:
        raise _unreadable(name, f"broken CSV quoting: {error}")
    return best, chosen


def _text_source(path: Path, name: str, raw: bytes, digest: str) -> Source:
    text, encoding = _decode(raw, name)
    if not text.translate(str.maketrans("", "", ",;\"\t")).strip():
        raise DataError(Problem(name, "file is empty"))
    rows, delimiter = _sniff(text, name)
    _check_separator(rows, name)
    cells = [(number, [cell.strip() for cell in row]) for number, row in enumerate(rows, start=1)]
    return Source(name, digest, "text", encoding, delimiter, [("", cells)])


def _check_separator(rows: list[list[str]], name: str) -> None:
    """Refuse a header that is one cell holding another separator ('|'),
    which would otherwise read as one unknown column."""
    header = next((r for r in rows if any(c.strip() for c in r)), [])
    cells = [c for c in header if c.strip()]
    if len(cells) != 1:
        return
    for separator, what in (("|", "'|'"),):
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


def _workbook_source(path: Path, name: str, digest: str) -> Source:
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
        sheets = []
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=sheet.max_column, values_only=True)
            cells = [(number, [v.strip() if isinstance(v, str) else v for v in row]) for number, row in enumerate(rows, start=1)]
            sheets.append((sheet.title, cells))
        return Source(name, digest, "workbook", sheets=sheets)
    finally:
        workbook.close()


def read_source(path: str | os.PathLike) -> Source:
    """Read every sheet of an export (``.xlsx``) or the table of a text export.

    Text exports (``.csv``, ``.tsv``, ``.txt``) may be UTF-8 (with or
    without byte-order mark), UTF-16 with byte-order mark or Windows-1252,
    separated by commas, semicolons or tabs.  The file is only read.

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
    if suffix not in TEXT_SUFFIXES + (".xlsx",):
        raise DataError(Problem(name, "unsupported file type; export the survey as .xlsx or .csv", value=path.suffix))
    size = path.stat().st_size
    if suffix != ".xlsx" and size > MAX_BYTES:
        raise DataError(Problem(name, f"file is larger than {MAX_BYTES // 2**20} MB", value=size))
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    if suffix == ".xlsx":
        return _workbook_source(path, name, digest.hexdigest())
    return _text_source(path, name, path.read_bytes(), digest.hexdigest())


def read_rows(path: str | os.PathLike) -> list[tuple[int, list[object]]]:
    """Read the cells of an export, with each row's number as a spreadsheet shows it.

    Parameters
    ----------
    path : path-like
        A ``.xlsx`` workbook (its first sheet is read) or a text export.

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
    return read_source(path).sheets[0][1]
