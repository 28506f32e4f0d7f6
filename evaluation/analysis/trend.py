"""Beyond one pair of rounds: trends, a test across rounds, plan status, profiles.

- :func:`trend` - every item over every round (n, mean, median, range).
- :func:`friedman` - Friedman's test across three or more rounds, over the
  municipalities with a valid answer in every round; its chi-square p-value
  is an approximation at ten municipalities, so a seeded permutation p-value
  (shuffling each municipality's answers across rounds) is given beside it.
- :func:`plan_status_summary` - how many municipalities stand where in each
  phase of the action plan.
- :func:`group_profile` - one municipality's answers beside the range of the
  others' (for a municipality's own profile; the others are never named).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_choice, check_frame, check_responses, resolve_items, resolve_rounds
from ..data import PHASES, STATUSES, not_answered

__all__ = [
    "PERMUTATION_SEED",
    "PERMUTATION_RESAMPLES",
    "trend",
    "friedman",
    "plan_status_summary",
    "group_profile",
]

#: Seed and size of the random permutation test beside Friedman's chi-square
#: (when all arrangements are fewer than the resamples, scipy enumerates them).
PERMUTATION_SEED = 20190301
PERMUTATION_RESAMPLES = 9999
#: Values of one sample that one batch of resamples may hold: scipy computes
#: all resamples at once by default, which at 1,000 municipalities held
#: about 3 GB in the kernel.  Batching changes no p-value (the same random
#: permutations are drawn in the same order).
PERMUTATION_BATCH_VALUES = 200_000


def trend(responses: pd.DataFrame, rounds_frame: pd.DataFrame, items=None) -> pd.DataFrame:
    """Every item over the rounds of ``rounds_frame`` (``Dataset.rounds``).

    Returns
    -------
    DataFrame
        One row per item (order of appearance) and round (by ``order``):
        ``item``, ``round``, ``order``, ``n_valid``, ``n_dont_know``,
        ``n_not_answered`` (blank scores), and over
        the valid answers ``mean``, ``median``, ``min``, ``max`` (NaN when
        there are none; a round without answers still has its rows).
    """
    check_responses(responses)
    check_frame("rounds_frame", rounds_frame, ["round", "order"])
    items = resolve_items(responses, items)
    rounds = rounds_frame.sort_values("order", kind="stable")[["round", "order"]]
    sub = responses[responses["item"].isin(items) & responses["round"].isin(rounds["round"])]
    sub = sub.assign(blank=not_answered(sub))
    summary = sub.groupby(["item", "round"]).agg(
        n_valid=("score", "count"), n_dont_know=("dont_know", "sum"), n_not_answered=("blank", "sum"),
        mean=("score", "mean"), median=("score", "median"), min=("score", "min"), max=("score", "max"),
    )
    full = pd.MultiIndex.from_product([items, rounds["round"]], names=["item", "round"])
    out = summary.reindex(full).reset_index()
    counts = ["n_valid", "n_dont_know", "n_not_answered"]
    out[counts] = out[counts].fillna(0).astype(int)
    out.insert(2, "order", out["round"].map(dict(zip(rounds["round"], rounds["order"]))).astype(int))
    return out


def _friedman_row(wide: pd.DataFrame, n_rounds: int) -> dict:
    row = {"n_complete": len(wide), "n_rounds": n_rounds, "statistic": np.nan, "p_value": np.nan, "p_permutation": np.nan}
    if n_rounds < 3 or len(wide) < 2 or (wide.nunique(axis=1) == 1).all():
        return row  # too few rounds or municipalities, or no one ever moved
    samples = [wide[c].to_numpy() for c in wide.columns]
    result = stats.friedmanchisquare(*samples)
    permuted = stats.permutation_test(
        samples, lambda *s, axis: stats.friedmanchisquare(*s, axis=axis).statistic,
        permutation_type="samples", vectorized=True, n_resamples=PERMUTATION_RESAMPLES,
        alternative="greater", rng=np.random.default_rng(PERMUTATION_SEED),
        batch=max(1, PERMUTATION_BATCH_VALUES // len(wide)),
    )
    return row | {"statistic": float(result.statistic), "p_value": float(result.pvalue), "p_permutation": float(permuted.pvalue)}


def friedman(responses: pd.DataFrame, rounds_keys=None, items=None, *, rounds=None) -> pd.DataFrame:
    """Friedman's test of a shift across rounds, per item.

    Only municipalities with a valid answer in every listed round count.
    A listed round must hold answers, unless ``rounds`` (every round of the
    panel) lists it: a round nobody answered leaves no municipality counted.

    Returns
    -------
    DataFrame
        One row per item: ``item``, ``n_complete`` (municipalities counted),
        ``n_rounds``, ``statistic`` (chi-square, tie-corrected),
        ``p_value`` (chi-square approximation), ``p_permutation`` (seeded
        permutation test of the same statistic).  The test columns are NaN
        with fewer than 3 rounds or 2 municipalities, or when no counted
        municipality changed its answer.
    """
    check_responses(responses)
    if rounds is None:
        keys = resolve_rounds(responses, rounds_keys)
    else:
        keys = list(rounds) if rounds_keys is None else list(rounds_keys)
        for key in keys:
            check_choice("round", key, list(rounds))
    items = resolve_items(responses, items)
    sub = responses[responses["round"].isin(keys)]
    rows = []
    for item in items:
        wide = sub[sub["item"] == item].pivot(index="municipality", columns="round", values="score")
        wide = wide.reindex(columns=keys).dropna()
        rows.append({"item": item} | _friedman_row(wide, len(keys)))
    return pd.DataFrame(rows)


def plan_status_summary(plan_status: pd.DataFrame, rounds_keys=None) -> pd.DataFrame:
    """Count municipalities per round, phase and status of the action plan.

    Returns
    -------
    DataFrame
        One row for every round x phase x status, ``n = 0`` included (phases
        and statuses in the order of :data:`evaluation.data.PHASES` and
        :data:`~evaluation.data.STATUSES`): ``round``, ``phase``,
        ``status``, ``n``, ``municipalities`` (sorted names, ", "-joined).
    """
    check_frame("plan_status", plan_status, ["round", "municipality", "phase", "status"])
    rounds = resolve_rounds(plan_status, rounds_keys)
    for column, allowed in (("phase", PHASES), ("status", STATUSES)):
        for value in pd.unique(plan_status[column]):
            check_choice(f"plan_status {column}", value, allowed)
    sub = plan_status[plan_status["round"].isin(rounds)]
    names = {key: sorted(group) for key, group in sub.groupby(["round", "phase", "status"])["municipality"]}
    rows = [
        {"round": r, "phase": p, "status": s, "n": len(names.get((r, p, s), [])), "municipalities": ", ".join(names.get((r, p, s), []))}
        for r in rounds
        for p in PHASES
        for s in STATUSES
    ]
    return pd.DataFrame(rows)


def group_profile(responses: pd.DataFrame, municipality: str, items=None, *, municipalities=None) -> pd.DataFrame:
    """One municipality's answers beside the other municipalities' range.

    The group statistics are over the *other* municipalities' valid answers;
    ``group_n`` says how many, so a caller can hold back a small group.
    ``municipality`` must answer in some round, unless ``municipalities``
    (every municipality of the panel) lists it: a listed municipality that
    has not answered yet gets rows with ``present`` false throughout.

    Returns
    -------
    DataFrame
        One row per item (order of appearance) and round (every round
        present): ``item``, ``round``, ``score`` (NaN for "ved ikke" or
        absence), ``dont_know``, ``present`` (bool: the municipality answered
        in that round), ``group_n``, ``group_median``, ``group_min``,
        ``group_max``.
    """
    check_responses(responses)
    known = pd.unique(responses["municipality"]) if municipalities is None else municipalities
    check_choice("municipality", municipality, sorted(known))
    items = resolve_items(responses, items)
    rounds = resolve_rounds(responses)
    sub = responses[responses["item"].isin(items)]
    full = pd.MultiIndex.from_product([items, rounds], names=["item", "round"])
    own = sub[sub["municipality"] == municipality].set_index(["item", "round"])
    group = sub[sub["municipality"] != municipality].groupby(["item", "round"])["score"].agg(
        group_n="count", group_median="median", group_min="min", group_max="max"
    )
    out = pd.DataFrame(index=full)
    out["score"] = own["score"].reindex(full).astype(float)
    out["dont_know"] = own["dont_know"].astype(bool).reindex(full, fill_value=False)
    out["present"] = full.isin(own.index)
    out = out.join(group.reindex(full)).reset_index()
    out["group_n"] = out["group_n"].fillna(0).astype(int)
    return out
