"""Tests of evaluation.memo.outline: one outline numbers every section and figure.

The expected numbers are those of the memo's structure (MEMO.md section 4),
written out by hand.
"""
import re

import pytest

from evaluation.data import load_instrument
from evaluation.exceptions import ParameterError
from evaluation.memo.outline import FIGURE_TITLES, Entry, Outline, instrument_outline, memo_outline

PARAMETERS = ["beredskab", "indsatser", "internt_samarbejde", "eksternt_samarbejde", "kompetencer"]
CONTEXT = ["radikalisering_udfordring"]


@pytest.fixture
def outline():
    return memo_outline(PARAMETERS, CONTEXT)


def test_figures_are_numbered_one_to_nine(outline):
    figures = {e.key: e.label for e in outline.figures()}
    assert figures == {
        "fig:means": "1",
        "fig:plan_status": "2",
        "fig:item:beredskab": "3",
        "fig:item:indsatser": "4",
        "fig:item:internt_samarbejde": "5",
        "fig:item:eksternt_samarbejde": "6",
        "fig:item:kompetencer": "7",
        "fig:item:radikalisering_udfordring": "8",
        "fig:trend": "9",
    }
    assert [e.number for e in outline.figures()] == list(range(1, 10))


def test_sections_follow_the_memo(outline):
    sections = [(e.key, e.label, e.level) for e in outline.sections()]
    assert sections == [
        ("sec:intro", "1", 1),
        ("sec:background", "1.1", 2),
        ("sec:purpose", "1.2", 2),
        ("sec:data", "1.3", 2),
        ("sec:conclusion", "2", 1),
        ("sec:results", "3", 1),
        ("sec:leadership", "3.1", 2),
        ("sec:item:beredskab", "3.2", 2),
        ("sec:item:indsatser", "3.3", 2),
        ("sec:item:internt_samarbejde", "3.4", 2),
        ("sec:item:eksternt_samarbejde", "3.5", 2),
        ("sec:item:kompetencer", "3.6", 2),
        ("sec:centre", "4", 1),
        ("sec:methods", "A", 1),
    ]


def test_entries_are_in_reading_order(outline):
    # The conclusion holds Figure 1, the results open with Figure 2, each
    # parameter's section holds its figure, the context figure sits in the
    # last parameter's section, and the trend figure is in the appendix.
    keys = [e.key for e in outline.entries]
    assert keys.index("sec:conclusion") < keys.index("fig:means") < keys.index("sec:results")
    assert keys.index("sec:results") < keys.index("fig:plan_status") < keys.index("sec:leadership")
    for this, following in zip(PARAMETERS, PARAMETERS[1:] + [None]):
        end = keys.index(f"sec:item:{following}") if following else keys.index("sec:centre")
        assert keys.index(f"sec:item:{this}") < keys.index(f"fig:item:{this}") < end
    assert keys.index("fig:item:kompetencer") < keys.index("fig:item:radikalisering_udfordring") < keys.index("sec:centre")
    assert keys.index("sec:methods") < keys.index("fig:trend")


def test_numbers_anchors_and_captions(outline):
    assert outline.get("sec:item:kompetencer").number == 6
    assert outline.get("sec:methods").number == 0
    assert outline.get("sec:methods").anchor == "sec-A"
    assert outline.get("sec:item:beredskab").anchor == "sec-3-2"
    assert outline.get("sec:intro").anchor == "sec-1"
    assert outline.get("fig:item:beredskab").anchor == "fig-3"
    assert outline.get("fig:means").caption == "Figur 1. Udvikling i udvalgte områder"
    assert outline.get("fig:trend").caption == f"Figur 9. {FIGURE_TITLES['fig:trend']}"
    assert outline.get("sec:conclusion").caption == "2 Konklusion på opfølgningen"


def test_anchors_are_unique_and_html_safe(outline):
    anchors = [e.anchor for e in outline.entries]
    assert len(set(anchors)) == len(anchors)
    assert all(re.fullmatch(r"(fig|sec)-[0-9A-Za-z-]+", a) for a in anchors)


