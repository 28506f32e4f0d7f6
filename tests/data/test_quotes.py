"""Tests of evaluation.data.quotes: ``quotes.csv``.

Each test breaks one thing in a copy of the bundled data folder and checks
the exact problem reported.  Expected counts of the bundled data were made
by hand from the CSV files.
"""
from __future__ import annotations

import pytest

from evaluation.data import load_quotes
from folder_edits import FOLLOWUP, MUNIS, PLAN, data, edit, messages_of, problems_of  # noqa: F401 - fixtures



# ------------------------------------------------------- quotes and names
def test_quotes_bad_theme_and_empty_text(data):
    edit("data/quotes.csv", "beredskab,Koordinator,Kommune A,", "beredskaber,Koordinator,Kommune A,")
    edit("data/quotes.csv", '"Vi har fået et overblik over de tilbud, vi kan sætte i gang, så vi ikke starter forfra for hver borger."', '""')
    assert problems_of(lambda: load_quotes(data)) == [
        ("data/quotes.csv", 7, "theme", "beredskaber"),
        ("data/quotes.csv", 9, "text", ""),
    ]


def test_quotes_allow_an_empty_municipality():
    quotes = load_quotes()
    assert (quotes["municipality"] == "").sum() == 4  # the centre's four quotes
