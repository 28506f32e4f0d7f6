"""Tests of evaluation.memo.text: Danish number format and the generated sentences.

Two kinds of input: rows built by hand (every expected sentence below is
written out by hand from the row), and the real rows of the bundled data,
whose numbers are recomputed here with the csv module and plain arithmetic,
independently of pandas and of evaluation.compare.
"""
import csv
import datetime as dt
import math
from statistics import mean

import numpy as np
import pandas as pd
import pytest

from evaluation import config
from evaluation.memo import text as tx
from evaluation.analysis.ceiling import ceiling_municipalities, ceiling_table, headroom
from evaluation.analysis.compare import compare_by_mode, compare_rounds, paired_scores, score_distribution
from evaluation.memo.context import MODE_LABELS, PHASE_LABELS, STATUS_LABELS
from evaluation.data import load_dataset
from evaluation.analysis.trend import group_profile, plan_status_summary, trend

BASE, FOLLOW, START = "slutmaaling-2018", "opfoelgning-2019", "udgangsmaaling-2017"
B_DEF, F_DEF = "slutmålingen", "opfølgningen"
SCRIPT = "<script>alert(1)</script>"
ATTR = '" onerror="x'
SCRIPT_ESC = "&lt;script&gt;alert(1)&lt;/script&gt;"
ATTR_ESC = "&quot; onerror=&quot;x"


def assert_escaped(text, *raw):
    """No raw hostile string survives, and its escaped form is there."""
    text = "\n".join(text) if isinstance(text, list) else text
    for value in raw:
        assert value not in text
        assert tx.esc(value) in text
    assert "<script" not in text and '" onerror' not in text


# ------------------------------------------------------------------ numbers
@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (3.25, 2, "3,25"),
        (3.0, 1, "3,0"),
        (2.777778, 1, "2,8"),
        (-0.222222, 2, "-0,22"),
        (-0.04, 1, "0,0"),  # rounds to zero: no minus sign
        (-0.004, 2, "0,00"),
        (-0.4, 0, "0"),
        (1234.5, 1, "1234,5"),
        (7, 0, "7"),
        (np.int64(7), 1, "7,0"),
        (np.float32(0.5), 1, "0,5"),
        (float("nan"), 1, "–"),
        (np.float32("nan"), 1, "–"),
        (None, 1, "–"),
        (pd.NA, 1, "–"),
    ],
)
def test_number(value, decimals, expected):
    assert tx.number(value, decimals) == expected


@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (0.3, 1, "+0,3"),
        (0.3, 2, "+0,30"),
        (-0.222, 1, "-0,2"),
        (-0.04, 1, "0,0"),
        (0.04, 1, "0,0"),
        (0.0, 2, "0,00"),
        (float("nan"), 1, "–"),
        (None, 2, "–"),
    ],
)
def test_signed(value, decimals, expected):
    assert tx.signed(value, decimals) == expected


@pytest.mark.parametrize(
    "share, decimals, expected",
    [(0.6, 0, "60 %"), (1, 0, "100 %"), (0.333333, 0, "33 %"), (0.125, 1, "12,5 %"), (0.15, 0, "15 %"),
     (-0.001, 0, "0 %"), (float("nan"), 0, "–")],
)
def test_percent(share, decimals, expected):
    assert tx.percent(share, decimals) == expected


@pytest.mark.parametrize(
    "p, expected",
    [(0.5078125, "0,508"), (1.0, "1,000"), (0.001, "0,001"), (0.0004, "< 0,001"), (0.0, "< 0,001"),
     (float("nan"), "kan ikke beregnes"), (None, "kan ikke beregnes")],
)
def test_p_value(p, expected):
    assert tx.p_value(p) == expected


def test_join_and_count():
    assert tx.join([]) == ""
    assert tx.join(["a"]) == "a"
    assert tx.join(["a", "b"]) == "a og b"
    assert tx.join(["a", "b", "c"]) == "a, b og c"
    assert tx.join(w for w in ("x", "y")) == "x og y"
    assert tx.count(0, "kommune", "kommuner") == "ingen kommuner"
    assert tx.count(1, "kommune", "kommuner") == "1 kommune"
    assert tx.count(np.int64(3), "kommune", "kommuner") == "3 kommuner"


def test_esc():
    assert tx.esc(SCRIPT) == SCRIPT_ESC
    assert tx.esc(ATTR) == ATTR_ESC
    assert tx.esc("a & b's") == "a &amp; b&#x27;s"
    assert tx.esc(3) == "3"


def test_month_year():
    assert tx.month_year(dt.date(2018, 11, 1)) == "november 2018"
    assert tx.month_year(pd.Timestamp("2019-03-01")) == "marts 2019"


def test_module_doctest_values():
    assert (tx.number(3.25, 2), tx.number(3.0), tx.signed(-0.222), tx.percent(0.6)) == ("3,25", "3,0", "-0,2", "60 %")


# ------------------------------------------------------ hand-built rows
def make_row(**changes):
    """A compare_rounds row: 10 pairs, 7 up, 2 same, 1 down, detectable, not significant."""
    row = {
        "item": "beredskab", "direction": "rose", "verdict": "rose",
        "mean_baseline": 2.5, "mean_followup": 3.1, "mean_change": 0.6,
        "n_pairs": 10, "n_up": 7, "n_same": 2, "n_down": 1,
        "municipalities_up": "Kommune A, Kommune B, Kommune C, Kommune D, Kommune E, Kommune F, Kommune G",
        "municipalities_down": "Kommune J",
        "n_dont_know_baseline": 0, "n_dont_know_followup": 0, "n_not_answered_baseline": 0, "n_not_answered_followup": 0,
        "p_wilcoxon": 0.0234, "p_holm": 0.0936, "min_p": 2.0 ** (1 - 8),
        "detectable": True, "significant": False,
    }
    row.update(changes)
    return pd.Series(row)


def change(row, label="Beredskab"):
    return tx.change_sentence(row, label=label, baseline=B_DEF, followup=F_DEF)


