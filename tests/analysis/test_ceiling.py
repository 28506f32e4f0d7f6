"""Tests of evaluation.analysis.ceiling against hand computations."""
import numpy as np
import pandas as pd
import pytest

from evaluation.analysis.ceiling import ceiling_municipalities, ceiling_table, headroom, normalized_change
from evaluation.analysis.compare import paired_scores
from evaluation.data import load_dataset
from evaluation.exceptions import ParameterError

BASE, FOLLOW = "slutmaaling-2018", "opfoelgning-2019"


@pytest.fixture
def toy(responses_from):
    # Item a: M4 answers "ved ikke" at r1, M6 is absent from r1, M5 falls.
    # Item b: every municipality at 4 in both rounds.  Item c: a floor item.
    return responses_from(
        {
            ("r1", "a"): {"M1": 4, "M2": 3, "M3": 2, "M4": 0, "M5": 3},
            ("r1", "b"): {"M1": 4, "M2": 4, "M3": 4, "M4": 4, "M5": 4},
            ("r1", "c"): {"M1": 1, "M2": 1, "M3": 1, "M4": 2, "M5": 1},
            ("r2", "a"): {"M1": 4, "M2": 4, "M3": 3, "M4": 3, "M5": 2, "M6": 4},
            ("r2", "b"): {"M1": 4, "M2": 4, "M3": 4, "M4": 4, "M5": 4, "M6": 4},
            ("r2", "c"): {"M1": 1, "M2": 2, "M3": 1, "M4": 1, "M5": 1, "M6": 1},
        }
    )


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


# ---------------------------------------------------------------- ceiling_table
def test_a_blank_score_counts_as_not_answered_not_as_ved_ikke(toy):
    blank = toy.copy()
    first = blank.index[(blank["item"] == "a") & (blank["round"] == "r1") & blank["score"].eq(4)][0]
    blank.loc[first, "score"] = np.nan  # a question left blank: no score, not "ved ikke"
    t = ceiling_table(blank).set_index(["item", "round"])
    # a, r1 was 4,3,2,3 and one "ved ikke"; without the 4: 3 valid, no top answer.
    assert t.loc[("a", "r1"), ["n_valid", "n_dont_know", "n_not_answered", "n_top"]].tolist() == [3, 1, 1, 0]
    assert t.loc[("a", "r1"), "share_top"] == 0.0


def test_ceiling_table_by_hand(toy):
    before = toy.copy(deep=True)
    table = ceiling_table(toy)
    pd.testing.assert_frame_equal(toy, before)
    assert list(table.columns) == [
        "item", "round", "n_valid", "n_dont_know", "n_not_answered", "n_top", "n_bottom", "share_top", "share_bottom",
        "ceiling", "floor",
    ]
    t = table.set_index(["item", "round"])
    # a, r1: valid 4,3,2,3 (M4 "ved ikke"): one 4 of 4 valid = 0.25 > 0.15.
    assert t.loc[("a", "r1"), ["n_valid", "n_dont_know", "n_top", "n_bottom"]].tolist() == [4, 1, 1, 0]
    assert t.loc[("a", "r1"), "share_top"] == 0.25 and t.loc[("a", "r1"), "ceiling"]
    # a, r2: 4,4,3,3,2,4 -> 3 of 6 at the top.
    assert t.loc[("a", "r2"), "share_top"] == 0.5
    assert t["n_not_answered"].eq(0).all()
    # b: everyone at 4 -> share 1, ceiling in both rounds, no floor.
    assert t.loc["b", "share_top"].tolist() == [1.0, 1.0] and t.loc["b", "ceiling"].all()
    # c: r1 four 1s of 5 = 0.8, r2 five of 6; floor, no ceiling.
    np.testing.assert_allclose(t.loc["c", "share_bottom"], [0.8, 5 / 6])
    assert t.loc["c", "floor"].all() and not t.loc["c", "ceiling"].any()


def test_ceiling_threshold_is_strict_and_configurable(toy):
    # a, r1 has exactly 0.25 at the top: not above a threshold of 0.25.
    t = ceiling_table(toy, ["r1"], "a", threshold=0.25)
    assert t["share_top"].iloc[0] == 0.25 and not t["ceiling"].iloc[0]


