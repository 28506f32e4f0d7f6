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


#: Municipalities of the generated large panel: enough to cross the threshold
#: above which the memo lists municipalities in tables, few enough to run fast.
LARGE_PANEL = config.FIGURE_ROWS_MAX + 15


def run_generated_panel(tmp: Path, municipalities: int, seed: int = 11) -> Path:
    """Generate a panel (3 rounds) and run the memo on it without profiles;
    returns the published folder."""
    from evaluation.cli import main
    from evaluation.data.synth import write_synthetic

    data = write_synthetic(tmp / "data", municipalities=municipalities, rounds=3, seed=seed)
    assert main(["run", "--data", str(data), "--out", str(tmp / "out"), "--no-profiles"]) == 0
    (folder,) = [p for p in (tmp / "out").iterdir() if not p.name.startswith(".")]  # not .runs, .cache
    return folder


@pytest.fixture(scope="session")
def large_run(tmp_path_factory) -> Path:
    """One run on a generated panel of :data:`LARGE_PANEL` municipalities x 3 rounds,
    without profiles (the memo's data folder is ``<folder>/../../data``)."""
    return run_generated_panel(tmp_path_factory.mktemp("large"), LARGE_PANEL)


def check_accessible_table(table) -> str:
    """Assert what WCAG asks of a data table in the memo (a BeautifulSoup
    ``table``): a caption, ``scope`` on every column header and a row header
    first in every row, inside a scroll box that is a named region a keyboard
    can reach.  Returns the caption."""
    caption = table.caption.get_text(strip=True) if table.caption else ""
    assert caption
    assert all(th.get("scope") == "col" for th in table.thead.find_all("th")), caption
    for row in table.tbody.find_all("tr"):
        assert row.find(["th", "td"]).name == "th" and row.th.get("scope") == "row", caption
    box = table.parent
    assert "table-wrap" in box["class"] and box["role"] == "region" and box["tabindex"] == "0"
    assert box["aria-label"] == caption
    return caption


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