def test_change_sentence_rose():
    assert change(make_row()) == (
        "For beredskab steg gennemsnittet fra 2,5 ved slutmålingen til 3,1 ved opfølgningen (ændring +0,60, "
        "n = 10 kommuner med gyldige svar begge gange). 7 kommuner svarede højere, 2 det samme og 1 kommune lavere "
        "(op: Kommune A, Kommune B, Kommune C, Kommune D, Kommune E, Kommune F, Kommune G; ned: Kommune J)."
    )


def test_change_sentence_held():
    row = make_row(direction="held", verdict="held", mean_baseline=3.0, mean_followup=3.0, mean_change=0.0,
                   n_up=1, n_same=8, n_down=1, municipalities_up="Kommune B", municipalities_down="Kommune C")
    assert change(row, "Internt samarbejde") == (
        "For internt samarbejde var gennemsnittet stort set uændret: 3,0 ved slutmålingen og 3,0 ved opfølgningen "
        "(ændring 0,00, n = 10 kommuner med gyldige svar begge gange). 1 kommune svarede højere, 8 det samme og "
        "1 kommune lavere (op: Kommune B; ned: Kommune C)."
    )


def test_change_sentence_held_with_no_one_moving_names_no_one():
    row = make_row(direction="held", mean_baseline=4.0, mean_followup=4.0, mean_change=0.0, n_up=0, n_same=10,
                   n_down=0, municipalities_up="", municipalities_down="")
    assert change(row).endswith("Ingen kommuner svarede højere, 10 det samme og ingen lavere.")


def test_change_sentence_fell():
    row = make_row(direction="fell", verdict="fell", mean_baseline=3.0, mean_followup=2.777778,
                   mean_change=-0.222222, n_pairs=9, n_up=0, n_same=7, n_down=2,
                   municipalities_up="", municipalities_down="Kommune A, Kommune E")
    assert change(row, "Kompetencer") == (
        "For kompetencer faldt gennemsnittet fra 3,0 ved slutmålingen til 2,8 ved opfølgningen (ændring -0,22, "
        "n = 9 kommuner med gyldige svar begge gange). Ingen kommuner svarede højere, 7 det samme og 2 kommuner "
        "lavere (ned: Kommune A, Kommune E)."
    )


def test_change_sentence_without_pairs():
    row = make_row(n_pairs=0, direction=None, mean_baseline=np.nan, mean_followup=np.nan, mean_change=np.nan)
    assert change(row) == (
        "For beredskab er der ingen kommuner med gyldige svar ved både slutmålingen og opfølgningen, "
        "så en udvikling kan ikke opgøres."
    )


def test_change_sentence_escapes_label_rounds_and_names():
    row = make_row(municipalities_up=SCRIPT, municipalities_down=ATTR)
    text = tx.change_sentence(row, label=SCRIPT, baseline=ATTR, followup=SCRIPT)
    assert_escaped(text, SCRIPT, ATTR)
    text = tx.change_sentence(make_row(n_pairs=0), label=ATTR, baseline=SCRIPT, followup=ATTR)
    assert_escaped(text, SCRIPT, ATTR)


def test_significance_not_significant():
    assert tx.significance_sentence(make_row()) == (
        "Ændringen er ikke statistisk signifikant (Wilcoxon-test, p = 0,023; Holm-justeret for 5 sammenligninger: "
        "p = 0,094) og kan skyldes tilfældig variation."
    )


@pytest.mark.parametrize("verdict, direction", [("rose_significant", "rose"), ("fell_significant", "fell")])
def test_significance_significant(verdict, direction):
    row = make_row(verdict=verdict, direction=direction, p_wilcoxon=0.002, p_holm=0.01, significant=True)
    assert tx.significance_sentence(row, n_tests=3) == (
        "Ændringen er statistisk signifikant (Wilcoxon-test, p = 0,002; Holm-justeret for 3 sammenligninger: "
        "p = 0,010)."
    )


def test_significance_below_one_in_a_thousand_reads_p_less_than():
    row = make_row(p_wilcoxon=0.00002, p_holm=0.0001, significant=True, n_up=60, n_pairs=70)
    text = tx.significance_sentence(row)
    assert "p < 0,001; Holm-justeret for 5 sammenligninger: p < 0,001" in text
    assert "= <" not in text


def test_significance_not_detectable():
    # 2 changed: smallest possible p = 2**(1 - 2) = 0,5.
    row = make_row(n_up=0, n_down=2, n_same=7, min_p=0.5, detectable=False, p_wilcoxon=0.5, p_holm=1.0)
    assert tx.significance_sentence(row) == (
        "Kun 2 kommuner ændrede svar; med så få kan ingen test påvise en ændring på 5 %-niveau "
        "(den mindst mulige p-værdi er 0,500), så udviklingen kan kun læses som en tendens."
    )
    one = make_row(n_up=1, n_down=0, min_p=1.0, detectable=False)
    assert tx.significance_sentence(one, alpha=0.1).startswith("Kun 1 kommune ændrede svar")
    assert "på 10 %-niveau" in tx.significance_sentence(one, alpha=0.1)


def test_significance_no_change_and_no_pairs():
    row = make_row(n_up=0, n_down=0, n_same=10, min_p=2.0, detectable=False, p_wilcoxon=np.nan)
    assert tx.significance_sentence(row) == "Ingen kommuner ændrede svar, så der er ingen ændring at teste."
    row = make_row(n_pairs=0, n_up=0, n_down=0, n_same=0, min_p=2.0, detectable=False)
    assert tx.significance_sentence(row) == "Ingen kommuner har gyldige svar begge gange, så der er intet at teste."


def test_missing_sentence():
    assert tx.missing_sentence(make_row(), baseline=B_DEF, followup=F_DEF) == ""
    row = make_row(n_dont_know_baseline=1, n_dont_know_followup=2)
    assert tx.missing_sentence(row, baseline=B_DEF, followup=F_DEF) == (
        "1 kommune svarede »ved ikke« ved slutmålingen og 2 kommuner svarede »ved ikke« ved opfølgningen; "
        "»ved ikke« er et manglende svar og indgår ikke i gennemsnit og test."
    )
    only_after = make_row(n_dont_know_followup=1)
    assert tx.missing_sentence(only_after, baseline=B_DEF, followup=F_DEF).startswith(
        "1 kommune svarede »ved ikke« ved opfølgningen;")


