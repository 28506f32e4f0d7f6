"""The bundled data reproduces the facts F1-F13 of the reference memo (MEMO.md, section 5).

Every fact is computed from the files through ``load_dataset()`` with plain
pandas; nothing here uses the analysis modules.  Means are over valid answers
(1-4): a "ved ikke" is NaN in ``score`` and pandas skips it.  Each fact is a
function of the responses frame, so that F13 can run every fact again on
frames with the "ved ikke" answers left out in two ways.
"""
from __future__ import annotations

import pandas as pd
import pytest

from evaluation.data import load_dataset

START, BASELINE, FOLLOWUP = "udgangsmaaling-2017", "slutmaaling-2018", "opfoelgning-2019"
PARAMETERS = ["beredskab", "indsatser", "internt_samarbejde", "eksternt_samarbejde", "kompetencer"]
TOL = 1e-9  # float slack for the 0.2 and 0.5 bounds


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def scores(responses: pd.DataFrame, round_key: str, item: str) -> pd.Series:
    """One round's answers to one item, by municipality (NaN for "ved ikke")."""
    rows = responses[(responses["round"] == round_key) & (responses["item"] == item)]
    return rows.set_index("municipality")["score"]


def mean(responses, round_key, item) -> float:
    return scores(responses, round_key, item).mean()  # skips NaN: valid answers only


def paired_change(responses, item) -> pd.Series:
    """Follow-up minus baseline, for municipalities with a valid answer in both."""
    both = pd.concat({"b": scores(responses, BASELINE, item), "f": scores(responses, FOLLOWUP, item)}, axis=1).dropna()
    return both["f"] - both["b"]


def plan(ds, round_key: str, phase: str) -> pd.Series:
    rows = ds.plan_status[(ds.plan_status["round"] == round_key) & (ds.plan_status["phase"] == phase)]
    return rows.set_index("municipality")["status"]


# ----------------------------------------------------------------- the facts
def f1(r, ds):
    names = [f"Kommune {c}" for c in "ABCDEFGHIJ"]
    assert sorted(ds.municipalities["municipality"]) == names
    for key in (START, BASELINE, FOLLOWUP):
        assert sorted(r.loc[r["round"] == key, "municipality"].unique()) == names, key


def f2(r, ds):
    assert ds.participation_of(FOLLOWUP)["mode"].value_counts().to_dict() == {"interview": 5, "survey": 5}


def f3(r, ds):
    for item in PARAMETERS:
        assert mean(r, BASELINE, item) > mean(r, START, item), item


def f4(r, ds):
    change = {item: mean(r, FOLLOWUP, item) - mean(r, BASELINE, item) for item in PARAMETERS}
    assert change["beredskab"] > 0
    assert change["indsatser"] > 0
    assert abs(change["internt_samarbejde"]) <= 0.2 + TOL
    steps = paired_change(r, "internt_samarbejde")
    assert (steps > 0).sum() >= 2 and (steps < 0).sum() >= 2
    assert -TOL <= change["eksternt_samarbejde"] <= 0.2 + TOL
    assert -0.5 < change["kompetencer"] < 0
    assert [item for item in PARAMETERS if change[item] < -TOL] == ["kompetencer"]


def f5(r, ds):
    assert (scores(r, FOLLOWUP, "beredskab") == 4).sum() >= 6


def f6(r, ds):
    assert (paired_change(r, "indsatser") < 0).sum() == 3


def f7(r, ds):
    answers = scores(r, FOLLOWUP, "eksternt_samarbejde").dropna()
    assert len(answers) > 0 and answers.isin([3, 4]).all()


def f8(r, ds):
    followup = scores(r, FOLLOWUP, "radikalisering_udfordring")
    baseline = scores(r, BASELINE, "radikalisering_udfordring")
    assert (followup == 3).sum() == 4
    assert followup[followup != 3].isin([1, 2]).all() and (followup != 3).sum() == 6
    assert followup.value_counts().sort_index().to_dict() == baseline.value_counts().sort_index().to_dict()


def f9(r, ds):
    top = r[(r["round"] == BASELINE) & r["item"].isin(PARAMETERS) & (r["score"] == 4)]
    per_municipality = top.groupby("municipality")["item"].nunique()
    assert (per_municipality >= 2).sum() >= 3


