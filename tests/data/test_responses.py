"""Tests of evaluation.data.responses: one answer file per round.

Each test breaks one thing in a copy of the bundled data folder and checks
the exact problem reported.  Expected counts of the bundled data were made
by hand from the CSV files.
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from evaluation.data import load_dataset, load_responses
from folder_edits import FOLLOWUP, MUNIS, PLAN, data, edit, messages_of, problems_of  # noqa: F401 - fixtures




# -------------------------------------------------------------- responses
def test_answer_twice(data):
    edit(FOLLOWUP, "Kommune B,indsatser,", "Kommune B,beredskab,")
    found = problems_of(lambda: load_responses(data))
    # Row 9 is Kommune B's indsatser (A has rows 2-7, B starts at 8).
    assert (FOLLOWUP, 9, "item", "Kommune B / beredskab") in found
    assert (FOLLOWUP, 8, "item", "Kommune B / indsatser") in found  # ... so indsatser is missing
    assert len(found) == 2


def test_item_missing(data):
    edit(FOLLOWUP, "Kommune C,kompetencer,3\n", "")
    lines = Path(FOLLOWUP).read_text(encoding="utf-8").splitlines()
    assert lines[13].startswith("Kommune C,beredskab")  # row 14
    assert problems_of(lambda: load_responses(data)) == [(FOLLOWUP, 14, "item", "Kommune C / kompetencer")]


@pytest.mark.parametrize("score", ["7", "-1", "3.0", "tre", "²", " 0x"])
def test_score_not_a_code(data, score):
    edit(FOLLOWUP, "Kommune A,beredskab,4", f"Kommune A,beredskab,{score}")
    assert problems_of(lambda: load_responses(data)) == [(FOLLOWUP, 2, "score", score.strip())]


def test_empty_score_is_not_answered_and_not_ved_ikke(data):
    edit(FOLLOWUP, "Kommune A,beredskab,4", "Kommune A,beredskab,")
    responses = load_responses(data).set_index(["round", "municipality", "item"])
    blank = responses.loc[("opfoelgning-2019", "Kommune A", "beredskab")]
    assert math.isnan(blank["score"]) and not blank["dont_know"]
    ved_ikke = responses.loc[("opfoelgning-2019", "Kommune D", "kompetencer")]
    assert math.isnan(ved_ikke["score"]) and ved_ikke["dont_know"]
    assert len(responses) == 180  # the row stays: the municipality took part and left the question blank


def test_unknown_item_and_municipality(data):
    edit(FOLLOWUP, "Kommune A,beredskab,4", "Kommune Z,beredskab,4")
    edit(FOLLOWUP, "Kommune J,indsatser,", "Kommune J,indsats,")
    found = problems_of(lambda: load_responses(data))
    assert (FOLLOWUP, 2, "municipality", "Kommune Z") in found
    assert (FOLLOWUP, 57, "item", "indsats") in found


def test_response_file_without_a_header_is_refused(data):
    Path(FOLLOWUP).write_text("Kommune A,beredskab,4\n", encoding="utf-8")
    assert problems_of(lambda: load_responses(data)) == [(FOLLOWUP, 1, None, "Kommune A,beredskab,4")]


def test_header_only_response_file_means_no_answers_yet(data):
    # A new round's template: valid, and the round simply has no answers (status and run say so).
    Path(FOLLOWUP).write_text("municipality,item,score\n", encoding="utf-8")
    responses = load_responses(data)
    assert "opfoelgning-2019" not in set(responses["round"]) and len(responses) == 120


def test_response_file_not_utf8(data):
    Path(FOLLOWUP).write_bytes("municipality,item,score\nKommune A,beredskab,ø\n".encode("cp1252"))
    assert messages_of(lambda: load_responses(data))[0].startswith("not readable as UTF-8 CSV")


def test_response_file_with_bom_and_crlf_loads(data):
    text = Path(FOLLOWUP).read_text(encoding="utf-8")
    Path(FOLLOWUP).write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    responses = load_responses(data)
    assert len(responses) == 180
    row = responses[(responses["round"] == "opfoelgning-2019") & (responses["municipality"] == "Kommune D") & (responses["item"] == "kompetencer")]
    assert math.isnan(row["score"].item()) and row["dont_know"].item()
