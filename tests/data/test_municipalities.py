"""Tests of evaluation.data.municipalities: ``municipalities.csv`` and the private name map.

Each test breaks one thing in a copy of the bundled data folder and checks
the exact problem reported.  Expected counts of the bundled data were made
by hand from the CSV files.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.data import load_municipalities, load_names
from folder_edits import FOLLOWUP, MUNIS, PLAN, data, edit, messages_of, problems_of  # noqa: F401 - fixtures



# --------------------------------------------------------- municipalities


def test_municipality_name_empty(data):
    edit(MUNIS, "Kommune C,false", ",false")
    found = problems_of(lambda: load_municipalities(data))
    assert found == [(MUNIS, 4, "municipality", "")]


def test_municipality_twice(data):
    edit(MUNIS, "Kommune D,", "Kommune C,")
    assert problems_of(lambda: load_municipalities(data)) == [(MUNIS, 5, "municipality", "Kommune C")]


def test_municipality_bad_truth_value(data):
    edit(MUNIS, "Kommune F,false,false", "Kommune F,ja,false")
    assert problems_of(lambda: load_municipalities(data)) == [(MUNIS, 7, "had_plan_before", "ja")]


def test_municipalities_no_longer_carry_how_they_took_part(data):
    # Participation belongs to a round (rounds/<key>/participation.csv), not to the municipality.
    assert "followup_mode" not in load_municipalities(data).columns


def test_municipality_truth_values_in_any_case(data):
    edit(MUNIS, "Kommune B,true", "Kommune B,TRUE")
    frame = load_municipalities(data)
    assert frame.loc[frame["municipality"] == "Kommune B", "had_plan_before"].item() is True


def test_municipality_missing_column(data):
    edit(MUNIS, ",used_centre_advice", "")
    found = problems_of(lambda: load_municipalities(data))
    assert found == [(MUNIS, 1, None, "municipality,had_plan_before")]


def test_municipality_row_with_too_many_fields(data):
    edit(MUNIS, "Kommune E,false,false", "Kommune E,false,false,x")
    assert problems_of(lambda: load_municipalities(data)) == [(MUNIS, 6, None, "Kommune E,false,false,x")]


def test_municipalities_header_only(data):
    Path(MUNIS).write_text("municipality,had_plan_before,used_centre_advice\n", encoding="utf-8")
    assert problems_of(lambda: load_municipalities(data)) == [(MUNIS, None, None, None)]


def test_municipalities_header_with_a_column_twice(data):
    edit(MUNIS, "used_centre_advice\n", "used_centre_advice,municipality\n")
    found = problems_of(lambda: load_municipalities(data))
    assert found == [(MUNIS, 1, None, "municipality,had_plan_before,used_centre_advice,municipality")]


def test_names_absent_and_present(data):
    assert load_names(data) == {}
    (data / "private").mkdir()
    (data / "private" / "names.csv").write_text("municipality,name\nKommune A,Eksempelby\n", encoding="utf-8")
    assert load_names(data) == {"Kommune A": "Eksempelby"}
