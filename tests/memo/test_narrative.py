"""Tests of evaluation.memo.narrative: placeholders filled in, hostile Markdown made harmless."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from evaluation.data import load_dataset
from evaluation.data.contract import PLACEHOLDERS, WORD_PLACEHOLDERS
from evaluation.memo.narrative import count_words, placeholder_values, render

VALUES = {"n_interviewed": "5", "followup.label": "Opfølgning"}

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[klik](javascript:alert(1))",
    "![billede](https://example.org/x.png)",
    "<a href=\"https://example.org\" onclick=\"x()\">ud</a>",
    "<style>body{display:none}</style>",
    "<iframe src=\"https://example.org\"></iframe>",
    "[ud](https://example.org/side)",
    "<svg onload=alert(1)>",
    "<div style=\"background:url(https://example.org/t.png)\">x</div>",
]


@pytest.mark.parametrize("markdown", HOSTILE)
def test_hostile_markdown_loses_every_active_part(markdown):
    html = render(f"Før {markdown} efter", VALUES)
    soup = BeautifulSoup(html, "html.parser")
    tags = {t.name for t in soup.find_all(True)}
    assert tags <= {"p", "em", "strong", "ul", "ol", "li", "a", "blockquote", "code", "br"}
    for tag in soup.find_all(True):
        assert not [a for a in tag.attrs if a.startswith("on") or a in ("style", "src")], tag
    for link in soup.find_all("a"):
        assert link.get("href", "#x").startswith("#")  # only links within the document
    assert "Før" in soup.get_text() and "efter" in soup.get_text()


def test_markdown_formatting_survives():
    html = render("Vi talte med **{{ n_interviewed }}** kommuner.\n\n- én\n- to\n\n> citat\n\nSe [figur](#fig-1).", VALUES)
    assert html == ('<p>Vi talte med <strong>5</strong> kommuner.</p>\n<ul>\n<li>én</li>\n<li>to</li>\n</ul>\n'
                    '<blockquote>\n<p>citat</p>\n</blockquote>\n<p>Se <a href="#fig-1">figur</a>.</p>')


def test_a_placeholder_value_cannot_add_markup():
    html = render("Måling: {{ followup.label }}", {"followup.label": "*fed* <b>x</b> [a](#b)"})
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all(["em", "b", "a"]) == []
    assert soup.get_text() == "Måling: *fed* <b>x</b> [a](#b)"


def test_unknown_placeholder_is_a_key_error():
    with pytest.raises(KeyError, match="n_ukendt"):
        render("{{ n_ukendt }}", VALUES)


def test_placeholder_values_of_the_bundled_pair():
    ds = load_dataset()
    values = placeholder_values(ds, "slutmaaling-2018", "opfoelgning-2019")
    # Counted by hand from rounds/opfoelgning-2019/participation.csv: A, B, E, G, J interview; the rest survey.
    assert values["n_interviewed"] == "5" and values["n_survey"] == "5"
    assert values["n_participating"] == "10" and values["n_not_participating"] == "0"
    assert values["n_parameters"] == "5" and values["n_rounds"] == "3" and values["n_municipalities"] == "10"
    assert values["followup.definite"] == "opfølgningen" and values["baseline.date"] == "november 2018"


def test_code_count_values_of_the_bundled_pair():
    ds = load_dataset()
    values = placeholder_values(ds, "slutmaaling-2018", "opfoelgning-2019")
    # Counted by hand from rounds/opfoelgning-2019/codings.csv.
    assert values["codes.registrering"] == "4"
    assert values["codes.registrering.sources"] == "fire af de fem interviewede kommuner"
    assert values["codes.udveksling_uklar.sources"] == "én af de fem interviewede kommuner"
    assert values["codes.infohus.sources"] == "alle fem interviewede kommuner"
    assert values["codes.procesfacilitering.sources"] == "centret"
    # The 2018 round has no codings: every code count is a dash, never a made-up 0.
    early = placeholder_values(ds, "udgangsmaaling-2017", "slutmaaling-2018")
    assert early["codes.registrering"] == early["codes.infohus.sources"] == "–"


# Hand-written expectations: Danish style (words up to twelve, digits above, "alle"/"begge"/"den ene" for a whole).
WORD_CASES = [
    # (n, total, words, count, of_total)
    (0, 10, "ingen", "ingen kommuner", "ingen af de ti kommuner"),
    (1, 10, "én", "én kommune", "én af de ti kommuner"),
    (1, 1, "én", "én kommune", "den ene kommune"),
    (2, 2, "to", "to kommuner", "begge kommuner"),
    (5, 10, "fem", "fem kommuner", "fem af de ti kommuner"),
    (10, 10, "ti", "ti kommuner", "alle ti kommuner"),
    (12, 40, "tolv", "tolv kommuner", "12 af de 40 kommuner"),
    (13, 13, "13", "13 kommuner", "alle 13 kommuner"),
    (1200, 1200, "1.200", "1.200 kommuner", "alle 1.200 kommuner"),
]


@pytest.mark.parametrize("n,total,words,count,of_total", WORD_CASES)
def test_count_words_agree_with_their_number(n, total, words, count, of_total):
    values = count_words({"n_municipalities": total, "n_interviewed": n})
    assert values["n_interviewed.words"] == words
    assert values["n_interviewed.count"] == count
    assert values["n_interviewed.of_total"] == of_total
    assert "n_municipalities.of_total" not in values  # the whole is no part of itself


@pytest.mark.parametrize("n,singular_or_plural", [(0, "ingen parametre"), (1, "én parameter"), (8, "otte parametre")])
def test_counts_of_other_things_take_their_own_noun(n, singular_or_plural):
    values = count_words({"n_municipalities": 3, "n_parameters": n, "n_rounds": n})
    assert values["n_parameters.count"] == singular_or_plural
    assert values["n_rounds.count"] == singular_or_plural.replace("parametre", "målinger").replace("parameter", "måling")


def test_every_placeholder_validation_accepts_has_a_value():
    ds = load_dataset()
    values = placeholder_values(ds, "slutmaaling-2018", "opfoelgning-2019")
    assert set(PLACEHOLDERS) | set(WORD_PLACEHOLDERS) <= set(values)
    # Counted by hand from the follow-up's participation.csv: five interviewed of ten, nobody left out.
    assert values["n_interviewed.count"] == "fem kommuner" and values["n_interviewed.of_total"] == "fem af de ti kommuner"
    assert values["n_participating.of_total"] == "alle ti kommuner"
    assert values["n_not_participating.count"] == "ingen kommuner" and values["n_rounds.count"] == "tre målinger"


@pytest.mark.parametrize("markdown,expected", [
    ("{{ n.count }} blev interviewet.", "<p>Fem kommuner blev interviewet.</p>"),
    ("**{{ n.count }}** blev interviewet.", "<p><strong>Fem kommuner</strong> blev interviewet.</p>"),
    ("Vi talte med {{ n.count }}. {{ n.words }} svarede!", "<p>Vi talte med fem kommuner. Fem svarede!</p>"),
    ("Hvem? {{ m.of_total }}.", "<p>Hvem? Alle 40 kommuner.</p>"),
    ("- {{ m.count }} deltog\n- {{ zero.count }} udeblev", "<ul>\n<li>I alt 40 kommuner deltog</li>\n"
                                                            "<li>Ingen kommuner udeblev</li>\n</ul>"),
    ("> {{ c.sources }} nævner det.", "<blockquote>\n<p>Fire af de fem interviewede kommuner nævner det.</p>\n</blockquote>"),
    # An ordinal's or an abbreviation's full stop ends no sentence.
    ("Den 2. {{ n.words }}, bl.a. {{ n.count }}, fx. {{ n.words }}", "<p>Den 2. fem, bl.a. fem kommuner, fx. fem</p>"),
    ("{{ n }} kommuner.", "<p>5 kommuner.</p>"),  # the digit placeholders stay as they were
])
def test_a_word_form_that_opens_a_sentence_is_capitalised(markdown, expected):
    values = {"n.count": "fem kommuner", "n.words": "fem", "m.of_total": "alle 40 kommuner", "m.count": "40 kommuner",
              "zero.count": "ingen kommuner", "c.sources": "fire af de fem interviewede kommuner", "n": "5"}
    assert render(markdown, values) == expected
