"""Paired tests for a small ordinal panel (about ten municipalities, scale 1-4).

Each function takes plain arrays or Series and returns numbers, so it can be
checked by hand.  Pairs with a missing value on either side are left out
(a "ved ikke" answer is missing, never a score).

- :func:`wilcoxon_test` - Wilcoxon signed-rank test, exact at any n: the null
  distribution of the rank sum is built from the tie groups, so it is valid
  with ties and zero differences and fast with 1,000 municipalities.
- :func:`sign_test` - exact binomial test on ups against downs, with a
  Clopper-Pearson interval for the share of ups.
- :func:`rank_biserial` - matched-pairs rank-biserial correlation (Kerby 2014)
  with zero differences kept in the ranking.
- :func:`holm` - Holm's step-down adjustment, NaN-aware.
- :func:`min_p_value` - the smallest two-sided p-value the data could reach.
- :func:`min_changed` - the fewest changed pairs that can reach a level.

>>> round(rank_biserial([1, 2, 3, 3], [2, 2, 4, 1]), 4)
0.1
"""
from __future__ import annotations

import numpy as np
from scipy import signal, stats

from ..checks import check_number, fail

__all__ = ["wilcoxon_test", "sign_test", "rank_biserial", "holm", "min_p_value", "min_changed"]


def _differences(before, after) -> np.ndarray:
    """Return ``after - before`` over the pairs where both are present."""
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    if b.ndim != 1 or b.shape != a.shape:
        fail("before/after", f"shapes {b.shape} and {a.shape}", "two one-dimensional sequences of equal length")
    keep = ~(np.isnan(b) | np.isnan(a))
    return a[keep] - b[keep]


#: Above this many multiply-adds a tie group is convolved by FFT instead of shift-and-add.
_DIRECT_LIMIT = 4_000_000


def _add_tie_group(dist: np.ndarray, rank2: int, size: int) -> np.ndarray:
    """Convolve the distribution of a doubled rank sum with one tie group:
    ``size`` pairs of doubled rank ``rank2``, each positive with probability 1/2."""
    pmf = stats.binom.pmf(np.arange(size + 1), size, 0.5)
    if (size + 1) * dist.size <= _DIRECT_LIMIT:
        out = np.zeros(dist.size + rank2 * size)
        for j, weight in enumerate(pmf):
            out[j * rank2: j * rank2 + dist.size] += weight * dist
        return out
    spread = np.zeros(rank2 * size + 1)
    spread[::rank2] = pmf
    return np.clip(signal.fftconvolve(dist, spread), 0.0, None)


def _signed_rank_p(d: np.ndarray) -> tuple[float, float]:
    """Exact two-sided p-value of the signed-rank sum of non-zero ``d``, and
    the statistic (the smaller of the two rank sums).

    Ranks of ``|d|`` are averaged over ties, so doubled ranks are integers.
    Under the null every sign is +/- with probability 1/2 independently, so
    the positive rank sum is a sum over tie groups of ``rank * Binomial(size,
    1/2)``.  All groups but the largest are convolved on an integer grid; the
    largest enters through the binomial tail, which keeps the work small when
    a 1-4 scale gives only three tie groups among 1,000 pairs.
    """
    rank2 = np.rint(2 * stats.rankdata(np.abs(d))).astype(np.int64)
    t_plus = int(rank2[d > 0].sum())
    total = int(rank2.sum())
    values, sizes = np.unique(rank2, return_counts=True)
    order = np.argsort(sizes, kind="stable")
    dist = np.ones(1)
    for i in order[:-1]:
        dist = _add_tie_group(dist, int(values[i]), int(sizes[i]))
    last_rank, last_size = int(values[order[-1]]), int(sizes[order[-1]])
    grid = np.flatnonzero(dist > 0)
    weights = dist[grid]
    # T = V + last_rank * X with V on the grid and X ~ Binomial(last_size, 1/2).
    upper = float(np.sum(weights * stats.binom.sf(np.ceil((t_plus - grid) / last_rank) - 1, last_size, 0.5)))
    lower = float(np.sum(weights * stats.binom.cdf(np.floor((t_plus - grid) / last_rank), last_size, 0.5)))
    return min(1.0, 2.0 * min(upper, lower)), min(t_plus, total - t_plus) / 2


def wilcoxon_test(before, after) -> dict:
    """Wilcoxon signed-rank test of paired scores, two-sided and exact.

    Zero differences are dropped (``zero_method="wilcox"``), the rest are
    ranked by ``|after - before|`` with tied values sharing their average
    rank, and the p-value comes from the exact permutation distribution of
    the positive rank sum given those ranks (every sign assignment equally
    likely), computed by convolution rather than enumeration (see
    :func:`_signed_rank_p`).  So it equals
    ``scipy.stats.wilcoxon(after - before, method=PermutationMethod())`` at
    any n, is exact with ties, and with ``m`` changed pairs all in one
    direction it is exactly ``2**(1 - m)`` (:func:`min_p_value`), never less.
    scipy's own ``method="auto"`` switches to a normal approximation above
    13 pairs with ties, which can fall below that bound.

    Returns
    -------
    dict
        ``statistic`` (the smaller of the positive and negative rank sums,
        as scipy reports it), ``p_value``, ``n_nonzero`` (pairs that
        changed).  ``statistic`` and ``p_value`` are NaN when no pair
        changed (no test is possible).

    >>> wilcoxon_test([2, 2, 3], [2, 2, 3])
    {'statistic': nan, 'p_value': nan, 'n_nonzero': 0}
    >>> wilcoxon_test([1, 1, 1, 1, 2], [2, 2, 2, 2, 2])["p_value"]
    0.125
    """
    d = _differences(before, after)
    d = d[d != 0]
    if d.size == 0:
        return {"statistic": np.nan, "p_value": np.nan, "n_nonzero": 0}
    p_value, statistic = _signed_rank_p(d)
    return {"statistic": float(statistic), "p_value": float(p_value), "n_nonzero": int(d.size)}


