"""Tests of evaluation.memo.text.codings: Danish count sentences and triangulation.

Expected sentences are written out by hand for 0, 1, several and all sources.
"""
from __future__ import annotations

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from evaluation.memo.text import codings as tc

SCRIPT = "<script>alert(1)</script>"
PHRASES = {"s": ("har nu en fast styregruppe", "har nu en fast styregruppe"),
           "u": ("er fortsat usikre på, hvad de må dele", "er fortsat usikker på, hvad den må dele")}


def row(code, n, total, sources="", about="municipalities"):
    return {"code": code, "n_sources": n, "n_interviewed": total, "sources": sources, "about": about, "label": code}


def text(html):
    return BeautifulSoup(html, "html.parser").get_text()


@pytest.mark.parametrize("n,total,expected", [
    (0, 5, "Ingen af de fem interviewede kommuner er fortsat usikre på, hvad de må dele."),
    (1, 5, "Én af de fem interviewede kommuner (Kommune B) er fortsat usikker på, hvad den må dele."),
    (3, 5, "Tre af de fem interviewede kommuner (Kommune A, Kommune B og Kommune C) er fortsat usikre på, hvad de må dele."),
    (5, 5, "Alle fem interviewede kommuner er fortsat usikre på, hvad de må dele."),
    (2, 2, "Begge interviewede kommuner er fortsat usikre på, hvad de må dele."),
    (1, 1, "Den ene interviewede kommune er fortsat usikker på, hvad den må dele."),
    (0, 1, "Ingen interviewede kommuner er fortsat usikre på, hvad de må dele."),
])
def test_count_sentence_for_none_one_several_all(n, total, expected):
    names = {1: "Kommune B", 3: "Kommune A; Kommune B; Kommune C"}.get(n, "")
    html = tc.code_sentence(row("u", n, total, names), PHRASES)
    assert text(html) == expected
    span = BeautifulSoup(html, "html.parser").span
    assert span["class"] == ["code-count"] and (span["data-code"], span["data-n"], span["data-of"]) == ("u", str(n), str(total))


def test_many_coded_municipalities_are_counted_not_listed():
    names = "; ".join(f"Kommune {i:03d}" for i in range(11))
    assert text(tc.code_sentence(row("s", 11, 40, names), PHRASES)) == (
        "I alt 11 af de 40 interviewede kommuner har nu en fast styregruppe.")
    ten = "; ".join(f"Kommune {i:03d}" for i in range(10))
    assert "(Kommune 000, Kommune 001" in text(tc.code_sentence(row("s", 10, 40, ten), PHRASES))


def test_a_count_above_the_interviewed_is_refused():
    with pytest.raises(ValueError):
        tc.sources_phrase(6, 5)


def test_theme_sentences_keep_the_order_and_skip_rounds_without_interviews():
    counts = pd.DataFrame([row("s", 4, 5, "A; B; C; D"), row("u", 1, 5, "E")])
    assert [text(s)[:3] for s in tc.theme_sentences(counts, PHRASES)] == ["Fir", "Én "]
    assert tc.theme_sentences(pd.DataFrame([row("s", 0, 0)]), PHRASES) == []


def test_centre_sentences():
    counts = pd.DataFrame([row("s", 1, 1, "centret", "centre"), row("u", 0, 1, "", "centre")])
    out = [text(s) for s in tc.centre_sentences(counts, PHRASES, definite="opfølgningen")]
    assert out == ["Centret har nu en fast styregruppe.", "Interviewet med centret er ikke kodet med »u«."]
    two = pd.DataFrame([{**row("s", 0, 1, "", "centre"), "label": "Parathed og selvevaluering"}, row("u", 0, 1, "", "centre")])
    assert text(tc.centre_sentences(two, PHRASES, definite="x")[0]) == (
        "Interviewet med centret er ikke kodet med »Parathed og selvevaluering« eller »u«.")
    none = pd.DataFrame([row("s", 0, 0, "", "centre")])
    assert tc.centre_sentences(none, PHRASES, definite="opfølgningen") == [
        "Der er ingen kodede udsagn fra interviewet med centret ved opfølgningen."]


def test_hostile_text_stays_text():
    hostile = {"u": (SCRIPT, SCRIPT)}
    html = tc.code_sentence(row("u", 1, 2, SCRIPT), hostile)
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find("script") and SCRIPT in soup.get_text()
    counts = pd.DataFrame([{**row("u", 0, 1, "", "centre"), "label": SCRIPT}])
    assert "<script>" not in tc.centre_sentences(counts, hostile, definite=SCRIPT)[0]


COMPARE = {"n_pairs": 9, "direction": "fell", "mean_change": -0.2222, "mean_baseline": 3.0, "mean_followup": 2.78}
LABELS = {"k": "Klart, hvem man kontakter", "b": "Bevidst om manglende kompetencer"}


def tri(progress, problem, total=5):
    return {"n_interviewed": total, "n_progress": progress, "n_problem": problem, "top_progress": "k" if progress else "",
            "top_problem": "b" if problem else "", "n_top_progress": progress, "n_top_problem": problem}


def sentence(row_, tri_):
    return tc.triangulation_sentence(row_, tri_, label="Kompetencer", baseline="slutmålingen", followup="opfølgningen",
                                     labels=LABELS)


def test_triangulation_same_way():
    assert sentence(COMPARE, tri(0, 3)) == (
        "Tallene og interviewene peger samme vej: i kommunernes egne vurderinger faldt gennemsnittet for kompetencer med "
        "0,22 skalapoint fra slutmålingen til opfølgningen, mens tre af de fem interviewede kommuner beskriver problemer "
        "(oftest »Bevidst om manglende kompetencer«). Interviewene dækker kun de interviewede kommuner og er et "
        "supplement til tallene, ikke et bevis for dem.")


def test_triangulation_different_ways_and_mixed():
    assert sentence(COMPARE, tri(1, 0)).startswith(
        "Tallene og interviewene peger i hver sin retning: i kommunernes egne vurderinger faldt")
    assert "mens én af de fem interviewede kommuner beskriver fremgang" in sentence(COMPARE, tri(1, 0))
    mixed = sentence(COMPARE, tri(5, 4))
    assert mixed.startswith("Interviewene giver et blandet billede:")
    assert "mens alle fem interviewede kommuner beskriver fremgang (oftest »Klart, hvem man kontakter«) og fire af de fem " \
           "beskriver problemer" in mixed
    held = {**COMPARE, "direction": "held", "mean_change": 0.0}
    assert "peger i hver sin retning: i kommunernes egne vurderinger var gennemsnittet for kompetencer stort set uændret" in \
        sentence(held, tri(2, 0))


def test_triangulation_without_codes_or_interviews_or_pairs():
    assert "ingen af interviewene er kodet med fremgang eller problemer" in sentence(COMPARE, tri(0, 0))
    assert sentence(COMPARE, tri(0, 0, total=0)) == ""
    no_pairs = {**COMPARE, "n_pairs": 0, "direction": None}
    assert sentence(no_pairs, tri(2, 0)).startswith("Interviewene kan ikke holdes op mod en udvikling")
    assert "peger" not in sentence(no_pairs, tri(2, 0))
