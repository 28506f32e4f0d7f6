"""Tests of evaluation.data: the loaders of the data folder and ``evaluation validate``.

Each test breaks one thing in a copy of the bundled data folder (in tmp_path,
which is made the current directory so that problems name files as
``data/...``) and checks the exact problem reported.  Expected counts of the
bundled data were made by hand from the CSV files.
"""
from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from evaluation import config
from evaluation.cli import main
from evaluation.data import (
    load_dataset,
    load_instrument,
    load_municipalities,
    load_names,
    load_plan_status,
    load_quotes,
    load_responses,
    load_rounds,
)
from evaluation.exceptions import DataError

FOLLOWUP = "data/responses/opfoelgning-2019.csv"


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    """A copy of the bundled data folder; the current directory is its parent."""
    shutil.copytree(config.DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns("private"))
    monkeypatch.chdir(tmp_path)
    return Path("data")


def edit(path: Path | str, old: str, new: str, count: int = 1) -> None:
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def problems_of(call) -> list[tuple]:
    with pytest.raises(DataError) as caught:
        call()
    return [(p.file, p.row, p.column, p.value) for p in caught.value.problems]


def messages_of(call) -> list[str]:
    with pytest.raises(DataError) as caught:
        call()
    return [p.message for p in caught.value.problems]


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


# ------------------------------------------------------------ instrument
def test_instrument_missing(data):
    (data / "instrument.yml").unlink()
    assert problems_of(lambda: load_instrument(data)) == [("data/instrument.yml", None, None, None)]


def test_instrument_not_yaml(data):
    (data / "instrument.yml").write_text("scale: [\n", encoding="utf-8")
    assert messages_of(lambda: load_instrument(data))[0].startswith("not readable as UTF-8 YAML")


def test_instrument_not_a_mapping(data):
    (data / "instrument.yml").write_text("- a\n- b\n", encoding="utf-8")
    assert messages_of(lambda: load_instrument(data)) == ["expected a mapping at the top level"]


def test_instrument_item_without_question(data):
    edit(data / "instrument.yml", "    question: >-\n      I hvilken grad vurderer I, at der er etableret beredskab", "    spoergsmaal: >-\n      x")
    found = problems_of(lambda: load_instrument(data))
    assert [(f, r, c) for f, r, c, _ in found] == [("data/instrument.yml", None, "items")]
    assert found[0][3]["key"] == "beredskab"


def test_instrument_bad_kind(data):
    edit(data / "instrument.yml", "kind: context", "kind: kontekst")
    assert problems_of(lambda: load_instrument(data)) == [("data/instrument.yml", None, "kind", "kontekst")]


def test_instrument_item_key_twice(data):
    edit(data / "instrument.yml", "key: indsatser", "key: beredskab")
    assert problems_of(lambda: load_instrument(data)) == [("data/instrument.yml", None, "item", "beredskab")]


def test_instrument_code_zero_must_be_missing(data):
    edit(data / "instrument.yml", '{code: 0, label: "Ved ikke", missing: true}', '{code: 0, label: "Ved ikke", missing: false}')
    edit(data / "instrument.yml", '{code: 1, label: "Slet ikke", missing: false}', '{code: 1, label: "Slet ikke", missing: true}')
    assert problems_of(lambda: load_instrument(data)) == [("data/instrument.yml", None, "scale", None)]


def test_instrument_code_must_be_an_integer(data):
    edit(data / "instrument.yml", "{code: 4,", "{code: true,")
    found = problems_of(lambda: load_instrument(data))
    assert [(f, c) for f, _, c, _ in found] == [("data/instrument.yml", "scale")]


# ----------------------------------------------------------------- rounds
def test_rounds_unsorted(data):
    edit(data / "rounds.yml", "date: 2019-03-01", "date: 2018-03-01")
    assert problems_of(lambda: load_rounds(data)) == [("data/rounds.yml", None, "date", None)]
    assert "chronological" in messages_of(lambda: load_rounds(data))[0]


def test_rounds_key_twice(data):
    edit(data / "rounds.yml", "key: opfoelgning-2019", "key: slutmaaling-2018")
    assert problems_of(lambda: load_rounds(data)) == [("data/rounds.yml", None, "key", "slutmaaling-2018")]


@pytest.mark.parametrize("date", ["2019-13-01", "snart"])
def test_rounds_bad_date(data, date):
    edit(data / "rounds.yml", "date: 2019-03-01", f"date: {date}")
    found = problems_of(lambda: load_rounds(data))
    assert len(found) == 1 and found[0][0] == "data/rounds.yml"


def test_rounds_key_with_path_characters(data):
    edit(data / "rounds.yml", "key: opfoelgning-2019", "key: ../opfoelgning-2019")
    assert problems_of(lambda: load_rounds(data)) == [("data/rounds.yml", None, "key", "../opfoelgning-2019")]