def sign_test(n_up: int, n_down: int, confidence: float = 0.95) -> dict:
    """Exact sign test: ups among the municipalities that changed.

    ``scipy.stats.binomtest(n_up, n_up + n_down, 0.5)``, two-sided; the
    interval is the Clopper-Pearson ("exact") interval of the share up.

    Returns
    -------
    dict
        ``p_value``, ``ci_low``, ``ci_high``; all NaN when nothing changed.

    >>> sign_test(3, 0)["p_value"]
    0.25
    """
    check_number("n_up", n_up, 0, float("inf"), integer=True)
    check_number("n_down", n_down, 0, float("inf"), integer=True)
    check_number("confidence", confidence, 0.0, 1.0)
    n = int(n_up) + int(n_down)
    if n == 0:
        return {"p_value": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    result = stats.binomtest(int(n_up), n, 0.5, alternative="two-sided")
    ci = result.proportion_ci(confidence_level=confidence, method="exact")
    return {"p_value": float(result.pvalue), "ci_low": float(ci.low), "ci_high": float(ci.high)}


def rank_biserial(before, after) -> float:
    """Matched-pairs rank-biserial correlation, zero differences kept.

    Kerby's simple difference formula (Kerby 2014, Comprehensive Psychology
    3, 11.IT.3.1): rank ``|after - before|`` over *all* pairs, zero
    differences included (they take the lowest ranks, as in Pratt 1959);
    tied values get their average rank.  Then

        r = (sum of ranks of positive d - sum of ranks of negative d) / sum of all ranks

    The zeros' ranks count in the denominator only, so unchanged
    municipalities pull ``r`` towards 0.  (pingouin drops zeros first and
    so reports a larger effect.)  ``r`` is 0 when every difference is zero
    and NaN when there are no pairs.  Positive means scores rose.

    Returns
    -------
    float
        ``r`` in [-1, 1].
    """
    d = _differences(before, after)
    if d.size == 0:
        return float("nan")
    ranks = stats.rankdata(np.abs(d), method="average")
    return float((ranks[d > 0].sum() - ranks[d < 0].sum()) / ranks.sum())


def holm(p_values) -> np.ndarray:
    """Holm's step-down adjustment of p-values (Holm 1979), NaN-aware.

    With the ``m`` non-NaN p-values sorted, ``p_(1) <= ... <= p_(m)``, the
    adjusted value is ``max_{j <= i} min(1, (m - j + 1) p_(j))``.  NaN stays
    NaN and does not count in ``m``.  Equals
    ``statsmodels.stats.multitest.multipletests(p, method="holm")[1]``.

    Returns
    -------
    ndarray
        Adjusted p-values in the input order.

    >>> holm([0.01, np.nan, 0.04, 0.03]).round(2).tolist()
    [0.03, nan, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1 or np.any((p < 0) | (p > 1)):
        fail("p_values", p_values, "a one-dimensional sequence of probabilities (NaN allowed)")
    out = np.full(p.shape, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    order = valid[np.argsort(p[valid], kind="stable")]
    m = order.size
    scaled = (m - np.arange(m)) * p[order]
    out[order] = np.minimum(1.0, np.maximum.accumulate(scaled))
    return out


def min_p_value(n_changed: int) -> float:
    """The smallest two-sided p-value an exact sign or signed-rank test can reach.

    With ``m`` changed pairs the most extreme outcome (all in one direction)
    has two-sided probability ``2 * 0.5**m = 2**(1 - m)``, capped at 1.  For
    ``m = 0`` the formula gives 2, so the cap returns 1: nothing changed,
    and no test could detect anything.

    >>> [min_p_value(m) for m in (0, 1, 4, 5)]
    [1.0, 1.0, 0.125, 0.0625]
    """
    check_number("n_changed", n_changed, 0, float("inf"), integer=True)
    return float(min(1.0, 2.0 ** (1 - int(n_changed))))


def min_changed(alpha: float, n_tests: int = 1) -> int:
    """The fewest changed pairs, all in one direction, whose exact two-sided
    p-value stays below ``alpha / n_tests``.

    With ``n_tests`` tests adjusted by Holm's method, this many changes in one
    direction make an item significant whatever the other items show; with
    ``n_tests = 1`` it is the fewest that can make any single test
    significant.  It does not depend on how many pairs there are, only on how
    many changed.

    >>> min_changed(0.05), min_changed(0.05, 5)
    (6, 8)
    """
    check_number("alpha", alpha, 0.0, 1.0)
    check_number("n_tests", n_tests, 1, float("inf"), integer=True)
    if alpha <= 0:
        fail("alpha", alpha, "a level above 0")
    m = 1
    while min_p_value(m) * int(n_tests) >= alpha:
        m += 1
    return m
