"""Compare two survey rounds item by item, paired by municipality.

A pair is one municipality's answers to one item in both rounds.  "Ved
ikke" is a missing answer, so a pair is *complete* only when both answers
are valid (1-4); a municipality absent from either round has no pair at all.
Means, medians, counts and tests are over the complete pairs.

The descriptive direction of an item and whether its change is statistically
detectable are kept apart, and combined only in ``verdict``:

- ``direction`` follows one rule: ``'rose'`` if ``mean_change >= held_band``
  and ``n_up > n_down``; ``'fell'`` if ``mean_change <= -held_band`` and
  ``n_down > n_up``; otherwise ``'held'``.  ``None`` when there is no
  complete pair.  (``mean_change`` is compared with a tolerance of 1e-9, so a
  change of exactly ``held_band`` counts.)
- ``significant`` is ``p_holm < alpha``: the Wilcoxon signed-rank p-value,
  Holm-adjusted across the family: every item of ``holm_items`` that was
  compared (has at least one complete pair).  An item where nobody changed
  stays in the family with ``p = 1``: it was compared and showed nothing, and
  leaving it out would shrink the family and flatter the others.
  ``n_family`` is the family's size, in every row of the family.
- ``verdict`` is ``direction`` with ``'_significant'`` appended when the
  direction is ``'rose'`` or ``'fell'`` and the change is significant: one of
  :data:`VERDICTS`, or ``None`` without complete pairs.  A ``'held'`` item
  stays ``'held'`` even if significant; its p-values remain in the row.
- ``detectable`` says whether the item could have been significant at all:
  ``min_p = 2**(1 - m)`` is the exact test's smallest two-sided p-value with
  ``m`` changed municipalities (all one way); ``min_p_holm`` is its Holm value
  beside the other items' actual p-values; ``detectable`` is ``min_p_holm <
  alpha`` (``min_p < alpha`` outside the family).

>>> ALPHA, HELD_BAND
(0.05, 0.15)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks import (
    check_choice,
    check_frame,
    check_number,
    check_pair,
    check_responses,
    fail,
    resolve_items,
)
from ..data import PARTICIPATION_MODES, not_answered
from .stats import holm, mean_change_interval, min_p_value, rank_biserial, sign_test, wilcoxon_test

__all__ = [
    "ALPHA",
    "CONFIDENCE",
    "HELD_BAND",
    "VERDICTS",
    "COMPARE_COLUMNS",
    "default_pair",
    "paired_scores",
    "compare_rounds",
    "compare_by_mode",
]

#: Significance level for ``significant`` and ``detectable``.
ALPHA = 0.05
#: Level of the interval around each mean change (``ci_low``, ``ci_high``).
CONFIDENCE = 0.95
#: A mean change smaller than this (in scale points) counts as "held",
#: whatever the counts say: 0.15 is 1.5 points summed over ten municipalities,
#: less than two of them moving one step.
HELD_BAND = 0.15
#: Every value ``verdict`` takes (besides ``None`` when nothing was paired).
VERDICTS = ("rose", "rose_significant", "held", "fell", "fell_significant")

_TEST_COLUMNS = ["statistic_wilcoxon", "p_wilcoxon", "p_sign", "sign_ci_low", "sign_ci_high", "rank_biserial"]
#: Columns of :func:`compare_rounds`, in order.
COMPARE_COLUMNS = [
    "item", "baseline", "followup", "n_municipalities", "n_pairs",
    "n_dont_know_baseline", "n_dont_know_followup", "n_not_answered_baseline", "n_not_answered_followup",
    "n_valid_baseline", "n_valid_followup",
    "mean_valid_baseline", "mean_valid_followup",
    "mean_baseline", "mean_followup", "median_baseline", "median_followup",
    "mean_change", "ci_low", "ci_high", "median_change", "n_up", "n_same", "n_down",
    "municipalities_up", "municipalities_same", "municipalities_down",
    *_TEST_COLUMNS, "n_family", "p_holm", "min_p", "min_p_holm", "detectable", "significant", "direction", "verdict",
]
_PAIR_COLUMNS = [
    "item", "municipality", "score_baseline", "score_followup",
    "dont_know_baseline", "dont_know_followup", "complete", "change", "direction",
]
_TOLERANCE = 1e-9


def default_pair(rounds_frame: pd.DataFrame) -> tuple[str, str]:
    """Return the default comparison: the second-to-last and the last round.

    ``rounds_frame`` is shaped like ``Dataset.rounds`` (columns ``round`` and
    ``order``).
    """
    check_frame("rounds_frame", rounds_frame, ["round", "order"])
    if len(rounds_frame) < 2:
        fail("rounds_frame", f"{len(rounds_frame)} round(s)", "at least two rounds")
    keys = rounds_frame.sort_values("order", kind="stable")["round"].tolist()
    return keys[-2], keys[-1]


def _pairs(responses, baseline, followup, items) -> pd.DataFrame:
    cols = ["municipality", "item", "score", "dont_know"]
    sub = responses[responses["item"].isin(items)]
    left = sub.loc[sub["round"] == baseline, cols]
    right = sub.loc[sub["round"] == followup, cols]
    out = left.merge(right, on=["municipality", "item"], suffixes=("_baseline", "_followup"))
    out["complete"] = out["score_baseline"].notna() & out["score_followup"].notna()
    out["change"] = out["score_followup"] - out["score_baseline"]
    direction = pd.Series([None] * len(out), index=out.index, dtype=object)
    for word, mask in (("up", out["change"] > 0), ("same", out["change"] == 0), ("down", out["change"] < 0)):
        direction[mask] = word
    out["direction"] = direction
    order = out["item"].map({k: i for i, k in enumerate(items)})
    out = out.assign(_order=order).sort_values(["_order", "municipality"], kind="stable")
    return out[_PAIR_COLUMNS].reset_index(drop=True)


def paired_scores(responses: pd.DataFrame, baseline: str, followup: str, items=None) -> pd.DataFrame:
    """Pair each municipality's answers to each item in two rounds.

    Returns
    -------
    DataFrame
        One row per municipality and item answered in *both* rounds, sorted
        by item (order of appearance) and municipality: ``item``,
        ``municipality``, ``score_baseline``, ``score_followup`` (NaN for
        "ved ikke"), ``dont_know_baseline``, ``dont_know_followup``,
        ``complete`` (both answers valid), ``change`` (follow-up minus
        baseline, NaN unless complete), ``direction`` (``'up'``, ``'same'``,
        ``'down'``, ``None`` unless complete).
    """
    check_responses(responses)
    check_pair(responses, baseline, followup)
    return _pairs(responses, baseline, followup, resolve_items(responses, items))


def _direction(mean_change: float, n_up: int, n_down: int, held_band: float):
    if np.isnan(mean_change):
        return None
    if mean_change >= held_band - _TOLERANCE and n_up > n_down:
        return "rose"
    if mean_change <= -held_band + _TOLERANCE and n_down > n_up:
        return "fell"
    return "held"


def _names(pairs: pd.DataFrame, word: str) -> str:
    return ", ".join(sorted(pairs.loc[pairs["direction"] == word, "municipality"]))


def _item_row(item, pairs, answers_b, answers_f, held_band) -> dict:
    done = pairs[pairs["complete"]]
    before, after = done["score_baseline"], done["score_followup"]
    n = {w: int((done["direction"] == w).sum()) for w in ("up", "same", "down")}
    wilcoxon = wilcoxon_test(before, after)
    sign = sign_test(n["up"], n["down"])
    mean_change = float(done["change"].mean()) if len(done) else np.nan
    min_p = min_p_value(n["up"] + n["down"])
    interval = mean_change_interval(before, after, CONFIDENCE)
    return {
        "item": item, "n_municipalities": len(pairs), "n_pairs": len(done),
        "n_dont_know_baseline": int(answers_b["dont_know"].sum()), "n_dont_know_followup": int(answers_f["dont_know"].sum()),
        "n_not_answered_baseline": int(not_answered(answers_b).sum()),
        "n_not_answered_followup": int(not_answered(answers_f).sum()),
        "n_valid_baseline": int(answers_b["score"].count()), "n_valid_followup": int(answers_f["score"].count()),
        "mean_valid_baseline": answers_b["score"].mean(), "mean_valid_followup": answers_f["score"].mean(),
        "mean_baseline": before.mean(), "mean_followup": after.mean(),
        "median_baseline": before.median(), "median_followup": after.median(),
        "mean_change": mean_change, "ci_low": interval["ci_low"], "ci_high": interval["ci_high"],
        "median_change": done["change"].median(),
        "n_up": n["up"], "n_same": n["same"], "n_down": n["down"],
        "municipalities_up": _names(done, "up"), "municipalities_same": _names(done, "same"),
        "municipalities_down": _names(done, "down"),
        "statistic_wilcoxon": wilcoxon["statistic"], "p_wilcoxon": wilcoxon["p_value"],
        "p_sign": sign["p_value"], "sign_ci_low": sign["ci_low"], "sign_ci_high": sign["ci_high"],
        "rank_biserial": rank_biserial(before, after), "min_p": min_p,
        "direction": _direction(mean_change, n["up"], n["down"], held_band),
    }


def _family_p(out: pd.DataFrame, holm_items: list[str], tested) -> tuple[np.ndarray, np.ndarray]:
    """Holm's family (tested items of ``holm_items``) and its p-values, NaN (no change) as 1."""
    in_family = out["item"].isin(holm_items).to_numpy() & np.asarray(tested, dtype=bool)
    p = out["p_wilcoxon"].to_numpy(dtype=float).copy()
    p[in_family & np.isnan(p)] = 1.0
    return in_family, p


