"""The machine-readable result of a run, checked against its committed JSON schema."""
import json
import signal

import jsonschema
import pytest

from evaluation.exceptions import (
    EXIT_CODES,
    CellTimeout,
    DataError,
    ExecutionError,
    LockError,
    ParameterError,
    Problem,
    Terminated,
)
from evaluation.run.result import LOG_FILE, SCHEMA_ID, RunReport, load_schema, result_object


def validate(obj: dict) -> None:
    jsonschema.Draft202012Validator(load_schema()).validate(obj)


def test_the_schema_is_a_valid_schema_and_names_its_version():
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema"]["const"] == SCHEMA_ID
    # Every exit code the command line knows is allowed, and no other.
    assert sorted(schema["properties"]["exit_code"]["enum"]) == sorted(EXIT_CODES)


def test_signal_exit_codes_follow_the_shell_convention():
    assert 130 in EXIT_CODES and 130 == 128 + signal.SIGINT
    assert Terminated.exit_code == 143 == 128 + signal.SIGTERM
    assert CellTimeout.exit_code == 124 and CellTimeout("nb", 3, "timed out").exit_code != ExecutionError.exit_code


@pytest.mark.parametrize("exc, code, kind", [
    (DataError(Problem("data/rounds/x/responses.csv", "not a code", row=4, column="score", value="9")), 2, "data"),
    (ParameterError("--jobs must be a whole number"), 2, "usage"),
    (LockError("another run is writing"), 3, "lock"),
    (ExecutionError("01_introduktion.ipynb", 3, "RuntimeError: boom"), 1, "notebook"),
    (CellTimeout("01_introduktion.ipynb", 3, "timed out after 1 s"), 124, "timeout"),
    (KeyboardInterrupt(), 130, "interrupted"),
    (Terminated(), 143, "terminated"),
])
def test_every_error_gives_a_valid_result(exc, code, kind, tmp_path):
    report = RunReport(quiet=True)
    report.status = "refused" if code in (2, 3) else "failed"
    result = result_object(report, code, exc)
    validate(result)
    assert result["exit_code"] == code and result["error"]["kind"] == kind
    assert result["meaning"] == EXIT_CODES[code]
    if kind == "data":
        assert result["error"]["problems"] == ["data/rounds/x/responses.csv, row 4, column 'score': not a code (value: '9')"]
    if kind in ("notebook", "timeout"):
        assert (result["error"]["notebook"], result["error"]["cell"]) == ("01_introduktion.ipynb", 3)


def test_a_built_folder_lists_every_published_file(tmp_path):
    folder = tmp_path / "pair"
    for rel in ("memo.html", "memo.pdf", "index.html", "manifest.json", LOG_FILE, "profiles/kommune-a.html",
                "tables/comparison.csv", "figures/figur-01.png", "notebooks/01_introduktion.ipynb"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text("x", encoding="utf-8")
    report = RunReport(quiet=True, status="built", folder=folder, draft=False, executed=["01_introduktion"])
    result = result_object(report, 0)
    validate(result)
    paths = result["paths"]
    assert paths["memo"] == {"html": str(folder / "memo.html"), "pdf": str(folder / "memo.pdf")}
    assert paths["log"] == str(folder / LOG_FILE)
    assert paths["changes"] is None  # a pair's first publication has no change report
    assert paths["profiles"] == [str(folder / "profiles/kommune-a.html")]
    assert paths["notebooks"] == [str(folder / "notebooks/01_introduktion.ipynb")]
    assert result["error"] is None and result["notebooks"]["executed"] == ["01_introduktion"]


def test_a_folder_with_a_change_report_lists_it(tmp_path):
    folder = tmp_path / "pair"
    folder.mkdir()
    (folder / "memo.html").write_text("x", encoding="utf-8")
    (folder / "changes.html").write_text("x", encoding="utf-8")
    result = result_object(RunReport(quiet=True, status="built", folder=folder, draft=False), 0)
    validate(result)
    assert result["paths"]["changes"] == str(folder / "changes.html")
    # Without a published folder there is none, and the schema requires the key all the same.
    empty = result_object(RunReport(quiet=True), 2, ParameterError("bad"))
    validate(empty)
    assert empty["paths"]["changes"] is None
    del empty["paths"]["changes"]
    with pytest.raises(jsonschema.ValidationError):
        validate(empty)


def test_the_log_holds_the_console_lines_and_each_notebooks_time(tmp_path, capsys):
    report = RunReport(quiet=True)
    report.say("starting")
    report.say("error: shown even when quiet", error=True)
    report.event("finish", "02_konklusion", "[1/2   1.0s] done: 02_konklusion", seconds=1.23456)
    report.reused = ["03_planstatus"]
    text = report.write_log(tmp_path).read_text(encoding="utf-8")
    assert capsys.readouterr().err == "error: shown even when quiet\n"
    lines = text.splitlines()
    assert lines[:3] == ["starting", "error: shown even when quiet", "[1/2   1.0s] done: 02_konklusion"]
    assert "  02_konklusion     1.235" in lines and "  03_planstatus    reused" in lines


def test_a_result_survives_a_json_round_trip():
    result = result_object(RunReport(quiet=True), 2, ParameterError("æøå \"quoted\""))
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result
