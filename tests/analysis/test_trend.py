"""Tests of evaluation.analysis.trend against hand computations, plain scipy and enumeration."""
import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from evaluation.data import PHASES, STATUSES, load_dataset
from evaluation.exceptions import ParameterError
from evaluation.analysis.trend import friedman, group_profile, plan_status_summary, trend

BASE, FOLLOW = "slutmaaling-2018", "opfoelgning-2019"


@pytest.fixture
def toy(responses_from):
    # Item a: M4 "ved ikke" at r1, M6 absent from r1 and r3.  Item b: all at 4.
    return responses_from(
        {
            ("r1", "a"): {"M1": 4, "M2": 3, "M3": 2, "M4": 0, "M5": 3},
            ("r1", "b"): {"M1": 4, "M2": 4, "M3": 4, "M4": 4, "M5": 4},
            ("r2", "a"): {"M1": 4, "M2": 4, "M3": 3, "M4": 3, "M5": 2, "M6": 4},
            ("r2", "b"): {"M1": 4, "M2": 4, "M3": 4, "M4": 4, "M5": 4, "M6": 4},
            ("r3", "a"): {"M1": 3, "M2": 4, "M3": 3, "M4": 2, "M5": 2},
            ("r3", "b"): {"M1": 4, "M2": 4, "M3": 4, "M4": 4, "M5": 4},
        }
    )


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def rounds_frame(keys):
    return pd.DataFrame({"round": keys, "order": range(len(keys))})


# ---------------------------------------------------------------- trend
def test_trend_by_hand(toy):
    before = toy.copy(deep=True)
    out = trend(toy, rounds_frame(["r1", "r2", "r3", "r4"]), items="a")
    pd.testing.assert_frame_equal(toy, before)
    assert list(out.columns) == ["item", "round", "order", "n_valid", "n_dont_know", "n_not_answered", "mean", "median",
                                 "min", "max"]
    # r1: 4,3,2,3 (one "ved ikke") -> mean 3, median 3, range 2-4.
    # r2: 4,4,3,3,2,4 -> mean 20/6, median 3.5.  r3: 3,4,3,2,2 -> mean 2.8,
    # median 3.  r4 has no answers: n 0, NaN.
    assert out["n_valid"].tolist() == [4, 6, 5, 0]
    assert out["n_dont_know"].tolist() == [1, 0, 0, 0]
    assert out["n_not_answered"].tolist() == [0, 0, 0, 0]
    blank = toy.copy()
    blank.loc[(blank["item"] == "a") & (blank["round"] == "r3") & blank["score"].eq(4), "score"] = np.nan
    # r3 without its 4: 3,3,2,2 -> mean 2.5; the blank is counted apart from "ved ikke".
    other = trend(blank, rounds_frame(["r1", "r2", "r3", "r4"]), items="a")
    assert other["n_valid"].tolist() == [4, 6, 4, 0] and other["n_not_answered"].tolist() == [0, 0, 1, 0]
    assert other["n_dont_know"].tolist() == [1, 0, 0, 0] and other["mean"].tolist()[2] == 2.5
    np.testing.assert_allclose(out["mean"], [3.0, 20 / 6, 2.8, np.nan])
    np.testing.assert_allclose(out["median"], [3.0, 3.5, 3.0, np.nan])
    assert out["min"].tolist()[:3] == [2.0, 2.0, 2.0] and out["max"].tolist()[:3] == [4.0, 4.0, 4.0]
    assert out["order"].tolist() == [0, 1, 2, 3]


def test_trend_follows_order_column(toy):
    frame = pd.DataFrame({"round": ["r2", "r1"], "order": [1, 0]})
    assert trend(toy, frame, "b")["round"].tolist() == ["r1", "r2"]


# ---------------------------------------------------------------- friedman
def enumerated_friedman_p(rows):
    """Independent permutation p: every arrangement of each row, by brute force."""
    rows = [tuple(r) for r in rows]

    def q(table):
        return sps.friedmanchisquare(*np.array(table).T).statistic

    observed = q(rows)
    counts = [q(t) >= observed - 1e-12 for t in itertools.product(*(list(itertools.permutations(r)) for r in rows))]
    return sum(counts) / len(counts)


