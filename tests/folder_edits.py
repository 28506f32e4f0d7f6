"""Helpers for tests that break one thing in a copy of the bundled data folder.

The copy lives in tmp_path, which is made the current directory so that
problems name files as ``data/...``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evaluation import config
from evaluation.exceptions import DataError

__all__ = ["data", "edit", "problems_of", "messages_of", "FOLLOWUP", "MUNIS", "PLAN", "QUOTES", "PARTICIPATION", "NARRATIVE"]


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    """A copy of the bundled data folder; the current directory is its parent."""
    shutil.copytree(config.DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns("private"))
    monkeypatch.chdir(tmp_path)
    return Path("data")


def edit(path: Path | str, old: str, new: str, count: int = 1) -> None:
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def problems_of(call) -> list[tuple]:
    with pytest.raises(DataError) as caught:
        call()
    return [(p.file, p.row, p.column, p.value) for p in caught.value.problems]


def messages_of(call) -> list[str]:
    with pytest.raises(DataError) as caught:
        call()
    return [p.message for p in caught.value.problems]


#: The files the tests edit, as problems name them.
FOLLOWUP = "data/rounds/opfoelgning-2019/responses.csv"
MUNIS = "data/municipalities.csv"
PLAN = "data/rounds/opfoelgning-2019/plan_status.csv"
QUOTES = "data/rounds/opfoelgning-2019/quotes.csv"
PARTICIPATION = "data/rounds/opfoelgning-2019/participation.csv"
NARRATIVE = "data/rounds/opfoelgning-2019/narrative.md"