def test_missing_sentence_counts_not_answered_apart_from_ved_ikke():
    row = make_row(n_not_answered_followup=1)
    assert tx.missing_sentence(row, baseline=B_DEF, followup=F_DEF) == (
        "1 kommune besvarede ikke spørgsmålet ved opfølgningen; "
        "et ubesvaret spørgsmål er et manglende svar og indgår ikke i gennemsnit og test."
    )
    row = make_row(n_dont_know_baseline=2, n_not_answered_baseline=1, n_not_answered_followup=3)
    assert tx.missing_sentence(row, baseline=B_DEF, followup=F_DEF) == (
        "2 kommuner svarede »ved ikke« ved slutmålingen, 1 kommune besvarede ikke spørgsmålet ved slutmålingen og "
        "3 kommuner besvarede ikke spørgsmålet ved opfølgningen; både »ved ikke« og et ubesvaret spørgsmål er "
        "manglende svar og indgår ikke i gennemsnit og test."
    )


def test_missing_sentence_keeps_the_case_of_round_names():
    row = make_row(n_dont_know_baseline=1)
    assert "ved Slutmåling 2018 (NCFE)" in tx.missing_sentence(row, baseline="Slutmåling 2018 (NCFE)", followup=F_DEF)


def test_missing_sentence_escapes():
    row = make_row(n_dont_know_baseline=1, n_dont_know_followup=1)
    assert_escaped(tx.missing_sentence(row, baseline=SCRIPT, followup=ATTR), SCRIPT, ATTR)


def make_head(**changes):
    head = {"n_at_top": 4, "n_top_kept": 3, "n_top_fell": 1, "n_below_top": 6,
            "n_below_rose": 3, "n_below_held": 2, "n_below_fell": 1}
    head.update(changes)
    return head


def make_ceil(**changes):
    ceil = {"ceiling": True, "share_top": 0.4, "n_valid": 10, "n_top": 4}
    ceil.update(changes)
    return ceil


def test_ceiling_sentence_flagged():
    assert tx.ceiling_sentence(make_head(), make_ceil(), baseline=B_DEF, threshold=0.15) == (
        "Lofteffekt: 4 af 10 kommuner (40 %) svarede allerede »i høj grad« ved slutmålingen og kunne derfor ikke "
        "vise fremgang (grænsen for en lofteffekt er 15 % i toppen). Af dem holdt 3 det højeste niveau og 1 faldt. "
        "Blandt de 6 kommuner med plads til forbedring steg 3, 2 var uændrede og 1 faldt."
    )


def test_ceiling_sentence_not_flagged_is_empty():
    assert tx.ceiling_sentence(make_head(), make_ceil(ceiling=False), baseline=B_DEF, threshold=0.15) == ""


def test_ceiling_sentence_all_kept_and_one_below():
    head = make_head(n_at_top=9, n_top_kept=9, n_top_fell=0, n_below_top=1, n_below_rose=0, n_below_held=1,
                     n_below_fell=0)
    text = tx.ceiling_sentence(head, make_ceil(share_top=0.9, n_top=9), baseline=B_DEF, threshold=0.15)
    assert text.endswith("Af dem holdt 9 det højeste niveau. Den ene kommune med plads til forbedring var uændret.")


def test_ceiling_sentence_everyone_at_the_top():
    head = make_head(n_at_top=10, n_top_kept=10, n_top_fell=0, n_below_top=0, n_below_rose=0, n_below_held=0)
    text = tx.ceiling_sentence(head, make_ceil(share_top=1.0, n_top=10), baseline=B_DEF, threshold=0.15)
    assert text.endswith("Af dem holdt 10 det højeste niveau.")


def test_ceiling_sentence_accounts_for_top_answers_without_a_later_answer():
    # 4 at the top at baseline, but only 3 complete pairs at the top: the
    # fourth answered "ved ikke" later, so it neither kept nor fell.
    head = make_head(n_at_top=3, n_top_kept=2, n_top_fell=1)
    text = tx.ceiling_sentence(head, make_ceil(), baseline=B_DEF, threshold=0.15)
    assert "Af dem holdt 2 det højeste niveau, 1 faldt og 1 kan ikke følges" in text


def test_ceiling_sentence_escapes():
    assert_escaped(tx.ceiling_sentence(make_head(), make_ceil(), baseline=SCRIPT, threshold=0.15), SCRIPT)


LABELS = {"a": "Alfa", "b": "Beta", "c": "Gamma"}


def make_comparison(rows):
    return pd.DataFrame([make_row(**r) for r in rows])


def test_summary_sentences_rose_held_fell():
    comparison = make_comparison([
        {"item": "a", "direction": "rose", "detectable": True},
        {"item": "b", "direction": "held", "detectable": False},
        {"item": "c", "direction": "fell", "detectable": True, "n_pairs": 9},
    ])
    assert tx.summary_sentences(comparison, labels=LABELS, baseline=B_DEF, followup=F_DEF) == [
        "Ved opfølgningen ligger kommunernes gennemsnit højere på alfa, på samme niveau på beta og lavere på gamma "
        "sammenlignet med slutmålingen.",
        "Fremgangen gælder altså ikke alle 3 parametre: gamma ligger lavere end før.",
        "Ingen af ændringerne er statistisk signifikante på 5 %-niveau efter Holm-korrektion for 3 sammenligninger; "
        "med 10 kommuner er forskellene små i forhold til usikkerheden, og de skal læses som tendenser.",
        "For beta ændrede så få kommuner svar, at ingen test kunne have påvist en ændring.",
    ]


def test_summary_sentences_all_rose_and_significant():
    comparison = make_comparison([
        {"item": "a", "significant": True, "verdict": "rose_significant"},
        {"item": "b"},
    ])
    assert tx.summary_sentences(comparison, labels=LABELS, baseline=B_DEF, followup=F_DEF) == [
        "Ved opfølgningen ligger kommunernes gennemsnit højere på alfa og beta sammenlignet med slutmålingen.",
        "Efter Holm-korrektion er ændringen statistisk signifikant for alfa.",
    ]


