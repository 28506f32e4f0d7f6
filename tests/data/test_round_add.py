"""Tests of evaluation.data.round_add and ``evaluation round add``: checks first, then templates."""
from __future__ import annotations

import shutil

import pytest

from evaluation import config
from evaluation.cli import main
from evaluation.data import NARRATIVE_SECTIONS, ROUND_FILES, load_dataset, load_rounds
from evaluation.data.material import missing_for_round
from evaluation.data.round_add import add_round, complete_round_folder
from evaluation.exceptions import DataError


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, target, ignore=shutil.ignore_patterns("private"))
    return target


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_add_round_appends_and_creates_templates(folder):
    before = (folder / "rounds.yml").read_text(encoding="utf-8")
    target = add_round("opfoelgning-2020", label="Opfølgning", date="2020-03-01", definite="opfølgningen 2020",
                       data=folder)
    assert target == folder / "rounds" / "opfoelgning-2020"
    assert sorted(p.name for p in target.iterdir()) == sorted(ROUND_FILES)
    text = (folder / "rounds.yml").read_text(encoding="utf-8")
    assert text.startswith(before)  # comments and earlier rounds kept as written
    rounds = load_rounds(folder)
    assert rounds["round"].tolist()[-1] == "opfoelgning-2020"
    assert rounds["definite"].tolist()[-1] == "opfølgningen 2020"
    ds = load_dataset(folder)  # the templates are valid
    assert "opfoelgning-2020" not in set(ds.responses["round"])
    # The skeleton lists every section id, each with its hint.
    skeleton = (target / "narrative.md").read_text(encoding="utf-8")
    for section, (_required, hint) in NARRATIVE_SECTIONS.items():
        assert f"[[{section}]]" in skeleton and hint in skeleton
    assert "[[sec:item:kompetencer]]" in skeleton
    # A new round lacks everything a final memo needs, and says so.
    missing = {m.key for m in missing_for_round(ds, "opfoelgning-2020")}
    assert {"responses.csv", "plan_status.csv", "participation.csv", "narrative.md#sec:purpose"} <= missing


@pytest.mark.parametrize(
    "key, kw, column",
    [
        ("opfoelgning-2019", {}, "key"),  # exists
        ("../x", {}, "key"),
        ("runde 4", {}, "key"),
        ("opfoelgning-2020", {"date": "2019-01-01"}, "date"),  # before the last round (2019-03-01)
        ("opfoelgning-2020", {"date": "2020-02-30"}, "date"),
        ("opfoelgning-2020", {"definite": "opfølgningen"}, "definite"),  # same as 2019's
        ("opfoelgning-2020", {"definite": "Slutmålingen"}, "definite"),  # any letter case
        ("opfoelgning-2020", {"label": "  "}, "label"),
    ],
)
def test_add_round_refuses_and_writes_nothing(folder, key, kw, column):
    before = snapshot(folder)
    args = {"label": "Opfølgning", "date": "2020-03-01", "definite": "opfølgningen 2020", **kw}
    with pytest.raises(DataError) as caught:
        add_round(key, data=folder, **args)
    assert column in [p.column for p in caught.value.problems]
    assert snapshot(folder) == before


def test_cli_round_add_and_its_exit_codes(folder, capsys):
    args = ["round", "add", "opfoelgning-2020", "--label", "Opfølgning", "--date", "2020-03-01",
            "--definite", "opfølgningen 2020", "--data", str(folder)]
    assert main(args) == 0
    assert "evaluation import" in capsys.readouterr().out
    assert main(args) == 2  # the key exists now
    assert "round key already exists" in capsys.readouterr().err


def test_complete_round_folder_never_overwrites(folder):
    target = folder / "rounds" / "opfoelgning-2019"
    (target / "quotes.csv").unlink()
    answers = (target / "responses.csv").read_bytes()
    written = complete_round_folder("opfoelgning-2019", folder)
    assert [p.name for p in written] == ["quotes.csv"]
    assert (target / "responses.csv").read_bytes() == answers
    assert (target / "quotes.csv").read_text(encoding="utf-8") == "id,theme,role,municipality,text\n"
