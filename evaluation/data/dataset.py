"""Load and validate a whole data folder at once.

>>> ds = load_dataset()
>>> sorted(ds.responses.columns)
['dont_know', 'item', 'municipality', 'round', 'score']
>>> sorted(ds.narratives) == sorted(ds.round_keys)
True
"""
from __future__ import annotations

import os

from .. import config
from ..exceptions import DataError, Problem
from .codebook import load_codebook
from .codings import load_codings
from .contract import ROUND_FILES, Dataset
from .instrument import load_instrument
from .municipalities import load_municipalities
from .narrative import load_narratives
from .participation import load_participation
from .plan_status import load_plan_status
from .quotes import load_quotes
from .reading import display_path, raise_problems as _raise
from .responses import load_responses
from .rounds import load_rounds

__all__ = ["load_dataset", "check_round_folders"]

#: Files of the layout before rounds had folders of their own.
_OLD_LAYOUT = ("responses", "plan_status.csv", "quotes.csv")


def check_round_folders(data, round_keys: list[str]) -> list[Problem]:
    """Problems of the folder structure: a listed round without its folder or
    one of its files, a folder of ``rounds/`` that no round lists, and files
    of the old single-folder layout."""
    folder = config.data_dir(data)
    problems = []
    for key in round_keys:
        rdir = config.round_dir(key, data)
        if not rdir.is_dir():
            problems.append(Problem(display_path(rdir), f"rounds.yml lists round {key!r} but its folder is missing; "
                                    f"'evaluation round add' creates it, or create it with the files "
                                    f"{', '.join(ROUND_FILES)}", value=key))
            continue
        for name in ROUND_FILES:
            if not (rdir / name).is_file():
                problems.append(Problem(display_path(rdir / name), f"file is missing (round {key!r} needs "
                                        f"{', '.join(ROUND_FILES)}; headers only is fine)"))
    rounds_dir = folder / config.ROUNDS_SUBDIR
    if rounds_dir.is_dir():
        for sub in sorted(p for p in rounds_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if sub.name not in round_keys:
                problems.append(Problem(display_path(sub), f"folder of an unknown round; rounds.yml lists "
                                        f"{', '.join(round_keys)}", value=sub.name))
    for name in _OLD_LAYOUT:
        if (folder / name).exists():
            problems.append(Problem(display_path(folder / name), "the old layout: each round's material now lives "
                                    f"in {config.ROUNDS_SUBDIR}/<round>/ (see data/README.md)"))
    return problems


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
    keys = parts["rounds"]["round"].tolist()
    problems += check_round_folders(folder, keys)
    kw = {"rounds": parts["rounds"], "municipalities": parts["municipalities"]}
    try:
        parts["codebook"] = load_codebook(folder, parameters=parts["instrument"].parameters)
    except DataError as exc:
        problems.extend(exc.problems)
    codes = parts["codebook"].keys if "codebook" in parts else None  # a broken codebook is reported once
    try:
        parts["participation"] = load_participation(folder, **kw)
    except DataError as exc:
        problems.extend(exc.problems)
    for key, call in (
        ("responses", lambda: load_responses(folder, instrument=parts["instrument"], **kw)),
        ("plan_status", lambda: load_plan_status(folder, **kw)),
        ("quotes", lambda: load_quotes(folder, participation=parts.get("participation"),
                                       check_interviews="participation" in parts, **kw)),
        ("narratives", lambda: load_narratives(folder, parts["rounds"], parts["instrument"].parameters, codes)),
    ):
        try:
            parts[key] = call()
        except DataError as exc:
            problems.extend(exc.problems)
    if all(k in parts for k in ("codebook", "participation", "quotes")):
        try:
            parts["codings"] = load_codings(folder, participation=parts["participation"], codebook=parts["codebook"],
                                            quotes=parts["quotes"], **kw)
        except DataError as exc:
            problems.extend(exc.problems)
    _raise(problems)
    files = [folder / n for n in ("instrument.yml", "rounds.yml", "municipalities.csv", config.CODEBOOK_FILE)]
    files += [config.round_dir(k, folder) / n for k in keys for n in ROUND_FILES]
    return Dataset(path=folder, files=files, **parts)
