"""Tests of evaluation.analysis.compare against hand computations and plain scipy calls."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from evaluation.analysis.compare import (
    ALPHA,
    COMPARE_COLUMNS,
    HELD_BAND,
    VERDICTS,
    compare_by_mode,
    compare_rounds,
    default_pair,
    paired_scores,
)
from evaluation.data import load_dataset
from evaluation.exceptions import ParameterError

BASE, FOLLOW = "slutmaaling-2018", "opfoelgning-2019"


@pytest.fixture
def toy(responses_from):
    # Item a: M4 answers "ved ikke" at r1; M6 is absent from r1; M5 falls.
    # Item b: every municipality at 4 in both rounds (all differences zero).
    return responses_from(
        {
            ("r1", "a"): {"M1": 4, "M2": 3, "M3": 2, "M4": 0, "M5": 3},
            ("r1", "b"): {"M1": 4, "M2": 4, "M3": 4, "M4": 4, "M5": 4},
            ("r2", "a"): {"M1": 4, "M2": 4, "M3": 3, "M4": 3, "M5": 2, "M6": 4},
            ("r2", "b"): {"M1": 4, "M2": 4, "M3": 4, "M4": 4, "M5": 4, "M6": 4},
        }
    )


@pytest.fixture
def panel(responses_from):
    # Six municipalities, all answering.  c: all up by 1; d: five up, M6 same;
    # e: all down by 1; f: M1 +2, M2 -1, the rest unchanged.
    ms = [f"M{k}" for k in range(1, 7)]
    return responses_from(
        {
            ("r1", "c"): dict.fromkeys(ms, 2),
            ("r2", "c"): dict.fromkeys(ms, 3),
            ("r1", "d"): dict.fromkeys(ms, 1) | {"M6": 2},
            ("r2", "d"): dict.fromkeys(ms, 2),
            ("r1", "e"): dict.fromkeys(ms, 3),
            ("r2", "e"): dict.fromkeys(ms, 2),
            ("r1", "f"): dict.fromkeys(ms, 2) | {"M1": 1, "M2": 3},
            ("r2", "f"): dict.fromkeys(ms, 2) | {"M1": 3, "M2": 2},
        }
    )


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


# ---------------------------------------------------------------- default_pair
def test_default_pair_uses_order_not_row_position(ds):
    assert default_pair(ds.rounds) == (BASE, FOLLOW)
    shuffled = ds.rounds.iloc[[2, 0, 1]]
    assert default_pair(shuffled) == (BASE, FOLLOW)


def test_default_pair_needs_two_rounds(ds):
    with pytest.raises(ParameterError, match="at least two rounds"):
        default_pair(ds.rounds.iloc[:1])


# ---------------------------------------------------------------- paired_scores
def test_paired_scores_ved_ikke_and_absent_municipality(toy):
    before = toy.copy(deep=True)
    pairs = paired_scores(toy, "r1", "r2", items="a")
    pd.testing.assert_frame_equal(toy, before)
    assert list(pairs.columns) == [
        "item", "municipality", "score_baseline", "score_followup",
        "dont_know_baseline", "dont_know_followup", "complete", "change", "direction",
    ]
    # M6 is absent from r1: no row.  M4's "ved ikke" at r1: a row, not complete.
    assert pairs["municipality"].tolist() == ["M1", "M2", "M3", "M4", "M5"]
    m4 = pairs.set_index("municipality").loc["M4"]
    assert bool(m4["dont_know_baseline"]) and not bool(m4["complete"])
    assert np.isnan(m4["change"]) and m4["direction"] is None
    # Changes by hand: 4-4, 4-3, 3-2, 3-3 (M5: 2-3).
    done = pairs[pairs["complete"]]
    assert done["change"].tolist() == [0.0, 1.0, 1.0, -1.0]
    assert done["direction"].tolist() == ["same", "up", "up", "down"]


# ---------------------------------------------------------------- compare_rounds
def test_compare_rounds_toy_by_hand(toy):
    before = toy.copy(deep=True)
    table = compare_rounds(toy, "r1", "r2")
    pd.testing.assert_frame_equal(toy, before)
    assert list(table.columns) == COMPARE_COLUMNS
    a = table.set_index("item").loc["a"]
    # Present in both rounds: M1-M5; complete: M1, M2, M3, M5.
    assert (a["n_municipalities"], a["n_pairs"]) == (5, 4)
    assert (a["n_dont_know_baseline"], a["n_dont_know_followup"]) == (1, 0)
    assert (a["n_valid_baseline"], a["n_valid_followup"]) == (4, 6)
    # All valid answers: r1 (4+3+2+3)/4 = 3.0; r2 (4+4+3+3+2+4)/6 = 20/6.
    assert a["mean_valid_baseline"] == pytest.approx(3.0)
    assert a["mean_valid_followup"] == pytest.approx(20 / 6)
    # Complete pairs: before 4,3,2,3 (mean 3, median 3); after 4,4,3,2
    # (mean 3.25, median 3.5); changes 0,1,1,-1 (mean 0.25, median 0.5).
    assert (a["mean_baseline"], a["mean_followup"]) == (3.0, 3.25)
    assert (a["median_baseline"], a["median_followup"]) == (3.0, 3.5)
    assert a["mean_change"] == pytest.approx(a["mean_followup"] - a["mean_baseline"]) == 0.25
    assert a["median_change"] == 0.5
    # Interval: the sum of 4 draws from d = 0, 1, 1, -1 takes -4..4 in
    # 1, 4, 14, 28, 49, 56, 56, 32, 16 of the 256 resamples.  2.5 % of 256 is
    # 6.4, first reached at -2 (cumulative 19); 97.5 % is 249.6, reached at 4.
    assert (a["ci_low"], a["ci_high"]) == (-0.5, 1.0)
    assert (a["n_up"], a["n_same"], a["n_down"]) == (2, 1, 1)
    assert a["municipalities_up"] == "M2, M3"
    assert (a["municipalities_same"], a["municipalities_down"]) == ("M1", "M5")
    # Wilcoxon: nonzero d = +1, +1, -1 all tied (rank 2); r+ = 4, r- = 2.
    # r+ over the 8 sign assignments: 0, 2, 2, 2, 4, 4, 4, 6, so
    # p = 2 * min(4/8, 7/8) = 1.  Same as a plain scipy call.
    assert a["statistic_wilcoxon"] == 2.0
    assert a["p_wilcoxon"] == pytest.approx(1.0)
    assert a["p_wilcoxon"] == pytest.approx(sps.wilcoxon([0, 1, 1, -1], method="auto").pvalue)
    # Sign test 2 up of 3: two-sided p = 1.
    assert a["p_sign"] == pytest.approx(1.0)
    # Rank-biserial with the zero ranked: |d| = 0,1,1,1 -> ranks 1,3,3,3
    # (sum 10); r = (3 + 3 - 3) / 10 = 0.3.
    assert a["rank_biserial"] == pytest.approx(0.3)
    # 3 changed: min p = 2**-2 = 0.25 > 0.05, so not detectable.
    assert a["min_p"] == 0.25 and not a["detectable"]
    # 0.25 >= 0.15 and 2 up > 1 down.
    assert a["direction"] == "rose" and a["verdict"] == "rose"


def test_compare_rounds_all_at_top_and_all_zero(toy):
    b = compare_rounds(toy, "r1", "r2").set_index("item").loc["b"]
    assert (b["n_pairs"], b["n_up"], b["n_same"], b["n_down"]) == (5, 0, 5, 0)
    assert (b["mean_baseline"], b["mean_followup"], b["mean_change"]) == (4.0, 4.0, 0.0)
    assert np.isnan(b["p_wilcoxon"]) and np.isnan(b["p_sign"])
    # Compared, nobody changed: it stays in Holm's family with p = 1.
    assert b["p_holm"] == 1.0 and b["n_family"] == 2
    assert b["rank_biserial"] == 0.0
    assert b["min_p"] == 1.0 and not b["detectable"] and not b["significant"]
    assert b["municipalities_up"] == "" and b["direction"] == "held" and b["verdict"] == "held"


def test_compare_rounds_holm_and_verdicts(panel):
    # Exact p by enumeration: c and e (6 of 6 one way) 2 * 1/64 = 0.03125;
    # d (5 of 5 one way, one zero) 2 * 2/64 = 0.0625.
    table = compare_rounds(panel, "r1", "r2", items=["c", "d", "e"]).set_index("item")
    np.testing.assert_allclose(table["p_wilcoxon"], [0.03125, 0.0625, 0.03125])
    # Holm by hand over 3: 0.03125*3 = 0.09375, 0.03125*2 = 0.0625 -> 0.09375;
    # 0.0625*1 -> running max 0.09375.
    np.testing.assert_allclose(table["p_holm"], [0.09375] * 3)
    # min p 1/32, 1/16, 1/32 equal the observed p (all one way), so beside
    # the others' p Holm gives each at best the same 0.09375 > 0.05: none
    # could have been significant.
    np.testing.assert_allclose(table["min_p_holm"], [0.09375] * 3)
    assert table["detectable"].tolist() == [False, False, False]
    assert table["n_family"].tolist() == [3, 3, 3]
    assert table["verdict"].tolist() == ["rose", "rose", "fell"]
    # A family of one: p_holm = p, below 0.05 -> significant; others NaN.
    one = compare_rounds(panel, "r1", "r2", items=["c", "d", "e"], holm_items=["e"]).set_index("item")
    assert one.loc["e", "p_holm"] == pytest.approx(0.03125)
    assert one["p_holm"].isna().tolist() == [True, True, False]
    assert one["verdict"].tolist() == ["rose", "rose", "fell_significant"]
    assert one["significant"].tolist() == [False, False, True]
    assert set(one["verdict"]) <= set(VERDICTS)


def test_direction_rule_band_and_counts(toy, panel):
    # Toy item a: mean change exactly 0.25; a band of 0.25 still counts as
    # rose (inclusive), 0.26 does not.
    at = compare_rounds(toy, "r1", "r2", items="a", held_band=0.25)
    above = compare_rounds(toy, "r1", "r2", items="a", held_band=0.26)
    assert (at["direction"].iloc[0], above["direction"].iloc[0]) == ("rose", "held")
    # Item f: mean change (2 - 1)/6 = 0.167 >= 0.15, but 1 up = 1 down -> held.
    f = compare_rounds(panel, "r1", "r2", items="f").iloc[0]
    assert f["mean_change"] == pytest.approx(1 / 6) and f["direction"] == "held"
    assert HELD_BAND == 0.15 and ALPHA == 0.05


def test_compare_rounds_no_complete_pair_has_no_direction(responses_from):
    # Item a has one complete pair (unchanged); item b has none ("ved ikke").
    frame = responses_from(
        {("r1", "a"): {"M1": 3}, ("r2", "a"): {"M1": 3}, ("r1", "b"): {"M1": 0}, ("r2", "b"): {"M1": 3}}
    )
    table = compare_rounds(frame, "r1", "r2")
    assert table["direction"].tolist() == ["held", None]
    row = table.iloc[1]
    assert row["n_municipalities"] == 1 and row["n_pairs"] == 0
    assert np.isnan(row["mean_change"]) and row["verdict"] is None


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"baseline": "r9"}, "baseline='r9'.*allowed: r1, r2"),
        ({"followup": "r1"}, "followup='r1'.*other than the baseline"),
        ({"items": ["a", "zz"]}, "item='zz'"),
        ({"holm_items": ["zz"]}, "holm_items='zz'"),
        ({"alpha": 1.5}, "alpha=1.5"),
    ],
)
def test_compare_rounds_rejects_bad_arguments(toy, kwargs, match):
    args = {"baseline": "r1", "followup": "r2"} | kwargs
    with pytest.raises(ParameterError, match=match):
        compare_rounds(toy, **args)


def test_compare_rounds_rejects_bad_frames(toy):
    with pytest.raises(ParameterError, match="columns"):
        compare_rounds(toy.drop(columns="dont_know"), "r1", "r2")
    with pytest.raises(ParameterError, match="two answers"):
        compare_rounds(pd.concat([toy, toy.iloc[:1]]), "r1", "r2")


# ---------------------------------------------------------------- compare_by_mode
def test_compare_by_mode_holm_within_mode_and_min_n(panel):
    munis = pd.DataFrame({"municipality": [f"M{k}" for k in range(1, 7)], "mode": ["survey"] * 3 + ["interview"] * 3})
    before = (panel.copy(deep=True), munis.copy(deep=True))
    table = compare_by_mode(panel, munis, "r1", "r2", items=["c", "d"])
    pd.testing.assert_frame_equal(panel, before[0])
    pd.testing.assert_frame_equal(munis, before[1])
    assert list(table.columns) == ["mode", *COMPARE_COLUMNS, "tested"]
    assert table["mode"].tolist() == ["interview", "interview", "survey", "survey"]
    t = table.set_index(["mode", "item"])
    # interview = M4-M6: c 3 up -> p = 2/8 = 0.25; d M4, M5 up, M6 same ->
    # p = 2 * 2/8 = 0.5.  Holm within the mode: 0.25*2 = 0.5, max(0.5, 0.5).
    assert t.loc[("interview", "c"), "p_wilcoxon"] == pytest.approx(0.25)
    assert t.loc[("interview", "d"), "p_wilcoxon"] == pytest.approx(0.5)
    np.testing.assert_allclose(t.loc["interview", "p_holm"], [0.5, 0.5])
    # survey = M1-M3: c and d both 3 up -> 0.25 each; Holm 0.5, 0.5.
    np.testing.assert_allclose(t.loc["survey", "p_holm"], [0.5, 0.5])
    assert t["tested"].all() and (t["n_pairs"] == 3).all()
    # With min_n = 4 no row has enough pairs: no tests at all.
    none = compare_by_mode(panel, munis, "r1", "r2", items=["c", "d"], min_n=4)
    assert not none["tested"].any() and none["p_wilcoxon"].isna().all() and none["p_holm"].isna().all()
    assert not none["detectable"].any() and not none["significant"].any()
    assert none["direction"].tolist() == ["rose"] * 4  # descriptions stay


def test_compare_by_mode_rejects_unknown_keyword(panel):
    munis = pd.DataFrame({"municipality": ["M1"], "mode": ["survey"]})
    with pytest.raises(ParameterError, match="keyword='held'"):
        compare_by_mode(panel, munis, "r1", "r2", held=0.1)


# ---------------------------------------------------------------- bundled data
def test_bundled_data_memo_facts(ds):
    params = ds.instrument.parameters
    table = compare_rounds(ds.responses, BASE, FOLLOW, params).set_index("item")
    # F4: beredskab and indsatser rose, internt and eksternt held, kompetencer fell.
    assert table["direction"].to_dict() == {
        "beredskab": "rose", "indsatser": "rose", "internt_samarbejde": "held",
        "eksternt_samarbejde": "held", "kompetencer": "fell",
    }
    internt, eksternt, kompetencer = (table.loc[k] for k in ("internt_samarbejde", "eksternt_samarbejde", "kompetencer"))
    assert abs(internt["mean_valid_followup"] - internt["mean_valid_baseline"]) <= 0.2
    assert internt["n_up"] >= 2 and internt["n_down"] >= 2
    assert 0 <= eksternt["mean_valid_followup"] - eksternt["mean_valid_baseline"] <= 0.2
    assert -0.5 < kompetencer["mean_valid_followup"] - kompetencer["mean_valid_baseline"] < 0
    # F6: exactly three lower on indsatser.
    assert table.loc["indsatser", "n_down"] == 3
    assert table.loc["indsatser", "municipalities_down"] == "Kommune A, Kommune E, Kommune G"
    # F13: the "ved ikke" answers drop out of the pairs.
    assert (eksternt["n_dont_know_baseline"], eksternt["n_pairs"]) == (1, 9)
    assert (kompetencer["n_dont_know_followup"], kompetencer["n_pairs"]) == (1, 9)
    # Nothing reaches significance after Holm: the p-values 0.25, 0.508, 1,
    # 1, 0.5 times 5, 4, 3, ... are all capped at 1.
    np.testing.assert_allclose(table["p_holm"], [1.0] * 5)
    assert not table["significant"].any()


def test_bundled_data_tests_match_plain_scipy_and_hand(ds):
    table = compare_rounds(ds.responses, BASE, FOLLOW).set_index("item")
    wide = ds.responses.pivot_table(index=["item", "municipality"], columns="round", values="score")
    for item, row in table.iterrows():
        d = (wide.loc[item, FOLLOW] - wide.loc[item, BASE]).dropna()
        assert row["p_wilcoxon"] == pytest.approx(sps.wilcoxon(d, method="auto").pvalue)
    # Indsatser: nine changes of size 1 and one zero.  Ranks: the zero 1,
    # the ones the mean of 2..10 = 6.  r = (6*6 - 3*6) / 55 = 18/55.
    assert table.loc["indsatser", "rank_biserial"] == pytest.approx(18 / 55)
    # Beredskab: seven zeros (mean rank 4), three ups (mean of 8..10 = 9):
    # r = 27/55; 3 changes -> min p 0.25, the exact p also 2/8 = 0.25.
    assert table.loc["beredskab", "rank_biserial"] == pytest.approx(27 / 55)
    assert table.loc["beredskab", "min_p"] == table.loc["beredskab", "p_wilcoxon"] == pytest.approx(0.25)


def test_bundled_data_by_mode(ds):
    # F2: five interviewed and five surveyed at follow-up.
    table = compare_by_mode(ds.responses, ds.participation_of(FOLLOW), BASE, FOLLOW, ds.instrument.parameters)
    assert table.groupby("mode")["n_municipalities"].max().to_dict() == {"interview": 5, "survey": 5}
    assert len(table) == 10


def test_by_mode_leaves_out_municipalities_that_took_no_part(panel):
    # M1-M3 answered the survey; M4 and M5 took no part; M6 is not listed (no part either).
    munis = pd.DataFrame({"municipality": ["M1", "M2", "M3", "M4", "M5"], "mode": ["survey"] * 3 + ["none"] * 2})
    table = compare_by_mode(panel, munis, "r1", "r2", items=["c"])
    assert table["mode"].tolist() == ["survey"] and table["n_pairs"].tolist() == [3]
    nobody = compare_by_mode(panel, munis.assign(mode="none"), "r1", "r2", items=["c"])
    assert nobody.empty and list(nobody.columns) == list(table.columns)


def test_holm_family_keeps_items_where_nobody_changed():
    # Six municipalities, five items; only "a" moves (six up, none down).
    # Exact p = 2 * (1/2)**6 = 0.03125.  The family is all five compared items
    # (the other four count with p = 1), so Holm gives 5 * 0.03125 = 0.15625:
    # not significant, and no outcome of six changes could be (min p is the
    # same 1/32).  Leaving the unchanged items out would report 0.03125.
    rows = [{"round": r, "municipality": f"M{m}", "item": i,
             "score": float(2 + (r == "r2" and i == "a")), "dont_know": False}
            for r in ("r1", "r2") for m in range(6) for i in "abcde"]
    table = compare_rounds(pd.DataFrame(rows), "r1", "r2").set_index("item")
    assert table.loc["a", "p_wilcoxon"] == pytest.approx(0.03125)
    assert table.loc["a", "p_holm"] == pytest.approx(0.15625)
    assert not table["significant"].any() and not table.loc["a", "detectable"]
    assert table["n_family"].tolist() == [5] * 5
    assert table.loc["b":, "p_holm"].tolist() == [1.0] * 4


def test_items_without_pairs_stay_out_of_the_family():
    rows = [{"round": r, "municipality": f"M{m}", "item": i, "score": np.nan if i == "b" else float(1 + (r == "r2")),
             "dont_know": i == "b"} for r in ("r1", "r2") for m in range(8) for i in "ab"]
    table = compare_rounds(pd.DataFrame(rows), "r1", "r2").set_index("item")
    # a: 8 of 8 up, p = 2**-7 = 0.0078125, family of one (b has no pair).
    assert table.loc["a", "n_family"] == 1 and table.loc["a", "p_holm"] == pytest.approx(2 ** -7)
    assert table.loc["b", "n_family"] == 0 and np.isnan(table.loc["b", "p_holm"])
    assert table.loc["a", "significant"] and not table.loc["b", "detectable"]
