"""What a parameter's section shows of Holm's family, computed exactly with the standard library.

A parameter's section (``04_parameter``) prints its own item's comparison,
but three of that row's values come from the whole family of parameters:
``n_family`` (how many were tested), ``p_holm`` and ``min_p_holm`` (and what
follows from them: ``significant``, ``detectable``, ``verdict``), see
:mod:`evaluation.analysis.compare`.  Keying the section on every answer to
every parameter re-executes all of them when one answer changes; keying it
on :func:`holm_facet` re-executes a section only when what it prints can
change.

The planner may not import numpy or scipy, so the signed-rank test is
computed here again, exactly, with integers: the number of the ``2**n`` sign
assignments whose rank sum is at least (at most) the observed one, from the
tie groups of ``|after - before|``.  These are the exact values of what
:func:`evaluation.analysis.stats.wilcoxon_test` and
:func:`evaluation.analysis.stats.holm` compute in floating point (the tests
compare them).  The facet holds the exact values as fractions, and beside
them the statistics of the items that determine them (the *witnesses*: the
items whose Holm term is the maximum, and those tied with the item), so
that two data that give the same exact values through different statistics,
whose floating-point results could differ in the last bit, still give
different facets.

This module imports only the standard library.
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from math import comb

__all__ = ["Statistic", "MAX_EXACT_COST", "parse_score", "pair_statistics", "exact_cost", "signed_rank_p", "holm_facet"]

#: The most partial sums the exact tests of one family may take (about a tenth
#: of a second); a larger family's facet is its statistics instead (see
#: :func:`holm_facet`).
MAX_EXACT_COST = 40_000

#: One item's paired changes: ``n_pairs`` (complete pairs), ``groups`` (for
#: each distinct non-zero ``|change|``, ascending: its doubled average rank
#: and its size) and ``t_plus2`` (the doubled rank sum of the rises).
Statistic = tuple[int, tuple[tuple[int, int], ...], int]


def parse_score(value: str, missing_codes: frozenset[int]) -> int | None:
    """A score as the loader reads it: ``None`` for a blank or a missing code
    ("ved ikke"), else the code.  Raises ``ValueError`` on anything else."""
    value = value.strip()
    if value == "":
        return None
    code = int(value)
    return None if code in missing_codes else code


def pair_statistics(baseline_rows, followup_rows, missing_codes: frozenset[int]) -> dict[str, Statistic]:
    """Every item's :data:`Statistic` from the two rounds' ``(municipality,
    item, score)`` rows; a pair is a municipality answering the item in both
    rounds, complete when both answers are scores."""
    before = {(m, i): parse_score(s, missing_codes) for m, i, s in baseline_rows}
    after = {(m, i): parse_score(s, missing_codes) for m, i, s in followup_rows}
    changes: dict[str, list[int]] = {}
    for key, b in before.items():
        if key in after:
            values = changes.setdefault(key[1], [])
            if b is not None and after[key] is not None:
                values.append(after[key] - b)
    out = {}
    for item, values in changes.items():
        nonzero = sorted((abs(d), d > 0) for d in values if d)
        groups, t_plus2, start = [], 0, 0
        while start < len(nonzero):
            end = start
            while end < len(nonzero) and nonzero[end][0] == nonzero[start][0]:
                end += 1
            rank2 = (start + 1) + end  # twice the average of ranks start+1 .. end
            groups.append((rank2, end - start))
            t_plus2 += rank2 * sum(up for _, up in nonzero[start:end])
            start = end
        out[item] = (len(values), tuple(groups), t_plus2)
    return out


def exact_cost(statistic: Statistic) -> int:
    """The number of partial sums :func:`signed_rank_p` adds up (its work)."""
    sizes = sorted(size for _, size in statistic[1])[:-1]
    cost = 1
    for size in sizes:
        cost *= size + 1
    return cost


@lru_cache(maxsize=None)
def signed_rank_p(statistic: Statistic) -> Fraction:
    """The exact two-sided p-value of the signed-rank test, ``min(1, 2 *
    min(P(T >= t), P(T <= t)))``; 1 when nothing changed (the family counts
    such an item with ``p = 1``)."""
    _, groups, t_plus2 = statistic
    if not groups:
        return Fraction(1)
    # T = sum of rank * Binomial(size, 1/2) over the tie groups: convolve all
    # groups but the largest, and take the largest through its binomial tail.
    groups = sorted(groups, key=lambda g: (g[1], g[0]))
    (last_rank, last_size), others = groups[-1], groups[:-1]
    counts = {0: 1}
    for rank, size in others:
        spread: dict[int, int] = {}
        weights = [(rank * k, comb(size, k)) for k in range(size + 1)]
        for total, ways in counts.items():
            for shift, w in weights:
                spread[total + shift] = spread.get(total + shift, 0) + ways * w
        counts = spread
    weights = [comb(last_size, k) for k in range(last_size + 1)]
    at_most = [0] * (last_size + 1)  # at_most[k] = ways for the largest group to be positive k times or fewer
    running = 0
    for k, w in enumerate(weights):
        running += w
        at_most[k] = running
    whole = at_most[-1]
    upper = lower = 0
    for total, ways in counts.items():
        need = -((total - t_plus2) // last_rank)  # the fewest positives with total + rank * k >= t
        upper += ways * (whole if need <= 0 else 0 if need > last_size else whole - at_most[need - 1])
        most = (t_plus2 - total) // last_rank  # the most positives with total + rank * k <= t
        lower += ways * (0 if most < 0 else whole if most >= last_size else at_most[most])
    n = sum(size for _, size in groups)
    return min(Fraction(1), 2 * Fraction(min(upper, lower), 2 ** n))


def _adjusted(p: dict[str, Fraction], item: str) -> tuple[Fraction, list[str]]:
    """Holm's adjusted value of ``item`` in the family ``p``, and its witnesses.

    With the family sorted, ``p_(1) <= ... <= p_(m)``, the value is
    ``min(1, max over j up to the item's place of (m - j + 1) p_(j))``.  Tied
    values share the largest multiplier of their tie, whatever their order.
    """
    m = len(p)
    below = {name: sum(other < value for other in p.values()) for name, value in p.items()}
    terms = {name: (m - below[name]) * value for name, value in p.items() if value <= p[item]}
    top = max(terms.values())
    witnesses = sorted(name for name, term in terms.items()
                       if name != item and (term == top or p[name] == p[item]))
    return min(Fraction(1), top), witnesses


def holm_facet(statistics: dict[str, Statistic], family: list[str], item: str) -> list:
    """What of Holm's family the section of ``item`` shows, as a JSON-ready list.

    ``statistics`` comes from :func:`pair_statistics`; ``family`` lists the
    parameters.  An item without a complete pair is outside the family and
    shows nothing of it.
    """
    tested = [name for name in family if statistics.get(name, (0,))[0] > 0]
    if item not in tested:
        return ["outside the family"]
    if sum(exact_cost(statistics[name]) for name in tested) > MAX_EXACT_COST:
        # Too many tie patterns to count exactly in the planner: every
        # family member's changes count, which over-covers but is never wrong.
        return [len(tested), [[name, statistics[name]] for name in tested]]
    p = {name: signed_rank_p(statistics[name]) for name in tested}
    p_holm, witnesses = _adjusted(p, item)
    changed = sum(size for _, size in statistics[item][1])
    best = dict(p)
    best[item] = min(p[item], Fraction(1) if changed == 0 else min(Fraction(1), Fraction(2, 2 ** changed)))
    min_p_holm, more = _adjusted(best, item)
    shown = sorted(set(witnesses) | set(more))
    return [len(tested), str(p_holm), str(min_p_holm), [[name, statistics[name]] for name in shown]]
