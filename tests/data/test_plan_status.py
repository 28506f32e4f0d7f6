"""Tests of evaluation.data.plan_status: ``plan_status.csv``.

Each test breaks one thing in a copy of the bundled data folder and checks
the exact problem reported.  Expected counts of the bundled data were made
by hand from the CSV files.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.data import load_plan_status
from folder_edits import PLAN, data, edit, messages_of, problems_of  # noqa: F401 - fixtures



# ------------------------------------------------------------ plan status


def test_plan_status_bad_values(data):
    edit(PLAN, "Kommune A,udarbejdet,gennemfoert", "Kommune A,udarbejdet,groen")
    edit(PLAN, "Kommune B,godkendt,", "Kommune B,vedtaget,")
    edit(PLAN, "Kommune J,udrullet,", "Kommune Z,udrullet,")
    # Rows (header = 1): A udarbejdet 2, B godkendt 6, J udrullet 31.
    assert problems_of(lambda: load_plan_status(data)) == [
        (PLAN, 31, "municipality", "Kommune Z"),
        (PLAN, 6, "phase", "vedtaget"),
        (PLAN, 2, "status", "groen"),
    ]


def test_plan_status_phase_twice(data):
    edit(PLAN, "Kommune A,godkendt,", "Kommune A,udarbejdet,")
    assert problems_of(lambda: load_plan_status(data)) == [(PLAN, 3, "phase", "Kommune A / udarbejdet")]


def test_plan_status_rows_belong_to_their_round(data):
    status = load_plan_status(data)
    # 10 municipalities x 3 phases in each of the three bundled rounds.
    assert status.groupby("round").size().to_dict() == {
        "udgangsmaaling-2017": 30, "slutmaaling-2018": 30, "opfoelgning-2019": 30}
    assert list(status.columns) == ["round", "municipality", "phase", "status"]


def test_header_only_plan_status_means_none_yet(data):
    Path(PLAN).write_text("municipality,phase,status\n", encoding="utf-8")
    status = load_plan_status(data)
    assert "opfoelgning-2019" not in set(status["round"]) and len(status) == 60
