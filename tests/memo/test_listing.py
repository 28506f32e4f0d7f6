"""Tests of evaluation.memo.listing: the tables that list every municipality of a large panel.

Every expected cell is written out by hand from the small frames below.
"""
import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from evaluation.exceptions import ParameterError
from evaluation.memo.context import PHASE_LABELS, STATUS_LABELS
from evaluation.memo.listing import item_answers_table, plan_status_table

SCRIPT = "<script>alert(1)</script>"


def rows(block) -> tuple[list[str], list[list[str]], str]:
    """(column headers, body rows with the row header first, caption) of the one table in ``block``."""
    table = BeautifulSoup(str(block), "html.parser").table
    head = [th.get_text() for th in table.thead.find_all("th")]
    body = [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in table.tbody.find_all("tr")]
    return head, body, table.caption.get_text()


@pytest.fixture
def paired():
    # A rose 2 -> 4; B answered "ved ikke" at follow-up; C left the baseline blank; D fell 3 -> 1;
    # E held at 4; F answered "ved ikke" at baseline.
    return pd.DataFrame({
        "municipality": ["Kommune A", "Kommune B", "Kommune C", "Kommune D", "Kommune E", "Kommune F"],
        "score_baseline": [2, 3, np.nan, 3, 4, np.nan],
        "score_followup": [4, np.nan, 2, 1, 4, 3],
        "dont_know_baseline": [False, False, False, False, False, True],
        "dont_know_followup": [False, True, False, False, False, False],
    })


def test_item_table_gives_each_answer_and_the_change(paired):
    head, body, caption = rows(item_answers_table(paired, label="Beredskab", baseline_label="Slutmåling",
                                                  followup_label="Opfølgning"))
    assert head == ["Kommune", "Slutmåling", "Opfølgning", "Ændring"]
    assert body == [
        ["Kommune A", "2", "4", "+2"],
        ["Kommune B", "3", "ved ikke", "–"],
        ["Kommune C", "–", "2", "–"],
        ["Kommune D", "3", "1", "-2"],
        ["Kommune E", "4", "4", "0"],
        ["Kommune F", "ved ikke", "3", "–"],
    ]
    assert caption == "Beredskab: svarene fra hver kommune, der deltog i begge målinger, og ændringen i skalapoint"


def test_item_table_has_scoped_headers_a_caption_and_a_named_box(paired):
    soup = BeautifulSoup(str(item_answers_table(paired, label="Beredskab", baseline_label="A", followup_label="B")),
                         "html.parser")
    assert all(th["scope"] == "col" for th in soup.thead.find_all("th"))
    assert [tr.th["scope"] for tr in soup.tbody.find_all("tr")] == ["row"] * 6
    box = soup.find("div")
    assert box["role"] == "region" and box["tabindex"] == "0" and box["aria-label"] == soup.caption.get_text()


def test_item_table_escapes_names_and_labels(paired):
    hostile = paired.assign(municipality=[SCRIPT, "b", "c", "d", "e", "f"])
    html = str(item_answers_table(hostile, label=SCRIPT, baseline_label=SCRIPT, followup_label="B"))
    assert "<script>" not in html and html.count("&lt;script&gt;") == 4  # caption, box label, header, row


def test_item_table_needs_its_columns_and_two_round_labels(paired):
    with pytest.raises(ParameterError, match="dont_know_followup"):
        item_answers_table(paired.drop(columns="dont_know_followup"), label="x", baseline_label="A", followup_label="B")
    with pytest.raises(ParameterError, match="different labels"):
        item_answers_table(paired, label="x", baseline_label="A", followup_label="A")


@pytest.fixture
def status():
    # Kommune A: all done in both rounds. Kommune B: nothing stated for "udrullet" at the follow-up.
    # Kommune C: in neither round's file (listed, but without any status).
    cells = {
        ("r1", "Kommune A"): "ggg", ("r2", "Kommune A"): "ggg",
        ("r1", "Kommune B"): "gpi", ("r2", "Kommune B"): "gg",
    }
    codes = {"g": "gennemfoert", "p": "i_proces", "i": "ikke_paabegyndt"}
    return pd.DataFrame([{"round": r, "municipality": m, "phase": phase, "status": codes[letter]}
                         for (r, m), letters in cells.items() for phase, letter in zip(PHASE_LABELS, letters)])


def test_plan_status_table_gives_every_municipality_each_phase_per_round(status):
    head, body, caption = rows(plan_status_table(
        status, municipalities=["Kommune A", "Kommune B", "Kommune C"], phase_labels=PHASE_LABELS,
        status_labels=STATUS_LABELS, round_labels={"r1": "Slutmåling", "r2": "Opfølgning"}))
    assert head == ["Kommune", "Udarbejdet (Slutmåling)", "Godkendt (Slutmåling)", "Fuldt udrullet (Slutmåling)",
                    "Udarbejdet (Opfølgning)", "Godkendt (Opfølgning)", "Fuldt udrullet (Opfølgning)"]
    assert body == [
        ["Kommune A"] + ["gennemført"] * 6,
        ["Kommune B", "gennemført", "i proces", "ikke påbegyndt", "gennemført", "gennemført", "–"],
        ["Kommune C"] + ["–"] * 6,
    ]
    assert caption == "Hver kommunes status på handlingsplanen i hver fase"


def test_plan_status_table_follows_the_order_given_and_a_round_without_rows(status):
    _, body, _ = rows(plan_status_table(
        status, municipalities=["Kommune B", "Kommune A"], phase_labels={"udrullet": "Fuldt udrullet"},
        status_labels=STATUS_LABELS, round_labels={"r1": "Slutmåling", "r0": "Ældre"}))
    assert body == [["Kommune B", "ikke påbegyndt", "–"], ["Kommune A", "gennemført", "–"]]


def test_plan_status_table_refuses_an_unlabelled_status(status):
    bad = status.assign(status=status["status"].replace("i_proces", "groen"))
    with pytest.raises(ParameterError, match="groen"):
        plan_status_table(bad, municipalities=["Kommune A"], phase_labels=PHASE_LABELS, status_labels=STATUS_LABELS,
                          round_labels={"r1": "S"})
