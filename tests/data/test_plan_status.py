"""Tests of evaluation.data.plan_status: ``plan_status.csv``.

Each test breaks one thing in a copy of the bundled data folder and checks
the exact problem reported.  Expected counts of the bundled data were made
by hand from the CSV files.
"""
from __future__ import annotations

import pytest

from evaluation.data import load_plan_status
from folder_edits import FOLLOWUP, MUNIS, PLAN, data, edit, messages_of, problems_of  # noqa: F401 - fixtures



# ------------------------------------------------------------ plan status


def test_plan_status_bad_values(data):
    edit(PLAN, "slutmaaling-2018,Kommune A,udarbejdet,gennemfoert", "slutmaaling-2018,Kommune A,udarbejdet,groen")
    edit(PLAN, "opfoelgning-2019,Kommune B,godkendt,", "opfoelgning-2019,Kommune B,vedtaget,")
    edit(PLAN, "udgangsmaaling-2017,Kommune C,udrullet,", "udgangsmaaling-2016,Kommune C,udrullet,")
    edit(PLAN, "opfoelgning-2019,Kommune J,udrullet,", "opfoelgning-2019,Kommune Z,udrullet,")
    # Rows (header = 1): slutmaaling A udarbejdet 32, opfoelgning B godkendt 66,
    # udgangsmaaling C udrullet 10, opfoelgning J udrullet 91.
    assert problems_of(lambda: load_plan_status(data)) == [
        (PLAN, 10, "round", "udgangsmaaling-2016"),
        (PLAN, 91, "municipality", "Kommune Z"),
        (PLAN, 66, "phase", "vedtaget"),
        (PLAN, 32, "status", "groen"),
    ]


def test_plan_status_phase_twice(data):
    edit(PLAN, "opfoelgning-2019,Kommune A,godkendt,", "opfoelgning-2019,Kommune A,udarbejdet,")
    assert problems_of(lambda: load_plan_status(data)) == [(PLAN, 63, "phase", "opfoelgning-2019 / Kommune A / udarbejdet")]
