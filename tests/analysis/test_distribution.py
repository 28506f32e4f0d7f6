"""Tests of evaluation.analysis.distribution: counts per code by hand, and the bundled data's facts."""
import numpy as np
import pandas as pd
import pytest

from evaluation.analysis.compare import paired_scores
from evaluation.analysis.distribution import answer_moves, score_distribution
from evaluation.data import load_dataset
from evaluation.exceptions import ParameterError

BASE, FOLLOW = "slutmaaling-2018", "opfoelgning-2019"


@pytest.fixture
def toy(responses_from):
    # Item a: M4 answers "ved ikke" at r1; M6 is absent from r1; M5 falls.
    return responses_from(
        {
            ("r1", "a"): {"M1": 4, "M2": 3, "M3": 2, "M4": 0, "M5": 3},
            ("r2", "a"): {"M1": 4, "M2": 4, "M3": 3, "M4": 3, "M5": 2, "M6": 4},
        }
    )


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_score_distribution_by_hand(toy):
    before = toy.copy(deep=True)
    dist = score_distribution(toy, ["r1", "r2"], items="a")
    pd.testing.assert_frame_equal(toy, before)
    assert list(dist.columns) == ["item", "round", "code", "n", "share"]
    # r1: codes 4,3,2,0,3 -> n at 0..4 = 1,0,1,2,1 of 5.
    # r2: codes 4,4,3,3,2,4 -> 0,0,1,2,3 of 6.
    assert dist["n"].tolist() == [1, 0, 1, 2, 1, 0, 0, 1, 2, 3]
    np.testing.assert_allclose(dist["share"], [0.2, 0, 0.2, 0.4, 0.2, 0, 0, 1 / 6, 2 / 6, 3 / 6])


def test_score_distribution_checks_rounds_and_codes(toy):
    with pytest.raises(ParameterError, match="round='r7'"):
        score_distribution(toy, ["r1", "r7"])
    with pytest.raises(ParameterError, match="scale_codes"):
        score_distribution(toy, ["r1"], scale_codes=(0, 1, 2, 3))



def test_bundled_data_distributions(ds):
    dist = score_distribution(ds.responses, [BASE, FOLLOW]).set_index(["item", "round", "code"])["n"]
    # F5: at least 6 at 4 on beredskab at follow-up.
    assert dist[("beredskab", FOLLOW, 4)] >= 6
    # F7: at follow-up everyone answers 3 or 4 on eksternt samarbejde.
    assert dist[("eksternt_samarbejde", FOLLOW, 3)] + dist[("eksternt_samarbejde", FOLLOW, 4)] == 10
    # F8: radicalisation as a challenge: exactly 4 at 3, 6 at 1 or 2, both rounds.
    for key in (BASE, FOLLOW):
        assert dist[("radikalisering_udfordring", key, 3)] == 4
        assert dist[("radikalisering_udfordring", key, 1)] + dist[("radikalisering_udfordring", key, 2)] == 6


def test_answer_moves_by_hand(toy):
    # Paired on a (M6 is absent from r1): M1 4->4, M2 3->4 up, M3 2->3 up,
    # M4 "ved ikke"->3 (switched from "ved ikke"), M5 3->2 down.
    moves = answer_moves(paired_scores(toy, "r1", "r2", ["a"]))
    assert moves == {"n_both": 5, "n_up": 2, "n_down": 1, "n_dont_know_changed": 1}


def test_answer_moves_counts_swaps_a_distribution_hides(responses_from):
    # Same distribution both times (one 1, one 4), but both municipalities moved.
    swapped = responses_from({("r1", "a"): {"M1": 1, "M2": 4}, ("r2", "a"): {"M1": 4, "M2": 1}})
    dist = score_distribution(swapped, ["r1", "r2"], "a")
    assert dist[dist["round"] == "r1"]["n"].tolist() == dist[dist["round"] == "r2"]["n"].tolist()
    assert answer_moves(paired_scores(swapped, "r1", "r2", ["a"]))["n_up"] == 1
    with pytest.raises(ParameterError, match="paired"):
        answer_moves(pd.DataFrame({"direction": ["up"]}))
