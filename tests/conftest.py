"""Shared fixtures: a copy of the bundled data and one real end-to-end run.

The end-to-end run executes every real notebook through papermill and
exports the memo; it is made once per test session and shared by the tests
that inspect its outputs (they only read it).
"""
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation import config

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of the bundled data folder."""
    target = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, target, ignore=shutil.ignore_patterns("private"))
    return target


@pytest.fixture(scope="session")
def bundled_run(tmp_path_factory):
    """One full ``evaluation run --docx`` on the bundled data, with profiles."""
    from evaluation.cli import main

    out = tmp_path_factory.mktemp("run") / "outputs"
    code = main(["run", "--out", str(out), "--docx"])
    assert code == 0
    folder = out / "opfoelgning-2019_vs_slutmaaling-2018"
    assert folder.is_dir()
    return folder


def _responses_from(answers) -> pd.DataFrame:
    """Tidy responses from {(round, item): {municipality: code}}; code 0 is "ved ikke"."""
    rows = [
        {"round": r, "municipality": m, "item": i, "score": np.nan if c == 0 else float(c), "dont_know": c == 0}
        for (r, i), codes in answers.items()
        for m, c in codes.items()
    ]
    return pd.DataFrame(rows, columns=["round", "municipality", "item", "score", "dont_know"])


@pytest.fixture
def responses_from():
    """Build a tidy responses frame from ``{(round, item): {municipality: code}}``."""
    return _responses_from
