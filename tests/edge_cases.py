"""Edge-case data folders: small synthetic folders that each keep the data
contract (or break it in one documented way) at one of its corners.

Each case starts from :func:`evaluation.data.synth.write_synthetic` (three
municipalities, two rounds unless the case says otherwise) and rewrites the
files through the csv module, so a case is independent of how the synthetic
values were drawn.  ``CASES`` maps a case's name to a :class:`Case`: how to
make it and whether ``evaluation validate`` accepts it (a run must then
build a memo) or refuses it (naming file, row and column).

Use::

    folder = make_case("all_dont_know_followup", tmp_path / "data")
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from evaluation.data.synth import write_synthetic

__all__ = ["CASES", "Case", "HOSTILE_NAME", "LONG_NAME", "THIRD", "WIDE_NAME", "make_case", "read_rows", "write_rows"]

FIRST, SECOND, THIRD = "Kommune 001", "Kommune 002", "Kommune 003"
#: A municipality name past the documented limit (2,000 characters).
LONG_NAME = "Kommune " + "Langnavn" * 249
#: Markup, TeX (matplotlib reads ``$...$``), placeholders, a path and quotes, in 50 characters.
HOSTILE_NAME = '<b>K</b> $\\frac{a}$ {{ x }} ../.. "q" 1/2 & *_[x]#'
#: The longest name the contract allows, in characters that take four bytes in UTF-8 each.
WIDE_NAME = "\U0001d400" * 50


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _round_dirs(folder: Path) -> list[Path]:
    return sorted((folder / "rounds").iterdir(), key=lambda p: int(p.name.split("-")[1]))


def _scores(path: Path, change: Callable[[list[str]], str]) -> None:
    header, rows = read_rows(path)
    at = header.index("score")
    for row in rows:
        row[at] = change(row)
    write_rows(path, header, rows)


def _rename(folder: Path, old: str, new: str) -> None:
    """Rename a municipality in every CSV file of the folder."""
    for path in folder.rglob("*.csv"):
        header, rows = read_rows(path)
        cols = [i for i, c in enumerate(header) if c in ("municipality", "source")]
        write_rows(path, header, [[new if i in cols and v == old else v for i, v in enumerate(row)] for row in rows])


def _drop_municipality(path: Path, name: str) -> None:
    header, rows = read_rows(path)
    cols = [i for i, c in enumerate(header) if c in ("municipality", "source")]
    write_rows(path, header, [r for r in rows if not any(r[i] == name for i in cols)])


# ------------------------------------------------------------------ the cases
def all_dont_know_followup(folder: Path) -> None:
    """Every answer of the follow-up is "ved ikke"."""
    _scores(_round_dirs(folder)[-1] / "responses.csv", lambda row: "0")


def all_dont_know_baseline(folder: Path) -> None:
    """Every answer of the baseline is "ved ikke"."""
    _scores(_round_dirs(folder)[0] / "responses.csv", lambda row: "0")


def all_blank_followup(folder: Path) -> None:
    """Every question of the follow-up was left blank (not answered)."""
    _scores(_round_dirs(folder)[-1] / "responses.csv", lambda row: "")


def one_item_dont_know(folder: Path) -> None:
    """One parameter is answered "ved ikke" by everybody in both rounds."""
    for round_dir in _round_dirs(folder):
        _scores(round_dir / "responses.csv", lambda row: "0" if row[1] == "beredskab" else row[2])


def nobody_changes(folder: Path) -> None:
    """The follow-up's answers are the baseline's, so nobody changes."""
    first, last = _round_dirs(folder)[0], _round_dirs(folder)[-1]
    (last / "responses.csv").write_bytes((first / "responses.csv").read_bytes())


def all_at_ceiling(folder: Path) -> None:
    """Every answer in both rounds is the top of the scale."""
    for round_dir in _round_dirs(folder):
        _scores(round_dir / "responses.csv", lambda row: "4")


def listed_without_answers(folder: Path) -> None:
    """A municipality listed in municipalities.csv that has no answers in any round."""
    header, rows = read_rows(folder / "municipalities.csv")
    write_rows(folder / "municipalities.csv", header, [*rows, ["Kommune K", "false", "false"]])


def absent_from_followup(folder: Path) -> None:
    """The third municipality answered the baseline only (and took no part in the follow-up)."""
    last = _round_dirs(folder)[-1]
    for name in ("responses.csv", "participation.csv", "plan_status.csv", "quotes.csv", "codings.csv"):
        _drop_municipality(last / name, THIRD)


def one_municipality(folder: Path) -> None:
    """A panel of one municipality (the folder is made with one)."""


def middle_round_unanswered(folder: Path) -> None:
    """Three rounds; nobody answered the middle one (its answers file holds only the header)."""
    middle = _round_dirs(folder)[1]
    header, _ = read_rows(middle / "responses.csv")
    write_rows(middle / "responses.csv", header, [])


def wide_name(folder: Path) -> None:
    """A name at the length limit, of characters that take four bytes each in a file name."""
    _rename(folder, FIRST, WIDE_NAME)


def hostile_name(folder: Path) -> None:
    """A name full of markup, TeX, template and path characters (the second municipality's)."""
    _rename(folder, SECOND, HOSTILE_NAME)


def long_name(folder: Path) -> None:
    """A municipality name of 2,000 characters: refused (past the documented limit)."""
    _rename(folder, FIRST, LONG_NAME)


def same_file_name(folder: Path) -> None:
    """Two names that give the same file name: refused."""
    header, rows = read_rows(folder / "municipalities.csv")
    write_rows(folder / "municipalities.csv", header, [*rows, ["kommune-001", "false", "false"]])


@dataclass(frozen=True)
class Case:
    """An edge case: how to make it, and what ``validate`` and ``run`` must do with it.

    ``builds`` are applied in turn (corners that cannot hide each other share
    a folder, so that the suite runs fewer memos).  ``refused`` is ``None``
    for a folder that validates (``run`` with ``args`` must build the memo,
    and the profiles if ``profiles``), else the ``(file, row, column)`` that
    the refusal names.  ``size`` overrides the synthetic panel's size.
    """

    builds: tuple[Callable[[Path], None], ...]
    refused: tuple | None = None
    size: dict = field(default_factory=dict)
    args: tuple[str, ...] = ()
    profiles: bool = False


CASES: dict[str, Case] = {
    "all_dont_know_followup": Case((all_dont_know_followup,)),
    "all_dont_know_baseline": Case((all_dont_know_baseline,)),
    "all_blank_followup": Case((all_blank_followup,)),
    "nobody_changes_one_item_dont_know": Case((nobody_changes, one_item_dont_know)),
    "all_at_ceiling": Case((all_at_ceiling,)),
    "middle_round_unanswered": Case((middle_round_unanswered,), size={"rounds": 3},
                                    args=("--baseline", "runde-1", "--followup", "runde-3")),
    "one_municipality": Case((one_municipality,), size={"municipalities": 1}, profiles=True),
    # Kommune 001 gets the widest name, 002 the hostile one, 003 skips the follow-up, K never answered.
    "profile_corners": Case((wide_name, hostile_name, absent_from_followup, listed_without_answers), profiles=True),
    "long_name": Case((long_name,), refused=("municipalities.csv", 2, "municipality")),
    "same_file_name": Case((same_file_name,), refused=("municipalities.csv", 5, "municipality")),
}


def make_case(name: str, out: Path) -> Path:
    """Write the edge-case folder ``name`` to ``out`` and return it."""
    case = CASES[name]
    folder = write_synthetic(out, **{"municipalities": 3, "rounds": 2, "seed": 7, **case.size})
    for build in case.builds:
        build(folder)
    return folder
