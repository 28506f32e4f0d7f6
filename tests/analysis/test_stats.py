"""Tests of evaluation.analysis.stats against hand computations and plain scipy calls."""
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

from evaluation.exceptions import ParameterError
from evaluation.analysis.stats import holm, min_changed, min_p_value, rank_biserial, sign_test, wilcoxon_test


# ---------------------------------------------------------------- wilcoxon_test
def test_wilcoxon_all_up_with_ties_is_exact():
    # d = 1, 1, 1, 1: all ranks tied (2.5 each).  Over the 2**4 = 16 sign
    # assignments only "all positive" reaches r+ = 10 and only "all negative"
    # reaches r- = 10, so the two-sided exact p is 2/16 = 0.125; the smaller
    # rank sum is 0.
    res = wilcoxon_test([1, 1, 1, 1], [2, 2, 2, 2])
    assert res == {"statistic": 0.0, "p_value": pytest.approx(0.125), "n_nonzero": 4}


def test_wilcoxon_zero_difference_does_not_change_exact_p():
    # d = 1, 1, 1, 1, 0: the zero is dropped from the ranking; flipping its
    # sign leaves the statistic alone, so p is again 2 * 2 / 2**5 = 0.125.
    res = wilcoxon_test([2, 2, 2, 2, 2], [3, 3, 3, 3, 2])
    assert res["p_value"] == pytest.approx(0.125)
    assert res["n_nonzero"] == 4


def test_wilcoxon_mixed_signs_by_enumeration():
    # d = +1, -1, +2: ranks of |d| are 1.5, 1.5, 3, so r+ = 4.5, r- = 1.5.
    # r+ over the 8 sign assignments: 0, 1.5, 1.5, 3, 3, 4.5, 4.5, 6.
    # P(r+ >= 4.5) = 3/8, P(r+ <= 4.5) = 7/8, two-sided p = 2 * 3/8 = 0.75.
    res = wilcoxon_test([1, 2, 1], [2, 1, 3])
    assert res["statistic"] == pytest.approx(1.5)
    assert res["p_value"] == pytest.approx(0.75)


def test_wilcoxon_all_zero_differences_gives_nan():
    # No pair changed: no test is possible (scipy would warn and return p = 1).
    res = wilcoxon_test([3, 4, 2], [3, 4, 2])
    assert res["n_nonzero"] == 0
    assert math.isnan(res["p_value"]) and math.isnan(res["statistic"])


def test_wilcoxon_drops_pairs_with_a_missing_side_and_matches_scipy():
    # The "ved ikke" (NaN) pair is left out; the rest must equal a plain scipy
    # call on the complete pairs.
    before = pd.Series([4, 3, 3, 2, 4, 3, np.nan, 2, 2, 2], dtype=float)
    after = pd.Series([3, 4, 4, 3, 3, 4, 2, 3, 3, 2], dtype=float)
    kept_before, kept_after = before.copy(), after.copy()
    res = wilcoxon_test(before, after)
    keep = before.notna()
    plain = sps.wilcoxon(after[keep] - before[keep], method="auto")
    assert res["p_value"] == pytest.approx(plain.pvalue)
    assert res["statistic"] == pytest.approx(plain.statistic)
    assert res["n_nonzero"] == 8
    pd.testing.assert_series_equal(before, kept_before)
    pd.testing.assert_series_equal(after, kept_after)


def test_wilcoxon_rejects_unequal_lengths():
    with pytest.raises(ParameterError, match="equal length"):
        wilcoxon_test([1, 2], [1, 2, 3])


# ---------------------------------------------------------------- sign_test
def test_sign_test_by_hand():
    # 6 up, 3 down: P(X >= 6 | n=9, 1/2) = (84 + 36 + 9 + 1) / 512 = 130/512,
    # two-sided p = 260/512.  Clopper-Pearson bounds from the beta quantiles
    # Beta(0.025; 6, 4) and Beta(0.975; 7, 3).
    res = sign_test(6, 3)
    assert res["p_value"] == pytest.approx(260 / 512)
    assert res["ci_low"] == pytest.approx(sps.beta.ppf(0.025, 6, 4))
    assert res["ci_high"] == pytest.approx(sps.beta.ppf(0.975, 7, 3))


def test_sign_test_all_one_way_reaches_min_p():
    # 4 up, 0 down: p = 2 * (1/2)**4 = 0.125 = min_p_value(4); the exact
    # interval's upper bound is 1, lower is (alpha/2)**(1/4) = 0.025**0.25.
    res = sign_test(4, 0)
    assert res["p_value"] == pytest.approx(0.125) == min_p_value(4)
    assert res["ci_high"] == pytest.approx(1.0)
    assert res["ci_low"] == pytest.approx(0.025**0.25)


def test_sign_test_nothing_changed_is_nan():
    res = sign_test(0, 0)
    assert all(math.isnan(v) for v in res.values())


@pytest.mark.parametrize("args", [(-1, 2), (1.5, 2), (1, 2, 1.5)])
def test_sign_test_rejects_bad_arguments(args):
    with pytest.raises(ParameterError, match="allowed"):
        sign_test(*args)


def test_sign_test_accepts_numpy_integers():
    assert sign_test(np.int64(1), np.int64(1))["p_value"] == pytest.approx(1.0)