def _finish(table: pd.DataFrame, alpha: float, holm_items: list[str], tested=None) -> pd.DataFrame:
    """Add the Holm columns, ``detectable``, ``significant`` and ``verdict``; order the
    columns.  ``tested`` marks the rows tested (default: a complete pair)."""
    out = table.copy()
    tested = (out["n_pairs"] > 0).to_numpy() if tested is None else tested
    in_family, p = _family_p(out, holm_items, tested)
    family = np.flatnonzero(in_family)
    p_holm = np.full(len(out), np.nan)
    p_holm[family] = holm(p[family])
    min_p = out["min_p"].to_numpy(dtype=float)
    min_p_holm = np.full(len(out), np.nan)
    for i in family:
        best = p[family].copy()
        best[family == i] = min(min_p[i], p[i])
        min_p_holm[i] = holm(best)[family == i][0]
    out["n_family"] = np.where(in_family, family.size, 0)
    out["p_holm"] = p_holm
    out["min_p_holm"] = min_p_holm
    out["detectable"] = np.where(in_family, min_p_holm < alpha, (min_p < alpha) & np.asarray(tested, dtype=bool))
    out["significant"] = (out["p_holm"] < alpha).astype(bool)
    upgrade = out["significant"] & out["direction"].isin(["rose", "fell"])
    verdict = out["direction"].astype(object).copy()
    verdict[upgrade] = verdict[upgrade] + "_significant"
    out["verdict"] = verdict
    return out[[c for c in COMPARE_COLUMNS if c in out.columns]]


