"""Reading contract files: strict CSV and YAML, and the shared value checks.

Every helper adds :class:`~evaluation.exceptions.Problem` records to a list
instead of raising at the first one, so a loader can report a whole file.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import yaml

from .. import config
from ..exceptions import DataError, Problem

__all__ = [
    "read_csv_strict",
    "read_yaml",
    "check_values",
    "check_unique",
    "raise_problems",
    "display_path",
]


def display_path(path: Path) -> str:
    """A short, readable name for a file in messages."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _TextDateLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that dates stay text: the loaders check
    them, so an impossible date is reported with its field and value."""


_TextDateLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path, problems: list[Problem]) -> dict | None:
    if not path.is_file():
        problems.append(Problem(display_path(path), "file is missing"))
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            content = yaml.load(fh, Loader=_TextDateLoader)  # noqa: S506 - a SafeLoader
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, TypeError) as exc:
        problems.append(Problem(display_path(path), f"not readable as UTF-8 YAML: {exc}"))
        return None
    if not isinstance(content, dict):
        problems.append(Problem(display_path(path), "expected a mapping at the top level"))
        return None
    return content


def read_csv_strict(path: Path, columns: list[str], problems: list[Problem], *, allow_empty: bool = False,
                    optional: tuple[str, ...] = ()) -> pd.DataFrame | None:
    """Read a contract CSV (UTF-8, comma) as strings, checking its header.

    Adds a :class:`Problem` and returns ``None`` when the file is missing,
    unreadable, empty (unless ``allow_empty``: then a file without any line
    reads as no rows) or lacks a required column.  An ``optional`` column
    absent from the header reads as empty text.  The returned frame has a
    ``_line`` column with each row's line number in the file.
    """
    name = display_path(path)
    if not path.is_file():
        problems.append(Problem(name, "file is missing"))
        return None
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            numbered = [(n, r) for n, r in enumerate(csv.reader(fh), start=1) if any(cell.strip() for cell in r)]
    except (UnicodeDecodeError, csv.Error, OSError) as exc:
        problems.append(Problem(name, f"not readable as UTF-8 CSV: {exc}"))
        return None
    if not numbered:
        if allow_empty:
            frame = pd.DataFrame({c: pd.Series(dtype=object) for c in [*columns, *optional]})
            frame["_line"] = pd.Series(dtype="int64")
            return frame
        problems.append(Problem(name, "file is empty"))
        return None
    header = [h.strip() for h in numbered[0][1]]
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        problems.append(Problem(name, f"column(s) {', '.join(twice)} appear more than once in the header", row=1, value=",".join(header)))
        return None
    missing = [c for c in columns if c not in header]
    if missing:
        problems.append(
            Problem(name, f"missing column(s) {', '.join(missing)}; expected {', '.join(columns)}", row=1, value=",".join(header))
        )
        return None
    present = [c for c in optional if c in header]
    columns = [*columns, *present]
    wanted = [header.index(c) for c in columns]
    values: list[list[str]] = [[] for _ in columns]
    lines = []
    for line_no, row in numbered[1:]:
        if len(row) != len(header):
            problems.append(
                Problem(name, f"expected {len(header)} fields, found {len(row)}", row=line_no, value=",".join(row))
            )
            continue
        for column, index in zip(values, wanted):
            column.append(row[index].strip())
        lines.append(line_no)
    frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in zip(columns, values)})
    frame["_line"] = pd.Series(lines, dtype="int64")
    for c in optional:
        if c not in frame.columns:
            frame[c] = pd.Series([""] * len(frame), dtype=object)
    return frame


def check_values(frame, column, allowed, name, problems, what):
    known = set(allowed)
    for value, line in zip(frame[column], frame["_line"]):
        if value not in known:
            problems.append(
                Problem(name, f"unknown {what}; allowed: {', '.join(map(str, allowed))}", row=line, column=column, value=value)
            )


def check_unique(frame, keys, name, problems, what):
    dup = frame[frame.duplicated(keys, keep="first")]
    for _, row in dup.iterrows():
        problems.append(
            Problem(name, f"{what} appears twice", row=int(row["_line"]), column=keys[-1], value=" / ".join(str(row[k]) for k in keys))
        )


def raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise DataError(problems)



def read_round_tables(data, rounds: pd.DataFrame, name: str, columns: list[str], problems: list[Problem], check,
                      optional: tuple[str, ...] = ()):
    """Read file ``name`` of every listed round's folder and stack the rows.

    ``check(frame, display_name, round_key, problems)`` validates one round's
    rows (with their ``_line``) and returns the frame to keep, or ``None``.
    A round whose folder or file is missing is skipped here: the folder check
    of :func:`evaluation.data.dataset.load_dataset` reports it once.  Returns a
    frame with a ``round`` column first and ``columns`` after it (no
    ``_line``); empty when no round has rows.  ``optional`` columns may be
    absent from a file; they then read as empty text.
    """
    frames = []
    for key in rounds["round"]:
        folder = config.round_dir(key, data)
        if not folder.is_dir():
            continue
        path = folder / name
        if not path.is_file():
            continue  # reported once by the folder check
        frame = read_csv_strict(path, columns, problems, optional=optional)
        if frame is None:
            continue
        kept = check(frame, display_path(path), key, problems)
        if kept is not None and not kept.empty:
            frames.append(kept.drop(columns="_line", errors="ignore").assign(round=key))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ["round", *columns, *optional]})
    out = pd.concat(frames, ignore_index=True)
    return out[["round", *[c for c in out.columns if c != "round"]]]