def test_summary_sentences_held_and_fell_do_not_speak_of_progress():
    comparison = make_comparison([{"item": "a", "direction": "held"}, {"item": "b", "direction": "fell"}])
    sentences = tx.summary_sentences(comparison, labels=LABELS, baseline=B_DEF, followup=F_DEF)
    assert sentences[0] == ("Ved opfølgningen ligger kommunernes gennemsnit på samme niveau på alfa og lavere på "
                            "beta sammenlignet med slutmålingen.")
    assert not any("Fremgang" in s or "højere" in s for s in sentences)


def test_summary_sentences_leave_out_items_without_pairs():
    comparison = make_comparison([
        {"item": "a"},
        {"item": "b", "n_pairs": 0, "direction": None, "detectable": False, "significant": False},
    ])
    sentences = tx.summary_sentences(comparison, labels=LABELS, baseline=B_DEF, followup=F_DEF)
    assert sentences[0] == "Ved opfølgningen ligger kommunernes gennemsnit højere på alfa sammenlignet med slutmålingen."
    assert not any("beta" in s for s in sentences)
    assert "for 1 sammenligninger" in sentences[1]


def test_summary_sentences_with_no_pairs_at_all():
    comparison = make_comparison([{"item": "a", "n_pairs": 0, "direction": None, "detectable": False}])
    assert tx.summary_sentences(comparison, labels=LABELS, baseline=B_DEF, followup=F_DEF) == [
        "Ingen kommuner har gyldige svar ved både slutmålingen og opfølgningen, så en udvikling kan ikke opgøres."
    ]


def test_summary_sentences_escape():
    comparison = make_comparison([
        {"item": "a", "direction": "rose", "significant": True},
        {"item": "b", "direction": "fell", "detectable": False},
    ])
    labels = {"a": SCRIPT, "b": ATTR}
    assert_escaped(tx.summary_sentences(comparison, labels=labels, baseline=SCRIPT, followup=ATTR), SCRIPT, ATTR)


def test_item_bullet():
    assert tx.item_bullet(make_row(), label="Beredskab", ceiling=False) == (
        "<strong>Beredskab</strong>: 2,5 → 3,1 (+0,60; n = 10; 7 op, 2 uændret, 1 ned) – steg."
    )
    row = make_row(direction="fell", mean_change=-0.6, mean_baseline=3.1, mean_followup=2.5, significant=True)
    assert tx.item_bullet(row, label="Beredskab", ceiling=True) == (
        "<strong>Beredskab</strong>: 3,1 → 2,5 (-0,60; n = 10; 7 op, 2 uændret, 1 ned) – faldt, "
        "statistisk signifikant; lofteffekt ved udgangspunktet."
    )
    assert tx.item_bullet(make_row(direction="held"), label="B", ceiling=False).endswith("– var stort set uændret.")
    assert tx.item_bullet(make_row(n_pairs=0), label="Beredskab", ceiling=False) == (
        "<strong>Beredskab</strong>: ingen kommuner med gyldige svar begge gange."
    )
    assert_escaped(tx.item_bullet(make_row(), label=SCRIPT, ceiling=False), SCRIPT)
    assert_escaped(tx.item_bullet(make_row(n_pairs=0), label=ATTR, ceiling=False), ATTR)


def test_mode_sentence():
    by_mode = pd.DataFrame([
        {"mode": "interview", "item": "a", "n_pairs": 4, "direction": "fell", "mean_baseline": 3.5, "mean_followup": 3.0},
        {"mode": "survey", "item": "a", "n_pairs": 5, "direction": "rose", "mean_baseline": 2.6, "mean_followup": 3.0},
        {"mode": "survey", "item": "b", "n_pairs": 0, "direction": None, "mean_baseline": np.nan, "mean_followup": np.nan},
    ])
    assert tx.mode_sentence(by_mode, item="a", label="Alfa", mode_labels=MODE_LABELS) == (
        "Opdelt efter dataindsamling: Interviewkommuner (n = 4) faldt fra 3,5 til 3,0 og Spørgeskemakommuner "
        "(n = 5) steg fra 2,6 til 3,0. Grupperne er for små til at teste forskellen mellem dem."
    )
    assert tx.mode_sentence(by_mode, item="b", label="Beta", mode_labels=MODE_LABELS) == ""
    assert tx.mode_sentence(by_mode, item="c", label="Gamma", mode_labels=MODE_LABELS) == ""
    hostile = tx.mode_sentence(by_mode, item="a", label=SCRIPT, mode_labels={"interview": SCRIPT, "survey": ATTR})
    assert_escaped(hostile, SCRIPT, ATTR)


def test_detectable_sentence():
    assert tx.detectable_sentence(10, 6, alpha=0.05) == (
        "Med 10 kommuner skal mindst 6 kommuner ændre svar i samme retning (og ingen i den modsatte), før en "
        "tosidet eksakt test kan nå et signifikansniveau på 5 %. Mindre ændringer kan være reelle, men kan ikke "
        "skelnes fra tilfældig variation."
    )
    assert tx.detectable_sentence(4, 6, alpha=0.05) == (
        "Med 4 kommuner kan ingen tosidet eksakt test nå et signifikansniveau på 5 %, uanset hvordan svarene "
        "ændrer sig."
    )


# ------------------------------------------------------------ alt texts
def test_alt_means_and_escaping():
    comparison = make_comparison([{"item": "a"}, {"item": "b", "mean_baseline": 3.0, "mean_followup": np.nan}])
    assert tx.alt_means(comparison, labels=LABELS, baseline="Slutmåling", followup="Opfølgning") == (
        "Søjlediagram over gennemsnit ved Slutmåling og Opfølgning: Alfa fra 2,5 til 3,1 og Beta fra 3,0 til –."
    )
    hostile = tx.alt_means(comparison, labels={"a": SCRIPT, "b": ATTR}, baseline=SCRIPT, followup=ATTR)
    assert_escaped(hostile, SCRIPT, ATTR)


def test_alt_item():
    paired = pd.DataFrame([
        {"municipality": "Kommune A", "score_baseline": 4.0, "score_followup": 3.0,
         "dont_know_baseline": False, "dont_know_followup": False},
        {"municipality": "Kommune B", "score_baseline": np.nan, "score_followup": 2.0,
         "dont_know_baseline": True, "dont_know_followup": False},
    ])
    assert tx.alt_item(paired, label="Beredskab", baseline="Slutmåling", followup="Opfølgning") == (
        "Beredskab: hver kommunes svar ved Slutmåling og Opfølgning på skalaen 1-4: Kommune A 4 til 3; "
        "Kommune B ved ikke til 2."
    )
    hostile = paired.assign(municipality=[SCRIPT, ATTR])
    assert_escaped(tx.alt_item(hostile, label=ATTR, baseline=SCRIPT, followup=ATTR), SCRIPT, ATTR)


