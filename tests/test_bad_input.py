"""Malformed input through ``evaluation import``, ``validate`` and ``run``.

Every case builds one defect in a copy of the bundled data folder (or in an
export next to it, or in the command's arguments), runs the command through
``evaluation.cli.main`` and checks three things:

* the exit code: 2 for bad input or arguments, 3 for a held lock;
* the message on stderr names what is wrong: the file, and the row, column
  and value where the defect has one;
* nothing was written: the data folder and a previous complete output of the
  pair are byte-identical afterwards (every file, link and folder).

The expected messages were written from the data contract
(``data/README.md``); row numbers are those a spreadsheet shows (header = 1).
"""
from __future__ import annotations

import fcntl
import os
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from evaluation.cli import main
from evaluation.run.publish import RUNS_SUBDIR

PAIR = "opfoelgning-2019_vs_slutmaaling-2018"
ITEMS = ["beredskab", "indsatser", "internt_samarbejde", "eksternt_samarbejde", "kompetencer",
         "radikalisering_udfordring"]
MUNIS = [f"Kommune {c}" for c in "ABCDEFGHIJ"]


# ------------------------------------------------------------------ helpers
def snapshot(folder: Path) -> dict[str, object]:
    """Every entry under ``folder``: file bytes, link targets, folders."""
    found: dict[str, object] = {}
    if not folder.exists():
        return found
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                found[rel] = "dir"
            else:
                found[rel] = path.read_bytes()
    return found


def cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """Run the command line in-process; argparse's own errors count too."""
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse rejects a value before our code runs
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def wide(rows: dict[str, list[object]] | None = None, header: list[str] | None = None, sep: str = ",") -> str:
    """A wide survey export: one row per municipality, one column per item."""
    header = header or ["municipality", *ITEMS]
    rows = rows if rows is not None else {m: [3, 3, 3, 4, 2, 1] for m in MUNIS}
    lines = [sep.join(header)] + [sep.join([m, *map(str, v)]) for m, v in rows.items()]
    return "\n".join(lines) + "\n"


def write_xlsx(path: Path, text: str) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for line in text.splitlines():
        sheet.append(line.split(","))
    book.save(path)
    return path