# ---------------------------------------------------------------- rank_biserial
def test_rank_biserial_zeros_kept_in_ranking():
    # d = +1, 0, +1, -2; |d| = 1, 0, 1, 2 ranked with the zero: 2.5, 1, 2.5, 4
    # (sum 10).  r = (2.5 + 2.5 - 4) / 10 = 0.1.
    assert rank_biserial([1, 2, 3, 3], [2, 2, 4, 1]) == pytest.approx(0.1)


def test_rank_biserial_unchanged_pairs_pull_towards_zero():
    # d = +1, +1, 0: ranks 2.5, 2.5, 1 (sum 6); r = 5/6, not 1 as it would be
    # with the zero dropped.
    assert rank_biserial([2, 2, 3], [3, 3, 3]) == pytest.approx(5 / 6)


def test_rank_biserial_all_zero_and_empty():
    assert rank_biserial([4, 4, 1], [4, 4, 1]) == 0.0
    assert math.isnan(rank_biserial([np.nan], [3]))


def test_rank_biserial_all_down_is_minus_one():
    # d = -1, -2: every rank is negative, r = -(1 + 2)/3 = -1.
    assert rank_biserial([3, 4], [2, 2]) == pytest.approx(-1.0)


# ---------------------------------------------------------------- holm
def test_holm_by_hand_and_against_statsmodels():
    # Sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04
    # -> running maximum 0.02, 0.03, 0.06, 0.06, back in input order.
    p = [0.01, 0.04, 0.03, 0.005]
    expected = [0.03, 0.06, 0.06, 0.02]
    np.testing.assert_allclose(holm(p), expected)
    np.testing.assert_allclose(holm(p), multipletests(p, method="holm")[1])


def test_holm_nan_aware_and_capped():
    # m = 2 (the NaN does not count): 0.5*2 = 1.0, 0.6*1 = 0.6 -> 1.0, 1.0.
    out = holm([np.nan, 0.6, 0.5])
    assert math.isnan(out[0])
    np.testing.assert_allclose(out[1:], [1.0, 1.0])
    # m = 2: 0.2*2 = 0.4, then max(0.4, 0.3) = 0.4.
    np.testing.assert_allclose(holm([0.3, np.nan, 0.2])[[0, 2]], [0.4, 0.4])


def test_holm_rejects_values_outside_zero_one():
    with pytest.raises(ParameterError, match="probabilities"):
        holm([0.2, 1.5])


# ---------------------------------------------------------------- min_p_value
def test_min_p_value_by_hand():
    # 2**(1 - m): m = 0 and 1 are capped at 1; 2**-3 = 0.125; 2**-9.
    assert [min_p_value(m) for m in (0, 1, 4, 10)] == [1.0, 1.0, 0.125, 2.0**-9]


def test_min_p_value_rejects_negative():
    with pytest.raises(ParameterError, match="n_changed"):
        min_p_value(-1)


# ------------------------------------------------------ exact at any n
def test_wilcoxon_equals_scipy_permutation_on_random_small_panels():
    # scipy's PermutationMethod enumerates every sign assignment when there
    # are few pairs: the same exact null, computed a different way.
    rng = np.random.default_rng(12)
    checked = 0
    for _ in range(150):
        n = int(rng.integers(2, 12))
        before, after = rng.integers(1, 5, n), rng.integers(1, 5, n)
        d = (after - before).astype(float)
        if np.count_nonzero(d) < 2:
            continue
        ours = wilcoxon_test(before, after)
        theirs = sps.wilcoxon(d[d != 0], method=sps.PermutationMethod(n_resamples=10**6))
        assert ours["p_value"] == pytest.approx(theirs.pvalue, abs=1e-12)
        assert ours["statistic"] == pytest.approx(theirs.statistic)
        checked += 1
    assert checked > 100


@pytest.mark.parametrize("n_same", [0, 10, 994])
def test_wilcoxon_all_one_way_is_exactly_min_p_at_any_n(n_same):
    # Six up and the rest unchanged: the most extreme outcome, p = 2 * 2**-6,
    # whatever the number of unchanged pairs (scipy's normal approximation
    # gives 0.014 with 994 zeros).
    res = wilcoxon_test([1] * 6 + [2] * n_same, [2] * 6 + [2] * n_same)
    assert res["p_value"] == pytest.approx(min_p_value(6)) == pytest.approx(0.03125)


def test_wilcoxon_large_panel_close_to_normal_approximation():
    # 1,000 pairs on a 1-4 scale: the exact p and scipy's tie-corrected normal
    # approximation agree to about three decimals in the middle of the range.
    rng = np.random.default_rng(3)
    before, after = rng.integers(1, 5, 1000), rng.integers(1, 5, 1000)
    exact = wilcoxon_test(before, after)["p_value"]
    approx = sps.wilcoxon(after - before, method="approx").pvalue
    assert exact == pytest.approx(approx, abs=2e-3)


def test_min_changed_by_hand():
    # 2**(1-m) < 0.05 first at m = 6 (1/32); with 5 tests 5 * 2**(1-m) < 0.05
    # first at m = 8 (5/128 = 0.039); with 3 tests at m = 7 (3/64 = 0.047).
    assert min_changed(0.05) == 6
    assert min_changed(0.05, 5) == 8
    assert min_changed(0.05, 3) == 7
    assert min_changed(0.01, 1) == 8  # 1/128 = 0.0078
