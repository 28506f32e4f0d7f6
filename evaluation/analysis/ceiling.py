"""Ceiling and floor effects: how much room the scale leaves to move.

A municipality that already answers 4 ("i høj grad") cannot show progress.
This module counts answers at the top and bottom of the scale, flags items
where more than a threshold share of the valid answers sits there (15 %,
Terwee et al. 2007, J Clin Epidemiol 60:34-42), and measures change relative
to the room each municipality had: the normalized change ``c`` of Marx &
Cummings 2007 (Am J Phys 75:87-91), with ``top`` and ``bottom`` the scale ends:

- ``(post - pre) / (top - pre)`` when the score rose,
- ``(post - pre) / (pre - bottom)`` when it fell,
- ``0`` when it did not change, except that a pair with ``pre = post`` at an
  end of the scale (both ``top`` or both ``bottom``) is left out: it had no
  room to move in one direction and so says nothing.

So ``c`` is the share of the available room that was used, from -1 to 1.

>>> import pandas as pd
>>> pairs = pd.DataFrame({"item": "x", "municipality": ["A", "B", "C", "D"],
...                       "score_baseline": [2.0, 3.0, 4.0, 4.0], "score_followup": [3.0, 2.0, 4.0, 3.0]})
>>> normalized_change(pairs)["normalized_change"].round(3).tolist()
[0.5, -0.5, -0.333]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import config
from ..checks import (
    check_choice,
    check_frame,
    check_number,
    check_responses,
    fail,
    resolve_items,
    resolve_rounds,
)
from ..data import not_answered
from .compare import paired_scores

__all__ = ["ceiling_table", "normalized_change", "headroom", "ceiling_municipalities", "ceiling_explains"]


def _check_ends(top, bottom) -> None:
    check_number("top", top, -1e9, 1e9)
    check_number("bottom", bottom, -1e9, 1e9)
    if not bottom < top:
        fail("bottom", bottom, f"a value below top={top!r}")


def ceiling_table(
    responses: pd.DataFrame,
    rounds_keys=None,
    items=None,
    *,
    threshold: float = config.CEILING_THRESHOLD,
    top: int = 4,
    bottom: int = 1,
) -> pd.DataFrame:
    """Share of valid answers at the top and bottom of the scale, per item and round.

    Returns
    -------
    DataFrame
        One row per item and round (items in order of appearance, rounds in
        the order given; ``None`` means every round): ``item``, ``round``,
        ``n_valid``, ``n_dont_know``, ``n_not_answered`` (a blank score),
        ``n_top``, ``n_bottom``, ``share_top``,
        ``share_bottom`` (of the valid answers; NaN without any),
        ``ceiling``, ``floor`` (bool: the share is strictly above
        ``threshold``).
    """
    check_responses(responses)
    rounds = resolve_rounds(responses, rounds_keys)
    items = resolve_items(responses, items)
    check_number("threshold", threshold, 0.0, 1.0)
    _check_ends(top, bottom)
    sub = responses[responses["round"].isin(rounds) & responses["item"].isin(items)]
    sub = sub.assign(is_top=sub["score"] == top, is_bottom=sub["score"] == bottom, blank=not_answered(sub))
    counts = sub.groupby(["item", "round"]).agg(
        n_valid=("score", "count"), n_dont_know=("dont_know", "sum"), n_not_answered=("blank", "sum"),
        n_top=("is_top", "sum"), n_bottom=("is_bottom", "sum"),
    )
    full = pd.MultiIndex.from_product([items, rounds], names=["item", "round"])
    out = counts.reindex(full, fill_value=0).astype(int).reset_index()
    valid = out["n_valid"].where(out["n_valid"] > 0)
    out["share_top"] = (out["n_top"] / valid).astype(float)
    out["share_bottom"] = (out["n_bottom"] / valid).astype(float)
    out["ceiling"] = (out["share_top"] > threshold).astype(bool)
    out["floor"] = (out["share_bottom"] > threshold).astype(bool)
    return out


def normalized_change(paired: pd.DataFrame, *, top: int = 4, bottom: int = 1) -> pd.DataFrame:
    """Marx & Cummings' normalized change per municipality and item.

    ``paired`` is the output of :func:`evaluation.analysis.compare.paired_scores`.
    Incomplete pairs and pairs unchanged at an end of the scale are left out
    (see the module docstring).

    Returns
    -------
    DataFrame
        ``item``, ``municipality``, ``score_baseline``, ``score_followup``,
        ``normalized_change`` (from -1 to 1).
    """
    cols = ["item", "municipality", "score_baseline", "score_followup"]
    check_frame("paired", paired, cols)
    _check_ends(top, bottom)
    done = paired.loc[paired["score_baseline"].notna() & paired["score_followup"].notna(), cols]
    pre, post = done["score_baseline"], done["score_followup"]
    outside = ~(pre.between(bottom, top) & post.between(bottom, top))
    if outside.any():
        fail("paired", f"scores outside {bottom}-{top}", f"scores from bottom={bottom} to top={top}")
    keep = ~((pre == post) & pre.isin([top, bottom]))
    done, pre, post = done[keep], pre[keep], post[keep]
    gain = (post - pre) / (top - pre).where(post > pre)
    loss = (post - pre) / (pre - bottom).where(post < pre)
    out = done.copy()
    out["normalized_change"] = gain.fillna(loss).fillna(0.0).astype(float)
    return out.reset_index(drop=True)


def headroom(responses: pd.DataFrame, baseline: str, followup: str, items=None, *, top: int = 4, bottom: int = 1) -> pd.DataFrame:
    """How municipalities moved, split by whether they had room to rise.

    Only complete pairs count (a "ved ikke" in either round drops the pair).

    Returns
    -------
    DataFrame
        One row per item: ``item``, ``n_pairs`` (complete pairs),
        ``n_below_top`` (below ``top`` at baseline) and of those
        ``n_below_rose``, ``n_below_held``, ``n_below_fell``; ``n_at_top``
        (at ``top`` at baseline) and of those ``n_top_kept``,
        ``n_top_fell``; ``municipalities_at_top`` (sorted names, ", "-joined);
        ``mean_normalized_change`` (NaN when no pair counts) and
        ``n_normalized`` (pairs it is over), see :func:`normalized_change`.
    """
    pairs = paired_scores(responses, baseline, followup, items)
    items = resolve_items(responses, items)
    _check_ends(top, bottom)
    done = pairs[pairs["complete"]]
    norm = normalized_change(pairs, top=top, bottom=bottom)
    rows = []
    for item in items:
        own = done[done["item"] == item]
        below, at = own[own["score_baseline"] < top], own[own["score_baseline"] == top]
        change = norm.loc[norm["item"] == item, "normalized_change"]
        rows.append({
            "item": item, "n_pairs": len(own), "n_below_top": len(below),
            "n_below_rose": int((below["change"] > 0).sum()), "n_below_held": int((below["change"] == 0).sum()),
            "n_below_fell": int((below["change"] < 0).sum()), "n_at_top": len(at),
            "n_top_kept": int((at["change"] == 0).sum()), "n_top_fell": int((at["change"] < 0).sum()),
            "municipalities_at_top": ", ".join(sorted(at["municipality"])),
            "mean_normalized_change": float(change.mean()) if len(change) else np.nan,
            "n_normalized": len(change),
        })
    return pd.DataFrame(rows)


def ceiling_municipalities(responses: pd.DataFrame, round_key: str, items=None, *, min_items: int = 2, top: int = 4) -> pd.DataFrame:
    """Municipalities at the top of the scale on at least ``min_items`` items.

    Pass the five parameters as ``items`` to leave the context item out.

    Returns
    -------
    DataFrame
        ``municipality``, ``n_items_at_top``, ``items_at_top`` (item keys in
        order of appearance, ", "-joined); only municipalities with at
        least ``min_items``, sorted by ``n_items_at_top`` (descending) then
        name.
    """
    check_responses(responses)
    check_choice("round_key", round_key, pd.unique(responses["round"]))
    items = resolve_items(responses, items)
    check_number("min_items", min_items, 1, float("inf"), integer=True)
    check_number("top", top, -1e9, 1e9)
    hits = responses[(responses["round"] == round_key) & responses["item"].isin(items) & (responses["score"] == top)]
    order = {item: i for i, item in enumerate(items)}
    rows = [
        {"municipality": name, "n_items_at_top": len(group), "items_at_top": ", ".join(sorted(group["item"], key=order.get))}
        for name, group in hits.groupby("municipality")
    ]
    out = pd.DataFrame(rows, columns=["municipality", "n_items_at_top", "items_at_top"])
    out = out[out["n_items_at_top"] >= min_items]
    return out.sort_values(["n_items_at_top", "municipality"], ascending=[False, True], kind="stable").reset_index(drop=True)


def ceiling_explains(comparison: pd.DataFrame, ceiling: pd.DataFrame, head: pd.DataFrame) -> dict:
    """Whether a ceiling at the baseline explains part of each item's change.

    It does when the item is flagged at the baseline (``ceiling`` rows of
    :func:`ceiling_table` for that round), at least one municipality at the
    top stayed there (``n_top_kept`` of :func:`headroom`: it counts as
    unchanged although it could not answer higher), and the mean did not
    fall (``direction`` of ``compare_rounds``; a ceiling cannot explain a
    fall).  A flag alone, with everyone at the top falling back, explains
    nothing.

    Returns
    -------
    dict
        item -> bool, for every item of ``comparison``.
    """
    check_frame("comparison", comparison, ["item", "direction"])
    check_frame("ceiling", ceiling, ["item", "ceiling"])
    check_frame("head", head, ["item", "n_top_kept"])
    flagged = dict(zip(ceiling["item"], ceiling["ceiling"].astype(bool)))
    kept = dict(zip(head["item"], head["n_top_kept"]))
    return {item: bool(flagged.get(item, False) and kept.get(item, 0) > 0 and direction != "fell")
            for item, direction in zip(comparison["item"], comparison["direction"])}