@pytest.mark.parametrize(
    "key, expected",
    [
        ("fig:plan_status", '<a class="xref" href="#fig-2">figur 2</a>'),
        ("fig:item:kompetencer", '<a class="xref" href="#fig-7">figur 7</a>'),
        ("fig:item:radikalisering_udfordring", '<a class="xref" href="#fig-8">figur 8</a>'),
        ("sec:leadership", '<a class="xref" href="#sec-3-1">afsnit 3.1</a>'),
        ("sec:item:eksternt_samarbejde", '<a class="xref" href="#sec-3-5">afsnit 3.5</a>'),
        ("sec:methods", '<a class="xref" href="#sec-A">bilag A</a>'),
    ],
)
def test_ref_links_to_the_anchor_of_its_entry(outline, key, expected):
    assert outline.ref(key) == expected
    href = re.search(r'href="#([^"]+)"', outline.ref(key)).group(1)
    assert href == outline.get(key).anchor


def test_ref_capital():
    o = memo_outline(PARAMETERS, CONTEXT)
    assert o.ref("fig:means", capital=True) == '<a class="xref" href="#fig-1">Figur 1</a>'
    assert o.ref("sec:methods", capital=True).endswith(">Bilag A</a>")


def test_every_ref_points_at_an_existing_anchor(outline):
    anchors = {e.anchor for e in outline.entries}
    for entry in outline.entries:
        href = re.search(r'href="#([^"]+)"', outline.ref(entry.key)).group(1)
        assert href in anchors


@pytest.mark.parametrize("key", ["fig:item:nope", "sec:item:radikalisering_udfordring", "", "fig:8"])
def test_unknown_key_raises(outline, key):
    with pytest.raises(ParameterError, match="no outline entry"):
        outline.get(key)
    with pytest.raises(ParameterError, match="no outline entry"):
        outline.ref(key)


def test_changing_the_parameters_renumbers_everything_consistently():
    o = memo_outline(["indsatser", "beredskab", "ny_parameter"], CONTEXT)
    assert o.get("sec:item:indsatser").label == "3.2"
    assert o.get("sec:item:beredskab").label == "3.3"
    assert o.get("sec:item:ny_parameter").label == "3.4"
    assert [e.label for e in o.figures()] == [str(n) for n in range(1, 8)]
    assert o.get("fig:item:ny_parameter").number == 5
    assert o.get("fig:item:radikalisering_udfordring").number == 6
    assert o.get("fig:trend").number == 7
    assert o.ref("fig:item:radikalisering_udfordring") == '<a class="xref" href="#fig-6">figur 6</a>'
    with pytest.raises(ParameterError):
        o.get("sec:item:kompetencer")


def test_many_parameters_get_two_digit_sections():
    params = [f"p{k}" for k in range(12)]
    o = memo_outline(params, [])
    assert o.get("sec:item:p11").label == "3.13"
    assert o.get("sec:item:p11").number == 13
    assert o.get("sec:item:p11").anchor == "sec-3-13"
    assert o.get("fig:trend").number == 15


def test_without_context_items_the_trend_figure_follows_the_parameters():
    o = memo_outline(PARAMETERS, [])
    assert o.get("fig:trend").number == 8


def test_titles_are_taken_from_the_mapping():
    o = memo_outline(["beredskab"], [], titles={"beredskab": "Beredskab (figur)", "sec:beredskab": "Beredskab"})
    assert o.get("fig:item:beredskab").title == "Beredskab (figur)"
    assert o.get("sec:item:beredskab").title == "Beredskab"
    # Without titles the key stands in.
    assert memo_outline(["x"], []).get("sec:item:x").title == "x"


def test_instrument_outline_uses_the_instrument_labels():
    o = instrument_outline(load_instrument())
    assert o.get("sec:item:kompetencer").caption == "3.6 Kompetencer"
    assert o.get("fig:item:kompetencer").caption == "Figur 7. Medarbejdernes kompetencer"
    assert o.get("fig:item:radikalisering_udfordring").caption == "Figur 8. Radikalisering som en udfordring"
    assert o.get("fig:item:beredskab").number == 3


def test_duplicate_keys_are_refused():
    with pytest.raises(ParameterError, match="unique"):
        memo_outline(["beredskab", "beredskab"], [])
    with pytest.raises(ParameterError, match="unique"):
        Outline([Entry("a", "section", "1", "A"), Entry("a", "figure", "1", "B")])


def test_ref_escapes_the_label():
    o = Outline([Entry("x", "section", '1"<b>', "T")])
    assert '<b>' not in o.ref("x")
