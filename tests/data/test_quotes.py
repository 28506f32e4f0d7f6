"""Tests of evaluation.data.quotes: ``quotes.csv``.

Each test breaks one thing in a copy of the bundled data folder and checks
the exact problem reported.  Expected counts of the bundled data were made
by hand from the CSV files.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.data import load_quotes
from folder_edits import QUOTES, data, edit, messages_of, problems_of  # noqa: F401 - fixtures



# ------------------------------------------------------- quotes and names
def test_quotes_bad_theme_and_empty_text(data):
    edit(QUOTES, "B1,beredskab,Afdelingsleder,Kommune E,", "B1,beredskaber,Afdelingsleder,Kommune E,")
    edit(QUOTES, "Vores indsatser handler om trivsel i bred forstand; et målrettet tilbud om ekstremisme har vi ikke.", '""')
    assert problems_of(lambda: load_quotes(data)) == [
        (QUOTES, 7, "theme", "beredskaber"),
        (QUOTES, 11, "text", ""),
    ]


def test_statement_ids_are_optional_but_unique(data):
    edit(QUOTES, "B2,beredskab,", "B1,beredskab,")
    assert problems_of(lambda: load_quotes(data)) == [(QUOTES, 8, "id", "B1")]
    # A file without the id column is still a valid statements file: every id reads as empty.
    Path(QUOTES).write_text("theme,role,municipality,text\nberedskab,Koordinator,Kommune A,Et udsagn.\n",
                            encoding="utf-8")
    quotes = load_quotes(data)
    assert quotes["id"].tolist() == [""] and quotes["text"].tolist() == ["Et udsagn."]


def test_quotes_allow_an_empty_municipality():
    quotes = load_quotes()
    assert (quotes["municipality"] == "").sum() == 4  # the centre's four quotes


def test_quotes_belong_to_the_followup_only():
    quotes = load_quotes()
    assert set(quotes["round"]) == {"opfoelgning-2019"} and len(quotes) == 22
    assert quotes["id"].tolist()[:3] == ["L1", "L2", "L3"]


def test_a_statement_needs_an_interview_in_that_round(data):
    # Kommune F answered the survey in 2019: it cannot be quoted from an interview.
    edit(QUOTES, "B3,beredskab,Koordinator,Kommune B,", "B3,beredskab,Koordinator,Kommune F,")
    found = problems_of(lambda: load_quotes(data))
    assert found == [(QUOTES, 9, "municipality", "Kommune F")]
    # Quoting a 2019 interview in the 2018 file is refused too (everybody answered the survey then).
    Path("data/rounds/slutmaaling-2018/quotes.csv").write_text(
        "theme,role,municipality,text\nberedskab,Koordinator,Kommune A,Et udsagn.\n", encoding="utf-8")
    edit(QUOTES, "B3,beredskab,Koordinator,Kommune F,", "B3,beredskab,Koordinator,Kommune B,")
    assert problems_of(lambda: load_quotes(data)) == [
        ("data/rounds/slutmaaling-2018/quotes.csv", 2, "municipality", "Kommune A")]
