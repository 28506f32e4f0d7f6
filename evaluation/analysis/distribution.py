"""How the answers to an item are spread over the scale, and how many moved.

A distribution can stay the same while municipalities swap answers, so the
counts per code (:func:`score_distribution`) come with the number of
municipalities that answered differently (:func:`answer_moves`).
"""
from __future__ import annotations

import pandas as pd

from .. import config
from ..checks import check_choice, check_frame, check_number, check_responses, resolve_items, resolve_rounds
from ..data import not_answered

__all__ = ["score_distribution", "answer_moves"]


def score_distribution(responses: pd.DataFrame, rounds_keys=None, items=None, *, scale_codes=(0, 1, 2, 3, 4)) -> pd.DataFrame:
    """Count the answers at each scale code, per item and round.

    "Ved ikke" is counted as code :data:`evaluation.config.DONT_KNOW_CODE`
    (0).  ``rounds_keys=None`` means every round present.

    Returns
    -------
    DataFrame
        One row per item, round (in the order given) and code in
        ``scale_codes`` (every code, ``n = 0`` included): ``item``,
        ``round``, ``code``, ``n``, ``share`` (of all answers to the item in
        that round, "ved ikke" included; NaN when there are none).  A
        question left blank (not answered) is no answer and is not counted.
    """
    check_responses(responses)
    rounds = resolve_rounds(responses, rounds_keys)
    items = resolve_items(responses, items)
    codes = list(scale_codes)
    for code in codes:
        check_number("scale_codes", code, -1e9, 1e9, integer=True)
    sub = responses[responses["round"].isin(rounds) & responses["item"].isin(items)]
    sub = sub[~not_answered(sub)]  # a question left blank has no answer to count
    answered = sub["score"].where(~sub["dont_know"].astype(bool), config.DONT_KNOW_CODE)
    for value in pd.unique(answered):
        check_choice("a code in the data (scale_codes)", value, codes)
    counts = sub.assign(code=answered.astype(int)).groupby(["item", "round", "code"]).size()
    full = pd.MultiIndex.from_product([items, rounds, codes], names=["item", "round", "code"])
    out = counts.reindex(full, fill_value=0).rename("n").reset_index()
    totals = out.groupby(["item", "round"], sort=False)["n"].transform("sum")
    out["share"] = (out["n"] / totals.where(totals > 0)).astype(float)
    return out


def answer_moves(paired: pd.DataFrame) -> dict:
    """How many municipalities answered differently (``paired``: :func:`paired_scores`
    of one item); a distribution can stay the same while answers swap.

    Returns ``n_both`` (answered both rounds), ``n_up``, ``n_down`` (valid
    both times), ``n_dont_know_changed`` ("ved ikke" in exactly one round).
    """
    check_frame("paired", paired, ["dont_know_baseline", "dont_know_followup", "direction"])
    switched = paired["dont_know_baseline"].astype(bool) != paired["dont_know_followup"].astype(bool)
    return {"n_both": len(paired), "n_up": int((paired["direction"] == "up").sum()),
            "n_down": int((paired["direction"] == "down").sum()), "n_dont_know_changed": int(switched.sum())}
