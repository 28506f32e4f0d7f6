"""Tests of evaluation.data.codebook: ``codebook.yml``.

Counts of the bundled codebook were made by hand from data/codebook.yml.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.data.codebook import load_codebook
from folder_edits import data, edit, problems_of  # noqa: F401 - fixtures

BOOK = "data/codebook.yml"


def test_bundled_codebook():
    book = load_codebook()
    assert book.themes["theme"].tolist() == ["ledelsesforankring", "beredskab", "indsatser", "internt_samarbejde",
                                             "eksternt_samarbejde", "kompetencer", "centrets_arbejde"]
    assert len(book.codes) == 28 and book.codes["code"].is_unique
    codes = book.codes.set_index("code")
    # A parameter theme's code bears on that parameter unless it names another.
    assert codes.loc["taskforce", "parameter"] == "beredskab"
    assert codes.loc["ledelsesansvar", "parameter"] == "internt_samarbejde"
    assert codes.loc["registrering", "parameter"] == ""
    # Defaults: phrase_one is the phrase, direction neutral, sources municipalities.
    assert codes.loc["infohus", "phrase_one"] == codes.loc["infohus", "phrase"]
    assert codes.loc["faa_henvendelser", "direction"] == "neutral"
    assert codes.loc["andre_aktoerer", "phrase_one"].startswith("er usikker på")
    assert set(codes.loc[codes["theme"] == "centrets_arbejde", "sources"]) == {"centre"}
    assert book.codes_of("beredskab")["code"].tolist() == ["taskforce", "interesse_uden_sager", "beredskab_udbredt"]


def test_every_problem_names_the_field_and_value(data):
    edit(BOOK, "  - key: indsatser\n", "  - key: indsats\n")
    edit(BOOK, "        direction: problem\n", "        direction: maaske\n")
    edit(BOOK, "        parameter: internt_samarbejde\n", "        parameter: radikalisering_udfordring\n")
    edit(BOOK, "      - key: handlekort\n", "      - key: kontaktvej\n")
    found = problems_of(lambda: load_codebook(data))
    assert [(c, v) for _, _, c, v in found] == [
        ("parameter", "radikalisering_udfordring"),
        ("direction", "maaske"),
        ("key", "indsats"),
        ("key", "kontaktvej"),
    ]
    assert all(f == BOOK for f, *_ in found)


def test_a_code_needs_a_key_a_label_and_a_phrase(data):
    edit(BOOK, "        phrase: har styrket samarbejdet med psykiatrien\n", "")
    edit(BOOK, "      - key: taskforce\n", "      - key: Task Force\n")
    found = problems_of(lambda: load_codebook(data))
    assert [(c, v) for _, _, c, v in found] == [("key", "Task Force"), ("phrase", None)]


def test_missing_or_broken_codebook(data):
    Path(BOOK).write_text("themes: [\n", encoding="utf-8")
    assert problems_of(lambda: load_codebook(data))[0][0] == BOOK
    Path(BOOK).unlink()
    assert problems_of(lambda: load_codebook(data)) == [(BOOK, None, None, None)]


def test_an_empty_codebook_is_valid(data):
    Path(BOOK).write_text("themes: []\n", encoding="utf-8")
    book = load_codebook(data)
    assert book.codes.empty and book.themes.empty


def test_hostile_text_is_kept_as_text(data):
    edit(BOOK, "        label: Handlekort\n", "        label: \"<script>alert(1)</script>\"\n")
    codes = load_codebook(data).codes.set_index("code")
    assert codes.loc["handlekort", "label"] == "<script>alert(1)</script>"


@pytest.mark.parametrize("field", ["label", "phrase"])
def test_blank_text_fields_are_refused(data, field):
    edit(BOOK, f"        {field}: Scenarietræning\n" if field == "label" else
         "        phrase: tilbyder kommunerne scenarietræning\n", f"        {field}: '  '\n")
    assert problems_of(lambda: load_codebook(data)) == [(BOOK, None, field, "  ")]