def _compare(responses, baseline, followup, items, alpha, held_band, holm_items) -> pd.DataFrame:
    pairs = _pairs(responses, baseline, followup, items)
    rows = []
    for item in items:
        answers = responses[responses["item"] == item]
        rows.append(
            _item_row(
                item, pairs[pairs["item"] == item], answers[answers["round"] == baseline],
                answers[answers["round"] == followup], held_band,
            )
        )
    table = pd.DataFrame(rows)
    table.insert(1, "baseline", baseline)
    table.insert(2, "followup", followup)
    table["direction"] = pd.Series([row["direction"] for row in rows], dtype=object)
    return _finish(table, alpha, holm_items)


def _check_options(responses, items, alpha, held_band, holm_items) -> tuple[list[str], list[str]]:
    check_number("alpha", alpha, 0.0, 1.0)
    check_number("held_band", held_band, 0.0, 3.0)
    items = resolve_items(responses, items)
    if holm_items is None:
        return items, items
    holm_items = [holm_items] if isinstance(holm_items, str) else list(holm_items)
    for item in holm_items:
        check_choice("holm_items", item, items)
    return items, holm_items


def compare_rounds(
    responses: pd.DataFrame,
    baseline: str,
    followup: str,
    items=None,
    *,
    alpha: float = ALPHA,
    held_band: float = HELD_BAND,
    holm_items=None,
) -> pd.DataFrame:
    """Compare two rounds per item: counts, central values, tests, verdict.

    Parameters
    ----------
    responses : DataFrame
        Tidy responses (``Dataset.responses``).
    baseline, followup : str
        Round keys; use :func:`default_pair` for the last two rounds.
    items : list of str, optional
        Items to compare; ``None`` means every item present.
    alpha : float
        Level for ``significant`` and ``detectable``.
    held_band : float
        Smallest absolute mean change that counts as rose or fell.
    holm_items : list of str, optional
        The family for the Holm adjustment (e.g. the five parameters);
        ``None`` means every item compared.

    Returns
    -------
    DataFrame
        One row per item in order of appearance, columns
        :data:`COMPARE_COLUMNS`: ``item``, ``baseline``, ``followup``;
        ``n_municipalities`` (present in both rounds), ``n_pairs`` (complete
        pairs); ``n_dont_know_*``, ``n_valid_*``, ``mean_valid_*`` over every
        answer of each round; ``mean_*``, ``median_*`` over the complete pairs
        (so ``mean_change = mean_followup - mean_baseline``);
        ``mean_change`` with ``ci_low`` and ``ci_high``, its 95 % interval
        (:data:`CONFIDENCE`; the exact percentile bootstrap of
        :func:`evaluation.analysis.stats.mean_change_interval`, NaN without
        pairs), ``median_change``; ``n_up``, ``n_same``, ``n_down``
        and ``municipalities_up``/``_same``/``_down`` (sorted names joined by
        ", "); ``statistic_wilcoxon``, ``p_wilcoxon`` (exact, see
        :func:`evaluation.analysis.stats.wilcoxon_test`), ``p_sign``,
        ``sign_ci_low``, ``sign_ci_high`` (Clopper-Pearson interval of the
        share up), ``rank_biserial`` (Kerby, zeros kept), ``n_family``
        (size of the Holm family; 0 outside it), ``p_holm``, ``min_p``,
        ``min_p_holm``, ``detectable``, ``significant``, ``direction``,
        ``verdict`` (rules in the module docstring).
    """
    check_responses(responses)
    check_pair(responses, baseline, followup)
    items, holm_items = _check_options(responses, items, alpha, held_band, holm_items)
    return _compare(responses, baseline, followup, items, alpha, held_band, holm_items)