def test_rounds_entry_without_label(data):
    edit(data / "rounds.yml", "    label: Opfølgning\n", "")
    found = problems_of(lambda: load_rounds(data))
    assert [(f, c) for f, _, c, _ in found] == [("data/rounds.yml", "rounds")]


def test_round_file_missing(data):
    Path(FOLLOWUP).unlink()
    assert problems_of(lambda: load_responses(data)) == [(FOLLOWUP, None, None, "opfoelgning-2019")]


def test_unknown_round_file(data):
    shutil.copy(FOLLOWUP, data / "responses" / "opfoelgning-2020.csv")
    assert problems_of(lambda: load_responses(data)) == [("data/responses/opfoelgning-2020.csv", None, None, "opfoelgning-2020")]
    assert "unknown round" in messages_of(lambda: load_responses(data))[0]


# --------------------------------------------------------- municipalities
MUNIS = "data/municipalities.csv"


def test_municipality_name_empty(data):
    edit(MUNIS, "Kommune C,interview", ",interview")
    found = problems_of(lambda: load_municipalities(data))
    assert found == [(MUNIS, 4, "municipality", "")]


def test_municipality_twice(data):
    edit(MUNIS, "Kommune D,", "Kommune C,")
    assert problems_of(lambda: load_municipalities(data)) == [(MUNIS, 5, "municipality", "Kommune C")]


def test_municipality_bad_mode_and_truth_value(data):
    edit(MUNIS, "Kommune F,survey,false", "Kommune F,spoergeskema,ja")
    assert problems_of(lambda: load_municipalities(data)) == [
        (MUNIS, 7, "followup_mode", "spoergeskema"),
        (MUNIS, 7, "had_plan_before", "ja"),
    ]


def test_municipality_truth_values_in_any_case(data):
    edit(MUNIS, "Kommune B,interview,true", "Kommune B,interview,TRUE")
    frame = load_municipalities(data)
    assert frame.loc[frame["municipality"] == "Kommune B", "had_plan_before"].item() is True


def test_municipality_missing_column(data):
    edit(MUNIS, ",used_centre_advice", "")
    found = problems_of(lambda: load_municipalities(data))
    assert found == [(MUNIS, 1, None, "municipality,followup_mode,had_plan_before")]


def test_municipality_row_with_too_many_fields(data):
    edit(MUNIS, "Kommune E,interview,false,false", "Kommune E,interview,false,false,x")
    assert problems_of(lambda: load_municipalities(data)) == [(MUNIS, 6, None, "Kommune E,interview,false,false,x")]


def test_municipalities_header_only(data):
    Path(MUNIS).write_text("municipality,followup_mode,had_plan_before,used_centre_advice\n", encoding="utf-8")
    assert problems_of(lambda: load_municipalities(data)) == [(MUNIS, None, None, None)]


def test_municipalities_header_with_a_column_twice(data):
    edit(MUNIS, "used_centre_advice\n", "used_centre_advice,municipality\n")
    found = problems_of(lambda: load_municipalities(data))
    assert found == [(MUNIS, 1, None, "municipality,followup_mode,had_plan_before,used_centre_advice,municipality")]


# ------------------------------------------------------------ plan status
PLAN = "data/plan_status.csv"


def test_plan_status_bad_values(data):
    edit(PLAN, "slutmaaling-2018,Kommune A,udarbejdet,gennemfoert", "slutmaaling-2018,Kommune A,udarbejdet,groen")
    edit(PLAN, "opfoelgning-2019,Kommune B,godkendt,", "opfoelgning-2019,Kommune B,vedtaget,")
    edit(PLAN, "udgangsmaaling-2017,Kommune C,udrullet,", "udgangsmaaling-2016,Kommune C,udrullet,")
    edit(PLAN, "opfoelgning-2019,Kommune J,udrullet,", "opfoelgning-2019,Kommune Z,udrullet,")
    # Rows (header = 1): slutmaaling A udarbejdet 32, opfoelgning B godkendt 66,
    # udgangsmaaling C udrullet 10, opfoelgning J udrullet 91.
    assert problems_of(lambda: load_plan_status(data)) == [
        (PLAN, 10, "round", "udgangsmaaling-2016"),
        (PLAN, 91, "municipality", "Kommune Z"),
        (PLAN, 66, "phase", "vedtaget"),
        (PLAN, 32, "status", "groen"),
    ]


def test_plan_status_phase_twice(data):
    edit(PLAN, "opfoelgning-2019,Kommune A,godkendt,", "opfoelgning-2019,Kommune A,udarbejdet,")
    assert problems_of(lambda: load_plan_status(data)) == [(PLAN, 63, "phase", "opfoelgning-2019 / Kommune A / udarbejdet")]


