"""Read and validate the data folder (the data contract of ``data/README.md``).

Every loader collects *all* problems of a file before it raises, so that a
user fixes a file in one go.  Raw files are only read, never written.

>>> ds = load_dataset()
>>> sorted(ds.responses.columns)
['dont_know', 'item', 'municipality', 'round', 'score']
"""
from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from . import config
from .exceptions import DataError, Problem

__all__ = [
    "Instrument",
    "Dataset",
    "PHASES",
    "STATUSES",
    "FOLLOWUP_MODES",
    "QUOTE_THEMES",
    "load_instrument",
    "load_rounds",
    "load_municipalities",
    "load_responses",
    "load_plan_status",
    "load_quotes",
    "load_names",
    "load_dataset",
    "read_csv_strict",
    "parse_response_rows",
    "sort_responses",
]

#: Plan phases in order, and the statuses a phase can have.
PHASES = ("udarbejdet", "godkendt", "udrullet")
STATUSES = ("gennemfoert", "i_proces", "ikke_paabegyndt")
FOLLOWUP_MODES = ("interview", "survey")
QUOTE_THEMES = (
    "ledelsesforankring",
    "beredskab",
    "indsatser",
    "internt_samarbejde",
    "eksternt_samarbejde",
    "kompetencer",
    "centrets_arbejde",
)
_BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True)
class Instrument:
    """The answer scale and the items of the survey.

    Attributes
    ----------
    scale : DataFrame
        Columns ``code`` (int), ``label`` (Danish), ``missing`` (bool: the
        code means "ved ikke").
    items : DataFrame
        Columns ``item``, ``label``, ``figure_title``, ``kind``
        (``parameter`` or ``context``), ``definition``, ``question``; in
        instrument order.
    """

    scale: pd.DataFrame
    items: pd.DataFrame

    @property
    def parameters(self) -> list[str]:
        """Keys of the items of kind ``parameter``, in instrument order."""
        return self.items.loc[self.items["kind"] == "parameter", "item"].tolist()

    @property
    def context_items(self) -> list[str]:
        """Keys of the items of kind ``context``."""
        return self.items.loc[self.items["kind"] == "context", "item"].tolist()

    @property
    def codes(self) -> list[int]:
        return self.scale["code"].tolist()

    @property
    def missing_codes(self) -> list[int]:
        return self.scale.loc[self.scale["missing"], "code"].tolist()

    @property
    def valid_codes(self) -> list[int]:
        return self.scale.loc[~self.scale["missing"], "code"].tolist()

    def item(self, key: str) -> dict:
        """Return one item's row as a dict (raises ``KeyError`` if unknown)."""
        rows = self.items[self.items["item"] == key]
        if rows.empty:
            raise KeyError(key)
        return rows.iloc[0].to_dict()

    def label(self, key: str) -> str:
        return self.item(key)["label"]

    def scale_label(self, code: int) -> str:
        return self.scale.loc[self.scale["code"] == code, "label"].iloc[0]

    def code_for(self, answer: str) -> int | None:
        """Return the code of ``answer``: a code ("3", "3.0") or a label in
        any letter case ("I høj grad"); ``None`` if it is neither."""
        text = " ".join(str(answer).split()).casefold()
        for code, label in zip(self.scale["code"], self.scale["label"]):
            if text == str(label).casefold():
                return int(code)
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None
        if number.is_integer() and int(number) in self.codes:
            return int(number)
        return None


@dataclass(frozen=True)
class Dataset:
    """Everything in a validated data folder."""

    path: Path
    instrument: Instrument
    rounds: pd.DataFrame
    municipalities: pd.DataFrame
    responses: pd.DataFrame
    plan_status: pd.DataFrame
    quotes: pd.DataFrame
    files: list[Path] = field(default_factory=list)

    @property
    def round_keys(self) -> list[str]:
        return self.rounds["round"].tolist()

    def round_label(self, key: str) -> str:
        return self.rounds.loc[self.rounds["round"] == key, "label"].iloc[0]


# --------------------------------------------------------------------- helpers
def _rel(path: Path) -> str:
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


