"""Tests of evaluation.data.narrative: sections by outline id, placeholders, and their errors.

Expected line numbers are counted by hand in the texts below (line 1 is the
first line of the text).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.data import load_dataset
from evaluation.data.narrative import parse_narrative
from folder_edits import NARRATIVE, data, edit, problems_of  # noqa: F401 - fixtures

PARAMS = ["beredskab", "kompetencer"]


def parse(text: str):
    problems = []
    narrative = parse_narrative(text, "n.md", PARAMS, problems)
    return narrative, [(p.row, p.value) for p in problems]


def test_sections_are_cut_at_their_markers_and_comments_never_count():
    text = ("<!-- a hint\n   over two lines -->\n\n[[sec:purpose]]\n<!-- hint -->\nFørste afsnit.\n\n"
            "[[sec:item:kompetencer]]\n  Om kompetencer.  \n[[sec:centre]]\n<!-- only a hint -->\n")
    narrative, problems = parse(text)
    assert problems == []
    assert narrative.text("sec:purpose") == "Første afsnit."
    assert narrative.line("sec:purpose") == 5
    assert narrative.text("sec:item:kompetencer") == "Om kompetencer."
    assert narrative.text("sec:centre") is None  # a hint alone is an empty section
    assert narrative.text("sec:leadership") is None  # absent


def test_unknown_section_and_section_twice_name_the_line():
    _, problems = parse("[[sec:purpose]]\nA\n[[sec:purpose]]\nB\n[[sec:item:trivsel]]\n[[kapitel 4]]\n")
    assert problems == [(3, "sec:purpose"), (5, "sec:item:trivsel"), (6, "kapitel 4")]


def test_unknown_and_unclosed_placeholders_name_line_and_name():
    text = "[[sec:purpose]]\nVi talte med {{ n_interviewed }} kommuner.\n{{ n_kommuner }} og {{followup.label}}\nHalv {{ åben\n"
    _, problems = parse(text)
    assert problems == [(3, "n_kommuner"), (4, "Halv {{ åben")]


def test_a_placeholder_inside_a_comment_is_no_problem():
    _, problems = parse("[[sec:purpose]]\n<!-- {{ ukendt }} -->\nTekst.\n")
    assert problems == []


def test_text_before_the_first_marker_is_refused():
    _, problems = parse("Løs tekst\n[[sec:purpose]]\nTekst.\n")
    assert problems == [(1, "Løs tekst")]


def test_bundled_narratives_belong_to_their_rounds():
    ds = load_dataset()
    assert ds.narratives["opfoelgning-2019"].text("sec:centre").startswith("Interviewet med centrets projektledere")
    # The earlier rounds have skeletons only: no section has text.
    for key in ("udgangsmaaling-2017", "slutmaaling-2018"):
        assert all(ds.narratives[key].text(s) is None for s in ds.narratives[key].sections)


def test_dataset_reports_narrative_problems_with_file_and_line(data):
    edit(NARRATIVE, "[[sec:purpose]]\n", "[[sec:purpose]]\nSe {{ n_ukendt }}.\n")
    found = problems_of(lambda: load_dataset(data))
    assert found == [(NARRATIVE, 10, None, "n_ukendt")]


def test_narrative_file_missing_is_reported_once(data):
    Path(NARRATIVE).unlink()
    assert problems_of(lambda: load_dataset(data)) == [(NARRATIVE, None, None, None)]


@pytest.mark.parametrize("raw", [b"\xff\xfe[[sec:purpose]]", b"[[sec:purpose]]\n\xe6\xf8\xe5\n"])
def test_narrative_not_utf8(data, raw):
    Path(NARRATIVE).write_bytes(raw)
    found = problems_of(lambda: load_dataset(data))
    assert [f for f, *_ in found] == [NARRATIVE]


def test_code_count_placeholders_name_a_code_of_the_codebook():
    problems = []
    text = "[[sec:purpose]]\n{{ codes.infohus }} og {{ codes.infohus.sources }}\n{{ codes.ukendt }} {{ codes. }}\n"
    narrative = parse_narrative(text, "n.md", PARAMS, problems, codes=["infohus"])
    assert [(p.row, p.value) for p in problems] == [(3, "codes.ukendt"), (3, "codes.")]
    assert narrative.uses_code_counts()
    plain, _ = parse("[[sec:purpose]]\nIngen optælling.\n")
    assert not plain.uses_code_counts()
    # Without a codebook to check against (it is broken and reported by itself), code names are not checked.
    problems = []
    parse_narrative("[[sec:purpose]]\n{{ codes.ukendt }}\n", "n.md", PARAMS, problems, codes=None)
    assert problems == []


def test_word_forms_of_the_counts_are_placeholders_and_their_kin_are_refused():
    text = ("[[sec:purpose]]\n{{ n_interviewed.count }} af {{ n_municipalities.words }}: {{ n_survey.of_total }}.\n"
            "{{ n_rounds.count }} og {{ n_parameters.words }}\n"
            "{{ n_interviewed.ord }} {{ n_municipalities.of_total }}\n{{ baseline.label.words }} {{ n_rounds.of_total }}\n")
    _, problems = parse(text)
    # Line 4 and 5 hold names that are no placeholder: a form that does not exist, .of_total of a count
    # that is not a part of the municipalities, a word form of a text.
    assert problems == [(4, "n_interviewed.ord"), (4, "n_municipalities.of_total"), (5, "baseline.label.words"),
                        (5, "n_rounds.of_total")]


def test_validate_refuses_an_unknown_word_form_naming_file_line_and_name(data, capsys):
    from evaluation.cli import main

    edit(NARRATIVE, "[[sec:purpose]]\n", "[[sec:purpose]]\n{{ n_interviewed.count }} deltog; {{ n_survey.antal }}.\n")
    assert main(["validate", "--data", str(data)]) == 2
    err = capsys.readouterr().err
    # Line 10: the marker [[sec:purpose]] is line 9 of the bundled narrative (see the test above).
    assert f"{NARRATIVE}, row 10" in err and "'n_survey.antal'" in err and "unknown placeholder" in err
    assert "n_interviewed.count" not in err.split("allowed:")[0]
