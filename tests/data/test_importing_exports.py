"""Survey exports as the tools write them, imported through ``evaluation import``.

The exports are built by ``tests/exports/make_exports.py`` from the bundled
follow-up answers, with each tool's metadata, previews, unfinished attempts,
invited contacts who never answered, corrected second submissions, real
municipality names and a question left blank.  Each must import as exactly the
contract file its answers give (``Export.expected_csv``), report every row it
drops, keep a provenance record and load with ``evaluation validate``.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from evaluation import config
from evaluation.cli import main
from evaluation.data import load_dataset
from exports.make_exports import REAL_NAMES, make_exports, names_csv

NEW = "opfoelgning-2020"
IMPORTS_ALONE = ["surveyxact.xlsx", "surveyxact.csv", "qualtrics.csv", "qualtrics.xlsx", "msforms.xlsx",
                 "googleforms.csv", "googleforms_excel_da.csv", "surveymonkey.csv", "surveymonkey_custom_data.csv"]


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    return make_exports(tmp_path_factory.mktemp("exports"))


@pytest.fixture
def data(tmp_path) -> Path:
    """The bundled data with an empty extra round and the private name map of the exports."""
    folder = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, folder, ignore=shutil.ignore_patterns("private"))
    assert main(["round", "add", NEW, "--label", "Opfølgning", "--date", "2020-03-01", "--definite",
                 "opfølgningen 2020", "--data", str(folder)]) == 0
    (folder / "private").mkdir()
    (folder / "private" / "names.csv").write_text(names_csv(), encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run_import(path: Path, data: Path, *options: str) -> int:
    return main(["import", str(path), "--round", NEW, "--data", str(data), *options])


def refused(path: Path, data: Path, capsys, *options: str) -> str:
    before = snapshot(data)
    source = path.read_bytes()
    assert run_import(path, data, *options) == 2
    assert snapshot(data) == before, "the data folder changed"
    assert path.read_bytes() == source
    return capsys.readouterr().err


@pytest.mark.parametrize("name", IMPORTS_ALONE)
def test_each_tool_export_imports_exactly_and_validates(name, exports, data, capsys):
    export = exports[name]
    source = export.path.read_bytes()
    assert run_import(export.path, data, *export.options) == 0
    round_dir = config.round_dir(NEW, data)
    assert (round_dir / "responses.csv").read_text(encoding="utf-8") == export.expected_csv()
    assert export.path.read_bytes() == source, "the export changed"
    record = yaml.safe_load((round_dir / "import.yml").read_text(encoding="utf-8"))
    assert record["source"] == {"file": name, "sha256": hashlib.sha256(source).hexdigest(),
                                "read_as": record["source"]["read_as"]}
    assert record["tool"] == export.tool
    assert sorted(r["municipality"] for r in record["rows"] if r["kept"]) == sorted(export.expected)
    assert all(r.get("reason") for r in record["rows"] if not r["kept"])
    capsys.readouterr()
    assert main(["validate", "--data", str(data)]) == 0
    responses = load_dataset(data).responses
    new = responses[responses["round"] == NEW]
    blanks = {(m, i) for m, a in export.expected.items() for i, c in a.items() if c is None}
    not_answered = new[new["score"].isna() & ~new["dont_know"]]
    assert set(zip(not_answered["municipality"], not_answered["item"])) == blanks
    ved_ikke = {(m, i) for m, a in export.expected.items() for i, c in a.items() if c == 0}
    assert set(zip(new.loc[new["dont_know"], "municipality"], new.loc[new["dont_know"], "item"])) == ved_ikke


def test_real_names_are_never_written_outside_the_private_map(exports, data, capsys):
    for name in ("qualtrics.csv", "msforms.xlsx"):
        assert run_import(exports[name].path, data, "--replace") == 0
    report = capsys.readouterr().out
    assert "10 row(s) by real name through private/names.csv" in report
    written = {k: v for k, v in snapshot(data).items() if not k.startswith("private")}
    for real in REAL_NAMES.values():
        assert real not in report
        assert not [k for k, v in written.items() if real.encode("utf-8") in v], real


@pytest.mark.parametrize("name, dropped", [
    ("qualtrics.csv", {4: "a survey preview (Status = Survey Preview)",
                       8: "an unfinished attempt (Finished = False, Progress = 40 %)"}),
    ("surveyxact.xlsx", {4: "no answer to any item (an invited contact who never answered)"}),
    ("msforms.xlsx", {6: "an earlier response of Kommune E: row 7 is later "
                         "(Completion time 2019-02-12 09:25:00 < 2019-02-12 11:10:00)"}),
    ("googleforms.csv", {3: "an earlier response of Kommune B: row 4 is later "
                            "(Timestamp 2019-02-12 08:22:00 < 2019-02-12 12:22:00)"}),
])
def test_dry_run_lists_every_row_and_writes_nothing(name, dropped, exports, data, capsys):
    before = snapshot(data)
    assert run_import(exports[name].path, data, "--dry-run") == 0
    assert snapshot(data) == before
    out = capsys.readouterr().out
    for row, reason in dropped.items():
        assert f"  row {row}: dropped: {reason}\n" in out
    kept = [line for line in out.splitlines() if ": kept: " in line]
    assert sorted(line.split(": kept: ")[1] for line in kept) == sorted(exports[name].expected)
    assert "dry run: nothing written" in out


def test_dry_run_names_the_layout_the_columns_and_what_is_ignored(exports, data, capsys):
    assert run_import(exports["qualtrics.csv"].path, data, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "layout: Qualtrics, header row(s) 1, 2, 3, answers from row 4" in out
    assert "municipality: column 'Q1'" in out and "time stamp: column 'RecordedDate'" in out
    assert "  beredskab <- column 'Q2_1'\n" in out and "  radikalisering_udfordring <- column 'Q3'\n" in out
    assert "ignored columns (17):" in out  # 16 metadata columns (RecordedDate is the time stamp) and Q4
    assert "  'Q4': not an item of the instrument\n" in out
    assert "59 answers (of them 1 'ved ikke'), 1 not answered (blank cells)" in out


def test_numeric_qualtrics_export_is_refused_without_a_value_map(exports, data, capsys):
    path = exports["qualtrics_numeric.csv"].path
    err = refused(path, data, capsys)
    for column in ("Q2_1", "Q2_2", "Q2_3", "Q2_4", "Q2_5", "Q3"):
        assert f"{path}, row 5, column {column!r}: numeric answers, but the Qualtrics export does not say" in err
    assert "value map" in err


def test_numeric_qualtrics_export_imports_with_a_value_map(exports, data, tmp_path, capsys):
    mapping = tmp_path / "map.yml"
    mapping.write_text("values:\n  '1': 4\n  '2': 3\n  '3': 2\n  '4': 1\n  '5': 0\n", encoding="utf-8")
    assert run_import(exports["qualtrics_numeric.csv"].path, data, "--mapping", str(mapping)) == 0
    expected = exports["qualtrics_numeric.csv"].expected_csv()
    assert config.round_file(NEW, data).read_text(encoding="utf-8") == expected
    assert expected == exports["qualtrics.csv"].expected_csv()


def test_saved_mapping_reimports_the_same_bytes_and_reads_the_codes_only_text_form(exports, data, tmp_path, capsys):
    mapping = tmp_path / "surveyxact.yml"
    assert run_import(exports["surveyxact.xlsx"].path, data, "--save-mapping", str(mapping)) == 0
    first = config.round_file(NEW, data).read_bytes()
    saved = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    assert saved["items"]["beredskab"] == "s_1" and saved["values"] == {"1": 4, "2": 3, "3": 2, "4": 1, "5": 0}
    assert run_import(exports["surveyxact.xlsx"].path, data, "--replace", "--mapping", str(mapping)) == 0
    assert config.round_file(NEW, data).read_bytes() == first
    codes = exports["surveyxact_codes.csv"].path
    err = refused(codes, data, capsys, "--replace")
    assert "item missing: no column for item 'beredskab'" in err and "columns not recognised: s_1, s_2" in err
    assert run_import(codes, data, "--replace", "--mapping", str(mapping)) == 0
    assert config.round_file(NEW, data).read_bytes() == first


def test_every_problem_at_once_even_without_a_municipality_column(exports, data, tmp_path, capsys):
    text = exports["surveymonkey_custom_data.csv"].path.read_text(encoding="utf-8")
    path = tmp_path / "broken.csv"
    path.write_text(text.replace("I nogen grad", "Nogenlunde", 1), encoding="utf-8")
    err = refused(path, data, capsys)
    assert "no municipality column" in err and "--municipality-column" in err
    assert f"{path}, row 3, column 'Hvor langt er kommunen med arbejdet? Vurdér hvert område / Indsatser': " \
           "answer is not a label on the scale" in err
    assert "(value: 'Nogenlunde')" in err


def test_two_responses_with_the_same_time_stamp_are_refused_naming_both(exports, data, tmp_path, capsys):
    lines = exports["googleforms.csv"].path.read_text(encoding="utf-8").splitlines()
    stamp = lines[2].split(",")[0]
    lines[3] = ",".join([stamp] + lines[3].split(",")[1:])
    path = tmp_path / "same.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = refused(path, data, capsys)
    assert "Kommune B answered more than once (rows 3, 4) and two responses have the same latest time stamp" in err


def test_unknown_real_name_is_refused_with_file_row_column_and_value(exports, data, tmp_path, capsys):
    text = exports["msforms.xlsx"].path
    import openpyxl

    book = openpyxl.load_workbook(text)
    book["Sheet1"]["G3"] = "Nowhere Kommune"
    path = tmp_path / "forms.xlsx"
    book.save(path)
    err = refused(path, data, capsys)
    assert f"{path}, row 3, column 'Hvilken kommune repræsenterer du?': unknown municipality" in err
    assert "(value: 'Nowhere Kommune')" in err


# ------------------------------------------------------------ the pieces
@pytest.mark.parametrize("text, tool, expected", [
    ("2019-02-12 09:31:05", "qualtrics", "2019-02-12 09:31:05"),
    ("02/12/2019 09:31:05 PM", "surveymonkey", "2019-02-12 21:31:05"),  # month first
    ("2019/02/12 9:31:05 AM GMT+1", "googleforms", "2019-02-12 08:31:05"),  # to UTC
    ("2019/07/01 12:05:00 AM GMT+2", "googleforms", "2019-06-30 22:05:00"),
    ("12-02-2019 09:31:05", "surveyxact", "2019-02-12 09:31:05"),  # day first
    ("12-02-2019 09:31", "surveyxact", "2019-02-12 09:31:00"),
])
def test_time_stamps_as_each_tool_writes_them(text, tool, expected):
    from evaluation.data.importing.resolve import parse_time

    assert f"{parse_time(text, tool):%Y-%m-%d %H:%M:%S}" == expected


@pytest.mark.parametrize("text", ["", "i går", "31/02/2019 10:00:00"])
def test_what_is_not_a_time_stamp(text):
    from evaluation.data.importing.resolve import parse_time

    assert parse_time(text, "googleforms") is None


def test_a_mapping_file_with_every_problem_at_once(tmp_path):
    from evaluation.data.importing import load_mapping
    from evaluation.exceptions import DataError

    path = tmp_path / "map.yml"
    path.write_text("tool: typeform\nheader_rows: 12\nitems: [a]\nvalues: {'1': fire, '2': true}\nextra: 1\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_mapping(path, ("qualtrics", "plain"))
    found = {(p.column, str(p.value)) for p in caught.value.problems}
    assert found == {("extra", "extra"), ("tool", "typeform"), ("header_rows", "12"), ("items", "['a']"),
                     ("values", "1: fire"), ("values", "2: True")}
    assert all(p.file == str(path) for p in caught.value.problems)


def test_a_saved_mapping_reads_back_as_the_same_mapping(tmp_path):
    from evaluation.data.importing import Mapping, load_mapping, save_mapping

    mapping = Mapping(tool="qualtrics", header_rows=3, municipality="Q1", time="RecordedDate",
                      items={"beredskab": "Q2_1"}, values={"I høj grad": 4, "5": 0})
    assert load_mapping(save_mapping(mapping, tmp_path / "m.yml"), ("qualtrics",)) == mapping


# -------------------------------------------- plan status and participation
@pytest.fixture
def readiness_mapping(tmp_path):
    from exports.make_exports import READINESS_MAPPING

    path = tmp_path / "readiness.yml"
    path.write_text(READINESS_MAPPING, encoding="utf-8")
    return path


def test_plan_status_and_participation_from_the_same_export(exports, data, readiness_mapping, capsys):
    export = exports["readiness_googleforms.csv"]
    assert run_import(export.path, data, "--mapping", str(readiness_mapping)) == 0
    out = capsys.readouterr().out
    round_dir = config.round_dir(NEW, data)
    bundled = config.round_dir("opfoelgning-2019")
    for name in ("plan_status.csv", "participation.csv"):
        assert (round_dir / name).read_bytes() == (bundled / name).read_bytes(), name
        assert str(round_dir / name) in out.splitlines()[-1]
    assert (round_dir / "responses.csv").read_text(encoding="utf-8") == export.expected_csv()
    assert "plan status: udrullet <- column 'Hvor langt er kommunens handlingsplan? [Fuldt udrullet]'" in out
    assert "participation.csv: 5 interview, 5 survey" in out
    assert main(["validate", "--data", str(data)]) == 0
    ds = load_dataset(data)
    assert len(ds.plan_status[ds.plan_status["round"] == NEW]) == 30


def test_without_the_mapping_those_questions_are_listed_as_left_out(exports, data, capsys):
    assert run_import(exports["readiness_googleforms.csv"].path, data, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "  'Hvordan har kommunen bidraget til denne måling?': not an item of the instrument\n" in out
    assert "plan status:" not in out


def test_a_filled_plan_status_is_kept_unless_replace(exports, data, readiness_mapping, capsys):
    plan = config.round_file(NEW, data, "plan_status.csv")
    plan.write_text("municipality,phase,status\nKommune A,udarbejdet,i_proces\n", encoding="utf-8")
    err = refused(exports["readiness_googleforms.csv"].path, data, capsys, "--mapping", str(readiness_mapping))
    assert f"{plan}: the round already has a plan_status.csv with rows" in err
    assert run_import(exports["readiness_googleforms.csv"].path, data, "--mapping", str(readiness_mapping), "--replace") == 0
    assert "Kommune A,udarbejdet,gennemfoert" in plan.read_text(encoding="utf-8")


def test_an_unknown_status_wording_is_refused_or_mapped(exports, data, readiness_mapping, tmp_path, capsys):
    text = exports["readiness_googleforms.csv"].path.read_text(encoding="utf-8")
    path = tmp_path / "ready.csv"
    path.write_text(text.replace("I proces", "Halvvejs", 1), encoding="utf-8")
    row = next(n for n, line in enumerate(text.splitlines(), start=1) if "I proces" in line)
    column = text.splitlines()[row - 1].split(",").index("I proces")
    phase = ["udarbejdet", "godkendt", "udrullet"][column - 8]
    word = {"udarbejdet": "Udarbejdet", "godkendt": "Godkendt", "udrullet": "Fuldt udrullet"}[phase]
    err = refused(path, data, capsys, "--mapping", str(readiness_mapping))
    assert f"{path}, row {row}, column 'Hvor langt er kommunens handlingsplan? [{word}]': not a plan status" in err
    assert "(value: 'Halvvejs')" in err
    mapping = tmp_path / "more.yml"
    mapping.write_text(readiness_mapping.read_text(encoding="utf-8") + "statuses:\n  Halvvejs: i_proces\n", encoding="utf-8")
    assert run_import(path, data, "--mapping", str(mapping)) == 0
    bundled = config.round_file("opfoelgning-2019", name="plan_status.csv")
    assert config.round_file(NEW, data, "plan_status.csv").read_bytes() == bundled.read_bytes()


def test_rows_are_counted_as_a_spreadsheet_shows_them_despite_line_breaks_in_cells(exports, data, capsys):
    # Kommune C's comment spans three lines of the file; a spreadsheet still shows it as row 5.
    assert run_import(exports["surveymonkey.csv"].path, data, "--dry-run") == 0
    out = capsys.readouterr().out
    kept = [line.strip() for line in out.splitlines() if ": kept: " in line]
    assert kept == [f"row {n}: kept: Kommune {c}" for n, c in zip(range(3, 13), "ABCDEFGHIJ")]


@pytest.mark.parametrize("size", [1, 1000])
def test_generated_panels_of_any_size_import_exactly_from_every_layout(size, tmp_path, capsys):
    """Exports of a synthetic round (1 or 1,000 municipalities, random answers with "ved ikke") import exactly."""
    from exports.make_exports import bundled_answers  # noqa: F401 - the bundled panel is the other case

    folder = tmp_path / "synth"
    assert main(["synth", "--municipalities", str(size), "--rounds", "2", "--seed", "3", "--out", str(folder)]) == 0
    answers: dict = {}
    lines = config.round_file("runde-2", folder).read_text(encoding="utf-8").splitlines()[1:]
    for muni, item, score in (line.split(",") for line in lines):
        answers.setdefault(muni, {})[item] = int(score)
    exports = make_exports(tmp_path / "exports", answers)
    for name in IMPORTS_ALONE:
        export = exports[name]
        code = main(["import", str(export.path), "--round", "runde-2", "--data", str(folder), "--replace", *export.options])
        assert code == 0, (name, capsys.readouterr().err[:2000])
        assert config.round_file("runde-2", folder).read_text(encoding="utf-8") == export.expected_csv(), name
    capsys.readouterr()
    assert main(["validate", "--data", str(folder)]) == 0


def test_dry_run_with_save_mapping_writes_only_the_mapping(exports, data, tmp_path, capsys):
    before = snapshot(data)
    mapping = tmp_path / "qualtrics.yml"
    assert run_import(exports["qualtrics.csv"].path, data, "--dry-run", "--save-mapping", str(mapping)) == 0
    assert snapshot(data) == before
    saved = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    assert saved["tool"] == "qualtrics" and saved["municipality"] == "Q1" and saved["time"] == "RecordedDate"
    assert saved["items"] == {"beredskab": "Q2_1", "indsatser": "Q2_2", "internt_samarbejde": "Q2_3",
                              "eksternt_samarbejde": "Q2_4", "kompetencer": "Q2_5", "radikalisering_udfordring": "Q3"}
    assert not [real for real in REAL_NAMES.values() if real in mapping.read_text(encoding="utf-8")]