def f10(r, ds):
    drafted_before, drafted_after = plan(ds, BASELINE, "udarbejdet"), plan(ds, FOLLOWUP, "udarbejdet")
    assert drafted_before.value_counts().to_dict() == {"gennemfoert": 7, "i_proces": 3}
    assert drafted_after.value_counts().to_dict() == {"gennemfoert": 9, "i_proces": 1}
    still = drafted_after[drafted_after == "i_proces"].index
    assert set(still) <= set(drafted_before[drafted_before == "i_proces"].index)
    rolled_out = plan(ds, FOLLOWUP, "udrullet")
    assert len(rolled_out) == 10 and (rolled_out == "gennemfoert").sum() == 6
    assert rolled_out[rolled_out != "gennemfoert"].isin(["i_proces", "ikke_paabegyndt"]).all()


def f11(r, ds):
    drafted = plan(ds, FOLLOWUP, "udarbejdet")
    still = drafted[drafted == "i_proces"].index.tolist()
    assert len(still) == 1
    answer = scores(r, FOLLOWUP, "internt_samarbejde").reindex(still).dropna()
    assert len(answer) == 1 and answer.iloc[0] <= 2


def f12(r, ds):
    assert int(ds.municipalities["had_plan_before"].sum()) == 2
    assert int(ds.municipalities["used_centre_advice"].sum()) == 4


FACTS = {f"F{i}": fact for i, fact in enumerate([f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12], start=1)}


# ----------------------------------------------------------------- the tests
def test_the_five_parameters_are_the_memo_s(ds):
    assert ds.instrument.parameters == PARAMETERS


@pytest.mark.parametrize("name", list(FACTS))
def test_fact(ds, name):
    FACTS[name](ds.responses, ds)


def test_f13_dont_know_occurs_and_is_never_a_score(ds):
    r = ds.responses
    pair = r[r["round"].isin([BASELINE, FOLLOWUP])]
    assert pair["dont_know"].sum() >= 1
    assert r["score"].isna().equals(r["dont_know"])


def without_dont_know(r):
    """Available cases: the "ved ikke" rows dropped."""
    return r[~r["dont_know"]].reset_index(drop=True)


def complete_cases(r):
    """Complete cases: a municipality's item dropped from baseline and follow-up
    when either round has a "ved ikke" for it."""
    pair = r["round"].isin([BASELINE, FOLLOWUP])
    gaps = r.loc[pair & r["dont_know"], ["municipality", "item"]].drop_duplicates()
    key = pd.MultiIndex.from_frame(r[["municipality", "item"]])
    hit = key.isin(pd.MultiIndex.from_frame(gaps)) & pair
    assert hit.sum() == 2 * len(gaps)
    return r[~hit].reset_index(drop=True)


@pytest.mark.parametrize("leave_out", [without_dont_know, complete_cases], ids=["available-cases", "complete-cases"])
@pytest.mark.parametrize("name", list(FACTS))
def test_f13_every_fact_holds_with_dont_know_left_out(ds, leave_out, name):
    reduced = leave_out(ds.responses)
    assert len(reduced) < len(ds.responses)
    assert not reduced.loc[reduced["round"].isin([BASELINE, FOLLOWUP]), "dont_know"].any()
    FACTS[name](reduced, ds)



@pytest.mark.parametrize(
    "name, municipality, item, score",
    [
        ("F5", "Kommune A", "beredskab", 3.0),  # 5 answers of 4 left
        ("F6", "Kommune G", "indsatser", 3.0),  # 2 municipalities lower left
        ("F7", "Kommune D", "eksternt_samarbejde", 2.0),
        ("F8", "Kommune B", "radikalisering_udfordring", 3.0),  # 5 answers of 3
        ("F11", "Kommune J", "internt_samarbejde", 3.0),
    ],
)
def test_a_changed_answer_breaks_the_fact(ds, name, municipality, item, score):
    """The checks can fail: one follow-up answer changed by hand breaks the fact."""
    r = ds.responses.copy()
    at = (r["round"] == FOLLOWUP) & (r["municipality"] == municipality) & (r["item"] == item)
    assert at.sum() == 1 and r.loc[at, "score"].item() != score
    r.loc[at, "score"] = score
    with pytest.raises(AssertionError):
        FACTS[name](r, ds)