def test_friedman_by_hand_without_ties(responses_from):
    # Three municipalities, ranks within each: (1,2,3), (1,2,3), (2,1,3);
    # rank sums 4, 5, 9.  Q = 12/(3*3*4) * (16 + 25 + 81) - 3*3*4 = 122/3 - 36
    # = 14/3.  With 2 degrees of freedom p = exp(-Q/2) = exp(-7/3).
    frame = responses_from(
        {
            ("r1", "x"): {"M1": 1, "M2": 1, "M3": 2},
            ("r2", "x"): {"M1": 2, "M2": 2, "M3": 1},
            ("r3", "x"): {"M1": 3, "M2": 3, "M3": 3},
        }
    )
    row = friedman(frame, ["r1", "r2", "r3"]).iloc[0]
    assert (row["n_complete"], row["n_rounds"]) == (3, 3)
    assert row["statistic"] == pytest.approx(14 / 3)
    assert row["p_value"] == pytest.approx(math.exp(-7 / 3))
    # 6**3 = 216 arrangements: scipy enumerates them; compare with brute force.
    assert row["p_permutation"] == pytest.approx(enumerated_friedman_p([(1, 2, 3), (1, 2, 3), (2, 1, 3)]))


def test_friedman_complete_cases_only_and_matches_scipy(toy):
    before = toy.copy(deep=True)
    out = friedman(toy, ["r1", "r2", "r3"]).set_index("item")
    pd.testing.assert_frame_equal(toy, before)
    assert list(out.reset_index().columns) == ["item", "n_complete", "n_rounds", "statistic", "p_value", "p_permutation"]
    # a: M4 has "ved ikke" at r1 and M6 is absent from r1 and r3: M1, M2, M3, M5 remain.
    rows = [(4, 4, 3), (3, 4, 4), (2, 3, 3), (3, 2, 2)]
    plain = sps.friedmanchisquare(*np.array(rows, dtype=float).T)
    assert out.loc["a", "n_complete"] == 4
    assert out.loc["a", "statistic"] == pytest.approx(plain.statistic)
    assert out.loc["a", "p_value"] == pytest.approx(plain.pvalue)
    assert out.loc["a", "p_permutation"] == pytest.approx(enumerated_friedman_p(rows))
    # b: everyone at 4 every time -> no test (scipy would divide by zero).
    assert out.loc["b", "n_complete"] == 5 and math.isnan(out.loc["b", "p_value"])


def test_friedman_on_a_large_panel_batches_its_resamples_without_changing_p(responses_from, monkeypatch):
    """Many municipalities: scipy's default computes all 9,999 resamples at
    once (about 3 GB at 1,000); in batches the p-value is the same (the same
    seeded permutations in the same order), compared with one call in larger batches."""
    from evaluation.analysis import trend as trend_module

    rng = np.random.default_rng(7)
    codes = {(r, "x"): {f"M{i}": int(c) for i, c in enumerate(rng.integers(1, 5, 400))} for r in ("r1", "r2", "r3")}
    batches = []
    real = trend_module.stats.permutation_test

    def recording(*args, **kwargs):
        batches.append(kwargs["batch"])
        return real(*args, **kwargs)

    monkeypatch.setattr(trend_module.stats, "permutation_test", recording)
    row = friedman(responses_from(codes), ["r1", "r2", "r3"]).iloc[0]
    assert batches == [500] and 500 * 400 <= trend_module.PERMUTATION_BATCH_VALUES
    names = sorted(codes[("r1", "x")])  # the order friedman's wide table has
    samples = [np.array([codes[(r, "x")][m] for m in names], dtype=float) for r in ("r1", "r2", "r3")]
    whole = real(samples, lambda *s, axis: sps.friedmanchisquare(*s, axis=axis).statistic, permutation_type="samples",
                 vectorized=True, n_resamples=trend_module.PERMUTATION_RESAMPLES, alternative="greater",
                 rng=np.random.default_rng(trend_module.PERMUTATION_SEED), batch=2000)
    assert row["p_permutation"] == whole.pvalue