def _read_yaml(path: Path, problems: list[Problem]) -> dict | None:
    if not path.is_file():
        problems.append(Problem(_rel(path), "file is missing"))
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            content = yaml.load(fh, Loader=_TextDateLoader)  # noqa: S506 - a SafeLoader
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, TypeError) as exc:
        problems.append(Problem(_rel(path), f"not readable as UTF-8 YAML: {exc}"))
        return None
    if not isinstance(content, dict):
        problems.append(Problem(_rel(path), "expected a mapping at the top level"))
        return None
    return content


def read_csv_strict(path: Path, columns: list[str], problems: list[Problem]) -> pd.DataFrame | None:
    """Read a contract CSV (UTF-8, comma) as strings, checking its header.

    Adds a :class:`Problem` and returns ``None`` when the file is missing,
    unreadable, empty or lacks a required column.  The returned frame has a
    ``_line`` column with each row's line number in the file.
    """
    name = _rel(path)
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
    return frame


def _check_values(frame, column, allowed, name, problems, what):
    known = set(allowed)
    for value, line in zip(frame[column], frame["_line"]):
        if value not in known:
            problems.append(
                Problem(name, f"unknown {what}; allowed: {', '.join(map(str, allowed))}", row=line, column=column, value=value)
            )


def _check_unique(frame, keys, name, problems, what):
    dup = frame[frame.duplicated(keys, keep="first")]
    for _, row in dup.iterrows():
        problems.append(
            Problem(name, f"{what} appears twice", row=int(row["_line"]), column=keys[-1], value=" / ".join(str(row[k]) for k in keys))
        )


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise DataError(problems)


# --------------------------------------------------------------------- loaders
def load_instrument(data: str | os.PathLike | None = None) -> Instrument:
    """Read ``instrument.yml``: the scale and the items."""
    path = config.data_dir(data) / "instrument.yml"
    problems: list[Problem] = []
    content = _read_yaml(path, problems)
    _raise(problems)
    name = _rel(path)
    scale, items = content.get("scale"), content.get("items")
    if not isinstance(scale, list) or not scale:
        problems.append(Problem(name, "'scale' must be a non-empty list", column="scale"))
    if not isinstance(items, list) or not items:
        problems.append(Problem(name, "'items' must be a non-empty list", column="items"))
    _raise(problems)
    scale_rows = []
    for i, entry in enumerate(scale, start=1):
        code = entry.get("code") if isinstance(entry, dict) else None
        if not isinstance(code, int) or isinstance(code, bool) or not entry.get("label"):
            problems.append(Problem(name, f"scale entry {i} needs an integer 'code' and a 'label'", column="scale", value=entry))
            continue
        scale_rows.append({"code": entry["code"], "label": str(entry["label"]), "missing": bool(entry.get("missing", False))})
    item_rows = []
    fields = ("key", "label", "kind", "definition", "question")
    for i, entry in enumerate(items, start=1):
        if not isinstance(entry, dict) or any(not entry.get(f) for f in fields):
            problems.append(Problem(name, f"item {i} needs {', '.join(fields)}", column="items", value=entry))
            continue
        if entry["kind"] not in ("parameter", "context"):
            problems.append(Problem(name, "item kind must be 'parameter' or 'context'", column="kind", value=entry["kind"]))
        item_rows.append(
            {
                "item": str(entry["key"]),
                "label": str(entry["label"]),
                "figure_title": str(entry.get("figure_title") or entry["label"]),
                "kind": entry["kind"],
                "definition": " ".join(str(entry["definition"]).split()),
                "question": " ".join(str(entry["question"]).split()),
            }
        )
    _raise(problems)
    scale_df = pd.DataFrame(scale_rows)
    items_df = pd.DataFrame(item_rows)
    for frame, col, what in ((scale_df, "code", "scale code"), (items_df, "item", "item key")):
        for value in frame.loc[frame[col].duplicated(), col]:
            problems.append(Problem(name, f"{what} appears twice", column=col, value=value))
    if not scale_df.loc[scale_df["code"] == config.DONT_KNOW_CODE, "missing"].any():
        problems.append(Problem(name, f"the scale must mark code {config.DONT_KNOW_CODE} ('ved ikke') as missing", column="scale"))
    _raise(problems)
    return Instrument(scale=scale_df, items=items_df)


