"""Tests of evaluation.data.instrument: ``instrument.yml``.

Each test breaks one thing in a copy of the bundled data folder and checks
the exact problem reported.  Expected counts of the bundled data were made
by hand from the CSV files.
"""
from __future__ import annotations

import pytest

from evaluation.data import load_instrument
from folder_edits import FOLLOWUP, MUNIS, PLAN, data, edit, messages_of, problems_of  # noqa: F401 - fixtures



# ------------------------------------------------------------ instrument
def test_instrument_missing(data):
    (data / "instrument.yml").unlink()
    assert problems_of(lambda: load_instrument(data)) == [("data/instrument.yml", None, None, None)]


def test_instrument_not_yaml(data):
    (data / "instrument.yml").write_text("scale: [\n", encoding="utf-8")
    assert messages_of(lambda: load_instrument(data))[0].startswith("not readable as UTF-8 YAML")


def test_instrument_not_a_mapping(data):
    (data / "instrument.yml").write_text("- a\n- b\n", encoding="utf-8")
    assert messages_of(lambda: load_instrument(data)) == ["expected a mapping at the top level"]


def test_instrument_item_without_question(data):
    edit(data / "instrument.yml", "    question: >-\n      I hvilken grad vurderer I, at der er etableret beredskab", "    spoergsmaal: >-\n      x")
    found = problems_of(lambda: load_instrument(data))
    assert [(f, r, c) for f, r, c, _ in found] == [("data/instrument.yml", None, "items")]
    assert found[0][3]["key"] == "beredskab"


def test_instrument_bad_kind(data):
    edit(data / "instrument.yml", "kind: context", "kind: kontekst")
    assert problems_of(lambda: load_instrument(data)) == [("data/instrument.yml", None, "kind", "kontekst")]


def test_instrument_item_key_twice(data):
    edit(data / "instrument.yml", "key: indsatser", "key: beredskab")
    assert problems_of(lambda: load_instrument(data)) == [("data/instrument.yml", None, "item", "beredskab")]


def test_instrument_code_zero_must_be_missing(data):
    edit(data / "instrument.yml", '{code: 0, label: "Ved ikke", missing: true}', '{code: 0, label: "Ved ikke", missing: false}')
    edit(data / "instrument.yml", '{code: 1, label: "Slet ikke", missing: false}', '{code: 1, label: "Slet ikke", missing: true}')
    assert problems_of(lambda: load_instrument(data)) == [("data/instrument.yml", None, "scale", None)]


def test_instrument_code_must_be_an_integer(data):
    edit(data / "instrument.yml", "{code: 4,", "{code: true,")
    found = problems_of(lambda: load_instrument(data))
    assert [(f, c) for f, _, c, _ in found] == [("data/instrument.yml", "scale")]