def replace_line(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@dataclass
class Env:
    data: Path
    tmp: Path
    out: Path


@dataclass
class Case:
    """One malformed input: ``setup`` returns the command's arguments."""

    setup: Callable[[Env], list[str]]
    expect: list[str]
    code: int = 2
    extra: list[Path] = field(default_factory=list)


# ------------------------------------------------------- import: the export
def _text_file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def imp(env: Env, name: str, content: str | bytes, *extra: str) -> list[str]:
    path = env.tmp / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return ["import", str(path), "--round", "opfoelgning-2019", "--data", str(env.data), "--replace", *extra]


def _with(muni: str, index: int, value) -> dict[str, list[object]]:
    rows = {m: [3, 3, 3, 4, 2, 1] for m in MUNIS}
    rows[muni][index] = value
    return rows


def _truncated_xlsx(env: Env) -> list[str]:
    good = write_xlsx(env.tmp / "good.xlsx", wide())
    raw = good.read_bytes()
    return imp(env, "export.xlsx", raw[: len(raw) // 2])


def _zip_bomb(env: Env) -> list[str]:
    path = env.tmp / "export.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = bytes(2**20)
            for _ in range(60):  # 60 MB of zeros, a few tens of kB packed
                member.write(block)
    return ["import", str(path), "--round", "opfoelgning-2019", "--data", str(env.data), "--replace"]


def _xlsx_with_dtd(env: Env) -> list[str]:
    good = write_xlsx(env.tmp / "good.xlsx", wide())
    path = env.tmp / "export.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + content
            dst.writestr(info, content)
    return ["import", str(path), "--round", "opfoelgning-2019", "--data", str(env.data), "--replace"]


IMPORT_CASES = {
    "import-utf16-without-bom": Case(lambda e: imp(e, "export.csv", wide().encode("utf-16-le")),
                                     ["export.csv", "unreadable file", "NUL bytes"]),
    "import-bar-separated": Case(lambda e: imp(e, "export.csv", wide(sep="|")),
                                 ["export.csv", "separat", "'|'"]),
    "import-score-7": Case(lambda e: imp(e, "export.csv", wide(_with("Kommune C", 0, 7))),
                           ["export.csv, row 4, column 'beredskab'", "score out of range", "(value: '7')"]),
    "import-label-off-scale": Case(lambda e: imp(e, "export.csv", wide(_with("Kommune B", 2, "Meget høj grad"))),
                                   ["export.csv, row 3, column 'internt_samarbejde'", "not a label on the scale",
                                    "(value: 'Meget høj grad')"]),
    "import-duplicate-municipality": Case(
        lambda e: imp(e, "export.csv", wide() + "Kommune B,1,1,1,1,1,1\n"),
        ["export.csv, row 12, column 'municipality'", "answered more than once (rows 3, 12)", "no time stamp",
         "'Kommune B'"]),
    "import-missing-item": Case(
        lambda e: imp(e, "export.csv", wide({m: [3, 3, 3, 4, 1] for m in MUNIS},
                                            ["municipality", *ITEMS[:4], ITEMS[5]])),
        ["export.csv, row 1", "item missing", "'kompetencer'"]),
    "import-unknown-round": Case(
        lambda e: imp(e, "export.csv", wide())[:3] + ["runde-x", "--data", str(e.data)],
        ["rounds.yml", "unknown round", "'runde-x'"]),
    "import-empty-file": Case(lambda e: imp(e, "export.csv", ""), ["export.csv", "file is empty"]),
    "import-header-only": Case(lambda e: imp(e, "export.csv", wide({})),
                               ["export.csv, row 1", "a header but no answers"]),
    "import-truncated-xlsx": Case(_truncated_xlsx, ["export.xlsx", "unreadable file", "xlsx"]),
    "import-xlsx-not-a-zip": Case(lambda e: imp(e, "export.xlsx", wide()), ["export.xlsx", "unreadable file"]),
    "import-zip-bomb": Case(_zip_bomb, ["export.xlsx", "refused", "zip bomb"]),
    "import-xlsx-dtd": Case(_xlsx_with_dtd, ["export.xlsx", "refused", "DTD"]),
    "import-unknown-item-column": Case(
        lambda e: imp(e, "export.csv", wide({m: [3, 3, 3, 4, 2, 1, 2] for m in MUNIS},
                                            ["municipality", *ITEMS, "trivsel"])),
        ["export.csv, row 1, column 'trivsel'", "unknown column"]),
    "import-cp1252-bad-bytes": Case(
        lambda e: imp(e, "export.csv", wide().replace("Kommune J", "Kommune Ø J\x81").encode("latin-1")),
        ["export.csv", "unreadable file", "UTF-8, UTF-16 or Windows-1252"]),
    "import-unknown-municipality": Case(
        lambda e: imp(e, "export.csv", wide().replace("Kommune D", "Kommune Z")),
        ["export.csv, row 5, column 'municipality'", "unknown municipality", "(value: 'Kommune Z')"]),
    "import-existing-round-without-replace": Case(
        lambda e: imp(e, "export.csv", wide())[:-1],
        ["opfoelgning-2019/responses.csv", "already has a response file", "--replace"]),
    "import-unsupported-type": Case(lambda e: imp(e, "export.ods", wide()), ["export.ods", "unsupported file type"]),
    "import-missing-file": Case(
        lambda e: ["import", str(e.tmp / "nowhere.csv"), "--round", "opfoelgning-2019", "--data", str(e.data)],
        ["nowhere.csv", "file is missing"]),
    "import-mapping-not-a-mapping": Case(
        lambda e: imp(e, "export.csv", wide(), "--mapping", str(_text_file(e.tmp / "map.yml", "items: [1, 2]\nsheets: 2\n"))),
        ["map.yml", "'items' must map names to column names", "column 'sheets'", "unknown key"]),
    "import-broken-quoting": Case(lambda e: imp(e, "export.csv", wide() + '"Kommune K,1,2\n'),
                                  ["export.csv", "unreadable file", "quot"]),
}


# ------------------------------------------------ validate: the data folder
def val(env: Env) -> list[str]:
    return ["validate", "--data", str(env.data)]


def _do(change: Callable[[Path], None]) -> Callable[[Env], list[str]]:
    def setup(env: Env) -> list[str]:
        change(env.data)
        return val(env)
    return setup


def _append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)


def _drop_line(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert line + "\n" in text
    path.write_text(text.replace(line + "\n", "", 1), encoding="utf-8")


def _add_round(data: Path) -> None:
    with open(data / "rounds.yml", "a", encoding="utf-8") as fh:
        fh.write("  - key: opfoelgning-2020\n    label: Opfølgning 2020\n    date: 2020-03-01\n")


def _cp1252_municipalities(data: Path) -> None:
    path = data / "municipalities.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace("Kommune J", "Kommune Æ").encode("cp1252"))


VALIDATE_CASES = {
    "validate-invalid-yaml": Case(_do(lambda d: (d / "rounds.yml").write_text("rounds: [\n  - key: a\n", encoding="utf-8")),
                                  ["rounds.yml", "not readable as UTF-8 YAML"]),
    "validate-rounds-names-missing-round": Case(_do(_add_round),
                                                ["rounds.yml lists round 'opfoelgning-2020'", "folder is missing", "evaluation round add"]),
    "validate-unknown-round-file": Case(
        _do(lambda d: shutil.copytree(d / "rounds" / "opfoelgning-2019", d / "rounds" / "runde-x")),
        ["rounds/runde-x", "folder of an unknown round", "(value: 'runde-x')"]),
    "validate-score-7": Case(_do(lambda d: replace_line(d / "rounds" / "opfoelgning-2019" / "responses.csv",
                                                        "Kommune A,indsatser,3", "Kommune A,indsatser,7")),
                             ["opfoelgning-2019/responses.csv, row 3, column 'score'", "score must be one of the codes",
                              "(value: '7')"]),
    "validate-label-instead-of-code": Case(
        _do(lambda d: replace_line(d / "rounds" / "opfoelgning-2019" / "responses.csv",
                                   "Kommune A,beredskab,4", "Kommune A,beredskab,I høj grad")),
        ["opfoelgning-2019/responses.csv, row 2, column 'score'", "(value: 'I høj grad')"]),
    "validate-duplicate-municipality": Case(
        _do(lambda d: _append(d / "municipalities.csv", "Kommune B,true,false\n")),
        ["municipalities.csv, row 12, column 'municipality'", "appears twice", "'Kommune B'"]),
    "validate-missing-item": Case(_do(lambda d: _drop_line(d / "rounds" / "slutmaaling-2018" / "responses.csv",
                                                           "Kommune C,kompetencer,3")),
                                  ["slutmaaling-2018/responses.csv", "item missing", "Kommune C / kompetencer"]),
    "validate-unknown-item": Case(_do(lambda d: replace_line(d / "rounds" / "slutmaaling-2018" / "responses.csv",
                                                             "Kommune C,kompetencer,", "Kommune C,trivsel,")),
                                  ["slutmaaling-2018/responses.csv", "column 'item'", "unknown item", "'trivsel'"]),
    "validate-cp1252-file": Case(_do(_cp1252_municipalities), ["municipalities.csv", "not readable as UTF-8"]),
    "validate-semicolon-separated": Case(
        _do(lambda d: (d / "municipalities.csv").write_text(
            (d / "municipalities.csv").read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")),
        ["municipalities.csv, row 1", "missing column(s)", "had_plan_before"]),
    "validate-unknown-municipality": Case(
        _do(lambda d: _append(d / "rounds" / "opfoelgning-2019" / "plan_status.csv", "Kommune Z,udarbejdet,i_proces\n")),
        ["plan_status.csv, row", "column 'municipality'", "unknown municipality", "'Kommune Z'"]),
    "validate-empty-file": Case(_do(lambda d: (d / "rounds" / "opfoelgning-2019" / "quotes.csv").write_bytes(b"")),
                         ["opfoelgning-2019/quotes.csv", "file is empty"]),
    "validate-impossible-date": Case(_do(lambda d: replace_line(d / "rounds.yml", "2018-11-01", "2018-13-01")),
                                     ["rounds.yml, column 'date'", "YYYY-MM-DD", "(value: '2018-13-01')"]),
    "validate-rounds-out-of-order": Case(_do(lambda d: replace_line(d / "rounds.yml", "2019-03-01", "2016-03-01")),
                                         ["rounds.yml", "chronological"]),
    "validate-dont-know-not-missing": Case(
        _do(lambda d: replace_line(d / "instrument.yml", '{code: 0, label: "Ved ikke", missing: true}',
                                   '{code: 0, label: "Ved ikke", missing: false}')),
        ["instrument.yml", "missing"]),
    "validate-ragged-row": Case(_do(lambda d: replace_line(d / "rounds" / "udgangsmaaling-2017" / "plan_status.csv",
                                                           "Kommune A,udarbejdet,i_proces", "Kommune A,udarbejdet,i_proces,x")),
                                ["udgangsmaaling-2017/plan_status.csv, row 2", "expected 3 fields, found 4"]),
    "validate-missing-folder": Case(lambda e: ["validate", "--data", str(e.tmp / "nowhere")],
                                    ["nowhere", "file is missing"]),
}


# ------------------------------------------- run: data and run parameters
def run(env: Env, *extra: str) -> list[str]:
    return ["run", "--data", str(env.data), "--out", str(env.out), "--no-profiles", *extra]


def _run_after(change: Callable[[Path], None]) -> Callable[[Env], list[str]]:
    def setup(env: Env) -> list[str]:
        change(env.data)
        return run(env)
    return setup


def _out_under_file(env: Env) -> list[str]:
    blocker = env.tmp / "afile"
    blocker.write_text("not a folder\n", encoding="utf-8")
    return ["run", "--data", str(env.data), "--out", str(blocker / "x"), "--no-profiles"]


RUN_CASES = {
    "run-jobs-0": Case(lambda e: run(e, "--jobs", "0"), ["--jobs", "0"]),
    "run-jobs-negative": Case(lambda e: run(e, "--jobs", "-2"), ["--jobs", "-2"]),
    "run-jobs-not-a-number": Case(lambda e: run(e, "--jobs", "many"), ["--jobs", "'many'"]),
    "run-timeout-negative": Case(lambda e: run(e, "--timeout", "-1"), ["--timeout", "-1"]),
    "run-timeout-zero": Case(lambda e: run(e, "--timeout", "0"), ["--timeout", "0"]),
    "run-timeout-nan": Case(lambda e: run(e, "--timeout", "nan"), ["--timeout", "nan"]),
    "run-timeout-not-a-number": Case(lambda e: run(e, "--timeout", "soon"), ["--timeout", "'soon'"]),
    "run-baseline-equals-followup": Case(
        lambda e: run(e, "--baseline", "slutmaaling-2018", "--followup", "slutmaaling-2018"),
        ["baseline 'slutmaaling-2018' must come before the follow-up 'slutmaaling-2018'"]),
    "run-baseline-after-followup": Case(
        lambda e: run(e, "--baseline", "opfoelgning-2019", "--followup", "slutmaaling-2018"),
        ["baseline 'opfoelgning-2019' must come before the follow-up 'slutmaaling-2018'"]),
    "run-unknown-round": Case(lambda e: run(e, "--followup", "runde-x"), ["unknown followup round 'runde-x'"]),
    "run-unknown-municipality": Case(
        lambda e: ["run", "--data", str(e.data), "--out", str(e.out), "--municipality", "Kommune Z"],
        ["unknown municipality 'Kommune Z'"]),
    "run-out-under-a-file": Case(_out_under_file, ["cannot create the output folder", "afile"]),
    "run-invalid-yaml": Case(_run_after(lambda d: (d / "instrument.yml").write_text("items: [\n", encoding="utf-8")),
                             ["instrument.yml", "not readable as UTF-8 YAML"]),
    "run-yaml-not-a-mapping": Case(_run_after(lambda d: (d / "rounds.yml").write_text("- a\n- b\n", encoding="utf-8")),
                                   ["rounds.yml", "mapping"]),
    "run-cp1252-file": Case(_run_after(_cp1252_municipalities), ["municipalities.csv", "not readable as UTF-8"]),
    "run-score-7": Case(_run_after(lambda d: replace_line(d / "rounds" / "opfoelgning-2019" / "responses.csv",
                                                          "Kommune A,indsatser,3", "Kommune A,indsatser,7")),
                        ["opfoelgning-2019/responses.csv, row 3, column 'score'", "(value: '7')"]),
    "run-rounds-names-missing-round": Case(_run_after(_add_round),
                                           ["rounds.yml lists round 'opfoelgning-2020'", "folder is missing", "evaluation round add"]),
    "run-missing-data-folder": Case(lambda e: ["run", "--data", str(e.tmp / "nowhere"), "--out", str(e.out)],
                                    ["nowhere", "file is missing"]),
    "run-municipalities-without-column": Case(
        _run_after(lambda d: (d / "municipalities.csv").write_text("kommune\nKommune A\n", encoding="utf-8")),
        ["municipalities.csv, row 1", "missing column(s) municipality"]),
}

CASES = {**IMPORT_CASES, **VALIDATE_CASES, **RUN_CASES}


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> Path:
    """A folder with a complete earlier output of the pair (bundled data)."""
    out = tmp_path_factory.mktemp("previous") / "outputs"
    assert main(["run", "--out", str(out), "--no-profiles"]) == 0
    assert (out / PAIR / "memo.html").is_file()
    return out


@pytest.fixture
def env(data_copy, tmp_path, previous) -> Env:
    work = tmp_path / "work"
    work.mkdir()
    return Env(data=data_copy, tmp=work, out=previous)


def test_at_least_twenty_cases_per_command_family():
    assert len(IMPORT_CASES) >= 20 and len(VALIDATE_CASES) >= 15 and len(RUN_CASES) >= 15


def test_the_untouched_inputs_pass(env, capsys):
    """The control: without a defect the same commands succeed."""
    export = env.tmp / "export.csv"
    export.write_text(wide(), encoding="utf-8")
    assert cli(["validate", "--data", str(env.data)], capsys)[0] == 0
    code, out, err = cli(["import", str(export), "--round", "opfoelgning-2019", "--data", str(env.data),
                          "--replace"], capsys)
    assert code == 0, err
    assert "Kommune A,beredskab,3" in (env.data / "rounds" / "opfoelgning-2019" / "responses.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(CASES))
def test_malformed_input_is_refused_and_changes_nothing(name, env, capsys):
    case = CASES[name]
    argv = case.setup(env)
    before_data, before_out, before_tmp = snapshot(env.data), snapshot(env.out), snapshot(env.tmp)
    code, out, err = cli(argv, capsys)
    assert code == case.code, f"exit {code}; stdout: {out}\nstderr: {err}"
    for text in case.expect:
        assert text in err, f"{text!r} not in the message:\n{err}"
    assert "Traceback" not in err
    assert snapshot(env.data) == before_data, "the data folder changed"
    assert snapshot(env.out) == before_out, "the previous output changed"
    assert snapshot(env.tmp) == before_tmp, "the export's folder changed"
    assert not list(env.out.glob(f"{RUNS_SUBDIR}/*.tmp"))


def test_a_held_lock_is_exit_code_3_and_changes_nothing(env, capsys):
    lock = env.out / f".{PAIR}.lock"
    before = snapshot(env.out)
    with open(lock, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held = snapshot(env.out)
        code, out, err = cli(["run", "--data", str(env.data), "--out", str(env.out), "--no-profiles"], capsys)
        fcntl.flock(fh, fcntl.LOCK_UN)
    assert code == 3, err
    assert "another run" in err and str(lock) in err
    assert snapshot(env.out) == held == before