@pytest.mark.parametrize(
    "kwargs, match",
    [({"rounds_keys": ["r5"]}, "round='r5'"), ({"threshold": 1.5}, "threshold=1.5"), ({"bottom": 4}, "bottom=4"), ({"items": "zz"}, "item='zz'")],
)
def test_ceiling_table_rejects_bad_arguments(toy, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        ceiling_table(toy, **kwargs)


# ---------------------------------------------------------------- normalized_change
def test_normalized_change_by_hand(toy):
    pairs = paired_scores(toy, "r1", "r2")
    before = pairs.copy(deep=True)
    out = normalized_change(pairs)
    pd.testing.assert_frame_equal(pairs, before)
    assert list(out.columns) == ["item", "municipality", "score_baseline", "score_followup", "normalized_change"]
    got = out.set_index(["item", "municipality"])["normalized_change"]
    # a: M1 4->4 left out (unchanged at the top); M4 incomplete; M2 (4-3)/(4-3) = 1;
    # M3 (3-2)/(4-2) = 0.5; M5 (2-3)/(3-1) = -0.5.
    assert got["a"].to_dict() == {"M2": 1.0, "M3": 0.5, "M5": -0.5}
    # b: all unchanged at 4 -> nothing left.  c: M1, M3, M5 unchanged at 1 left
    # out; M2 (2-1)/(4-1) = 1/3; M4 (1-2)/(2-1) = -1.
    assert "b" not in got.index.get_level_values("item")
    assert got["c"].to_dict() == pytest.approx({"M2": 1 / 3, "M4": -1.0})


def test_normalized_change_unchanged_in_the_middle_is_zero():
    pairs = pd.DataFrame({"item": "x", "municipality": ["A"], "score_baseline": [3.0], "score_followup": [3.0]})
    assert normalized_change(pairs)["normalized_change"].tolist() == [0.0]


def test_normalized_change_rejects_scores_off_the_scale():
    pairs = pd.DataFrame({"item": "x", "municipality": ["A"], "score_baseline": [0.0], "score_followup": [3.0]})
    with pytest.raises(ParameterError, match="scores outside"):
        normalized_change(pairs)


# ---------------------------------------------------------------- headroom
def test_headroom_by_hand(toy):
    before = toy.copy(deep=True)
    table = headroom(toy, "r1", "r2", items=["a", "b"]).set_index("item")
    pd.testing.assert_frame_equal(toy, before)
    a, b = table.loc["a"], table.loc["b"]
    # a, complete pairs M1 4->4, M2 3->4, M3 2->3, M5 3->2: below the top
    # M2, M3 rose and M5 fell; at the top M1 kept it.
    assert a[["n_pairs", "n_below_top", "n_below_rose", "n_below_held", "n_below_fell"]].tolist() == [4, 3, 2, 0, 1]
    assert a[["n_at_top", "n_top_kept", "n_top_fell"]].tolist() == [1, 1, 0]
    assert a["municipalities_at_top"] == "M1"
    # Normalized: (1 + 0.5 - 0.5) / 3.
    assert a["mean_normalized_change"] == pytest.approx(1 / 3) and a["n_normalized"] == 3
    # b: all five at 4 and kept it; no normalized change to average.
    assert b[["n_below_top", "n_at_top", "n_top_kept", "n_top_fell", "n_normalized"]].tolist() == [0, 5, 5, 0, 0]
    assert np.isnan(b["mean_normalized_change"])


def test_headroom_rejects_unknown_round(toy):
    with pytest.raises(ParameterError, match="followup='r3'"):
        headroom(toy, "r1", "r3")


# ---------------------------------------------------------------- ceiling_municipalities
def test_ceiling_municipalities_by_hand(toy):
    before = toy.copy(deep=True)
    # r2: M1, M2 and M6 answer 4 on a and b; M3, M4, M5 only on b.
    out = ceiling_municipalities(toy, "r2", ["a", "b", "c"])
    pd.testing.assert_frame_equal(toy, before)
    assert out.to_dict("list") == {
        "municipality": ["M1", "M2", "M6"], "n_items_at_top": [2, 2, 2], "items_at_top": ["a, b"] * 3,
    }
    everyone = ceiling_municipalities(toy, "r2", ["b", "a"], min_items=1)
    assert everyone["municipality"].tolist() == ["M1", "M2", "M6", "M3", "M4", "M5"]
    assert everyone["items_at_top"].iloc[0] == "a, b"  # order of appearance, not of the argument
    with pytest.raises(ParameterError, match="round_key='r9'"):
        ceiling_municipalities(toy, "r9", ["a"])
    with pytest.raises(ParameterError, match="min_items=0"):
        ceiling_municipalities(toy, "r1", ["a"], min_items=0)


# ---------------------------------------------------------------- bundled data
def test_bundled_ceiling_facts(ds):
    params = ds.instrument.parameters
    # F9: at baseline at least 3 municipalities at 4 on two or more parameters
    # (read off the data file: A on all five, E and G on three each).
    top = ceiling_municipalities(ds.responses, BASE, params)
    assert top["municipality"].tolist() == ["Kommune A", "Kommune E", "Kommune G"]
    assert top["n_items_at_top"].tolist() == [5, 3, 3]
    assert top["items_at_top"].iloc[1] == "beredskab, indsatser, kompetencer"
    table = ceiling_table(ds.responses, [BASE, FOLLOW], params).set_index(["item", "round"])
    # F5: at least 6 of 10 at 4 on beredskab at follow-up; a ceiling (>15 %).
    assert table.loc[("beredskab", FOLLOW), "n_top"] >= 6 and table.loc[("beredskab", FOLLOW), "ceiling"]
    # F7: nobody at the bottom of eksternt samarbejde at follow-up; F13: the
    # "ved ikke" at baseline leaves 9 valid answers.
    assert table.loc[("eksternt_samarbejde", FOLLOW), "n_bottom"] == 0
    assert table.loc[("eksternt_samarbejde", BASE), ["n_valid", "n_dont_know"]].tolist() == [9, 1]
    room = headroom(ds.responses, BASE, FOLLOW, params).set_index("item")
    # F6 through the ceiling lens: of indsatser's 3 falls, 2 came from the top (A, E).
    assert room.loc["indsatser", "n_top_fell"] + room.loc["indsatser", "n_below_fell"] == 3
    assert room.loc["indsatser", "municipalities_at_top"] == "Kommune A, Kommune E"