def test_alt_plan_status():
    summary = pd.DataFrame([
        {"round": "r1", "phase": "udarbejdet", "status": "gennemfoert", "n": 7},
        {"round": "r1", "phase": "udarbejdet", "status": "i_proces", "n": 3},
        {"round": "r1", "phase": "udarbejdet", "status": "ikke_paabegyndt", "n": 0},
    ])
    text = tx.alt_plan_status(summary, round_labels={"r1": "Slutmåling"}, phase_labels=PHASE_LABELS,
                              status_labels=STATUS_LABELS)
    assert text == ("Kommunernes status på handlingsplanen fordelt på faser: Slutmåling, udarbejdet: "
                    "7 gennemført og 3 i proces.")
    hostile = tx.alt_plan_status(summary, round_labels={"r1": SCRIPT}, phase_labels={"udarbejdet": ATTR},
                                 status_labels={"gennemfoert": SCRIPT, "i_proces": ATTR, "ikke_paabegyndt": "x"})
    assert_escaped(hostile, SCRIPT, ATTR)


def test_alt_distribution():
    dist = pd.DataFrame([
        {"round": "r1", "code": 0, "n": 1}, {"round": "r1", "code": 3, "n": 4}, {"round": "r1", "code": 4, "n": 0},
        {"round": "r2", "code": 2, "n": 5},
    ])
    scale = {0: "Ved ikke", 2: "I mindre grad", 3: "I nogen grad", 4: "I høj grad"}
    text = tx.alt_distribution(dist, label="Radikalisering", round_labels={"r1": "Slutmåling", "r2": "Opfølgning"},
                               scale_labels=scale)
    assert text == ("Radikalisering, antal svar i hver kategori. Slutmåling: 1 ved ikke og 4 i nogen grad; "
                    "Opfølgning: 5 i mindre grad.")
    hostile = tx.alt_distribution(dist, label=SCRIPT, round_labels={"r1": ATTR, "r2": SCRIPT},
                                  scale_labels={0: SCRIPT, 2: ATTR, 3: "x", 4: "y"})
    assert_escaped(hostile, SCRIPT, ATTR)


def test_alt_trend():
    tr = pd.DataFrame([
        {"item": "a", "round": "r1", "mean": 2.0}, {"item": "a", "round": "r2", "mean": 2.5},
        {"item": "b", "round": "r1", "mean": np.nan}, {"item": "b", "round": "r2", "mean": 3.0},
    ])
    assert tx.alt_trend(tr, labels=LABELS, round_labels={"r1": "Start", "r2": "Slut"}) == (
        "Gennemsnit for hver parameter ved Start og Slut: Alfa: 2,0 → 2,5; Beta: – → 3,0."
    )
    assert_escaped(tx.alt_trend(tr, labels={"a": SCRIPT, "b": ATTR}, round_labels={"r1": SCRIPT, "r2": ATTR}),
                   SCRIPT, ATTR)


def test_alt_profile_and_danish_genitive():
    profile = pd.DataFrame([
        {"item": "a", "score": 3.0, "dont_know": False}, {"item": "a", "score": np.nan, "dont_know": True},
        {"item": "b", "score": np.nan, "dont_know": False},
    ])
    assert tx.alt_profile(profile, labels=LABELS, municipality="Kommune A") == (
        "Kommune As svar over målingerne sammenholdt med de øvrige kommuners median og spænd: "
        "Alfa: 3, ved ikke; Beta: –."
    )
    # In a round the municipality took part in, a blank is "ikke besvaret"; absent from a round, a dash.
    present = profile.assign(present=[True, True, True])
    assert tx.alt_profile(present, labels=LABELS, municipality="Kommune A").endswith("Beta: ikke besvaret.")
    # A name ending in s takes only an apostrophe (escaped, as everything from data).
    assert tx.alt_profile(profile, labels=LABELS, municipality="Aarhus").startswith("Aarhus&#x27; svar")
    assert_escaped(tx.alt_profile(profile, labels={"a": SCRIPT, "b": ATTR}, municipality=SCRIPT), SCRIPT, ATTR)


# ------------------------------------------------- hand-built section text
def test_ceiling_summary():
    ceil = pd.DataFrame([
        {"item": "a", "ceiling": True, "n_top": 4, "n_valid": 10},
        {"item": "b", "ceiling": False, "n_top": 1, "n_valid": 10},
        {"item": "c", "ceiling": True, "n_top": 3, "n_valid": 9},
    ])
    assert tx.ceiling_summary(ceil, labels=LABELS, baseline=B_DEF, threshold=0.15) == (
        "Ved slutmålingen svarede mere end 15 % af kommunerne allerede »i høj grad« på alfa (4 af 10) og "
        "gamma (3 af 9). Her kan en del af kommunerne ikke vise fremgang (lofteffekt), og et uændret eller "
        "faldende gennemsnit skal læses med det for øje."
    )
    none = ceil.assign(ceiling=False)
    assert tx.ceiling_summary(none, labels=LABELS, baseline=B_DEF, threshold=0.15) == (
        "Ingen af parametrene havde en lofteffekt ved slutmålingen (over 15 % i toppen)."
    )
    assert_escaped(tx.ceiling_summary(ceil, labels={"a": SCRIPT, "b": "x", "c": ATTR}, baseline=SCRIPT,
                                      threshold=0.15), SCRIPT, ATTR)
    assert_escaped(tx.ceiling_summary(none, labels=LABELS, baseline=ATTR, threshold=0.15), ATTR)