def test_friedman_needs_three_rounds_and_two_municipalities(toy, responses_from):
    two = friedman(toy, ["r1", "r2"], "a").iloc[0]
    assert two["n_rounds"] == 2 and math.isnan(two["statistic"])
    one = responses_from({(r, "x"): {"M1": k} for k, r in enumerate(["r1", "r2", "r3"], start=1)})
    assert math.isnan(friedman(one, ["r1", "r2", "r3"])["p_value"].iloc[0])


def test_friedman_rejects_unknown_round(toy):
    with pytest.raises(ParameterError, match="round='r9'"):
        friedman(toy, ["r1", "r9", "r3"])
    with pytest.raises(ParameterError, match="round='r9'"):
        friedman(toy, ["r1", "r9", "r3"], rounds=["r1", "r2", "r3", "r4"])


def test_friedman_with_a_round_nobody_answered(toy):
    # r4 is a round of the panel without answers: nobody has an answer in every round.
    out = friedman(toy, ["r1", "r2", "r3", "r4"], "a", rounds=["r1", "r2", "r3", "r4"]).iloc[0]
    assert (out["n_complete"], out["n_rounds"]) == (0, 4) and math.isnan(out["p_value"])
    # Given every round of the panel, it tests across all of them.
    assert friedman(toy, None, "a", rounds=["r1", "r2", "r3", "r4"]).iloc[0]["n_rounds"] == 4


# ---------------------------------------------------------------- plan_status_summary
def test_plan_status_summary_by_hand():
    plan = pd.DataFrame(
        {
            "round": ["r1"] * 3 + ["r2"] * 3,
            "municipality": ["M2", "M1", "M3"] * 2,
            "phase": ["udarbejdet"] * 6,
            "status": ["gennemfoert", "gennemfoert", "i_proces", "gennemfoert", "gennemfoert", "gennemfoert"],
        }
    )
    before = plan.copy(deep=True)
    out = plan_status_summary(plan)
    pd.testing.assert_frame_equal(plan, before)
    # 2 rounds x 3 phases x 3 statuses = 18 rows, zero counts included.
    assert len(out) == 18 and list(out.columns) == ["round", "phase", "status", "n", "municipalities"]
    assert out["phase"].tolist()[:9] == [p for p in PHASES for _ in STATUSES]
    r1 = out[(out["round"] == "r1") & (out["phase"] == "udarbejdet")]
    assert r1["n"].tolist() == [2, 1, 0] and r1["municipalities"].tolist() == ["M1, M2", "M3", ""]
    assert out.loc[out["phase"] == "godkendt", "n"].sum() == 0
    assert plan_status_summary(plan, ["r2"])["round"].unique().tolist() == ["r2"]


def test_plan_status_summary_rejects_unknown_status_and_round():
    plan = pd.DataFrame({"round": ["r1"], "municipality": ["M1"], "phase": ["udarbejdet"], "status": ["done"]})
    with pytest.raises(ParameterError, match="status='done'"):
        plan_status_summary(plan)
    with pytest.raises(ParameterError, match="round='r2'"):
        plan_status_summary(plan.assign(status="i_proces"), ["r2"])


# ---------------------------------------------------------------- group_profile
def test_group_profile_by_hand(toy):
    before = toy.copy(deep=True)
    out = group_profile(toy, "M1", "a").set_index("round")
    pd.testing.assert_frame_equal(toy, before)
    # r1, others' valid answers: M2 3, M3 2, M5 3 (M4 "ved ikke") -> n 3,
    # median 3, range 2-3.  r2: 4,3,3,2,4 -> n 5, median 3, range 2-4.
    assert out.loc["r1", ["score", "group_n", "group_median", "group_min", "group_max"]].tolist() == [4.0, 3, 3.0, 2.0, 3.0]
    assert out.loc["r2", ["group_n", "group_median", "group_min", "group_max"]].tolist() == [5, 3.0, 2.0, 4.0]
    assert "municipality" not in out.columns