def compare_by_mode(
    responses: pd.DataFrame,
    municipalities: pd.DataFrame,
    baseline: str,
    followup: str,
    items=None,
    *,
    min_n: int = 3,
    **kw,
) -> pd.DataFrame:
    """Run :func:`compare_rounds` separately for each follow-up mode.

    Municipalities are grouped by their ``mode`` in ``municipalities`` (the
    follow-up round's participation: ``municipality``, ``mode``); one not
    listed there, or with mode ``none``, is left out.  A row
    with fewer than ``min_n`` complete pairs gets no tests: its test columns,
    ``p_holm`` are NaN and ``detectable``/``significant`` are ``False``.
    Holm's adjustment runs within each mode.  ``kw`` takes ``alpha``,
    ``held_band`` and ``holm_items`` of :func:`compare_rounds`; the family of
    a mode is its tested items.

    Returns
    -------
    DataFrame
        ``mode`` (in the order of :data:`evaluation.data.PARTICIPATION_MODES`),
        then the columns of :func:`compare_rounds`, then ``tested`` (bool:
        the row had at least ``min_n`` complete pairs).
    """
    check_responses(responses)
    check_frame("municipalities", municipalities, ["municipality", "mode"])
    check_pair(responses, baseline, followup)
    check_number("min_n", min_n, 1, float("inf"), integer=True)
    for key in kw:
        check_choice("keyword", key, ["alpha", "held_band", "holm_items"])
    alpha, held_band = kw.get("alpha", ALPHA), kw.get("held_band", HELD_BAND)
    items, holm_items = _check_options(responses, items, alpha, held_band, kw.get("holm_items"))
    present = [m for m in pd.unique(municipalities["mode"]) if m != "none"]
    modes = [m for m in PARTICIPATION_MODES if m in present] + [m for m in present if m not in PARTICIPATION_MODES]
    frames = []
    for mode in modes:
        names = municipalities.loc[municipalities["mode"] == mode, "municipality"]
        table = _compare(responses[responses["municipality"].isin(names)], baseline, followup, items, alpha, held_band, holm_items)
        tested = table["n_pairs"] >= min_n
        table.loc[~tested, _TEST_COLUMNS] = np.nan
        table = _finish(table, alpha, holm_items, tested.to_numpy())
        table.insert(0, "mode", mode)
        table["tested"] = tested.to_numpy()
        frames.append(table)
    if not frames:  # nobody took part in a known way: no groups, same columns
        columns = _compare(responses, baseline, followup, items, alpha, held_band, holm_items).columns
        return pd.DataFrame(columns=["mode", *columns, "tested"])
    return pd.concat(frames, ignore_index=True)
