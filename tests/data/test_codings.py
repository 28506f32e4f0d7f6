"""Tests of evaluation.data.codings: ``rounds/<key>/codings.csv``.

Each refused coding is checked for the exact file, row, column and value.
Counts of the bundled codings were made by hand from the CSV file.
"""
from __future__ import annotations

from pathlib import Path

from evaluation.data import load_dataset
from folder_edits import QUOTES, data, edit, problems_of  # noqa: F401 - fixtures

CODINGS = "data/rounds/opfoelgning-2019/codings.csv"
EARLIER = "data/rounds/slutmaaling-2018/codings.csv"


def test_bundled_codings_belong_to_the_followup():
    ds = load_dataset()
    codings = ds.codings
    assert set(codings["round"]) == {"opfoelgning-2019"} and len(codings) == 58
    assert set(codings["source"]) == {"Kommune A", "Kommune B", "Kommune E", "Kommune G", "Kommune J", "centret"}
    assert (codings["quote"] != "").sum() == 27
    assert codings.columns.tolist() == ["round", "source", "code", "quote"]


def test_refused_codings_name_file_row_column_value(data):
    text = Path(CODINGS).read_text(encoding="utf-8")
    Path(CODINGS).write_text(text + "\n".join([
        "Kommune C,infohus,",          # row 60: C answered the survey, no interview
        "Kommune Z,infohus,",          # 61: no such municipality
        "Kommune A,styregrupe,",       # 62: no such code
        "Kommune A,scenarietraening,", # 63: a code about the centre
        "centret,infohus,",            # 64: a code about municipalities
        "Kommune A,lederkendskab,X9",  # 65: no such statement
        "Kommune A,psykiatri,K2",      # 66: K2 is Kommune B's statement
        "Kommune B,taskforce,K2",      # 67: K2 is about competences, taskforce about preparedness
        "Kommune A,infohus,",          # 68: coded twice
    ]) + "\n", encoding="utf-8")
    assert sorted(problems_of(lambda: load_dataset(data))) == [
        (CODINGS, 60, "source", "Kommune C"),
        (CODINGS, 61, "source", "Kommune Z"),
        (CODINGS, 62, "code", "styregrupe"),
        (CODINGS, 63, "code", "scenarietraening"),
        (CODINGS, 64, "code", "infohus"),
        (CODINGS, 65, "quote", "X9"),
        (CODINGS, 66, "quote", "K2"),
        (CODINGS, 67, "quote", "K2"),
        (CODINGS, 68, "code", "Kommune A / infohus"),
    ]


def test_a_quote_of_another_round_is_not_found(data):
    Path(EARLIER).write_text("source,code,quote\ncentret,procesfacilitering,C2\n", encoding="utf-8")
    assert problems_of(lambda: load_dataset(data)) == [(EARLIER, 2, "quote", "C2")]


def test_the_quote_column_is_optional(data):
    Path(EARLIER).write_text("code,source\nprocesfacilitering,centret\n", encoding="utf-8")
    codings = load_dataset(data).codings
    row = codings[codings["round"] == "slutmaaling-2018"].iloc[0]
    assert (row["source"], row["code"], row["quote"]) == ("centret", "procesfacilitering", "")


def test_a_missing_codings_file_is_reported(data):
    Path(EARLIER).unlink()
    found = problems_of(lambda: load_dataset(data))
    assert found == [(EARLIER, None, None, None)]


def test_codings_follow_a_changed_participation(data):
    # Kommune J no longer interviewed: its 8 codings are refused, each by row; its 3 statements,
    # moved to the centre so that the statements stay valid, are no longer by the coded source.
    edit("data/rounds/opfoelgning-2019/participation.csv", "Kommune J,interview", "Kommune J,survey")
    edit(QUOTES, ",Kommune J,", ",,", count=3)
    found = problems_of(lambda: load_dataset(data))
    assert sorted((c, v) for _, _, c, v in found) == [("quote", "K3"), ("quote", "L5"), ("quote", "S2")] + [
        ("source", "Kommune J")] * 8