# -------------------------------------------------------------- responses
def test_answer_twice(data):
    edit(FOLLOWUP, "Kommune B,indsatser,", "Kommune B,beredskab,")
    found = problems_of(lambda: load_responses(data))
    # Row 9 is Kommune B's indsatser (A has rows 2-7, B starts at 8).
    assert (FOLLOWUP, 9, "item", "Kommune B / beredskab") in found
    assert (FOLLOWUP, 8, "item", "Kommune B / indsatser") in found  # ... so indsatser is missing
    assert len(found) == 2


def test_item_missing(data):
    edit(FOLLOWUP, "Kommune C,kompetencer,3\n", "")
    lines = Path(FOLLOWUP).read_text(encoding="utf-8").splitlines()
    assert lines[13].startswith("Kommune C,beredskab")  # row 14
    assert problems_of(lambda: load_responses(data)) == [(FOLLOWUP, 14, "item", "Kommune C / kompetencer")]


@pytest.mark.parametrize("score", ["7", "-1", "3.0", "tre", "²", ""])
def test_score_not_a_code(data, score):
    edit(FOLLOWUP, "Kommune A,beredskab,4", f"Kommune A,beredskab,{score}")
    assert problems_of(lambda: load_responses(data)) == [(FOLLOWUP, 2, "score", score)]


def test_unknown_item_and_municipality(data):
    edit(FOLLOWUP, "Kommune A,beredskab,4", "Kommune Z,beredskab,4")
    edit(FOLLOWUP, "Kommune J,indsatser,", "Kommune J,indsats,")
    found = problems_of(lambda: load_responses(data))
    assert (FOLLOWUP, 2, "municipality", "Kommune Z") in found
    assert (FOLLOWUP, 57, "item", "indsats") in found


def test_response_file_empty(data):
    Path(FOLLOWUP).write_bytes(b"")
    assert problems_of(lambda: load_responses(data)) == [(FOLLOWUP, None, None, None)]
    assert messages_of(lambda: load_responses(data)) == ["file is empty"]


def test_response_file_header_only(data):
    Path(FOLLOWUP).write_text("municipality,item,score\n", encoding="utf-8")
    assert messages_of(lambda: load_responses(data)) == ["file has a header but no answers"]


def test_response_file_not_utf8(data):
    Path(FOLLOWUP).write_bytes("municipality,item,score\nKommune A,beredskab,ø\n".encode("cp1252"))
    assert messages_of(lambda: load_responses(data))[0].startswith("not readable as UTF-8 CSV")


def test_response_file_with_bom_and_crlf_loads(data):
    text = Path(FOLLOWUP).read_text(encoding="utf-8")
    Path(FOLLOWUP).write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    responses = load_responses(data)
    assert len(responses) == 180
    row = responses[(responses["round"] == "opfoelgning-2019") & (responses["municipality"] == "Kommune D") & (responses["item"] == "kompetencer")]
    assert math.isnan(row["score"].item()) and row["dont_know"].item()


# ------------------------------------------------------- quotes and names
def test_quotes_bad_theme_and_empty_text(data):
    edit("data/quotes.csv", "beredskab,Koordinator,Kommune A,", "beredskaber,Koordinator,Kommune A,")
    edit("data/quotes.csv", '"Vi har fået et overblik over de tilbud, vi kan sætte i gang, så vi ikke starter forfra for hver borger."', '""')
    assert problems_of(lambda: load_quotes(data)) == [
        ("data/quotes.csv", 7, "theme", "beredskaber"),
        ("data/quotes.csv", 9, "text", ""),
    ]


def test_quotes_allow_an_empty_municipality():
    quotes = load_quotes()
    assert (quotes["municipality"] == "").sum() == 4  # the centre's four quotes


def test_names_absent_and_present(data):
    assert load_names(data) == {}
    (data / "private").mkdir()
    (data / "private" / "names.csv").write_text("municipality,name\nKommune A,Eksempelby\n", encoding="utf-8")
    assert load_names(data) == {"Kommune A": "Eksempelby"}


# -------------------------------------------------------- the whole folder
def test_load_dataset_lists_problems_of_every_file(data):
    edit(PLAN, "opfoelgning-2019,Kommune J,udrullet,ikke_paabegyndt", "opfoelgning-2019,Kommune J,udrullet,rod")
    edit(FOLLOWUP, "Kommune A,beredskab,4", "Kommune A,beredskab,7")
    edit("data/quotes.csv", "centrets_arbejde,", "centret,")
    found = problems_of(lambda: load_dataset(data))
    assert [(f, r, c) for f, r, c, _ in found] == [
        (FOLLOWUP, 2, "score"),
        (PLAN, 91, "status"),
        ("data/quotes.csv", 17, "theme"),
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
