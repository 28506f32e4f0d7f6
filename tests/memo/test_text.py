"""Tests of evaluation.memo.text: Danish number format and the generated sentences.

Two kinds of input: rows built by hand (every expected sentence below is
written out by hand from the row), and the real rows of the bundled data,
whose numbers are recomputed here with the csv module and plain arithmetic,
independently of pandas and of evaluation.compare.
"""
import csv
import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from statistics import mean

import numpy as np
import pandas as pd
import pytest

from evaluation import config
from evaluation.memo import text as tx
from evaluation.analysis.ceiling import ceiling_explains, ceiling_municipalities, ceiling_table, headroom
from evaluation.analysis.compare import compare_by_mode, compare_rounds, paired_scores
from evaluation.analysis.distribution import answer_moves, score_distribution
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




def half_up(x, decimals):
    """Round half up with the decimal module (on the shortest repr), decimal comma."""
    text = str(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    return ("0" + text[2:] if text.startswith("-") and float(text) == 0 else text).replace(".", ",")


# ------------------------------------------------------------------ numbers
@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (3.25, 2, "3,25"),
        (3.25, 1, "3,3"),  # half up, as a reader rounds (Python's format gives 3,2)
        (0.0625, 3, "0,063"),
        (2.675, 2, "2,68"),  # half up on the printed value, not on the binary fraction
        (-0.25, 1, "-0,3"),  # half away from zero
        (3.0, 1, "3,0"),
        (2.777778, 1, "2,8"),
        (-0.222222, 2, "-0,22"),
        (-0.04, 1, "0,0"),  # rounds to zero: no minus sign
        (-0.004, 2, "0,00"),
        (-0.4, 0, "0"),
        (1234.5, 1, "1.234,5"),
        (1200, 0, "1.200"),
        (-1234567.891, 2, "-1.234.567,89"),
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
     (0.0005, "0,001"), (0.03125, "0,031"),
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
    assert tx.join(["a", "b", "c"], last="eller") == "a, b eller c"
    assert tx.count(0, "kommune", "kommuner") == "ingen kommuner"
    assert tx.count(1, "kommune", "kommuner") == "én kommune"
    assert tx.count(1, "svar", "svar", neuter=True) == "ét svar"
    assert tx.count(np.int64(3), "kommune", "kommuner") == "tre kommuner"
    assert tx.count(1200, "kommune", "kommuner") == "1.200 kommuner"


@pytest.mark.parametrize("k, total, expected", [
    (10, 10, "alle ti kommuner"), (2, 2, "begge kommuner"), (1, 1, "den ene kommune"), (0, 10, "ingen af de ti kommuner"),
    (1, 10, "én af de ti kommuner"), (7, 10, "syv af de ti kommuner"), (0, 1, "ingen kommuner"),
    (1000, 1200, "1.000 af de 1.200 kommuner"),
])
def test_of_total(k, total, expected):
    assert tx.of_total(k, total, "kommune", "kommuner") == expected


def test_amount_and_number_words():
    assert [tx.amount(n) for n in (0, 1, 2, 12, 13, 1200)] == ["ingen", "én", "to", "tolv", "13", "1.200"]
    # Beside a count above twelve, counts above one are digits; none and one stay words.
    assert [tx.amount(n, digits=True) for n in (0, 1, 2, 12)] == ["ingen", "én", "2", "12"]
    assert [tx.ordinal(n) for n in (1, 2, 3, 12, 13, 1000)] == ["første", "anden", "tredje", "tolvte", "13.", "1.000."]
    assert (tx.sentence_start("tre af de ti"), tx.sentence_start("40 af de 98")) == ("Tre af de ti", "I alt 40 af de 98")
    assert tx.amount(1, neuter=True) == "ét"
    assert [tx.number_word(n) for n in (2, 3, 12, 13)] == ["to", "tre", "tolv", "13"]


@pytest.mark.parametrize("name, expected", [
    ("Kommune A", "Kommune A's"), ("Kommune 001", "Kommune 001's"), ("Aarhus", "Aarhus'"), ("Vejle", "Vejles"),
    ("Fanø", "Fanøs"), ("Halsnæs", "Halsnæs'"), ("KL", "KL's"),
])
def test_genitive(name, expected):
    # Danish retskrivning: an apostrophe after s, x, z; 's after a single letter or a digit.
    assert tx.genitive(name) == expected


def test_names_or_count_keeps_long_lists_out_of_sentences():
    assert tx.names_or_count("Kommune A, Kommune B") == "Kommune A, Kommune B"
    assert tx.names_or_count(", ".join(f"K{i}" for i in range(10))) != ""
    assert tx.names_or_count(", ".join(f"K{i}" for i in range(11))) == ""
    assert tx.names_or_count("") == "" and tx.names_or_count(np.nan) == ""
    assert_escaped(tx.names_or_count(SCRIPT), SCRIPT)


def test_esc():
    assert tx.esc(SCRIPT) == SCRIPT_ESC
    assert tx.esc(ATTR) == ATTR_ESC
    assert tx.esc("a & b's") == "a &amp; b&#x27;s"
    assert tx.esc(3) == "3"


def test_month_year():
    assert tx.month_year(dt.date(2018, 11, 1)) == "november 2018"
    assert tx.month_year(pd.Timestamp("2019-03-01")) == "marts 2019"


def test_module_doctest_values():
    assert (tx.number(3.25, 1), tx.number(1234.5, 1), tx.signed(-0.222), tx.percent(0.6)) == ("3,3", "1.234,5", "-0,2", "60 %")



# ------------------------------------------------------ hand-built rows
def make_row(**changes):
    """A compare_rounds row: 10 pairs, 7 up, 2 same, 1 down, detectable, not significant
    after Holm over 5 comparisons."""
    row = {
        "item": "beredskab", "direction": "rose", "verdict": "rose",
        "mean_baseline": 2.5, "mean_followup": 3.1, "mean_change": 0.6, "ci_low": 0.3, "ci_high": 0.9,
        "n_pairs": 10, "n_up": 7, "n_same": 2, "n_down": 1,
        "municipalities_up": "Kommune A, Kommune B, Kommune C, Kommune D, Kommune E, Kommune F, Kommune G",
        "municipalities_down": "Kommune J",
        "n_dont_know_baseline": 0, "n_dont_know_followup": 0, "n_not_answered_baseline": 0, "n_not_answered_followup": 0,
        "p_wilcoxon": 0.0234, "p_holm": 0.0936, "min_p": 2.0 ** (1 - 8), "min_p_holm": 5 * 2.0 ** (1 - 8),
        "n_family": 5, "detectable": True, "significant": False,
    }
    row.update(changes)
    return pd.Series(row)


def change(row, label="Beredskab"):
    return tx.change_sentence(row, label=label, baseline=B_DEF, followup=F_DEF)


def test_change_sentence_rose():
    assert change(make_row()) == (
        "For beredskab steg gennemsnittet fra 2,5 ved slutmålingen til 3,1 ved opfølgningen (ændring +0,60, 95 %-interval +0,30 til +0,90; "
        "ti kommuner med gyldige svar begge gange). Af de ti svarede syv højere, to det samme og én lavere "
        "(op: Kommune A, Kommune B, Kommune C, Kommune D, Kommune E, Kommune F, Kommune G; ned: Kommune J)."
    )


def test_change_sentence_held():
    row = make_row(direction="held", verdict="held", mean_baseline=3.0, mean_followup=3.0, mean_change=0.0,
                   ci_low=-0.2, ci_high=0.2, n_up=1, n_same=8, n_down=1, municipalities_up="Kommune B", municipalities_down="Kommune C")
    assert change(row, "Internt samarbejde") == (
        "For internt samarbejde var gennemsnittet stort set uændret: 3,0 ved slutmålingen og 3,0 ved opfølgningen "
        "(ændring 0,00, 95 %-interval -0,20 til +0,20; ti kommuner med gyldige svar begge gange). Af de ti svarede én højere, otte det samme og "
        "én lavere (op: Kommune B; ned: Kommune C)."
    )


def test_change_sentence_held_with_no_one_moving_says_all():
    row = make_row(direction="held", mean_baseline=4.0, mean_followup=4.0, mean_change=0.0, n_up=0, n_same=10,
                   n_down=0, municipalities_up="", municipalities_down="")
    assert change(row).endswith("med gyldige svar begge gange). Alle ti svarede det samme.")


def test_change_sentence_mean_up_but_more_municipalities_down_has_no_clear_direction():
    # +0,30 (above the held band) while 2 went down and 1 up: 'held', of the mixed kind.
    row = make_row(direction="held", mean_baseline=2.0, mean_followup=2.3, mean_change=0.3, n_up=1, n_same=7,
                   n_down=2, municipalities_up="Kommune B", municipalities_down="Kommune C, Kommune D")
    assert tx.held_kind(row) == "mixed"
    assert change(row) == (
        "For beredskab steg gennemsnittet fra 2,0 ved slutmålingen til 2,3 ved opfølgningen (ændring +0,30, "
        "95 %-interval +0,30 til +0,90; "
        "ti kommuner med gyldige svar begge gange), men flere kommuner svarede lavere end højere, så retningen er "
        "uklar. Af de ti svarede én højere, syv det samme og to lavere (op: Kommune B; ned: Kommune C, Kommune D)."
    )


def test_change_sentence_fell():
    row = make_row(direction="fell", verdict="fell", mean_baseline=3.0, mean_followup=2.777778,
                   mean_change=-0.222222, ci_low=-0.444444, ci_high=0.0, n_pairs=9, n_up=0, n_same=7, n_down=2,
                   municipalities_up="", municipalities_down="Kommune A, Kommune E")
    assert change(row, "Kompetencer") == (
        "For kompetencer faldt gennemsnittet fra 3,0 ved slutmålingen til 2,8 ved opfølgningen (ændring -0,22, 95 %-interval -0,44 til 0,00; "
        "ni kommuner med gyldige svar begge gange). Af de ni svarede ingen højere, syv det samme og to lavere "
        "(ned: Kommune A, Kommune E)."
    )


def test_change_sentence_one_and_two_municipalities():
    one = make_row(n_pairs=1, n_up=1, n_same=0, n_down=0, municipalities_up="Kommune A", municipalities_down="")
    assert change(one).endswith("(ændring +0,60, 95 %-interval +0,30 til +0,90; én kommune med gyldige svar begge gange). "
                                "Kommunen svarede højere (op: Kommune A).")
    two = make_row(n_pairs=2, n_up=2, n_same=0, n_down=0, municipalities_up="Kommune A, Kommune B",
                   municipalities_down="")
    assert change(two).endswith("to kommuner med gyldige svar begge gange). Begge svarede højere "
                                "(op: Kommune A, Kommune B).")


def test_change_sentence_many_municipalities_counts_instead_of_names():
    row = make_row(n_pairs=1200, n_up=800, n_same=300, n_down=100,
                   municipalities_up=", ".join(f"K{i}" for i in range(800)),
                   municipalities_down=", ".join(f"K{i}" for i in range(100)))
    assert change(row).endswith("(ændring +0,60, 95 %-interval +0,30 til +0,90; 1.200 kommuner med gyldige svar begge gange). "
                                "Af de 1.200 svarede 800 højere, 300 det samme og 100 lavere.")


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


def test_significance_not_significant_names_the_family_and_the_unadjusted_p():
    assert tx.significance_sentence(make_row()) == (
        "Stigningen er ikke statistisk signifikant på 5 %-niveau efter Holm-korrektion for fem sammenligninger "
        "(Wilcoxon-test: p = 0,023; korrigeret p = 0,094) og kan skyldes tilfældig variation. Uden korrektion for "
        "de fem sammenligninger ville p-værdien have ligget under 5 %."
    )


@pytest.mark.parametrize("direction, noun", [("rose", "Stigningen"), ("fell", "Faldet")])
def test_significance_significant_reads_with_its_direction(direction, noun):
    row = make_row(direction=direction, p_wilcoxon=0.002, p_holm=0.01, significant=True, n_family=3)
    assert tx.significance_sentence(row) == (
        f"{noun} er statistisk signifikant på 5 %-niveau efter Holm-korrektion for tre sammenligninger "
        "(Wilcoxon-test: p = 0,002; korrigeret p = 0,010)."
    )
    alone = make_row(direction=direction, p_wilcoxon=0.002, p_holm=0.002, significant=True, n_family=1)
    assert tx.significance_sentence(alone) == f"{noun} er statistisk signifikant på 5 %-niveau (Wilcoxon-test: p = 0,002)."


def test_significance_small_but_significant_is_one_coherent_claim():
    row = make_row(direction="held", mean_change=0.05, p_wilcoxon=0.00002, p_holm=0.0001, significant=True)
    text = tx.significance_sentence(row)
    assert text.startswith("Ændringen er lille (under 0,15 skalapoint), men statistisk signifikant på 5 %-niveau "
                           "efter Holm-korrektion for fem sammenligninger (Wilcoxon-test: p &lt; 0,001; "
                           "korrigeret p &lt; 0,001)")  # the sentence is HTML: the sign is escaped
    assert "<" not in text and "= &lt;" not in text and "uændret" not in text
    bullet = tx.item_bullet(row, label="B", ceiling=False)
    assert bullet.endswith("– lille, men statistisk signifikant ændring.") and "uændret, statistisk" not in bullet


def test_significance_not_detectable_says_how_low_p_could_go():
    # 2 changed: smallest possible p = 2**(1 - 2) = 0,5.
    row = make_row(n_up=0, n_down=2, n_same=8, min_p=0.5, min_p_holm=1.0, detectable=False, p_wilcoxon=0.5,
                   p_holm=1.0)
    assert tx.significance_sentence(row) == (
        "Af de ti kommuner ændrede to deres svar; med to ændringer kan p-værdien ikke komme under 0,500, så en ændring "
        "kan ikke påvises på 5 %-niveau."
    )
    # Six up, none down among ten: p = 1/32 < 0.05, but Holm over 5 gives at best 5/32.
    six = make_row(n_up=6, n_down=0, n_same=4, min_p=0.03125, min_p_holm=0.15625, p_wilcoxon=0.03125,
                   p_holm=0.15625, detectable=False)
    assert tx.significance_sentence(six) == (
        "Af de ti kommuner ændrede seks deres svar; med seks ændringer kan p-værdien ikke komme under 0,031, efter "
        "Holm-korrektion for fem sammenligninger ikke under 0,156, så en ændring kan ikke påvises på 5 %-niveau."
    )
    all_three = make_row(n_pairs=3, n_up=3, n_down=0, n_same=0, min_p=0.25, min_p_holm=1.0, detectable=False)
    assert tx.significance_sentence(all_three).startswith("Alle tre kommuner ændrede svar; med tre ændringer")
    one = make_row(n_pairs=1, n_up=1, n_down=0, n_same=0, min_p=1.0, min_p_holm=1.0, detectable=False)
    assert tx.significance_sentence(one, alpha=0.1) == (
        "Den ene kommune ændrede svar; med én ændring kan p-værdien ikke komme under 1,000, så en ændring kan "
        "ikke påvises på 10 %-niveau.")


def test_significance_no_change_and_no_pairs():
    row = make_row(n_up=0, n_down=0, n_same=10, min_p=1.0, detectable=False, p_wilcoxon=np.nan, p_holm=1.0)
    assert tx.significance_sentence(row) == "Ingen af kommunerne ændrede svar, så der er ingen ændring at teste."
    one = make_row(n_pairs=1, n_up=0, n_down=0, n_same=1, min_p=1.0, detectable=False)
    # The sentence before it says "Kommunen svarede det samme"; this one does not repeat it.
    assert tx.significance_sentence(one) == "Der er derfor ingen ændring at teste."
    row = make_row(n_pairs=0, n_up=0, n_down=0, n_same=0, min_p=1.0, detectable=False)
    assert tx.significance_sentence(row) == "Ingen kommuner har gyldige svar begge gange, så der er intet at teste."


def test_missing_sentence():
    assert tx.missing_sentence(make_row(), baseline=B_DEF, followup=F_DEF) == ""
    row = make_row(n_dont_know_baseline=1, n_dont_know_followup=2)
    assert tx.missing_sentence(row, baseline=B_DEF, followup=F_DEF) == (
        "Ved slutmålingen svarede én kommune »ved ikke«, og ved opfølgningen svarede to kommuner »ved ikke«; "
        "»ved ikke« er et manglende svar og indgår ikke i gennemsnit og test."
    )
    only_after = make_row(n_dont_know_followup=1)
    assert tx.missing_sentence(only_after, baseline=B_DEF, followup=F_DEF).startswith(
        "Ved opfølgningen svarede én kommune »ved ikke«;")


def test_missing_sentence_counts_not_answered_apart_from_ved_ikke():
    row = make_row(n_not_answered_followup=1)
    assert tx.missing_sentence(row, baseline=B_DEF, followup=F_DEF) == (
        "Ved opfølgningen besvarede én kommune ikke spørgsmålet; "
        "et ubesvaret spørgsmål er et manglende svar og indgår ikke i gennemsnit og test."
    )
    row = make_row(n_dont_know_baseline=2, n_not_answered_baseline=1, n_not_answered_followup=3)
    assert tx.missing_sentence(row, baseline=B_DEF, followup=F_DEF) == (
        "Ved slutmålingen svarede to kommuner »ved ikke« og én kommune besvarede ikke spørgsmålet, og ved "
        "opfølgningen besvarede tre kommuner ikke spørgsmålet; både »ved ikke« og et ubesvaret spørgsmål er "
        "manglende svar og indgår ikke i gennemsnit og test."
    )
    # A plain mapping with only the blanks (the context item's distribution).
    assert tx.missing_sentence({"n_not_answered_baseline": 2}, baseline=B_DEF, followup=F_DEF,
                               left_out_of="fordelingen").endswith("indgår ikke i fordelingen.")


def test_missing_sentence_keeps_the_case_of_round_names():
    row = make_row(n_dont_know_baseline=1)
    assert "Ved Slutmåling 2018 (NCFE)" in tx.missing_sentence(row, baseline="Slutmåling 2018 (NCFE)", followup=F_DEF)


def test_missing_sentence_escapes():
    row = make_row(n_dont_know_baseline=1, n_dont_know_followup=1)
    assert_escaped(tx.missing_sentence(row, baseline=SCRIPT, followup=ATTR), SCRIPT, ATTR)


LABELS = {"a": "Alfa", "b": "Beta", "c": "Gamma"}


def make_comparison(rows):
    return pd.DataFrame([make_row(**r) for r in rows])


def summary(comparison, labels=LABELS):
    return tx.summary_sentences(comparison, labels=labels, baseline=B_DEF, followup=F_DEF)


def test_summary_sentences_rose_held_fell():
    comparison = make_comparison([
        {"item": "a", "n_family": 3},
        {"item": "b", "direction": "held", "mean_change": 0.0, "n_up": 1, "n_down": 0, "detectable": False,
         "n_family": 3},
        {"item": "c", "direction": "fell", "mean_change": -0.4, "n_pairs": 9, "n_family": 3},
    ])
    assert summary(comparison) == [
        "Ved opfølgningen lå kommunernes gennemsnit højere på alfa, stort set på samme niveau på beta og lavere på "
        "gamma sammenlignet med slutmålingen.",
        "Fremgangen gælder altså ikke alle tre parametre: gamma lå lavere end før.",
        "Ingen af ændringerne er statistisk signifikante på 5 %-niveau efter Holm-korrektion for tre sammenligninger, "
        "så de kan skyldes tilfældig variation.",
        "For beta ændrede for få kommuner svar til, at nogen test kunne påvise en ændring på 5 %-niveau.",
    ]


def test_summary_names_the_one_change_and_the_one_municipality():
    # One parameter of three moved: "ændringen på alfa", not "ingen af ændringerne"; one municipality with
    # pairs: "kommunen", not "ingen kommuner".
    comparison = make_comparison([
        {"item": "a", "n_pairs": 1, "n_up": 1, "n_same": 0, "n_down": 0, "detectable": False, "n_family": 3},
        {"item": "b", "direction": "held", "mean_change": 0.0, "n_pairs": 1, "n_up": 0, "n_same": 1, "n_down": 0,
         "n_family": 3},
        {"item": "c", "direction": "held", "mean_change": 0.0, "n_pairs": 1, "n_up": 0, "n_same": 1, "n_down": 0,
         "n_family": 3},
    ])
    text = summary(comparison)
    assert "Ændringen på alfa er ikke statistisk signifikant på 5 %-niveau efter Holm-korrektion for tre " \
           "sammenligninger og kan skyldes tilfældig variation." in text
    assert "For beta og gamma ændrede kommunen ikke svar." in text


def test_summary_sentences_significant_changes_carry_their_direction_and_the_family():
    comparison = make_comparison([
        {"item": "a", "significant": True, "n_family": 3},
        {"item": "b", "direction": "fell", "mean_change": -0.6, "significant": True, "n_family": 3},
        {"item": "c", "significant": True, "n_family": 3},
    ])
    assert summary(comparison) == [
        "Ved opfølgningen lå kommunernes gennemsnit højere på alfa og gamma og lavere på beta sammenlignet med "
        "slutmålingen.",
        "Fremgangen gælder altså ikke alle tre parametre: beta lå lavere end før.",
        "Efter Holm-korrektion for tre sammenligninger er stigningerne på alfa og gamma og faldet på beta statistisk "
        "signifikante på 5 %-niveau.",
    ]


def test_summary_sentences_two_parameters_say_begge():
    comparison = make_comparison([{"item": "a", "n_family": 2},
                                  {"item": "b", "direction": "fell", "mean_change": -0.6, "n_family": 2}])
    assert "Fremgangen gælder altså ikke begge parametre: beta lå lavere end før." in summary(comparison)


def test_summary_sentences_held_and_fell_do_not_speak_of_progress():
    comparison = make_comparison([{"item": "a", "direction": "held", "mean_change": 0.0},
                                  {"item": "b", "direction": "fell", "mean_change": -0.6}])
    sentences = summary(comparison)
    assert sentences[0] == ("Ved opfølgningen lå kommunernes gennemsnit stort set på samme niveau på alfa og lavere "
                            "på beta sammenlignet med slutmålingen.")
    assert not any("Fremgang" in s or "højere" in s for s in sentences)


def test_summary_sentences_name_items_without_pairs_and_a_family_of_one():
    comparison = make_comparison([
        {"item": "a", "n_family": 1},
        {"item": "b", "n_pairs": 0, "direction": None, "detectable": False, "significant": False, "n_family": 0},
    ])
    assert summary(comparison) == [
        "Ved opfølgningen lå kommunernes gennemsnit højere på alfa sammenlignet med slutmålingen.",
        "For beta har ingen kommuner gyldige svar ved begge målinger, så udviklingen kan ikke opgøres.",
        "Ændringen er ikke statistisk signifikant på 5 %-niveau og kan skyldes tilfældig variation.",
    ]


def test_summary_sentences_when_nobody_changed():
    still = {"direction": "held", "mean_change": 0.0, "n_up": 0, "n_down": 0, "n_same": 10, "detectable": False}
    assert summary(make_comparison([{"item": "a", **still}, {"item": "b", **still}])) == [
        "Ved opfølgningen lå kommunernes gennemsnit stort set på samme niveau på alfa og beta sammenlignet med "
        "slutmålingen.",
        "Ingen kommuner ændrede svar på nogen af parametrene.",
    ]


def test_summary_sentences_mixed_and_small_significant():
    comparison = make_comparison([
        {"item": "a", "direction": "held", "mean_change": 0.3, "n_up": 3, "n_down": 3},
        {"item": "b", "direction": "held", "mean_change": 0.05, "significant": True},
    ])
    assert summary(comparison) == [
        "Ved opfølgningen lå kommunernes gennemsnit stort set på samme niveau på beta sammenlignet med slutmålingen.",
        "For alfa flyttede gennemsnittet sig, men uden klar retning: lige så mange eller flere kommuner bevægede "
        "sig den modsatte vej.",
        "Efter Holm-korrektion for fem sammenligninger er den lille ændring på beta statistisk signifikant på "
        "5 %-niveau.",
    ]


def test_summary_sentences_with_no_pairs_at_all():
    comparison = make_comparison([{"item": "a", "n_pairs": 0, "direction": None, "detectable": False}])
    assert summary(comparison) == [
        "Ingen kommuner har gyldige svar ved både slutmålingen og opfølgningen, så en udvikling kan ikke opgøres."
    ]


def test_summary_sentences_escape():
    comparison = make_comparison([
        {"item": "a", "direction": "rose", "significant": True},
        {"item": "b", "direction": "fell", "mean_change": -0.5, "detectable": False},
        {"item": "c", "n_pairs": 0, "direction": None},
    ])
    labels = {"a": SCRIPT, "b": ATTR, "c": SCRIPT}
    assert_escaped(tx.summary_sentences(comparison, labels=labels, baseline=SCRIPT, followup=ATTR), SCRIPT, ATTR)


def test_item_bullet():
    assert tx.item_bullet(make_row(), label="Beredskab", ceiling=False) == (
        "<strong>Beredskab</strong>: 2,5 → 3,1 (+0,60, 95 %-interval +0,30 til +0,90; n = 10; syv op, to uændret, én ned) – steg."
    )
    row = make_row(direction="fell", mean_change=-0.6, mean_baseline=3.1, mean_followup=2.5, significant=True,
                   n_up=0, n_same=9)
    assert tx.item_bullet(row, label="Beredskab", ceiling=True) == (
        "<strong>Beredskab</strong>: 3,1 → 2,5 (-0,60, 95 %-interval +0,30 til +0,90; n = 10; ingen op, ni uændret, én ned) – faldt, "
        "statistisk signifikant; lofteffekt ved udgangspunktet."
    )
    held = make_row(direction="held", mean_change=0.1)
    assert tx.item_bullet(held, label="B", ceiling=False).endswith("– stort set uændret.")
    mixed = make_row(direction="held", mean_change=0.4, n_up=3, n_down=3)
    assert tx.item_bullet(mixed, label="B", ceiling=False).endswith("– uden klar retning.")
    assert tx.item_bullet(make_row(n_pairs=0), label="Beredskab", ceiling=False) == (
        "<strong>Beredskab</strong>: ingen kommuner med gyldige svar begge gange."
    )
    assert_escaped(tx.item_bullet(make_row(), label=SCRIPT, ceiling=False), SCRIPT)
    assert_escaped(tx.item_bullet(make_row(n_pairs=0), label=ATTR, ceiling=False), ATTR)


def test_mode_sentence():
    by_mode = pd.DataFrame([
        {"mode": "interview", "item": "a", "n_pairs": 4, "direction": "fell", "mean_baseline": 3.5,
         "mean_followup": 3.0, "mean_change": -0.5},
        {"mode": "survey", "item": "a", "n_pairs": 5, "direction": "held", "mean_baseline": 2.6,
         "mean_followup": 2.6, "mean_change": 0.0},
        {"mode": "survey", "item": "b", "n_pairs": 5, "direction": "rose", "mean_baseline": 2.6,
         "mean_followup": 3.0, "mean_change": 0.4},
        {"mode": "interview", "item": "b", "n_pairs": 0, "direction": None, "mean_baseline": np.nan,
         "mean_followup": np.nan, "mean_change": np.nan},
    ])
    assert tx.mode_sentence(by_mode, item="a", label="Alfa", mode_labels=MODE_LABELS) == (
        "Opdelt efter dataindsamling: blandt interviewkommuner (n = 4) faldt gennemsnittet fra 3,5 til 3,0, og "
        "blandt spørgeskemakommuner (n = 5) var gennemsnittet stort set uændret (2,6 og 2,6). Forskellen mellem "
        "grupperne er ikke testet, og kommunerne er ikke fordelt tilfældigt på grupperne."
    )
    # One group with pairs is no split: nothing to say.
    assert tx.mode_sentence(by_mode, item="b", label="Beta", mode_labels=MODE_LABELS) == ""
    assert tx.mode_sentence(by_mode, item="c", label="Gamma", mode_labels=MODE_LABELS) == ""
    hostile = tx.mode_sentence(by_mode, item="a", label=SCRIPT, mode_labels={"interview": SCRIPT, "survey": ATTR})
    assert_escaped(hostile, SCRIPT, ATTR)


def test_detectable_sentence_counts_changes_not_participants_and_applies_holm():
    kw = dict(fewest_alone=8, fewest_at_best=6, n_tests=5, alpha=0.05)
    rule = ("Om en ændring kan påvises, afhænger af, hvor mange kommuner der ændrer svar, ikke af, hvor mange der "
            "deltager. Med Holm-korrektion for fem sammenligninger skal mindst otte kommuner ændre svar i samme retning "
            "(og ingen i den modsatte), før en parameter er statistisk signifikant på 5 %-niveau uanset de øvrige; "
            "er de øvrige selv tydeligt signifikante, kan seks være nok.")
    tail = " Mindre ændringer kan være reelle, men kan ikke skelnes fra tilfældig variation."
    assert tx.detectable_sentence(10, **kw) == rule + tail
    assert tx.detectable_sentence(7, **kw) == (
        rule + " Med syv kommuner med gyldige svar begge gange kan en parameter kun blive signifikant, hvis de øvrige "
        "også er det." + tail)
    assert tx.detectable_sentence(4, **kw) == (
        rule + " Med fire kommuner med gyldige svar begge gange kan ingen ændring derfor blive statistisk signifikant, "
        "uanset hvordan svarene falder." + tail)
    assert tx.detectable_sentence(1, fewest_alone=6, fewest_at_best=6, n_tests=1, alpha=0.05).startswith(
        "Om en ændring kan påvises, afhænger af, hvor mange kommuner der ændrer svar, ikke af, hvor mange der "
        "deltager. Mindst seks kommuner skal ændre svar i samme retning (og ingen i den modsatte), før ændringen kan "
        "blive statistisk signifikant på 5 %-niveau. Med én kommune med gyldige svar begge gange kan ingen")


def test_step_caveat():
    assert tx.step_caveat([10, 9, 10]) == (
        "Få kommuner: med mellem ni og ti kommuner med gyldige svar begge gange flytter ét trins ændring hos én "
        "kommune gennemsnittet med 0,10 til 0,11 skalapoint, og kun ensrettede ændringer hos flere kommuner kan "
        "påvises statistisk.")
    assert tx.step_caveat([1000]) == (
        "Skalaens trin: med 1.000 kommuner med gyldige svar begge gange flytter ét trins ændring hos én kommune "
        "gennemsnittet med 0,001 skalapoint.")
    assert tx.step_caveat([0, 0]) == ""
    # 1/88 and 1/94 both round to 0,011: one value, never "0,011 til 0,011".
    assert tx.step_caveat([88, 94, 90]).endswith("gennemsnittet med 0,011 skalapoint.")


# ------------------------------------------------------------ alt texts
def test_alt_means_and_escaping():
    comparison = make_comparison([{"item": "a"}, {"item": "b", "mean_baseline": 3.0, "mean_followup": np.nan}])
    comparison = comparison.drop(columns=["ci_low", "ci_high"]).assign(n_pairs=[10, 9])
    assert tx.alt_means(comparison, labels=LABELS, baseline="Slutmåling", followup="Opfølgning",
                        scale_labels={0: "Ved ikke", 1: "Slet ikke", 4: "I høj grad"}) == (
        "Gennemsnit for hver parameter ved Slutmåling og Opfølgning på skalaen 1 = Slet ikke, 4 = I høj grad; "
        "n er antallet af kommuner med et gyldigt svar i begge målinger: Alfa fra 2,5 til 3,1 (n = 10) og "
        "Beta fra 3,0 til – (n = 9)."
    )
    hostile = tx.alt_means(comparison, labels={"a": SCRIPT, "b": ATTR}, baseline=SCRIPT, followup=ATTR,
                           scale_labels={1: SCRIPT})
    assert_escaped(hostile, SCRIPT, ATTR)
    # With the intervals of compare_rounds, the change panel is described too.
    with_ci = comparison.assign(mean_change=[0.6, np.nan], ci_low=[0.3, np.nan], ci_high=[0.9, np.nan])
    assert tx.alt_means(with_ci, labels=LABELS, baseline="Slutmåling", followup="Opfølgning",
                        scale_labels={1: "Slet ikke"}).endswith(
        " Ved siden af: ændringen i skalapoint med 95 %-interval: Alfa +0,60 (+0,30 til +0,90) og Beta – (– til –)."
    )


SCALE = {0: "Ved ikke", 1: "Slet ikke", 2: "I mindre grad", 3: "I nogen grad", 4: "I høj grad"}


def test_alt_item_carries_question_scale_and_answers():
    paired = pd.DataFrame([
        {"municipality": "Kommune A", "score_baseline": 4.0, "score_followup": 3.0,
         "dont_know_baseline": False, "dont_know_followup": False},
        {"municipality": "Kommune B", "score_baseline": np.nan, "score_followup": 2.0,
         "dont_know_baseline": True, "dont_know_followup": False},
    ])
    text = tx.alt_item(paired, label="Beredskab", baseline="Slutmåling", followup="Opfølgning",
                       question=" Er der et beredskab? ", scale_labels=SCALE)
    assert text == (
        "Beredskab. Spørgsmål: »Er der et beredskab?« Skala: 1 = Slet ikke, 2 = I mindre grad, 3 = I nogen grad, "
        "4 = I høj grad. Hver kommunes svar ved Slutmåling og Opfølgning: Kommune A 4 til 3; "
        "Kommune B ved ikke til 2."
    )
    hostile = paired.assign(municipality=[SCRIPT, ATTR])
    assert_escaped(tx.alt_item(hostile, label=ATTR, baseline=SCRIPT, followup=ATTR, question=SCRIPT,
                               scale_labels={**SCALE, 1: ATTR}), SCRIPT, ATTR)


def test_question_note_and_scale_text():
    assert tx.scale_text(SCALE) == "1 = Slet ikke, 2 = I mindre grad, 3 = I nogen grad, 4 = I høj grad"
    # Another instrument: a five-step scale, codes given out of order.
    assert tx.scale_text({5: "E", 0: "Ved ikke", 1: "A", 3: "C", 2: "B", 4: "D"}) == "1 = A, 2 = B, 3 = C, 4 = D, 5 = E"
    assert tx.question_note("Hvordan?", {1: "Lidt", 2: "Meget"}) == "Spørgsmål: »Hvordan?« Skala: 1 = Lidt, 2 = Meget."
    assert_escaped(tx.question_note(SCRIPT, {1: ATTR}), SCRIPT, ATTR)


def test_alt_plan_status_counts_and_names_each_status():
    summary = pd.DataFrame([
        {"round": "r1", "phase": "udarbejdet", "status": "gennemfoert", "n": 2},
        {"round": "r1", "phase": "udarbejdet", "status": "i_proces", "n": 1},
        {"round": "r1", "phase": "udarbejdet", "status": "ikke_paabegyndt", "n": 0},
    ])
    status = pd.DataFrame([
        {"round": "r1", "municipality": "Kommune B", "phase": "udarbejdet", "status": "gennemfoert"},
        {"round": "r1", "municipality": "Kommune C", "phase": "udarbejdet", "status": "i_proces"},
        {"round": "r1", "municipality": "Kommune A", "phase": "udarbejdet", "status": "gennemfoert"},
    ])
    text = tx.alt_plan_status(summary, status=status, round_labels={"r1": "Slutmåling"}, phase_labels=PHASE_LABELS,
                              status_labels=STATUS_LABELS)
    assert text == ("Kommunernes status på handlingsplanen fordelt på faser: Slutmåling, udarbejdet: "
                    "to gennemført (Kommune B og Kommune A) og én i proces (Kommune C).")
    hostile = tx.alt_plan_status(summary, status=status.assign(municipality=[SCRIPT, ATTR, "x"]),
                                 round_labels={"r1": SCRIPT}, phase_labels={"udarbejdet": ATTR},
                                 status_labels={"gennemfoert": SCRIPT, "i_proces": ATTR, "ikke_paabegyndt": "x"})
    assert_escaped(hostile, SCRIPT, ATTR)
    # A large panel's figure of counts: the same counts, no names (its table lists them).
    counts_only = tx.alt_plan_status(summary, status=None, round_labels={"r1": "Slutmåling"},
                                     phase_labels=PHASE_LABELS, status_labels=STATUS_LABELS)
    assert counts_only == ("Kommunernes status på handlingsplanen fordelt på faser: Slutmåling, udarbejdet: "
                           "to gennemført og én i proces.")
    many = tx.alt_plan_status(summary.assign(n=[700, 300, 0]), status=None, round_labels={"r1": "Slutmåling"},
                              phase_labels=PHASE_LABELS, status_labels=STATUS_LABELS)
    assert many.endswith("Slutmåling, udarbejdet: 700 gennemført og 300 i proces.")


def test_alt_distribution():
    dist = pd.DataFrame([
        {"round": "r1", "code": 0, "n": 1}, {"round": "r1", "code": 3, "n": 4}, {"round": "r1", "code": 4, "n": 0},
        {"round": "r2", "code": 2, "n": 5}, {"round": "r3", "code": 2, "n": 0},
    ])
    scale = {0: "Ved ikke", 2: "I mindre grad", 3: "I nogen grad", 4: "I høj grad"}
    text = tx.alt_distribution(dist, label="Radikalisering", question="Er det en udfordring?",
                               round_labels={"r1": "Slutmåling", "r2": "Opfølgning", "r3": "Senere"},
                               scale_labels=scale)
    assert text == ("Radikalisering. Spørgsmål: »Er det en udfordring?« Antal kommuner i hver svarkategori. "
                    "Slutmåling: én ved ikke og fire i nogen grad; Opfølgning: fem i mindre grad; Senere: ingen svar.")
    hostile = tx.alt_distribution(dist, label=SCRIPT, round_labels={"r1": ATTR, "r2": SCRIPT, "r3": "x"},
                                  scale_labels={0: SCRIPT, 2: ATTR, 3: "x", 4: "y"}, question=ATTR)
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


def test_alt_profile_gives_rounds_answers_group_median_and_range():
    profile = pd.DataFrame([
        {"item": "a", "round": "r1", "score": 3.0, "dont_know": False,
         "group_median": 2.5, "group_min": 1.0, "group_max": 4.0},
        {"item": "a", "round": "r2", "score": np.nan, "dont_know": True,
         "group_median": 3.0, "group_min": 3.0, "group_max": 3.0},
        {"item": "b", "round": "r1", "score": np.nan, "dont_know": False,
         "group_median": np.nan, "group_min": np.nan, "group_max": np.nan},
        {"item": "b", "round": "r2", "score": 4.0, "dont_know": False,
         "group_median": 2.0, "group_min": 2.0, "group_max": 3.0},
    ])
    rounds = {"r1": "Slutmåling", "r2": "Opfølgning"}
    # By hand, from the rows above.
    assert tx.alt_profile(profile, labels=LABELS, round_labels=rounds, municipality="Kommune A") == (
        "Kommune A&#x27;s svar i hver måling på skalaen 1-4, i parentes de øvrige kommuners median og spænd. "
        "Alfa: Slutmåling 3 (median 2,5, spænd 1-4); Opfølgning ved ikke (median 3, spænd 3). "
        "Beta: Slutmåling intet svar (ingen svar fra de øvrige); Opfølgning 4 (median 2, spænd 2-3)."
    )
    # In a round the municipality took part in, a blank is "ikke besvaret"; absent from a round, "intet svar".
    present = profile.assign(present=[True, True, True, True])
    assert "Beta: Slutmåling ikke besvaret (ingen svar fra de øvrige)" in tx.alt_profile(
        present, labels=LABELS, round_labels=rounds, municipality="Kommune A")
    # A name ending in s takes only an apostrophe (escaped, as everything from data).
    assert tx.alt_profile(profile, labels=LABELS, round_labels=rounds, municipality="Aarhus").startswith(
        "Aarhus&#x27; svar")
    assert_escaped(tx.alt_profile(profile, labels={"a": SCRIPT, "b": ATTR}, round_labels={"r1": SCRIPT, "r2": ATTR},
                                  municipality=SCRIPT), SCRIPT, ATTR)


# ------------------------------------------------- hand-built section text
def make_head(**changes):
    head = {"n_at_top": 4, "n_top_kept": 3, "n_top_fell": 1, "n_below_top": 6,
            "n_below_rose": 3, "n_below_held": 2, "n_below_fell": 1}
    head.update(changes)
    return head


def make_ceil(**changes):
    ceil = {"ceiling": True, "share_top": 0.4, "n_valid": 10, "n_top": 4}
    ceil.update(changes)
    return ceil


def ceiling_note(head, ceil, **kw):
    return tx.ceiling_sentence(head, ceil, baseline=B_DEF, threshold=0.15, **kw)


def test_ceiling_sentence_says_what_the_ceiling_explains():
    assert ceiling_note(make_head(), make_ceil()) == (
        "Lofteffekt: fire af de ti kommuner (40 %) svarede allerede »i høj grad« ved slutmålingen og kunne ikke "
        "svare højere (grænsen for en lofteffekt er 15 % i toppen). Af dem blev tre i toppen, og én faldt. "
        "De tre kommuner, der blev i toppen, tæller med som uændrede, selv om de ikke kunne svare højere. "
        "Af de seks kommuner med plads til forbedring steg tre, to var uændrede, og én faldt."
    )


def test_ceiling_sentence_is_empty_where_it_explains_nothing():
    assert ceiling_note(make_head(), make_ceil(ceiling=False)) == ""
    assert ceiling_note(make_head(), make_ceil(), explains=False) == ""  # e.g. the mean fell
    # Everyone at the top fell back: the ceiling hid no progress.
    assert ceiling_note(make_head(n_top_kept=0, n_top_fell=4), make_ceil()) == ""


def test_ceiling_sentence_all_kept_and_one_below():
    head = make_head(n_at_top=9, n_top_kept=9, n_top_fell=0, n_below_top=1, n_below_rose=0, n_below_held=1,
                     n_below_fell=0)
    text = ceiling_note(head, make_ceil(share_top=0.9, n_top=9))
    assert text.endswith("Alle blev i toppen. De tæller med som uændrede, selv om de ikke kunne svare højere. "
                         "Den ene kommune med plads til forbedring var uændret.")


def test_ceiling_sentence_everyone_at_the_top():
    head = make_head(n_at_top=10, n_top_kept=10, n_top_fell=0, n_below_top=0, n_below_rose=0, n_below_held=0,
                     n_below_fell=0)
    text = ceiling_note(head, make_ceil(share_top=1.0, n_top=10))
    assert text.startswith("Lofteffekt: alle ti kommuner (100 %) svarede allerede")
    assert text.endswith("Alle blev i toppen. De tæller med som uændrede, selv om de ikke kunne svare højere.")


def test_ceiling_sentence_agreement_with_one_and_none():
    head = make_head(n_at_top=2, n_top_kept=1, n_top_fell=1, n_below_top=8, n_below_rose=0, n_below_held=1,
                     n_below_fell=7)
    text = ceiling_note(head, make_ceil(n_top=2, share_top=0.2))
    assert "Af dem blev én i toppen, og én faldt. Den kommune, der blev i toppen, tæller med som uændret, selv om " \
           "den ikke kunne svare højere. Af de otte kommuner med plads til forbedring steg ingen, én var uændret, og " \
           "syv faldt." in text


def test_ceiling_sentence_accounts_for_top_answers_without_a_later_answer():
    # 4 at the top at baseline, but only 3 complete pairs at the top: the
    # fourth answered "ved ikke" later, so it neither kept nor fell.
    text = ceiling_note(make_head(n_at_top=3, n_top_kept=2, n_top_fell=1), make_ceil())
    assert ("Af dem blev to i toppen, én faldt, og én kan ikke følges, fordi det senere svar mangler eller er "
            "»ved ikke«.") in text


def test_ceiling_sentence_escapes():
    assert_escaped(tx.ceiling_sentence(make_head(), make_ceil(), baseline=SCRIPT, threshold=0.15), SCRIPT)


def test_ceiling_summary():
    ceil = pd.DataFrame([
        {"item": "a", "ceiling": True, "n_top": 4, "n_valid": 10},
        {"item": "b", "ceiling": False, "n_top": 1, "n_valid": 10},
        {"item": "c", "ceiling": True, "n_top": 3, "n_valid": 9},
    ])
    kw = dict(labels=LABELS, baseline=B_DEF, threshold=0.15)
    assert tx.ceiling_summary(ceil, **kw, explains={"a": True, "b": False, "c": True}) == (
        "Ved slutmålingen svarede mere end 15 % af kommunerne allerede »i høj grad« på alfa (4 af 10) og "
        "gamma (3 af 9), og nogle af dem blev i toppen. De tæller med som uændrede, selv om de ikke kunne svare "
        "højere (lofteffekt), så gennemsnittet kan ikke vise, om de ville have rykket sig."
    )
    assert "gamma" not in tx.ceiling_summary(ceil, **kw, explains={"a": True, "c": False})
    assert tx.ceiling_summary(ceil, **kw, explains={"a": False, "c": False}) == ""
    none = ceil.assign(ceiling=False)
    assert tx.ceiling_summary(none, **kw) == "Ingen af parametrene havde en lofteffekt ved slutmålingen (over 15 % i toppen)."
    assert_escaped(tx.ceiling_summary(ceil, labels={"a": SCRIPT, "b": "x", "c": ATTR}, baseline=SCRIPT,
                                      threshold=0.15), SCRIPT, ATTR)
    assert_escaped(tx.ceiling_summary(none, labels=LABELS, baseline=ATTR, threshold=0.15), ATTR)


def test_ceiling_municipalities_sentence():
    frame = pd.DataFrame({"municipality": ["Kommune A", "Kommune E"], "n_items_at_top": [5, 3]})
    assert tx.ceiling_municipalities_sentence(frame, baseline=B_DEF, n_total=10) == (
        "Ved slutmålingen svarede to af de ti kommuner allerede »i høj grad« på to eller flere af parametrene: "
        "Kommune A (5) og Kommune E (3). For dem kan fremgang på de parametre ikke vises; det påpeges under "
        "hver parameter, hvor det har betydning for tolkningen."
    )
    assert tx.ceiling_municipalities_sentence(frame.iloc[:1], baseline=B_DEF, n_total=10).startswith(
        "Ved slutmålingen svarede én af de ti kommuner allerede")
    empty = frame.iloc[:0]
    assert tx.ceiling_municipalities_sentence(empty, baseline=B_DEF, n_total=10, min_items=3) == (
        "Ved slutmålingen svarede ingen kommuner »i høj grad« på tre eller flere parametre."
    )
    # One parameter cannot be at the top on two.
    assert tx.ceiling_municipalities_sentence(frame, baseline=B_DEF, n_total=10, n_items=1) == ""
    many = pd.DataFrame({"municipality": [f"Kommune {i:03d}" for i in range(40)], "n_items_at_top": [2] * 40})
    text = tx.ceiling_municipalities_sentence(many, baseline=B_DEF, n_total=98)
    assert text.startswith("Ved slutmålingen svarede 40 af de 98 kommuner allerede »i høj grad« på to eller flere "
                           "af parametrene. For dem") and "Kommune 001" not in text
    assert_escaped(tx.ceiling_municipalities_sentence(frame.assign(municipality=[SCRIPT, ATTR]), baseline=SCRIPT,
                                                      n_total=10), SCRIPT, ATTR)
    assert_escaped(tx.ceiling_municipalities_sentence(empty, baseline=ATTR, n_total=10), ATTR)


def test_plan_status_sentences_hand_built():
    summary = pd.DataFrame([
        {"round": "r1", "phase": "udarbejdet", "status": "gennemfoert", "n": 10, "municipalities": ""},
        {"round": "r1", "phase": "udarbejdet", "status": "i_proces", "n": 0, "municipalities": ""},
        {"round": "r1", "phase": "udrullet", "status": "gennemfoert", "n": 4, "municipalities": ""},
        {"round": "r2", "phase": "udarbejdet", "status": "gennemfoert", "n": 1, "municipalities": ""},
        {"round": "r2", "phase": "udarbejdet", "status": "i_proces", "n": 1, "municipalities": "Kommune B"},
        {"round": "r2", "phase": "udrullet", "status": "gennemfoert", "n": 0, "municipalities": ""},
    ])
    kw = dict(definite={"r1": "opfølgningen", "r2": "opfølgningen"}, phase_labels=PHASE_LABELS)
    assert tx.plan_status_sentences(summary, rounds=["r1"], n_total=10, **kw) == [
        "Ved opfølgningen havde alle ti kommuner udarbejdet deres handlingsplan, og fire havde rullet den fuldt ud."
    ]
    assert tx.plan_status_sentences(summary, rounds=["r2"], n_total=2, **kw) == [
        "Ved opfølgningen havde én af de to kommuner udarbejdet sin handlingsplan, og ingen havde rullet den fuldt "
        "ud; én kommune var stadig i gang med at udarbejde den (Kommune B)."
    ]
    # The only municipality: said of it, never "ingen kommuner" or "den ene kommune".
    one = summary.assign(n=[1, 0, 1, 0, 1, 0])
    assert tx.plan_status_sentences(one, rounds=["r1", "r2"], n_total=1, **kw) == [
        "Ved opfølgningen havde kommunen udarbejdet sin handlingsplan og rullet den fuldt ud.",
        "Ved opfølgningen var kommunen stadig i gang med at udarbejde sin handlingsplan.",
    ]
    drafted = summary.assign(n=[1, 0, 0, 0, 0, 0])
    assert tx.plan_status_sentences(drafted, rounds=["r1", "r2"], n_total=1, **kw) == [
        "Ved opfølgningen havde kommunen udarbejdet sin handlingsplan og var endnu ikke færdig med at rulle den ud.",
        "Ved opfølgningen havde kommunen endnu ikke udarbejdet sin handlingsplan.",
    ]
    hostile = summary.copy()
    hostile.loc[1, ["n", "municipalities"]] = [1, SCRIPT]
    assert_escaped(tx.plan_status_sentences(hostile, rounds=["r1"], definite={"r1": ATTR}, n_total=10,
                                            phase_labels=PHASE_LABELS), SCRIPT, ATTR)


DIST = pd.DataFrame([
    {"round": "r1", "code": 1, "n": 2}, {"round": "r1", "code": 2, "n": 8}, {"round": "r1", "code": 3, "n": 0},
    {"round": "r2", "code": 1, "n": 1}, {"round": "r2", "code": 2, "n": 7}, {"round": "r2", "code": 3, "n": 2},
])
SCALE3 = {1: "Slet ikke", 2: "I mindre grad", 3: "I nogen grad"}
DIST_KW = dict(baseline=B_DEF, followup=F_DEF, base_key="r1", follow_key="r2", scale_labels=SCALE3)


def test_distribution_sentence_changed():
    moves = {"n_up": 3, "n_down": 1, "n_dont_know_changed": 0}
    assert tx.distribution_sentence(DIST, label="Radikalisering som udfordring", moves=moves, **DIST_KW) == (
        "På spørgsmålet om radikalisering som udfordring svarede kommunerne ved opfølgningen: to »i nogen grad«, "
        "syv »i mindre grad« og én »slet ikke«. Ved slutmålingen var fordelingen: otte »i mindre grad« og to »slet "
        "ikke«; fire kommuner svarede anderledes end da: tre højere og én lavere."
    )
    hostile = tx.distribution_sentence(DIST, label=SCRIPT, baseline=ATTR, followup=SCRIPT, base_key="r1",
                                       follow_key="r2", scale_labels={1: ATTR, 2: SCRIPT, 3: "x"})
    assert_escaped(hostile, SCRIPT, ATTR)


def test_distribution_sentence_same_spread_but_municipalities_swapped():
    same = DIST.assign(n=[2, 8, 0, 2, 8, 0])
    swapped = tx.distribution_sentence(same, label="R", moves={"n_up": 1, "n_down": 1, "n_dont_know_changed": 0},
                                       **DIST_KW)
    assert swapped.endswith("Fordelingen er den samme som ved slutmålingen, men to kommuner svarede anderledes end "
                            "da: én højere og én lavere.")
    still = tx.distribution_sentence(same, label="R", moves={"n_up": 0, "n_down": 0, "n_dont_know_changed": 0},
                                     **DIST_KW)
    assert still.endswith("Fordelingen er den samme som ved slutmålingen, og ingen kommuner svarede anderledes end da.")
    to_dk = tx.distribution_sentence(same, label="R", moves={"n_up": 0, "n_down": 1, "n_dont_know_changed": 1},
                                     **DIST_KW)
    assert to_dk.endswith("men to kommuner svarede anderledes end da: én lavere og én skiftede til eller fra »ved ikke«.")


def test_distribution_sentence_of_one_answer_and_one_mover():
    # One municipality: its answer, not a spread of one; and how it moved, not a split of one.
    one = DIST.assign(n=[0, 0, 1, 0, 1, 0])
    text = tx.distribution_sentence(one, label="R", moves={"n_up": 0, "n_down": 1, "n_dont_know_changed": 0},
                                    **DIST_KW)
    assert text == ("På spørgsmålet om r var der ved opfølgningen ét svar: »i mindre grad«. Ved slutmålingen var "
                    "svaret »i nogen grad«; én kommune svarede lavere end da.")
    swapped = tx.distribution_sentence(DIST.assign(n=[2, 8, 0, 2, 8, 0]), label="R",
                                       moves={"n_up": 0, "n_down": 0, "n_dont_know_changed": 1}, **DIST_KW)
    assert swapped.endswith("Fordelingen er den samme som ved slutmålingen, men én kommune skiftede til eller fra "
                            "»ved ikke«.")


def test_level_sentence():
    comparison = pd.DataFrame([{"item": "a", "mean_valid_baseline": 3.25, "n_valid_baseline": 10},
                               {"item": "b", "mean_valid_baseline": np.nan, "n_valid_baseline": 0}])
    assert tx.level_sentence(comparison, labels=LABELS, definite="udgangsmålingen") == (
        "Der findes ingen måling før udgangsmålingen, så udgangspunktet beskrives alene ved niveauet. Ved "
        "udgangsmålingen lå gennemsnittet på 3,3 for alfa (n = 10). For beta er der ingen gyldige svar ved "
        "udgangsmålingen."
    )
    assert_escaped(tx.level_sentence(comparison, labels={"a": SCRIPT, "b": ATTR}, definite=SCRIPT), SCRIPT, ATTR)


def test_municipality_mode_sentence():
    assert tx.municipality_mode_sentence("interview", definite="slutmålingen") == (
        "Ved slutmålingen blev kommunen interviewet.")
    assert tx.municipality_mode_sentence("survey", definite="opfølgningen") == (
        "Ved opfølgningen besvarede kommunen spørgeskemaet.")
    assert tx.municipality_mode_sentence("none", definite="opfølgningen") == "Kommunen deltog ikke i opfølgningen."
    assert_escaped(tx.municipality_mode_sentence("both", definite=SCRIPT), SCRIPT)


def test_distribution_sentence_when_nobody_answered_the_question():
    dist = pd.DataFrame([
        {"round": "r1", "code": 1, "n": 0}, {"round": "r1", "code": 2, "n": 0},
        {"round": "r2", "code": 1, "n": 0}, {"round": "r2", "code": 2, "n": 3},
    ])
    scale = {1: "Slet ikke", 2: "I mindre grad"}
    kw = dict(label="Radikalisering", scale_labels=scale)
    assert tx.distribution_sentence(dist, baseline=B_DEF, followup=F_DEF, base_key="r1", follow_key="r2", **kw) == (
        "På spørgsmålet om radikalisering svarede kommunerne ved opfølgningen: tre »i mindre grad«. "
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
        "Fra slutmålingen til opfølgningen vurderede Kommune A sig højere på alfa (2 → 3).",
        "Til gengæld vurderede kommunen sig lavere på beta (4 → 3).",
        "Uændret: gamma.",
    ]
    only_down = paired.iloc[[1]]
    assert tx.profile_change_sentences(only_down, **kw) == [
        "Fra slutmålingen til opfølgningen vurderede Kommune A sig lavere på beta (4 → 3)."
    ]
    still = pd.DataFrame([
        {"item": "a", "score_baseline": 3.0, "score_followup": 3.0, "complete": True, "direction": "same"},
        {"item": "b", "score_baseline": np.nan, "score_followup": 3.0, "complete": False, "direction": None},
    ])
    assert tx.profile_change_sentences(still, **kw) == [
        "Kommune A har ikke ændret vurdering på nogen af de parametre, der kan sammenlignes, fra slutmålingen til "
        "opfølgningen.",
        "Uændret: alfa.",
        "Ingen sammenligning for beta, fordi et af svarene er »ved ikke« eller mangler.",
    ]
    # Nothing could be compared: no claim that nothing changed.
    assert tx.profile_change_sentences(still.iloc[[1]], **kw) == [
        "Ingen sammenligning for beta, fordi et af svarene er »ved ikke« eller mangler."]
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
    assert sentences[0].startswith("Ved opfølgningen lå kommunernes gennemsnit højere på beredskab og indsatser")
    assert "lavere på kompetencer" in sentences[0]
    assert "stort set på samme niveau på internt samarbejde og eksternt samarbejde" in sentences[0]
    assert "Fremgangen gælder altså ikke alle fem parametre: kompetencer lå lavere end før." in sentences
    # Never a claim that everything rose or held.
    assert "højere på beredskab, indsatser, internt samarbejde, eksternt samarbejde og kompetencer" not in text
    assert "alle fem" not in text.replace("ikke alle fem parametre", "") and "alle parametre" not in text
    assert "højere på kompetencer" not in text
    # Nothing is significant with ten municipalities (p_holm = 1 for all), after Holm over all five.
    assert "Ingen af ændringerne er statistisk signifikante på 5 %-niveau efter Holm-korrektion for fem " \
           "sammenligninger" in text
    # Only indsatser (9 changed: 5 * 2**-8 < 0.05) could have been significant.
    assert "For beredskab, internt samarbejde, eksternt samarbejde og kompetencer ændrede for få kommuner svar" in text
    assert "tendens" not in text


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
    assert "Af de ti svarede seks højere, én det samme og tre lavere (op: Kommune B, Kommune C, Kommune D, Kommune F, " \
           "Kommune H, Kommune I; ned: Kommune A, Kommune E, Kommune G)" in words["indsatser"]


@pytest.mark.parametrize("item", ["beredskab", "indsatser", "internt_samarbejde", "eksternt_samarbejde", "kompetencer"])
def test_real_numbers_in_sentences_equal_the_table_and_an_independent_count(real, labels, item):
    row = real.set_index("item").loc[item].copy()
    row["item"] = item
    before, after, n = independent_means(item)
    # The sentence carries the table values, formatted with a decimal comma ...
    sentence = change(row, labels[item])
    assert f"fra {tx.number(row['mean_baseline'])} ved" in sentence or f": {tx.number(row['mean_baseline'])} ved" in sentence
    assert f"{tx.number(row['mean_followup'])} ved opfølgningen" in sentence
    assert (f"(ændring {tx.signed(row['mean_change'], 2)}, 95 %-interval {tx.signed(row['ci_low'], 2)} til "
            f"{tx.signed(row['ci_high'], 2)}; {tx.amount(row['n_pairs'])} kommuner") in sentence
    bullet = tx.item_bullet(row, label=labels[item], ceiling=False)
    assert f"{tx.number(row['mean_baseline'])} → {tx.number(row['mean_followup'])}" in bullet
    # ... and those equal a recount from the CSV files (plain Python, rounded
    # half up with the decimal module on the printed value).
    assert n == row["n_pairs"]
    assert tx.number(row["mean_baseline"]) == half_up(before, 1)
    assert tx.number(row["mean_followup"]) == half_up(after, 1)
    change_text = half_up(after - before, 2)
    assert tx.signed(row["mean_change"], 2) == (change_text if change_text in ("0,00",) or change_text[0] == "-"
                                                 else "+" + change_text)
    # No decimal point anywhere in the Danish text.
    assert not any(ch.isdigit() and nxt == "." and after_dot.isdigit()
                   for ch, nxt, after_dot in zip(sentence, sentence[1:], sentence[2:]))


def test_real_missing_sentences(real):
    by_item = real.set_index("item")
    # One "ved ikke" at baseline on eksternt_samarbejde, one at follow-up on kompetencer (data files).
    assert tx.missing_sentence(by_item.loc["eksternt_samarbejde"], baseline=B_DEF, followup=F_DEF).startswith(
        "Ved slutmålingen svarede én kommune »ved ikke«;")
    assert tx.missing_sentence(by_item.loc["kompetencer"], baseline=B_DEF, followup=F_DEF).startswith(
        "Ved opfølgningen svarede én kommune »ved ikke«;")
    assert tx.missing_sentence(by_item.loc["beredskab"], baseline=B_DEF, followup=F_DEF) == ""


def test_real_significance_sentences(real):
    by_item = real.set_index("item")
    # indsatser: 9 changed, min p = 2**-8, 5 * 2**-8 < 0.05, so a test could find it; it did not.
    assert tx.significance_sentence(by_item.loc["indsatser"]).startswith(
        "Stigningen er ikke statistisk signifikant på 5 %-niveau efter Holm-korrektion for fem sammenligninger "
        "(Wilcoxon-test: p = 0,508; korrigeret p = 1,000)")
    # kompetencer: 2 changed, min p = 0.5.
    assert tx.significance_sentence(by_item.loc["kompetencer"]) == (
        "Af de ni kommuner ændrede to deres svar; med to ændringer kan p-værdien ikke komme under 0,500, så en "
        "ændring kan ikke påvises på 5 %-niveau.")


def test_real_ceiling_sentences(ds, labels, real):
    params = ds.instrument.parameters
    ceil = ceiling_table(ds.responses, [BASE], params)
    head = headroom(ds.responses, BASE, FOLLOW, params)
    explains = ceiling_explains(real, ceil, head)
    # All five are flagged at the baseline (each has > 15 % at 4), but the
    # ceiling explains nothing for kompetencer (the mean fell; both at the top
    # fell back) nor for indsatser (its one municipality at the top fell back).
    assert ceil["ceiling"].all()
    assert explains == {"beredskab": True, "indsatser": False, "internt_samarbejde": True,
                        "eksternt_samarbejde": True, "kompetencer": False}
    ceil, head = ceil.set_index("item"), head.set_index("item")
    texts = {i: tx.ceiling_sentence(head.loc[i], ceil.loc[i], baseline=B_DEF, threshold=config.CEILING_THRESHOLD,
                                    explains=explains[i]) for i in params}
    assert texts["kompetencer"] == "" and texts["indsatser"] == ""
    assert "Lofteffekt: tre af de ni kommuner (33 %)" in texts["eksternt_samarbejde"]
    assert "Lofteffekt: fire af de ti kommuner (40 %)" in texts["beredskab"] and "Alle blev i toppen." in texts["beredskab"]
    summary = tx.ceiling_summary(ceil.reset_index(), labels=labels, baseline=B_DEF, threshold=0.15, explains=explains)
    assert "beredskab (4 af 10)" in summary and "eksternt samarbejde (3 af 9)" in summary
    assert "kompetencer" not in summary and "faldende" not in summary


def test_real_ceiling_municipalities(ds):
    frame = ceiling_municipalities(ds.responses, BASE, ds.instrument.parameters)
    assert tx.ceiling_municipalities_sentence(frame, baseline=B_DEF, n_total=10).startswith(
        "Ved slutmålingen svarede tre af de ti kommuner allerede »i høj grad« på to eller flere af parametrene: "
        "Kommune A (5), Kommune E (3) og Kommune G (3).")


def test_real_plan_status_sentences(ds):
    summary = plan_status_summary(ds.plan_status, [BASE, FOLLOW])
    assert tx.plan_status_sentences(summary, rounds=[BASE, FOLLOW], definite={BASE: B_DEF, FOLLOW: F_DEF},
                                    n_total=10, phase_labels=PHASE_LABELS) == [
        "Ved slutmålingen havde syv af de ti kommuner udarbejdet deres handlingsplan, og to havde rullet den fuldt "
        "ud; tre kommuner var stadig i gang med at udarbejde den (Kommune D, Kommune H, Kommune J).",
        "Ved opfølgningen havde ni af de ti kommuner udarbejdet deres handlingsplan, og seks havde rullet den fuldt "
        "ud; én kommune var stadig i gang med at udarbejde den (Kommune J).",
    ]


def test_real_distribution_sentence_says_who_swapped(ds):
    dist = score_distribution(ds.responses, [BASE, FOLLOW], ["radikalisering_udfordring"])
    scale = dict(zip(ds.instrument.scale["code"], ds.instrument.scale["label"]))
    moves = answer_moves(paired_scores(ds.responses, BASE, FOLLOW, ["radikalisering_udfordring"]))
    text = tx.distribution_sentence(dist, label="Radikalisering som udfordring", baseline=B_DEF, followup=F_DEF,
                                    base_key=BASE, follow_key=FOLLOW, scale_labels=scale, moves=moves)
    # MEMO F8: 4 answer 3, the other 6 answer 1 or 2, the same at baseline;
    # in the data files one municipality moved up and one down (csv recount).
    answers = read_answers()
    ups = sum(answers[(FOLLOW, m, i)] > answers[(BASE, m, i)] > 0 for (r, m, i) in answers
              if r == BASE and i == "radikalisering_udfordring" and answers[(FOLLOW, m, i)] > 0)
    downs = sum(0 < answers[(FOLLOW, m, i)] < answers[(BASE, m, i)] for (r, m, i) in answers
                if r == BASE and i == "radikalisering_udfordring")
    assert (ups, downs) == (1, 1)
    assert text.startswith("På spørgsmålet om radikalisering som udfordring svarede kommunerne ved opfølgningen: "
                           "fire »i nogen grad«, ")
    assert text.endswith("Fordelingen er den samme som ved slutmålingen, men to kommuner svarede anderledes end da: "
                         "én højere og én lavere.")


def test_real_mode_and_profile_sentences(ds, labels):
    params = ds.instrument.parameters
    by_mode = compare_by_mode(ds.responses, ds.participation_of(FOLLOW), BASE, FOLLOW, params)
    text = tx.mode_sentence(by_mode, item="kompetencer", label="Kompetencer", mode_labels=MODE_LABELS)
    # Interviewed A, B, E, G, J: 4, 3, 4, 3, 2 -> 3, 3, 3, 3, 2 (means 3,2 and 2,8).
    assert text.startswith("Opdelt efter dataindsamling: blandt interviewkommuner (n = 5) faldt gennemsnittet fra "
                           "3,2 til 2,8")
    # Everybody answered the survey at the baseline: no split to speak of.
    by_mode_2018 = compare_by_mode(ds.responses, ds.participation_of(BASE), START, BASE, params)
    assert tx.mode_sentence(by_mode_2018, item="kompetencer", label="Kompetencer", mode_labels=MODE_LABELS) == ""
    paired = paired_scores(ds.responses, BASE, FOLLOW, params)
    own = paired[paired["municipality"] == "Kommune A"]
    sentences = tx.profile_change_sentences(own, labels=labels, municipality="Kommune A", baseline=B_DEF,
                                            followup=F_DEF)
    assert "lavere" in " ".join(sentences) and "kompetencer (4 → 3)" in " ".join(sentences)
    profile = group_profile(ds.responses, "Kommune A", params)
    round_labels = dict(zip(ds.rounds["round"], ds.rounds["label"]))
    alt = tx.alt_profile(profile, labels=labels, round_labels=round_labels, municipality="Kommune A")
    assert alt.startswith("Kommune A&#x27;s svar")
    # Every round of every parameter is there, with the group beside it.
    assert alt.count("(median ") + alt.count("(ingen svar fra de øvrige)") == len(params) * len(round_labels)
    tr = trend(ds.responses, ds.rounds, params)
    assert "Beredskab: " in tx.alt_trend(tr, labels=labels, round_labels=dict(zip(ds.rounds["round"], ds.rounds["label"])))


def test_real_rows_with_hostile_names_come_out_escaped(real, labels):
    row = real.iloc[1].copy()  # indsatser: names up and down
    row["municipalities_up"] = SCRIPT
    row["municipalities_down"] = ATTR
    assert_escaped(tx.change_sentence(row, label=SCRIPT, baseline=ATTR, followup=SCRIPT), SCRIPT, ATTR)
    hostile_labels = {k: (SCRIPT if i % 2 else ATTR) for i, k in enumerate(labels)}
    assert_escaped(tx.summary_sentences(real, labels=hostile_labels, baseline=SCRIPT, followup=ATTR), SCRIPT, ATTR)
    assert_escaped(tx.alt_means(real, labels=hostile_labels, baseline=SCRIPT, followup=ATTR, scale_labels={1: ATTR}),
                   SCRIPT, ATTR)


@pytest.mark.parametrize("n_before, n_advice, n_total, expected", [
    (3, 10, 10, "Før projektet begyndte, havde tre af de ti kommuner en handlingsplan, og alle har efterfølgende "
                "brugt centrets rådgivning, fx til opkvalificering."),
    (0, 0, 10, "Før projektet begyndte, havde ingen af de ti kommuner en handlingsplan, og ingen af kommunerne har "
               "siden brugt centrets rådgivning."),
    (2, 1, 2, "Før projektet begyndte, havde begge kommuner en handlingsplan, og én har efterfølgende brugt "
              "centrets rådgivning, fx til opkvalificering."),
    (0, 0, 1, "Før projektet begyndte, havde kommunen ingen handlingsplan, og den har ikke brugt centrets rådgivning."),
    (1, 1, 1, "Før projektet begyndte, havde kommunen en handlingsplan, og den har efterfølgende brugt centrets "
              "rådgivning, fx til opkvalificering."),
    (40, 98, 98, "Før projektet begyndte, havde 40 af de 98 kommuner en handlingsplan, og alle har efterfølgende "
                 "brugt centrets rådgivning, fx til opkvalificering."),
])
def test_background_sentence_agrees_with_one_and_many(n_before, n_advice, n_total, expected):
    assert tx.background_sentence(n_before, n_advice, n_total) == expected


def _fried(rows):
    return pd.DataFrame(rows, columns=["item", "n_complete", "n_rounds", "statistic", "p_value", "p_permutation"])


def test_friedman_sentence_says_why_a_p_value_is_missing():
    labels = {"a": "Beredskab", "b": "Indsatser", "c": "Kompetencer", "d": "Eksternt samarbejde"}
    fried = _fried([
        ("a", 10, 3, 4.2, 0.1225, 0.13),
        ("b", 0, 3, np.nan, np.nan, np.nan),
        ("c", 1, 3, np.nan, np.nan, np.nan),
        ("d", 7, 3, np.nan, np.nan, np.nan),
    ])
    assert tx.friedman_sentence(fried, labels=labels, n_rounds=3) == (
        "Friedmans test på tværs af målingerne for de kommuner, der har gyldige svar i dem alle: "
        "Beredskab: p = 0,123 (n = 10); "
        "Indsatser: p kan ikke beregnes (n = 0), da ingen kommune har gyldige svar i dem alle; "
        "Kompetencer: p kan ikke beregnes (n = 1), da kun én kommune har gyldige svar i dem alle; "
        "Eksternt samarbejde: p kan ikke beregnes (n = 7), da ingen af de syv kommuner ændrede svar undervejs."
    )


def test_friedman_sentence_with_two_rounds_names_the_reason_not_a_p_value():
    fried = _fried([("a", 10, 2, np.nan, np.nan, np.nan)])
    said = tx.friedman_sentence(fried, labels={"a": "Beredskab"}, n_rounds=2)
    assert said == ("Friedmans test af en udvikling over målingerne kræver mindst tre målinger; med to målinger "
                    "er sammenligningen ovenfor den eneste test.")
    assert "p kan ikke beregnes" not in said