def test_ceiling_municipalities_sentence():
    frame = pd.DataFrame({"municipality": ["Kommune A", "Kommune E"], "n_items_at_top": [5, 3]})
    assert tx.ceiling_municipalities_sentence(frame, baseline=B_DEF, n_total=10) == (
        "2 kommuner af 10 svarede allerede »i høj grad« på 2 eller flere af parametrene ved slutmålingen: "
        "Kommune A (5) og Kommune E (3). For dem kan fremgang på de parametre ikke vises; det påpeges under "
        "hver parameter, hvor det gælder."
    )
    assert tx.ceiling_municipalities_sentence(frame.iloc[:1], baseline=B_DEF, n_total=10).startswith(
        "1 kommune af 10 svarede")
    empty = frame.iloc[:0]
    assert tx.ceiling_municipalities_sentence(empty, baseline=B_DEF, n_total=10, min_items=3) == (
        "Ingen kommuner svarede »i høj grad« på 3 eller flere parametre ved slutmålingen."
    )
    assert_escaped(tx.ceiling_municipalities_sentence(frame.assign(municipality=[SCRIPT, ATTR]), baseline=SCRIPT,
                                                      n_total=10), SCRIPT, ATTR)
    assert_escaped(tx.ceiling_municipalities_sentence(empty, baseline=ATTR, n_total=10), ATTR)


def test_plan_status_sentences_hand_built():
    summary = pd.DataFrame([
        {"round": "r1", "phase": "udarbejdet", "status": "gennemfoert", "n": 10, "municipalities": ""},
        {"round": "r1", "phase": "udarbejdet", "status": "i_proces", "n": 0, "municipalities": ""},
        {"round": "r1", "phase": "udrullet", "status": "gennemfoert", "n": 4, "municipalities": ""},
    ])
    assert tx.plan_status_sentences(summary, rounds=["r1"], definite={"r1": "opfølgningen"}, n_total=10,
                                    phase_labels=PHASE_LABELS) == [
        "Ved opfølgningen havde 10 af 10 kommuner udarbejdet deres handlingsplan, og 4 havde rullet den fuldt ud."
    ]
    hostile = summary.copy()
    hostile.loc[1, ["n", "municipalities"]] = [1, SCRIPT]
    assert_escaped(tx.plan_status_sentences(hostile, rounds=["r1"], definite={"r1": ATTR}, n_total=10,
                                            phase_labels=PHASE_LABELS), SCRIPT, ATTR)


def test_distribution_sentence_changed():
    dist = pd.DataFrame([
        {"round": "r1", "code": 1, "n": 2}, {"round": "r1", "code": 2, "n": 8}, {"round": "r1", "code": 3, "n": 0},
        {"round": "r2", "code": 1, "n": 1}, {"round": "r2", "code": 2, "n": 7}, {"round": "r2", "code": 3, "n": 2},
    ])
    scale = {1: "Slet ikke", 2: "I mindre grad", 3: "I nogen grad"}
    kw = dict(baseline=B_DEF, followup=F_DEF, base_key="r1", follow_key="r2", scale_labels=scale)
    # |1-2| + |7-8| + |2-0| = 4 moves counted twice -> 2 answers moved.
    assert tx.distribution_sentence(dist, label="Radikalisering som udfordring", **kw) == (
        "På spørgsmålet om radikalisering som udfordring svarede kommunerne ved opfølgningen: 2 »i nogen grad«, "
        "7 »i mindre grad« og 1 »slet ikke«. Sammenlignet med slutmålingen ligger 2 svar i en anden kategori."
    )
    hostile = tx.distribution_sentence(dist, label=SCRIPT, baseline=ATTR, followup=SCRIPT, base_key="r1",
                                       follow_key="r2", scale_labels={1: ATTR, 2: SCRIPT, 3: "x"})
    assert_escaped(hostile, SCRIPT, ATTR)


def test_distribution_sentence_when_nobody_answered_the_question():
    dist = pd.DataFrame([
        {"round": "r1", "code": 1, "n": 0}, {"round": "r1", "code": 2, "n": 0},
        {"round": "r2", "code": 1, "n": 0}, {"round": "r2", "code": 2, "n": 3},
    ])
    scale = {1: "Slet ikke", 2: "I mindre grad"}
    kw = dict(label="Radikalisering", scale_labels=scale)
    assert tx.distribution_sentence(dist, baseline=B_DEF, followup=F_DEF, base_key="r1", follow_key="r2", **kw) == (
        "På spørgsmålet om radikalisering svarede kommunerne ved opfølgningen: 3 »i mindre grad«. "
        "Ved slutmålingen besvarede ingen kommuner spørgsmålet."
    )
    assert tx.distribution_sentence(dist, baseline=F_DEF, followup=B_DEF, base_key="r2", follow_key="r1", **kw) == (
        "Ingen kommuner besvarede spørgsmålet om radikalisering ved slutmålingen."
    )
    empty = dist.assign(n=0)
    assert tx.distribution_sentence(empty, baseline=B_DEF, followup=F_DEF, base_key="r1", follow_key="r2", **kw) == (
        "Ingen kommuner besvarede spørgsmålet om radikalisering ved opfølgningen eller ved slutmålingen."
    )


def test_profile_change_sentences():
    paired = pd.DataFrame([
        {"item": "a", "score_baseline": 2.0, "score_followup": 3.0, "complete": True, "direction": "up"},
        {"item": "b", "score_baseline": 4.0, "score_followup": 3.0, "complete": True, "direction": "down"},
        {"item": "c", "score_baseline": 3.0, "score_followup": 3.0, "complete": True, "direction": "same"},
    ])
    kw = dict(labels=LABELS, municipality="Kommune A", baseline=B_DEF, followup=F_DEF)
    assert tx.profile_change_sentences(paired, **kw) == [
        "Fra slutmålingen til opfølgningen vurderer Kommune A sig højere på alfa (2 → 3).",
        "Kommunen ligger til gengæld lavere på beta (4 → 3).",
        "Uændret: gamma.",
    ]
    only_down = paired.iloc[[1]]
    assert tx.profile_change_sentences(only_down, **kw) == [
        "Fra slutmålingen til opfølgningen vurderer Kommune A sig lavere på beta (4 → 3)."
    ]
    still = pd.DataFrame([
        {"item": "a", "score_baseline": 3.0, "score_followup": 3.0, "complete": True, "direction": "same"},
        {"item": "b", "score_baseline": np.nan, "score_followup": 3.0, "complete": False, "direction": None},
    ])
    assert tx.profile_change_sentences(still, **kw) == [
        "Kommune A har ikke ændret vurdering på nogen af parametrene fra slutmålingen til opfølgningen.",
        "Uændret: alfa.",
        "Ingen sammenligning for beta, fordi et af svarene er »ved ikke« eller mangler.",
    ]
    hostile = tx.profile_change_sentences(paired, labels={"a": SCRIPT, "b": ATTR, "c": SCRIPT}, municipality=ATTR,
                                          baseline=SCRIPT, followup=ATTR)
    assert_escaped(hostile, SCRIPT, ATTR)


