"""Tests of evaluation.data.summary against counts made by hand."""
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from evaluation.data import load_dataset
from evaluation.data.summary import data_summary


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_columns_and_one_row_per_round_and_item(ds):
    out = data_summary(ds)
    assert list(out.columns) == ["round", "item", "n_municipalities", "n_valid", "n_dont_know", "n_not_answered", "mean"]
    assert len(out) == 3 * 6
    assert out["round"].tolist()[:6] == ["udgangsmaaling-2017"] * 6
    assert out["item"].tolist()[:6] == ds.instrument.items["item"].tolist()


def test_bundled_counts(ds):
    out = data_summary(ds).set_index(["round", "item"])
    # data/responses/slutmaaling-2018.csv: one "ved ikke" on eksternt_samarbejde.
    row = out.loc[("slutmaaling-2018", "eksternt_samarbejde")]
    assert (row["n_municipalities"], row["n_valid"], row["n_dont_know"]) == (10, 9, 1)
    # data/responses/opfoelgning-2019.csv: one "ved ikke" on kompetencer.
    row = out.loc[("opfoelgning-2019", "kompetencer")]
    assert (row["n_municipalities"], row["n_valid"], row["n_dont_know"]) == (10, 9, 1)
    assert out.loc[("slutmaaling-2018", "beredskab"), "mean"] == pytest.approx(3.2)


def test_dont_know_is_left_out_of_the_mean_and_an_all_missing_item_has_nan(ds):
    responses = pd.DataFrame(
        {
            "round": ["r1"] * 5,
            "municipality": ["A", "B", "C", "D", "A"],
            "item": ["x", "x", "x", "x", "y"],
            "score": [4.0, 1.0, np.nan, np.nan, np.nan],
            "dont_know": [False, False, True, False, True],
        }
    )
    before = responses.copy()
    out = data_summary(replace(ds, responses=responses))
    pd.testing.assert_frame_equal(responses, before)
    # By hand: x has answers 4 and 1, one "ved ikke" and one blank (D) -> mean 2.5 over 2.
    assert out.to_dict("records")[0] == {
        "round": "r1", "item": "x", "n_municipalities": 4, "n_valid": 2, "n_dont_know": 1, "n_not_answered": 1, "mean": 2.5,
    }
    last = out.to_dict("records")[1]
    assert (last["n_municipalities"], last["n_valid"], last["n_dont_know"]) == (1, 0, 1)
    assert math.isnan(last["mean"])
