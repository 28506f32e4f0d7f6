"""Check an imported round as a whole and write it into the data folder atomically.

Every problem in the export is collected before one
:class:`~evaluation.exceptions.DataError` is raised; nothing is written then.
"""
from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ... import config
from ...exceptions import DataError, ParameterError, Problem
from ...files import write_atomically, write_text_atomically
from ..contract import Instrument
from ..instrument import load_instrument
from ..municipalities import load_municipalities
from ..responses import parse_response_rows
from ..round_add import complete_round_folder
from ..rounds import load_rounds
from ..municipalities import load_names
from .layouts import TOOLS
from .mapping import Mapping, load_mapping
from .planning import ImportPlan, plan_import

__all__ = ["import_export", "prepare_import", "commit_import", "PreparedImport", "read_export", "write_responses",
           "PROVENANCE_FILE"]

#: The record of a round's import, beside its answers.
PROVENANCE_FILE = "import.yml"
#: The round's other tables an export may carry (when a mapping names their columns), with their columns.
_EXTRAS = {"plan_status": ["municipality", "phase", "status"], "participation": ["municipality", "mode"]}
_PROVENANCE_HEAD = ("# How responses.csv was imported (written by 'evaluation import'): the source file, its hash,\n"
                    "# the layout recognised, the mapping used and every row kept or dropped.\n")


def read_export(path: str | os.PathLike, instrument: Instrument, municipalities: pd.DataFrame,
                names: dict[str, str] | None = None, **options) -> pd.DataFrame:
    """Read a survey export into the contract's answers for one round.

    Returns
    -------
    DataFrame
        ``municipality``, ``item``, ``score`` (Int64 code 0-4, ``<NA>`` for
        a question left blank); see :func:`~.planning.plan_import`, which
        takes the same keyword ``options``.

    Raises
    ------
    DataError
        Listing every problem of the file.
    """
    return plan_import(path, instrument, municipalities, names or {}, **options).responses


# ------------------------------------------------------------------- writing
def _write_table(frame: pd.DataFrame, columns: list[str], target: Path) -> Path:
    """Write a contract table (plan status, participation) atomically: UTF-8, ``\\n`` line endings."""
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(frame[columns].itertuples(index=False, name=None))

    return write_atomically(target, write)


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
            for muni, item, score in frame[["municipality", "item", "score"]].itertuples(index=False, name=None):
                writer.writerow([muni, item, "" if pd.isna(score) else int(score)])
            fh.flush()
            os.fsync(fh.fileno())  # raw data: on disk before it replaces the old file

    return write_atomically(target, write)


@dataclass
class PreparedImport:
    """An import worked out and checked, not yet written."""

    plan: ImportPlan
    round_key: str
    target: Path
    provenance_file: Path

    def extra_file(self, name: str) -> Path:
        return self.target.with_name(f"{name}.csv")

    def files(self) -> list[Path]:
        """Every file a commit writes: the answers, plan status and participation when the mapping names them, the record."""
        extras = [self.extra_file(name) for name in _EXTRAS if getattr(self.plan, name) is not None]
        return [self.target, *extras, self.provenance_file]

    def report(self) -> str:
        return self.plan.report(os.fspath(self.target), {k: os.fspath(self.extra_file(k)) for k in _EXTRAS})


