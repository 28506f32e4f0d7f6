"""Tests of evaluation.data.dataset: the whole folder at once, and ``evaluation validate``.

Each test breaks one thing in a copy of the bundled data folder and checks
the exact problem reported.  Expected counts of the bundled data were made
by hand from the CSV files.
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from evaluation import config
from evaluation.cli import main
from evaluation.data import load_dataset, load_instrument, load_responses
from folder_edits import (  # noqa: F401 - fixtures
    FOLLOWUP,
    MUNIS,
    NARRATIVE,
    PARTICIPATION,
    PLAN,
    QUOTES,
    data,
    edit,
    messages_of,
    problems_of,
)




# ------------------------------------------------------------ the bundle
def test_bundled_dataset_loads():
    ds = load_dataset()
    assert ds.round_keys == ["udgangsmaaling-2017", "slutmaaling-2018", "opfoelgning-2019"]
    assert ds.rounds["order"].tolist() == [0, 1, 2]
    assert len(ds.municipalities) == 10 and len(ds.instrument.items) == 6
    assert list(ds.responses.columns) == ["round", "municipality", "item", "score", "dont_know"]
    assert len(ds.responses) == 3 * 10 * 6
    # The three "ved ikke" answers of the bundle, found with grep ",0$".
    dont_know = ds.responses[ds.responses["dont_know"]]
    assert sorted(zip(dont_know["round"], dont_know["municipality"], dont_know["item"])) == [
        ("opfoelgning-2019", "Kommune D", "kompetencer"),
        ("slutmaaling-2018", "Kommune H", "eksternt_samarbejde"),
        ("udgangsmaaling-2017", "Kommune I", "indsatser"),
    ]
    assert dont_know["score"].isna().all()
    assert ds.responses.loc[~ds.responses["dont_know"], "score"].between(1, 4).all()
    assert ds.responses["dont_know"].dtype == bool
    assert ds.round_label("slutmaaling-2018") == "Slutmåling"


def test_responses_are_sorted_by_round_municipality_and_item():
    ds = load_dataset()
    first = ds.responses.head(6)
    assert first["round"].unique().tolist() == ["udgangsmaaling-2017"]
    assert first["municipality"].unique().tolist() == ["Kommune A"]
    assert first["item"].tolist() == ds.instrument.items["item"].tolist()


def test_instrument_properties_and_code_for():
    inst = load_instrument()
    assert inst.parameters == ["beredskab", "indsatser", "internt_samarbejde", "eksternt_samarbejde", "kompetencer"]
    assert inst.context_items == ["radikalisering_udfordring"]
    assert inst.codes == [0, 1, 2, 3, 4] and inst.missing_codes == [0] and inst.valid_codes == [1, 2, 3, 4]
    assert inst.label("kompetencer") == "Kompetencer"
    assert inst.scale_label(4) == "I høj grad"
    cases = {"3": 3, "3.0": 3, " 2 ": 2, "I HØJ  GRAD": 4, "ved ikke": 0, "5": None, "2.5": None, "meget": None}
    assert {text: inst.code_for(text) for text in cases} == cases
    with pytest.raises(KeyError):
        inst.item("nope")


def test_a_municipality_may_be_absent_from_a_round(data):
    path = Path(FOLLOWUP)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("Kommune J,")), encoding="utf-8")
    responses = load_responses(data)
    followup = responses[responses["round"] == "opfoelgning-2019"]
    assert followup["municipality"].nunique() == 9 and "Kommune J" not in set(followup["municipality"])


# -------------------------------------------------------- the whole folder
def test_load_dataset_lists_problems_of_every_file(data):
    edit(PLAN, "Kommune J,udrullet,ikke_paabegyndt", "Kommune J,udrullet,rod")
    edit(FOLLOWUP, "Kommune A,beredskab,4", "Kommune A,beredskab,7")
    edit(QUOTES, "centrets_arbejde,", "centret,")
    edit(PARTICIPATION, "Kommune I,survey", "Kommune I,brev")
    edit(NARRATIVE, "[[sec:centre]]", "[[sec:centret]]")
    found = problems_of(lambda: load_dataset(data))
    assert [(f, r, c) for f, r, c, _ in found] == [
        (PARTICIPATION, 10, "mode"),
        (FOLLOWUP, 2, "score"),
        (PLAN, 31, "status"),
        (QUOTES, 20, "theme"),
        (NARRATIVE, 24, None),
    ]


def test_validate_command_valid(data, capsys):
    assert main(["validate", "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "valid. 10 municipalities, 3 rounds" in out and "opfoelgning-2019: 10" in out and "6 items" in out


def test_validate_command_invalid(data, capsys):
    edit(FOLLOWUP, "Kommune A,beredskab,4", "Kommune A,beredskab,7")
    assert main(["validate", "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 1 problem(s) in the input:")
    assert f"{FOLLOWUP}, row 2, column 'score'" in err and "(value: '7')" in err


def test_validate_command_missing_folder(tmp_path, capsys):
    assert main(["validate", "--data", str(tmp_path / "nowhere")]) == 2
    assert "file is missing" in capsys.readouterr().err
