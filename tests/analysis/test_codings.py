"""Tests of evaluation.analysis.codings, against counts made by hand.

The fixture: three interviewed municipalities K1-K3 (K4 answered the survey
and has no codings), the centre, four codes of two themes.  Hand counts:
``a`` K1, K2 (2 of 3); ``b`` K2 (1 of 3); ``c`` nobody (0 of 3);
``z`` the centre (1 of 1).
"""
from __future__ import annotations

import pandas as pd
import pytest

from evaluation.analysis.codings import code_counts, framework_matrix, triangulation
from evaluation.exceptions import ParameterError

CODES = pd.DataFrame({
    "code": ["c", "b", "a", "z"],
    "theme": ["t1", "t1", "t2", "t3"],
    "label": ["C", "B", "A", "Z"],
    "parameter": ["p", "p", "p", ""],
    "direction": ["progress", "progress", "problem", "progress"],
    "sources": ["municipalities", "municipalities", "municipalities", "centre"],
})
CODINGS = pd.DataFrame({"source": ["K2", "K1", "K2", "centret"], "code": ["a", "a", "b", "z"]})
INTERVIEWED = ["K3", "K1", "K2"]


def test_counts_by_hand():
    out = code_counts(CODINGS, CODES, INTERVIEWED)
    assert out.columns.tolist() == ["theme", "code", "label", "n_sources", "n_interviewed", "sources", "direction",
                                    "parameter", "about"]
    # Theme order of the codebook; within t1 the most frequent (b: 1) before c (0).
    assert out[["code", "n_sources", "n_interviewed", "sources"]].values.tolist() == [
        ["b", 1, 3, "K2"], ["c", 0, 3, ""], ["a", 2, 3, "K1; K2"], ["z", 1, 1, "centret"]]


def test_never_counted_over_more_than_the_interviewed():
    # A coding of a source outside the interviewed set (a caller's mistake) is not counted.
    out = code_counts(pd.concat([CODINGS, pd.DataFrame({"source": ["K9"], "code": ["a"]})]), CODES, INTERVIEWED)
    assert out.set_index("code").loc["a", "n_sources"] == 2
    assert (out["n_sources"] <= out["n_interviewed"]).all()


def test_no_interviews_and_no_centre():
    out = code_counts(CODINGS.iloc[:0], CODES, [])
    assert out["n_sources"].tolist() == [0, 0, 0, 0] and out["n_interviewed"].tolist() == [0, 0, 0, 0]


def test_ties_keep_codebook_order():
    codings = pd.DataFrame({"source": ["K1", "K1"], "code": ["c", "b"]})
    assert code_counts(codings, CODES, INTERVIEWED)["code"].tolist()[:2] == ["c", "b"]


def test_matrix_equals_the_codings():
    long = framework_matrix(CODINGS, CODES, ["K1", "K2", "K3", "centret"])
    assert len(long) == 16
    coded = set(map(tuple, long.loc[long["coded"], ["source", "code"]].values))
    assert coded == set(zip(CODINGS["source"], CODINGS["code"]))


def test_triangulation_by_hand():
    tri = triangulation(CODINGS, CODES, INTERVIEWED, ["p", "q"]).set_index("item")
    # p: progress code b (K2), problem code a (K1, K2); q: no code bears on it.
    assert tri.loc["p"].to_dict() == {"n_interviewed": 3, "n_codes": 3, "n_progress": 1, "n_problem": 2,
                                      "top_progress": "b", "top_problem": "a", "n_top_progress": 1, "n_top_problem": 2}
    assert tri.loc["q", "n_codes"] == 0 and tri.loc["q", "top_progress"] == ""


def test_bundled_counts_by_hand():
    from evaluation.data import load_dataset

    ds = load_dataset()
    codings = ds.codings[ds.codings["round"] == "opfoelgning-2019"]
    interviewed = ["Kommune A", "Kommune B", "Kommune E", "Kommune G", "Kommune J"]
    counts = code_counts(codings, ds.codebook.codes, interviewed).set_index("code")
    # Counted by hand in data/rounds/opfoelgning-2019/codings.csv.
    expected = {"registrering": 4, "udveksling_afklaret": 4, "ledelsesansvar": 3, "udveksling_uklar": 1,
                "infohus": 5, "faa_henvendelser": 5, "bevidst_om_mangler": 4, "generel_forebyggelse": 3,
                "plan_under_udarbejdelse": 1, "procesfacilitering": 1}
    assert {c: int(counts.loc[c, "n_sources"]) for c in expected} == expected
    assert counts.loc["procesfacilitering", "n_interviewed"] == 1 and counts.loc["infohus", "n_interviewed"] == 5
    tri = triangulation(codings, ds.codebook.codes, interviewed, ["kompetencer"]).iloc[0]
    # Progress on competences: kontaktvej A B E G, handlekort A B, centrets_raadgivning J -> all 5;
    # problems: bevidst_om_mangler A E G J, faa_uddannet J -> 4.
    assert (tri["n_progress"], tri["n_problem"], tri["top_problem"]) == (5, 4, "bevidst_om_mangler")


def test_bad_frames_are_refused():
    with pytest.raises(ParameterError, match="codings"):
        code_counts(pd.DataFrame({"who": []}), CODES, [])
