"""A short, plain summary of a data folder (what ``evaluation summary`` prints)."""
from __future__ import annotations

import pandas as pd

from .contract import Dataset
from .responses import not_answered

__all__ = ["data_summary"]


def data_summary(ds: Dataset) -> pd.DataFrame:
    """Count answers per round and item.

    Returns
    -------
    DataFrame
        One row per round and item: ``round``, ``item``, ``n_municipalities``,
        ``n_valid``, ``n_dont_know``, ``n_not_answered`` (blank scores), ``mean`` (over valid answers, NaN when
        there are none).
    """
    grouped = ds.responses.assign(blank=not_answered(ds.responses)).groupby(["round", "item"], sort=False)
    out = grouped.agg(
        n_municipalities=("municipality", "nunique"),
        n_valid=("score", "count"),
        n_dont_know=("dont_know", "sum"),
        n_not_answered=("blank", "sum"),
        mean=("score", "mean"),
    ).reset_index()
    out[["n_dont_know", "n_not_answered"]] = out[["n_dont_know", "n_not_answered"]].astype(int)
    return out