def load_rounds(data: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read ``rounds.yml``.

    Returns
    -------
    DataFrame
        ``round`` (key), ``label``, ``definite`` (the label's definite form
        for running text), ``date`` (datetime64), ``description``,
        ``order`` (0-based, chronological).
    """
    path = config.data_dir(data) / "rounds.yml"
    problems: list[Problem] = []
    content = _read_yaml(path, problems)
    _raise(problems)
    name = _rel(path)
    entries = content.get("rounds")
    if not isinstance(entries, list) or not entries:
        _raise([Problem(name, "'rounds' must be a non-empty list", column="rounds")])
    rows = []
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("key") or not entry.get("label") or not entry.get("date"):
            problems.append(Problem(name, f"round {i} needs key, label and date", column="rounds", value=entry))
            continue
        key = str(entry["key"])
        if not key.replace("-", "").replace("_", "").isalnum():
            problems.append(Problem(name, "round key may hold only letters, digits, '-' and '_'", column="key", value=key))
        date = entry["date"]
        if not isinstance(date, dt.date):
            try:
                date = dt.date.fromisoformat(str(date))
            except ValueError:
                problems.append(Problem(name, "date must be YYYY-MM-DD", column="date", value=entry["date"]))
                continue
        rows.append(
            {
                "round": key,
                "label": str(entry["label"]),
                "definite": str(entry.get("definite") or str(entry["label"]).lower()),
                "date": pd.Timestamp(date),
                "description": str(entry.get("description", "")),
            }
        )
    _raise(problems)
    frame = pd.DataFrame(rows)
    for value in frame.loc[frame["round"].duplicated(), "round"]:
        problems.append(Problem(name, "round key appears twice", column="key", value=value))
    if not frame["date"].is_monotonic_increasing:
        problems.append(Problem(name, "rounds must be listed in chronological order", column="date"))
    _raise(problems)
    frame["order"] = range(len(frame))
    return frame


def load_municipalities(data: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read ``municipalities.csv``.

    Returns
    -------
    DataFrame
        ``municipality``, ``followup_mode`` (``interview`` or ``survey``),
        ``had_plan_before`` (bool), ``used_centre_advice`` (bool).
    """
    path = config.data_dir(data) / "municipalities.csv"
    problems: list[Problem] = []
    cols = ["municipality", "followup_mode", "had_plan_before", "used_centre_advice"]
    frame = read_csv_strict(path, cols, problems)
    _raise(problems)
    name = _rel(path)
    for value, line in zip(frame["municipality"], frame["_line"]):
        if not value:
            problems.append(Problem(name, "municipality name is empty", row=line, column="municipality", value=value))
    if frame.empty:
        problems.append(Problem(name, "file has a header but no municipalities"))
    _check_unique(frame, ["municipality"], name, problems, "municipality")
    _check_values(frame, "followup_mode", FOLLOWUP_MODES, name, problems, "follow-up mode")
    for col in ("had_plan_before", "used_centre_advice"):
        frame[col] = frame[col].str.lower()
        _check_values(frame, col, tuple(_BOOLEANS), name, problems, "truth value")
    _raise(problems)
    for col in ("had_plan_before", "used_centre_advice"):
        frame[col] = frame[col].map(_BOOLEANS).astype(bool)
    return frame.drop(columns="_line").reset_index(drop=True)


def _response_files(data) -> list[Path]:
    folder = config.responses_dir(data)
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def load_responses(
    data: str | os.PathLike | None = None,
    *,
    instrument: Instrument | None = None,
    rounds: pd.DataFrame | None = None,
    municipalities: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read every round's ``responses/<round>.csv`` into one tidy frame.

    A municipality that appears in a round must answer every item (with
    code 0 for "ved ikke"); a municipality may be absent from a round.

    Returns
    -------
    DataFrame
        ``round``, ``municipality``, ``item``, ``score`` (float: 1-4, NaN
        for "ved ikke"), ``dont_know`` (bool); sorted by round order,
        municipality and instrument item order.
    """
    instrument = instrument or load_instrument(data)
    rounds = rounds if rounds is not None else load_rounds(data)
    municipalities = municipalities if municipalities is not None else load_municipalities(data)
    problems: list[Problem] = []
    known_rounds = rounds["round"].tolist()
    files = {p.stem: p for p in _response_files(data)}
    for key in files:
        if key not in known_rounds:
            problems.append(Problem(_rel(files[key]), f"unknown round {key!r}; rounds.yml lists {', '.join(known_rounds)}", value=key))
    for key in known_rounds:
        if key not in files:
            problems.append(Problem(_rel(config.round_file(key, data)), f"rounds.yml names round {key!r} but its response file is missing", value=key))
    frames = []
    for key in known_rounds:
        if key not in files:
            continue
        frame = parse_response_rows(files[key], instrument, municipalities, problems)
        if frame is not None:
            frame.insert(0, "round", key)
            frames.append(frame)
    _raise(problems)
    out = pd.concat(frames, ignore_index=True)
    return sort_responses(out, instrument, rounds)


def sort_responses(frame: pd.DataFrame, instrument: Instrument, rounds: pd.DataFrame) -> pd.DataFrame:
    """Sort a responses frame by round order, municipality and item order."""
    round_order = {k: i for i, k in enumerate(rounds["round"])}
    item_order = {k: i for i, k in enumerate(instrument.items["item"])}
    key = pd.DataFrame(
        {
            "r": frame["round"].map(round_order),
            "m": frame["municipality"],
            "i": frame["item"].map(item_order),
        }
    )
    order = key.sort_values(["r", "m", "i"], kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def parse_response_rows(path: Path, instrument: Instrument, municipalities: pd.DataFrame, problems: list[Problem]):
    """Read and check one contract response file; return its rows or ``None``.

    Returns
    -------
    DataFrame or None
        ``municipality``, ``item``, ``score`` (float, NaN for "ved ikke"),
        ``dont_know`` (bool).
    """
    name = _rel(path)
    before = len(problems)
    frame = read_csv_strict(path, ["municipality", "item", "score"], problems)
    if frame is None:
        return None
    if frame.empty:
        problems.append(Problem(name, "file has a header but no answers"))
        return None
    _check_values(frame, "municipality", tuple(municipalities["municipality"]), name, problems, "municipality")
    _check_values(frame, "item", tuple(instrument.items["item"]), name, problems, "item")
    codes = []
    allowed_codes = set(instrument.codes)
    for value, line in zip(frame["score"], frame["_line"]):
        digits = value[1:] if value.startswith("-") else value
        code = value if digits.isascii() and digits.isdigit() else None
        if code is None or int(code) not in allowed_codes:
            problems.append(
                Problem(name, f"score must be one of the codes {', '.join(map(str, instrument.codes))}", row=line, column="score", value=value)
            )
            codes.append(None)
        else:
            codes.append(int(code))
    _check_unique(frame, ["municipality", "item"], name, problems, "the municipality's answer to this item")
    all_items = set(instrument.items["item"])
    answered: dict[str, tuple[int, set]] = {}
    for muni, item, line in zip(frame["municipality"], frame["item"], frame["_line"]):
        answered.setdefault(muni, (int(line), set()))[1].add(item)
    for muni, (line, items) in answered.items():
        for item in sorted(all_items - items):
            problems.append(Problem(name, "item missing for this municipality", row=line, column="item", value=f"{muni} / {item}"))
    if len(problems) > before:
        return None
    missing = set(instrument.missing_codes)
    code_series = pd.Series(codes, index=frame.index, dtype="int64")
    dont_know = code_series.isin(missing)
    return pd.DataFrame(
        {
            "municipality": frame["municipality"].astype(str),
            "item": frame["item"].astype(str),
            "score": code_series.astype(float).mask(dont_know),
            "dont_know": dont_know.astype(bool),
        }
    )


def load_plan_status(
    data: str | os.PathLike | None = None,
    *,
    rounds: pd.DataFrame | None = None,
    municipalities: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read ``plan_status.csv``.

    Returns
    -------
    DataFrame
        ``round``, ``municipality``, ``phase`` (one of :data:`PHASES`),
        ``status`` (one of :data:`STATUSES`).
    """
    rounds = rounds if rounds is not None else load_rounds(data)
    municipalities = municipalities if municipalities is not None else load_municipalities(data)
    path = config.data_dir(data) / "plan_status.csv"
    problems: list[Problem] = []
    frame = read_csv_strict(path, ["round", "municipality", "phase", "status"], problems)
    _raise(problems)
    name = _rel(path)
    _check_values(frame, "round", tuple(rounds["round"]), name, problems, "round")
    _check_values(frame, "municipality", tuple(municipalities["municipality"]), name, problems, "municipality")
    _check_values(frame, "phase", PHASES, name, problems, "phase")
    _check_values(frame, "status", STATUSES, name, problems, "status")
    _check_unique(frame, ["round", "municipality", "phase"], name, problems, "the status of this phase")
    _raise(problems)
    return frame.drop(columns="_line").astype(str).reset_index(drop=True)


def load_quotes(data: str | os.PathLike | None = None, *, municipalities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read ``quotes.csv``: ``theme``, ``role``, ``municipality`` (may be
    empty, e.g. for the centre's staff), ``text``."""
    municipalities = municipalities if municipalities is not None else load_municipalities(data)
    path = config.data_dir(data) / "quotes.csv"
    problems: list[Problem] = []
    frame = read_csv_strict(path, ["theme", "role", "municipality", "text"], problems)
    _raise(problems)
    name = _rel(path)
    _check_values(frame, "theme", QUOTE_THEMES, name, problems, "theme")
    allowed = ("",) + tuple(municipalities["municipality"])
    _check_values(frame, "municipality", allowed, name, problems, "municipality")
    for value, line in zip(frame["text"], frame["_line"]):
        if not value:
            problems.append(Problem(name, "quote text is empty", row=line, column="text", value=value))
    _raise(problems)
    return frame.drop(columns="_line").astype(str).reset_index(drop=True)


def load_names(data: str | os.PathLike | None = None) -> dict[str, str]:
    """Read the optional private name map ``private/names.csv``.

    Returns a dict from pseudonym to real name; empty when there is no map.
    The map is git-ignored and used only for a municipality's own profile.
    """
    path = config.data_dir(data) / config.PRIVATE_SUBDIR / "names.csv"
    if not path.exists():
        return {}
    problems: list[Problem] = []
    frame = read_csv_strict(path, ["municipality", "name"], problems)
    _raise(problems)
    return dict(zip(frame["municipality"], frame["name"]))


def load_dataset(data: str | os.PathLike | None = None) -> Dataset:
    """Read and validate the whole data folder.

    Raises :class:`~evaluation.exceptions.DataError` listing every problem
    found across the files.
    """
    folder = config.data_dir(data)
    problems: list[Problem] = []
    parts = {}
    for key, loader in (("instrument", load_instrument), ("rounds", load_rounds), ("municipalities", load_municipalities)):
        try:
            parts[key] = loader(folder)
        except DataError as exc:
            problems.extend(exc.problems)
    _raise(problems)
    kw = {"rounds": parts["rounds"], "municipalities": parts["municipalities"]}
    for key, call in (
        ("responses", lambda: load_responses(folder, instrument=parts["instrument"], **kw)),
        ("plan_status", lambda: load_plan_status(folder, **kw)),
        ("quotes", lambda: load_quotes(folder, municipalities=parts["municipalities"])),
    ):
        try:
            parts[key] = call()
        except DataError as exc:
            problems.extend(exc.problems)
    _raise(problems)
    files = [folder / n for n in ("instrument.yml", "rounds.yml", "municipalities.csv", "plan_status.csv", "quotes.csv")]
    files += _response_files(folder)
    return Dataset(path=folder, files=files, **parts)
