"""Load and validate a whole data folder at once.

>>> ds = load_dataset()
>>> sorted(ds.responses.columns)
['dont_know', 'item', 'municipality', 'round', 'score']
"""
from __future__ import annotations

import os

from .. import config
from ..exceptions import DataError, Problem
from .contract import Dataset
from .instrument import load_instrument
from .municipalities import load_municipalities
from .plan_status import load_plan_status
from .quotes import load_quotes
from .reading import raise_problems as _raise
from .responses import load_responses, response_files as _response_files
from .rounds import load_rounds

__all__ = ["load_dataset"]


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
