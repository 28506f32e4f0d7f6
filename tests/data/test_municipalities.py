"""Tests of evaluation.data.municipalities: ``municipalities.csv`` and the private name map.

Each test breaks one thing in a copy of the bundled data folder and checks
the exact problem reported.  Expected counts of the bundled data were made
by hand from the CSV files.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.data import load_municipalities, load_names
from evaluation.data.municipalities import MAX_NAME_LENGTH
from evaluation.exceptions import DataError
from folder_edits import FOLLOWUP, MUNIS, PLAN, data, edit, messages_of, problems_of  # noqa: F401 - fixtures



# --------------------------------------------------------- municipalities


def test_municipality_name_empty(data):
    edit(MUNIS, "Kommune C,false", ",false")
    found = problems_of(lambda: load_municipalities(data))
    assert found == [(MUNIS, 4, "municipality", "")]


def test_municipality_name_at_and_over_the_length_limit(data):
    at_limit = "Kommune " + "x" * (MAX_NAME_LENGTH - 8)
    edit(MUNIS, "Kommune C,false", f"{at_limit},false")
    assert at_limit in load_municipalities(data)["municipality"].tolist()
    edit(MUNIS, f"{at_limit},false", f"{at_limit}y,false")
    with pytest.raises(DataError) as caught:
        load_municipalities(data)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == (MUNIS, 4, "municipality")
    assert f"is {MAX_NAME_LENGTH + 1} characters long; at most {MAX_NAME_LENGTH} are allowed" in problem.message
    assert problem.value == at_limit + "y"  # short enough to show whole


def test_a_very_long_name_is_cut_in_the_message(data):
    edit(MUNIS, "Kommune C,false", "Kommune " + "C" * 1992 + ",false")
    with pytest.raises(DataError) as caught:
        load_municipalities(data)
    [problem] = caught.value.problems
    assert "is 2,000 characters long" in problem.message
    assert problem.value == ("Kommune " + "C" * 1992)[:MAX_NAME_LENGTH] + "…"


def test_two_names_with_one_file_name(data):
    # "Kommune C" and "kommune-c" would both be profiles/kommune-c.html.
    edit(MUNIS, "Kommune E,", "kommune-c,")
    with pytest.raises(DataError) as caught:
        load_municipalities(data)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (MUNIS, 6, "municipality", "kommune-c")
    assert problem.message == "gives the same file name 'kommune-c' as 'Kommune C' (row 4); rename one"


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
