"""Tests of evaluation.memo.narrative: placeholders filled in, hostile Markdown made harmless."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from evaluation.data import load_dataset
from evaluation.memo.narrative import placeholder_values, render

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