def test_group_profile_dont_know_and_absent(toy):
    m4 = group_profile(toy, "M4", "a").set_index("round")
    assert bool(m4.loc["r1", "dont_know"]) and bool(m4.loc["r1", "present"]) and math.isnan(m4.loc["r1", "score"])
    m6 = group_profile(toy, "M6", "a").set_index("round")
    assert m6["present"].tolist() == [False, True, False]
    assert not m6["dont_know"].any() and m6["score"].isna().tolist() == [True, False, True]
    # r1 group for M6 is everyone else: 4, 3, 2, 3 valid.
    assert m6.loc["r1", "group_n"] == 4
    with pytest.raises(ParameterError, match="municipality='M9'"):
        group_profile(toy, "M9")


def test_group_profile_of_a_listed_municipality_without_answers(toy):
    panel = [*pd.unique(toy["municipality"]), "M9"]
    m9 = group_profile(toy, "M9", "a", municipalities=panel).set_index("round")
    assert not m9["present"].any() and m9["score"].isna().all() and not m9["dont_know"].any()
    # Its group is everybody else: at r1 the valid answers 4, 3, 2, 3 (M4 "ved ikke", M6 absent).
    assert m9.loc["r1", "group_n"] == 4
    with pytest.raises(ParameterError, match="municipality='M10'"):
        group_profile(toy, "M10", "a", municipalities=panel)


# ---------------------------------------------------------------- bundled data
def test_bundled_trend_and_friedman(ds):
    params = ds.instrument.parameters
    out = trend(ds.responses, ds.rounds, params)
    means = out.pivot(index="item", columns="round", values="mean")
    # F3: every parameter's mean rose from the start to the end measurement.
    assert (means["slutmaaling-2018"] > means["udgangsmaaling-2017"]).all()
    assert (out.groupby("item")["n_valid"].min() >= 9).all()
    fr = friedman(ds.responses, ds.round_keys, params).set_index("item")
    wide = ds.responses[ds.responses["item"] == "kompetencer"].pivot(index="municipality", columns="round", values="score")
    wide = wide[ds.round_keys].dropna()  # Kommune D's "ved ikke" at follow-up drops it
    assert fr.loc["kompetencer", "n_complete"] == len(wide) == 9
    assert fr.loc["kompetencer", "statistic"] == pytest.approx(sps.friedmanchisquare(*wide.to_numpy().T).statistic)


def test_bundled_plan_status_facts(ds):
    out = plan_status_summary(ds.plan_status).set_index(["round", "phase", "status"])
    assert len(out) == 27
    # F10: drafted at baseline 7 done, 3 in progress; at follow-up 9 and 1 (one
    # of the 3); rolled out at follow-up exactly 6.
    assert out.loc[(BASE, "udarbejdet", "gennemfoert"), "n"] == 7
    assert out.loc[(BASE, "udarbejdet", "i_proces"), "n"] == 3
    assert out.loc[(FOLLOW, "udarbejdet", "gennemfoert"), "n"] == 9
    still = out.loc[(FOLLOW, "udarbejdet", "i_proces"), "municipalities"]
    assert out.loc[(FOLLOW, "udarbejdet", "i_proces"), "n"] == 1
    assert still in out.loc[(BASE, "udarbejdet", "i_proces"), "municipalities"].split(", ")
    assert out.loc[(FOLLOW, "udrullet", "gennemfoert"), "n"] == 6
    # F11: that municipality scores 2 or lower on internt samarbejde at follow-up.
    profile = group_profile(ds.responses, still, "internt_samarbejde").set_index("round")
    assert profile.loc[FOLLOW, "score"] <= 2
    assert profile.loc[FOLLOW, "group_n"] == 9
