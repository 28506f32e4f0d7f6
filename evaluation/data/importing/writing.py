"""Check an imported round as a whole and write it into the data folder atomically.

Every problem in the export is collected before one
:class:`~evaluation.exceptions.DataError` is raised; nothing is written then.
"""
from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import pandas as pd

from ... import config
from ...exceptions import DataError, ParameterError, Problem
from ...files import write_atomically
from ..contract import Instrument
from ..instrument import load_instrument
from ..municipalities import load_municipalities
from ..responses import parse_response_rows
from ..round_add import complete_round_folder
from ..rounds import load_rounds
from .matching import rows_to_responses
from .sources import read_rows

__all__ = ["import_export", "read_export", "write_responses"]


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
        problems.append(Problem(rounds_file, f"unknown round; add it first with 'evaluation round add {round_key} --label ... --date ...' or use one of {', '.join(known)}", column="key", value=round_key))
    else:
        target = config.round_file(round_key, data)
        if _has_answers(target) and not replace:
            problems.append(Problem(os.fspath(target), "the round already has a response file; use --replace (replace=True) to overwrite it", value=round_key))
    try:
        frame = read_export(path, instrument, municipalities)
    except DataError as exc:
        problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    _check_written_form(frame, instrument, municipalities)
    written = write_responses(frame, target)
    complete_round_folder(round_key, data)  # a round imported without 'round add' gets its templates too
    return written


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