def prepare_import(path: str | os.PathLike, round_key: str, *, data: str | os.PathLike | None = None,
                   replace: bool = False, mapping: str | os.PathLike | Mapping | None = None,
                   municipality_column: str = "") -> PreparedImport:
    """Work out and check the import of an export as round ``round_key``; write nothing.

    Raises
    ------
    DataError
        Listing every problem: unknown round, existing round file, a bad
        mapping file, and every problem of the export.
    """
    if not isinstance(round_key, str) or not round_key:
        raise ParameterError(f"round_key must be a non-empty string, got {round_key!r}")
    if not isinstance(replace, bool):
        raise ParameterError(f"replace must be True or False, got {replace!r}")
    instrument = load_instrument(data)
    rounds = load_rounds(data)
    municipalities = load_municipalities(data)
    names = load_names(data)
    problems: list[Problem] = []
    known = rounds["round"].tolist()
    target = config.round_file(round_key, data)
    if round_key not in known:
        rounds_file = os.fspath(config.data_dir(data) / "rounds.yml")
        problems.append(Problem(rounds_file, f"unknown round; add it first with 'evaluation round add {round_key} --label ... --date ...' or use one of {', '.join(known)}", column="key", value=round_key))
    elif _has_answers(target) and not replace:
        problems.append(Problem(os.fspath(target), "the round already has a response file; use --replace (replace=True) to overwrite it", value=round_key))
    if mapping is not None and not isinstance(mapping, Mapping):
        try:
            mapping = load_mapping(mapping, tuple(TOOLS))
        except DataError as exc:
            problems.extend(exc.problems)
            mapping = None
    try:
        plan = plan_import(path, instrument, municipalities, names, mapping=mapping, municipality=municipality_column)
    except DataError as exc:
        problems.extend(exc.problems)
    else:
        for name in _EXTRAS:
            existing = config.round_file(round_key, data, f"{name}.csv")
            if getattr(plan, name) is not None and round_key in known and _has_answers(existing) and not replace:
                problems.append(Problem(os.fspath(existing), f"the round already has a {name}.csv with rows and the mapping "
                                        "names its columns; use --replace (replace=True) to overwrite it", value=round_key))
    if problems:
        raise DataError(problems)
    _check_written_form(plan.responses, instrument, municipalities)
    return PreparedImport(plan, round_key, target, config.round_file(round_key, data, PROVENANCE_FILE))


def commit_import(prepared: PreparedImport, data: str | os.PathLike | None = None) -> Path:
    """Write a prepared import: the round's answers, then its provenance record."""
    import yaml

    written = write_responses(prepared.plan.responses, prepared.target)
    for name, columns in _EXTRAS.items():
        frame = getattr(prepared.plan, name)
        if frame is not None:
            _write_table(frame, columns, prepared.extra_file(name))
    record = yaml.safe_dump(prepared.plan.provenance(prepared.round_key), allow_unicode=True, sort_keys=False, width=1000)
    write_text_atomically(prepared.provenance_file, _PROVENANCE_HEAD + record)
    complete_round_folder(prepared.round_key, data)  # a round imported without 'round add' gets its templates too
    return written


def import_export(path: str | os.PathLike, round_key: str, *, data: str | os.PathLike | None = None, replace: bool = False,
                  mapping: str | os.PathLike | Mapping | None = None, municipality_column: str = "",
                  dry_run: bool = False) -> Path:
    """Import a survey export as the answers of round ``round_key``.

    Parameters
    ----------
    path : path-like
        The export: a survey tool's own layout or the plain one (see
        :mod:`.layouts`).
    round_key : str
        A round listed in ``rounds.yml``.
    data : path-like, optional
        The data folder (default: the bundled ``data/``).
    replace : bool
        Overwrite ``rounds/<round_key>/responses.csv`` if it holds answers.
    mapping : path-like or Mapping, optional
        A mapping file (see :mod:`.mapping`) to use instead of recognising.
    municipality_column : str
        The column that names the municipality.
    dry_run : bool
        Check everything and write nothing.

    Returns
    -------
    Path
        The round's answers file, ``rounds/<round_key>/responses.csv``
        (written unless ``dry_run``), with columns ``municipality``,
        ``item``, ``score``; beside it ``import.yml`` records the source
        file's name and hash, the layout, the mapping and every row's fate.

    Raises
    ------
    DataError
        Listing every problem; nothing is written then.
    """
    prepared = prepare_import(path, round_key, data=data, replace=replace, mapping=mapping,
                              municipality_column=municipality_column)
    return prepared.target if dry_run else commit_import(prepared, data)


def _has_answers(path: Path) -> bool:
    """Whether a response file holds more than its header (a template does not)."""
    if not path.exists():
        return False
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        return sum(1 for line in fh if line.strip()) > 1


def _check_written_form(frame: pd.DataFrame, instrument: Instrument, municipalities: pd.DataFrame) -> None:
    """Make sure the rows about to be written load with the contract reader."""
    with tempfile.TemporaryDirectory() as folder:
        probe = write_responses(frame, Path(folder) / "probe.csv")
        problems: list[Problem] = []
        parse_response_rows(probe, instrument, municipalities, problems)
    if problems:
        raise DataError(problems)
