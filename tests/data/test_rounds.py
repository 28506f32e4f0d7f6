"""Tests of evaluation.data.rounds: ``rounds.yml``.

Each test breaks one thing in a copy of the bundled data folder and checks
the exact problem reported.  Expected counts of the bundled data were made
by hand from the CSV files.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evaluation.data import load_dataset, load_responses, load_rounds
from folder_edits import FOLLOWUP, MUNIS, PLAN, data, edit, messages_of, problems_of  # noqa: F401 - fixtures



# ----------------------------------------------------------------- rounds
def test_rounds_unsorted(data):
    edit(data / "rounds.yml", "date: 2019-03-01", "date: 2018-03-01")
    assert problems_of(lambda: load_rounds(data)) == [("data/rounds.yml", None, "date", None)]
    assert "chronological" in messages_of(lambda: load_rounds(data))[0]


def test_rounds_key_twice(data):
    edit(data / "rounds.yml", "key: opfoelgning-2019", "key: slutmaaling-2018")
    assert problems_of(lambda: load_rounds(data)) == [("data/rounds.yml", None, "key", "slutmaaling-2018")]


@pytest.mark.parametrize("date", ["2019-13-01", "snart"])
def test_rounds_bad_date(data, date):
    edit(data / "rounds.yml", "date: 2019-03-01", f"date: {date}")
    found = problems_of(lambda: load_rounds(data))
    assert len(found) == 1 and found[0][0] == "data/rounds.yml"


def test_rounds_key_with_path_characters(data):
    edit(data / "rounds.yml", "key: opfoelgning-2019", "key: ../opfoelgning-2019")
    assert problems_of(lambda: load_rounds(data)) == [("data/rounds.yml", None, "key", "../opfoelgning-2019")]


def test_rounds_entry_without_label(data):
    edit(data / "rounds.yml", "    label: Opfølgning\n", "")
    found = problems_of(lambda: load_rounds(data))
    assert [(f, c) for f, _, c, _ in found] == [("data/rounds.yml", "rounds")]


def test_round_file_missing(data):
    Path(FOLLOWUP).unlink()
    found = problems_of(lambda: load_dataset(data))
    assert found == [(FOLLOWUP, None, None, None)]
    assert "file is missing" in messages_of(lambda: load_dataset(data))[0]


def test_round_folder_missing_is_reported_once(data):
    shutil.rmtree("data/rounds/opfoelgning-2019")
    assert problems_of(lambda: load_dataset(data)) == [("data/rounds/opfoelgning-2019", None, None, "opfoelgning-2019")]


def test_unknown_round_folder(data):
    shutil.copytree("data/rounds/opfoelgning-2019", "data/rounds/opfoelgning-2020")
    assert problems_of(lambda: load_dataset(data)) == [("data/rounds/opfoelgning-2020", None, None, "opfoelgning-2020")]
    assert "unknown round" in messages_of(lambda: load_dataset(data))[0]


def test_old_layout_file_is_reported(data):
    (data / "responses").mkdir()
    assert problems_of(lambda: load_dataset(data)) == [("data/responses", None, None, None)]


def test_two_rounds_with_the_same_definite_form(data):
    edit(data / "rounds.yml", "definite: slutmålingen", "definite: Opfølgningen")
    assert problems_of(lambda: load_rounds(data)) == [("data/rounds.yml", None, "definite", "opfølgningen")]