# --------------------------------------------------------- the real rows
def read_answers():
    """{(round, municipality, item): code} from the bundled CSVs, with the csv module."""
    answers = {}
    for key in (START, BASE, FOLLOW):
        with open(config.round_file(key), encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                answers[(key, r["municipality"].strip(), r["item"].strip())] = int(r["score"])
    return answers


def independent_means(item):
    """Mean of the complete pairs (both answers 1-4) at BASE and FOLLOW, and their count."""
    answers = read_answers()
    pairs = [
        (answers[(BASE, m, i)], answers[(FOLLOW, m, i)])
        for (r, m, i) in answers
        if r == BASE and i == item and (FOLLOW, m, i) in answers
        and answers[(BASE, m, i)] != 0 and answers[(FOLLOW, m, i)] != 0
    ]
    before, after = mean(p[0] for p in pairs), mean(p[1] for p in pairs)
    return before, after, len(pairs)


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def labels(ds):
    return dict(zip(ds.instrument.items["item"], ds.instrument.items["label"]))


@pytest.fixture(scope="module")
def real(ds):
    return compare_rounds(ds.responses, BASE, FOLLOW, ds.instrument.parameters)


def test_real_summary_says_competences_fell_and_never_that_all_rose(real, labels):
    sentences = tx.summary_sentences(real, labels=labels, baseline=B_DEF, followup=F_DEF)
    text = " ".join(sentences)
    assert sentences[0].startswith("Ved opfølgningen ligger kommunernes gennemsnit højere på beredskab og indsatser")
    assert "lavere på kompetencer" in sentences[0]
    assert "på samme niveau på internt samarbejde og eksternt samarbejde" in sentences[0]
    assert "Fremgangen gælder altså ikke alle 5 parametre: kompetencer ligger lavere end før." in sentences
    # Never a claim that everything rose or held.
    assert "højere på beredskab, indsatser, internt samarbejde, eksternt samarbejde og kompetencer" not in text
    assert "alle fem" not in text and "alle parametre" not in text
    assert "højere på kompetencer" not in text
    # Nothing is significant with ten municipalities (p_holm = 1 for all).
    assert "Ingen af ændringerne er statistisk signifikante" in text
    assert "For beredskab, internt samarbejde, eksternt samarbejde og kompetencer ændrede så få kommuner svar" in text


def test_real_change_sentences_word_the_verdicts(real, labels):
    words = {}
    for _, row in real.iterrows():
        words[row["item"]] = change(row, labels[row["item"]])
    assert words["beredskab"].startswith("For beredskab steg gennemsnittet fra 3,2 ved slutmålingen til 3,5")
    assert words["indsatser"].startswith("For indsatser steg gennemsnittet fra 2,8 ved slutmålingen til 3,1")
    assert words["internt_samarbejde"].startswith("For internt samarbejde var gennemsnittet stort set uændret: 3,0")
    assert words["eksternt_samarbejde"].startswith("For eksternt samarbejde var gennemsnittet stort set uændret: 3,3")
    assert words["kompetencer"].startswith("For kompetencer faldt gennemsnittet fra 3,0 ved slutmålingen til 2,8")
    assert "(ned: Kommune A, Kommune E)" in words["kompetencer"]
    assert "3 kommuner lavere (op: Kommune B, Kommune C, Kommune D, Kommune F, Kommune H, Kommune I; " \
           "ned: Kommune A, Kommune E, Kommune G)" in words["indsatser"]


@pytest.mark.parametrize("item", ["beredskab", "indsatser", "internt_samarbejde", "eksternt_samarbejde", "kompetencer"])
def test_real_numbers_in_sentences_equal_the_table_and_an_independent_count(real, labels, item):
    row = real.set_index("item").loc[item].copy()
    row["item"] = item
    before, after, n = independent_means(item)
    # The sentence carries the table values, formatted with a decimal comma ...
    sentence = change(row, labels[item])
    assert f"fra {tx.number(row['mean_baseline'])} ved" in sentence or f": {tx.number(row['mean_baseline'])} ved" in sentence
    assert f"{tx.number(row['mean_followup'])} ved opfølgningen" in sentence
    assert f"(ændring {tx.signed(row['mean_change'], 2)}, n = {row['n_pairs']} kommuner" in sentence
    bullet = tx.item_bullet(row, label=labels[item], ceiling=False)
    assert f"{tx.number(row['mean_baseline'])} → {tx.number(row['mean_followup'])}" in bullet
    # ... and those equal a recount from the CSV files (plain Python, rounded
    # half-even like Python's format).
    assert n == row["n_pairs"]
    assert tx.number(row["mean_baseline"]) == f"{before:.1f}".replace(".", ",")
    assert tx.number(row["mean_followup"]) == f"{after:.1f}".replace(".", ",")
    change_text = f"{after - before:+.2f}".replace(".", ",")
    assert tx.signed(row["mean_change"], 2) == (change_text if change_text not in ("+0,00", "-0,00") else "0,00")
    # No decimal point anywhere in the Danish text.
    assert not any(ch.isdigit() and nxt == "." and after_dot.isdigit()
                   for ch, nxt, after_dot in zip(sentence, sentence[1:], sentence[2:]))


def test_real_missing_sentences(real):
    by_item = real.set_index("item")
    # One "ved ikke" at baseline on eksternt_samarbejde, one at follow-up on kompetencer (data files).
    assert tx.missing_sentence(by_item.loc["eksternt_samarbejde"], baseline=B_DEF, followup=F_DEF).startswith(
        "1 kommune svarede »ved ikke« ved slutmålingen;")
    assert tx.missing_sentence(by_item.loc["kompetencer"], baseline=B_DEF, followup=F_DEF).startswith(
        "1 kommune svarede »ved ikke« ved opfølgningen;")
    assert tx.missing_sentence(by_item.loc["beredskab"], baseline=B_DEF, followup=F_DEF) == ""


def test_real_significance_sentences(real):
    by_item = real.set_index("item")
    # indsatser: 9 changed, min p = 2**-8 < 0.05, so a test could find it; it did not.
    assert tx.significance_sentence(by_item.loc["indsatser"]).startswith(
        "Ændringen er ikke statistisk signifikant (Wilcoxon-test, p = 0,508; Holm-justeret for 5 sammenligninger: "
        "p = 1,000)")
    # kompetencer: 2 changed, min p = 0.5.
    assert "den mindst mulige p-værdi er 0,500" in tx.significance_sentence(by_item.loc["kompetencer"])


def test_real_ceiling_sentences(ds, labels):
    params = ds.instrument.parameters
    ceil = ceiling_table(ds.responses, [BASE], params).set_index("item")
    head = headroom(ds.responses, BASE, FOLLOW, params).set_index("item")
    texts = {i: tx.ceiling_sentence(head.loc[i], ceil.loc[i], baseline=B_DEF, threshold=config.CEILING_THRESHOLD)
             for i in params}
    # All five are flagged at the baseline (each has > 15 % at 4).
    assert all(t.startswith("Lofteffekt:") for t in texts.values())
    assert "3 af 9 kommuner (33 %)" in texts["eksternt_samarbejde"]
    assert "Af dem holdt 0 det højeste niveau og 2 faldt." in texts["kompetencer"]
    assert "Af dem holdt 4 det højeste niveau." in texts["beredskab"]
    summary = tx.ceiling_summary(ceil.reset_index(), labels=labels, baseline=B_DEF, threshold=0.15)
    assert "beredskab (4 af 10)" in summary and "eksternt samarbejde (3 af 9)" in summary


def test_real_ceiling_municipalities(ds):
    frame = ceiling_municipalities(ds.responses, BASE, ds.instrument.parameters)
    assert tx.ceiling_municipalities_sentence(frame, baseline=B_DEF, n_total=10).startswith(
        "3 kommuner af 10 svarede allerede »i høj grad« på 2 eller flere af parametrene ved slutmålingen: "
        "Kommune A (5), Kommune E (3) og Kommune G (3).")


def test_real_plan_status_sentences(ds):
    summary = plan_status_summary(ds.plan_status, [BASE, FOLLOW])
    assert tx.plan_status_sentences(summary, rounds=[BASE, FOLLOW], definite={BASE: B_DEF, FOLLOW: F_DEF},
                                    n_total=10, phase_labels=PHASE_LABELS) == [
        "Ved slutmålingen havde 7 af 10 kommuner udarbejdet deres handlingsplan, og 2 havde rullet den fuldt ud; "
        "3 kommuner var stadig i gang med at udarbejde den (Kommune D, Kommune H, Kommune J).",
        "Ved opfølgningen havde 9 af 10 kommuner udarbejdet deres handlingsplan, og 6 havde rullet den fuldt ud; "
        "1 kommune var stadig i gang med at udarbejde den (Kommune J).",
    ]


def test_real_distribution_sentence(ds):
    dist = score_distribution(ds.responses, [BASE, FOLLOW], ["radikalisering_udfordring"])
    scale = dict(zip(ds.instrument.scale["code"], ds.instrument.scale["label"]))
    text = tx.distribution_sentence(dist, label="Radikalisering som udfordring", baseline=B_DEF, followup=F_DEF,
                                    base_key=BASE, follow_key=FOLLOW, scale_labels=scale)
    # MEMO F8: 4 answer 3, the other 6 answer 1 or 2, the same at baseline.
    assert text.startswith("På spørgsmålet om radikalisering som udfordring svarede kommunerne ved opfølgningen: "
                           "4 »i nogen grad«, ")
    assert text.endswith("Fordelingen er præcis den samme som ved slutmålingen.")


def test_real_mode_and_profile_sentences(ds, labels):
    params = ds.instrument.parameters
    by_mode = compare_by_mode(ds.responses, ds.participation_of(FOLLOW), BASE, FOLLOW, params)
    text = tx.mode_sentence(by_mode, item="kompetencer", label="Kompetencer", mode_labels=MODE_LABELS)
    # Interviewed A, B, E, G, J: 4, 3, 4, 3, 2 -> 3, 3, 3, 3, 2 (means 3,2 and 2,8).
    assert text.startswith("Opdelt efter dataindsamling: Interviewkommuner (n = 5) faldt fra 3,2 til 2,8")
    paired = paired_scores(ds.responses, BASE, FOLLOW, params)
    own = paired[paired["municipality"] == "Kommune A"]
    sentences = tx.profile_change_sentences(own, labels=labels, municipality="Kommune A", baseline=B_DEF,
                                            followup=F_DEF)
    assert "lavere" in " ".join(sentences) and "kompetencer (4 → 3)" in " ".join(sentences)
    profile = group_profile(ds.responses, "Kommune A", params)
    assert tx.alt_profile(profile, labels=labels, municipality="Kommune A").startswith("Kommune As svar")
    tr = trend(ds.responses, ds.rounds, params)
    assert "Beredskab: " in tx.alt_trend(tr, labels=labels, round_labels=dict(zip(ds.rounds["round"], ds.rounds["label"])))


def test_real_rows_with_hostile_names_come_out_escaped(real, labels):
    row = real.iloc[1].copy()  # indsatser: names up and down
    row["municipalities_up"] = SCRIPT
    row["municipalities_down"] = ATTR
    assert_escaped(tx.change_sentence(row, label=SCRIPT, baseline=ATTR, followup=SCRIPT), SCRIPT, ATTR)
    hostile_labels = {k: (SCRIPT if i % 2 else ATTR) for i, k in enumerate(labels)}
    assert_escaped(tx.summary_sentences(real, labels=hostile_labels, baseline=SCRIPT, followup=ATTR), SCRIPT, ATTR)
    assert_escaped(tx.alt_means(real, labels=hostile_labels, baseline=SCRIPT, followup=ATTR), SCRIPT, ATTR)
