"""Tests of evaluation.data.importing: every accepted export variant, every kind of bad
input, the workbook safety checks, and the ``evaluation import`` command.

Every fixture is built at run time in ``tmp_path`` from a copy of the bundled
data folder, which gets one extra round (``opfoelgning-2020``) to import into.
The expected output of a good import is the bundled
``rounds/opfoelgning-2019/responses.csv`` byte for byte: the exports are built from
that file, and the file was written by hand in the contract's form.
"""
from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import defusedxml
import defusedxml.ElementTree
import openpyxl
import openpyxl.xml
import openpyxl.xml.functions
import pytest

from evaluation import config
from evaluation.data import importing as importer
from evaluation.cli import main
from evaluation.data import load_dataset, load_instrument, load_municipalities
from evaluation.exceptions import DataError

NEW = "opfoelgning-2020"
SOURCE = config.round_file("opfoelgning-2019")
ITEMS = ["beredskab", "indsatser", "internt_samarbejde", "eksternt_samarbejde", "kompetencer", "radikalisering_udfordring"]
MUNIS = [f"Kommune {c}" for c in "ABCDEFGHIJ"]
# Spreadsheet row of each municipality in a wide export in A-J order (header = 1).
ROW = {m: i for i, m in enumerate(MUNIS, start=2)}
LABELS = {0: "ved IKKE", 1: "SLET ikke", 2: "i mindre GRAD", 3: "I Nogen Grad", 4: "i HØJ grad"}


# ------------------------------------------------------------------ fixtures
@pytest.fixture
def data(tmp_path) -> Path:
    """A copy of the bundled data folder with an extra, empty round."""
    folder = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, folder, ignore=shutil.ignore_patterns("private"))
    with open(folder / "rounds.yml", "a", encoding="utf-8") as fh:
        fh.write(f"  - key: {NEW}\n    label: Opfølgning 2020\n    date: 2020-03-01\n    description: Test\n")
    return folder


@pytest.fixture
def instrument(data):
    return load_instrument(data)


@pytest.fixture
def municipalities(data):
    return load_municipalities(data)


def answers() -> dict[str, dict[str, int]]:
    """The bundled follow-up answers read with the csv module: {municipality: {item: code}}."""
    out: dict[str, dict[str, int]] = {}
    with open(SOURCE, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["municipality"], {})[row["item"]] = int(row["score"])
    return out


def wide_rows(instrument, *, headers="key", labels=False, municipality="municipality") -> list[list[object]]:
    """A wide export of the bundled follow-up: a header and one row per municipality."""
    questions = dict(zip(instrument.items["item"], instrument.items["question"]))
    head = [municipality] + [questions[k] if headers == "question" else k for k in ITEMS]
    body = [[m] + [LABELS[a[k]] if labels else a[k] for k in ITEMS] for m, a in answers().items()]
    return [head] + body


def tidy_rows() -> list[list[object]]:
    return [["municipality", "item", "score"]] + [[m, k, a[k]] for m, a in answers().items() for k in ITEMS]


def write_csv(path: Path, rows, *, delimiter=",", encoding="utf-8", bom=False) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    raw = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + raw)
    return path


def write_xlsx(path: Path, rows) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden temporary files included) and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(path: Path, data: Path, round_key: str = NEW, **kwargs) -> list[DataError]:
    """Import ``path`` expecting a DataError; check nothing changed; return its problems."""
    before, source = snapshot(data), path.read_bytes()
    with pytest.raises(DataError) as caught:
        importer.import_export(path, round_key, data=data, **kwargs)
    assert snapshot(data) == before, "the data folder changed"
    assert path.read_bytes() == source, "the input file changed"
    return caught.value.problems


def fields(problems) -> list[tuple]:
    return [(p.file, p.row, p.column, p.value) for p in problems]


def assert_imported(path: Path, data: Path) -> None:
    source = path.read_bytes()
    target = importer.import_export(path, NEW, data=data)
    assert target == config.round_file(NEW, data.resolve())
    assert target.read_bytes() == SOURCE.read_bytes()
    assert path.read_bytes() == source
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")], "a temporary file was left"
    ds = load_dataset(data)  # the whole folder still loads
    assert set(ds.responses.loc[ds.responses["round"] == NEW, "municipality"]) == set(MUNIS)


# ------------------------------------------------------------ good exports
def test_xlsx_wide_with_item_keys(tmp_path, data, instrument):
    assert_imported(write_xlsx(tmp_path / "export.xlsx", wide_rows(instrument)), data)


def test_xlsx_wide_with_question_texts_and_kommune_column(tmp_path, data, instrument):
    rows = wide_rows(instrument, headers="question", municipality="Kommune")
    # Headers compare whitespace-normalised and case-insensitively.
    rows[0][1] = "  " + rows[0][1].upper().replace(" ", "\n ", 2) + " "
    assert_imported(write_xlsx(tmp_path / "export.xlsx", rows), data)


def test_xlsx_with_float_codes_and_blank_trailing_rows_and_columns(tmp_path, data, instrument):
    rows = wide_rows(instrument)
    rows = [rows[0] + [None, None]] + [r[:1] + [float(v) for v in r[1:]] + [None, "  "] for r in rows[1:]]
    rows += [[None] * 9, ["", None, " "]]
    assert_imported(write_xlsx(tmp_path / "export.xlsx", rows), data)


def test_csv_tidy(tmp_path, data):
    assert_imported(write_csv(tmp_path / "export.csv", tidy_rows()), data)


def test_csv_tidy_with_item_questions_and_labels(tmp_path, data, instrument):
    questions = dict(zip(instrument.items["item"], instrument.items["question"]))
    rows = tidy_rows()
    rows = [["Kommune", "Item", "Score"]] + [[m, questions[k], LABELS[s]] for m, k, s in reversed(rows[1:])]
    assert_imported(write_csv(tmp_path / "export.csv", rows), data)


def test_labels_in_mixed_case(tmp_path, data, instrument):
    rows = wide_rows(instrument, labels=True)
    assert "ved IKKE" in [v for r in rows for v in r]  # the bundled round has a "ved ikke"
    assert_imported(write_csv(tmp_path / "export.csv", rows), data)


def test_codes_written_as_decimals(tmp_path, data, instrument):
    rows = wide_rows(instrument)
    rows = rows[:1] + [r[:1] + [f"{v}.0" for v in r[1:]] for r in rows[1:]]
    assert_imported(write_csv(tmp_path / "export.csv", rows), data)


def test_csv_utf8(tmp_path, data, instrument):
    rows = wide_rows(instrument, headers="question", labels=True)
    assert_imported(write_csv(tmp_path / "export.csv", rows, encoding="utf-8"), data)


def test_csv_utf8_with_bom(tmp_path, data, instrument):
    rows = wide_rows(instrument, headers="question", labels=True)
    path = write_csv(tmp_path / "export.csv", rows, encoding="utf-8", bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert_imported(path, data)


def test_csv_windows_1252_with_danish_letters(tmp_path, data, instrument):
    rows = wide_rows(instrument, headers="question", labels=True)
    path = write_csv(tmp_path / "export.csv", rows, encoding="cp1252")
    raw = path.read_bytes()
    assert "ø".encode("cp1252") in raw and "å".encode("cp1252") in raw  # 'høj', 'på tværs'
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert_imported(path, data)


def test_csv_semicolon_with_commas_in_question_headers(tmp_path, data, instrument):
    rows = wide_rows(instrument, headers="question", labels=True)
    assert any("," in h for h in rows[0])
    text = "\r\n".join(";".join(str(c) for c in r) for r in rows) + "\r\n"  # unquoted, as Excel writes it
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("cp1252"))
    assert_imported(path, data)


def test_csv_semicolon_tidy_with_decimal_commas(tmp_path, data):
    rows = tidy_rows()
    rows = rows[:1] + [[m, k, f"{s},0"] for m, k, s in rows[1:]]
    assert_imported(write_csv(tmp_path / "export.csv", rows, delimiter=";"), data)


def test_csv_blank_trailing_rows_and_columns(tmp_path, data, instrument):
    rows = wide_rows(instrument)
    rows = [r + ["", ""] for r in rows] + [[""] * 9, [], ["", " "]]
    assert_imported(write_csv(tmp_path / "export.csv", rows), data)


def test_read_export_returns_the_contract_frame(tmp_path, instrument, municipalities):
    rows = wide_rows(instrument)
    frame = importer.read_export(write_xlsx(tmp_path / "e.xlsx", rows[:1] + rows[:0:-1]), instrument, municipalities)
    assert list(frame.columns) == ["municipality", "item", "score"]
    assert str(frame["score"].dtype) == "Int64"  # nullable: a blank answer is <NA>
    # Expected: the bundled file read with the csv module, in its own (sorted) order.
    expected = [(m, k, a[k]) for m, a in answers().items() for k in ITEMS]
    assert list(frame.itertuples(index=False, name=None)) == expected


# -------------------------------------------------------------- bad exports
def bad_wide(tmp_path, instrument, change) -> Path:
    rows = wide_rows(instrument)
    change(rows)
    return write_csv(tmp_path / "export.csv", rows)


def test_score_out_of_range(tmp_path, data, instrument):
    def change(rows):
        rows[ROW["Kommune C"] - 1][2] = 7  # indsatser
        rows[ROW["Kommune H"] - 1][6] = -1  # radikalisering_udfordring
    path = bad_wide(tmp_path, instrument, change)
    problems = refused(path, data)
    assert fields(problems) == [(str(path), 4, "indsatser", "7"), (str(path), 9, "radikalisering_udfordring", "-1")]
    assert all("score out of range" in p.message for p in problems)


def test_score_out_of_range_in_a_workbook_keeps_the_cell_value(tmp_path, data, instrument):
    rows = wide_rows(instrument)
    rows[ROW["Kommune J"] - 1][1] = 4.5
    path = write_xlsx(tmp_path / "export.xlsx", rows)
    problems = refused(path, data)
    assert fields(problems) == [(str(path), 11, "beredskab", 4.5)]
    assert "score out of range" in problems[0].message


def test_label_not_on_the_scale(tmp_path, data, instrument):
    def change(rows):
        rows[ROW["Kommune B"] - 1][4] = "I meget høj grad"  # eksternt_samarbejde
    path = bad_wide(tmp_path, instrument, change)
    problems = refused(path, data)
    assert fields(problems) == [(str(path), 3, "eksternt_samarbejde", "I meget høj grad")]
    assert "not a label on the scale" in problems[0].message and "I høj grad" in problems[0].message


def test_unknown_municipality(tmp_path, data, instrument):
    def change(rows):
        rows[ROW["Kommune E"] - 1][0] = "Kommune Z"
    path = bad_wide(tmp_path, instrument, change)
    problems = refused(path, data)
    assert fields(problems) == [(str(path), 6, "municipality", "Kommune Z")]
    assert "unknown municipality" in problems[0].message


def test_unknown_column(tmp_path, data, instrument):
    def change(rows):
        rows[0].insert(1, "Respondent ID")
        for i, row in enumerate(rows[1:], start=1):
            row.insert(1, i)
    path = bad_wide(tmp_path, instrument, change)
    problems = refused(path, data)
    assert fields(problems) == [(str(path), 1, "Respondent ID", "Respondent ID")]
    assert "unknown column" in problems[0].message


def test_unknown_item_in_a_tidy_export(tmp_path, data):
    rows = tidy_rows()
    line = 1 + 6 * 3 + 2  # Kommune D's second item (indsatser): the header, 3 municipalities, 2 rows
    assert rows[line - 1][:2] == ["Kommune D", "indsatser"]
    rows[line - 1][1] = "indsats"
    path = write_csv(tmp_path / "export.csv", rows)
    problems = refused(path, data)
    assert fields(problems)[0] == (str(path), line, "item", "indsats")
    assert "unknown item" in problems[0].message
    # ... and so Kommune D lacks 'indsatser', reported on its first row.
    assert fields(problems)[1:] == [(str(path), line - 1, "item", "indsatser")]
    assert "item missing" in problems[1].message


def test_municipality_twice(tmp_path, data, instrument):
    def change(rows):
        rows.append(list(rows[ROW["Kommune F"] - 1]))  # row 12
    path = bad_wide(tmp_path, instrument, change)
    problems = refused(path, data)
    assert fields(problems) == [(str(path), 12, "municipality", "Kommune F")]
    assert "Kommune F answered more than once (rows 7, 12)" in problems[0].message
    assert "no time stamp" in problems[0].message


def test_answer_twice_in_a_tidy_export(tmp_path, data):
    rows = tidy_rows() + [["Kommune A", "beredskab", 1]]
    path = write_csv(tmp_path / "export.csv", rows)
    problems = refused(path, data)
    assert fields(problems) == [(str(path), 62, "item", "beredskab")]
    assert "twice (first on row 2)" in problems[0].message


def test_item_column_missing(tmp_path, data, instrument):
    def change(rows):
        for row in rows:
            del row[5]  # kompetencer
    path = bad_wide(tmp_path, instrument, change)
    problems = refused(path, data)
    assert fields(problems) == [(str(path), 1, None, "kompetencer")]
    assert "item missing" in problems[0].message


def test_item_missing_in_a_tidy_export(tmp_path, data):
    rows = [r for r in tidy_rows() if r[:2] != ["Kommune J", "kompetencer"]]
    path = write_csv(tmp_path / "export.csv", rows)
    problems = refused(path, data)
    assert fields(problems) == [(str(path), 1 + 6 * 9 + 1, "item", "kompetencer")]
    assert "Kommune J has no answer" in problems[0].message


def test_blank_answer_cell_is_not_answered_and_not_ved_ikke(tmp_path, data, instrument):
    def change(rows):
        rows[ROW["Kommune G"] - 1][3] = ""  # internt_samarbejde
    path = bad_wide(tmp_path, instrument, change)
    target = importer.import_export(path, NEW, data=data)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert "Kommune G,internt_samarbejde," in lines  # an empty score: not answered
    expected = SOURCE.read_text(encoding="utf-8").splitlines()
    assert [l for l in lines if l != "Kommune G,internt_samarbejde,"] == [l for l in expected if not l.startswith("Kommune G,internt_samarbejde,")]
    responses = load_dataset(data).responses
    cell = responses[(responses["round"] == NEW) & (responses["municipality"] == "Kommune G") & (responses["item"] == "internt_samarbejde")]
    assert cell["score"].isna().all() and not cell["dont_know"].any()


def test_value_in_a_column_without_header(tmp_path, data, instrument):
    def change(rows):
        rows[0].append("")
        rows[ROW["Kommune A"] - 1].append("4")
    path = bad_wide(tmp_path, instrument, change)
    assert fields(refused(path, data)) == [(str(path), 2, "H", "4")]


def test_unknown_round(tmp_path, data, instrument):
    path = write_csv(tmp_path / "export.csv", wide_rows(instrument))
    problems = refused(path, data, round_key="opfoelgning-2099")
    assert fields(problems) == [(str(data.resolve() / "rounds.yml"), None, "key", "opfoelgning-2099")]
    assert "unknown round" in problems[0].message


def test_existing_round_file_is_kept_unless_replace(tmp_path, data, instrument):
    rows = wide_rows(instrument)
    rows[ROW["Kommune A"] - 1][1] = 1  # differs from the bundled file
    path = write_csv(tmp_path / "export.csv", rows)
    target = config.round_file("opfoelgning-2019", data.resolve())
    problems = refused(path, data, round_key="opfoelgning-2019")
    assert fields(problems) == [(str(target), None, None, "opfoelgning-2019")]
    assert "already has a response file" in problems[0].message
    importer.import_export(path, "opfoelgning-2019", data=data, replace=True)
    assert target.read_text(encoding="utf-8").splitlines()[1] == "Kommune A,beredskab,1"


def test_every_problem_is_listed_at_once(tmp_path, data, instrument):
    def change(rows):
        rows[ROW["Kommune A"] - 1][1] = 9
        rows[ROW["Kommune B"] - 1][2] = "lidt"
        rows[ROW["Kommune C"] - 1][0] = "Kommune Q"
    path = bad_wide(tmp_path, instrument, change)
    problems = refused(path, data, round_key="nope")
    assert fields(problems) == [
        (str(data.resolve() / "rounds.yml"), None, "key", "nope"),
        (str(path), 2, "beredskab", "9"),
        (str(path), 3, "indsatser", "lidt"),
        (str(path), 4, "municipality", "Kommune Q"),
    ]


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n  \r\n", b";;;\n,,\n"], ids=["zero-bytes", "blank-lines", "separators"])
def test_empty_csv(tmp_path, data, content):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    problems = refused(path, data)
    assert fields(problems) == [(str(path), None, None, None)]
    assert problems[0].message == "file is empty"


def test_header_without_answers(tmp_path, data, instrument):
    path = write_csv(tmp_path / "export.csv", wide_rows(instrument)[:1] + [[""] * 7])
    problems = refused(path, data)
    assert fields(problems) == [(str(path), 1, None, None)]
    assert "file is empty" in problems[0].message


def test_empty_workbook(tmp_path, data):
    path = write_xlsx(tmp_path / "export.xlsx", [])
    problems = refused(path, data)
    assert fields(problems) == [(str(path), None, None, None)]
    assert problems[0].message == "file is empty"


def test_csv_with_bytes_undefined_in_cp1252_is_unreadable(tmp_path, data):
    path = tmp_path / "export.csv"
    path.write_bytes("municipality,item,score\nKommune A,beredskab,I høj grad\n".encode("utf-8") + b"\x81\x8d")
    problems = refused(path, data)
    assert fields(problems) == [(str(path), None, None, None)]
    assert problems[0].message.startswith("unreadable file")


def test_binary_file_with_nul_bytes_is_unreadable(tmp_path, data):
    path = tmp_path / "export.csv"
    path.write_bytes("municipality,item,score\n".encode("utf-16-le"))  # UTF-16 without byte-order mark
    problems = refused(path, data)
    assert problems[0].message.startswith("unreadable file") and "NUL" in problems[0].message


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_utf16_text_with_any_separator(tmp_path, data, instrument, delimiter):
    rows = wide_rows(instrument, labels=True, headers="question")
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "export.txt"
    path.write_bytes(buffer.getvalue().encode("utf-16"))  # with byte-order mark, as Excel's "Unicode text"
    assert_imported(path, data)


def test_xlsx_that_is_not_a_zip_is_unreadable(tmp_path, data):
    path = tmp_path / "export.xlsx"
    path.write_text("municipality,item,score\n", encoding="utf-8")
    problems = refused(path, data)
    assert fields(problems) == [(str(path), None, None, None)]
    assert problems[0].message.startswith("unreadable file")


def test_truncated_xlsx_is_unreadable(tmp_path, data, instrument):
    good = write_xlsx(tmp_path / "good.xlsx", wide_rows(instrument)).read_bytes()
    path = tmp_path / "export.xlsx"
    path.write_bytes(good[: len(good) // 2])
    problems = refused(path, data)
    assert fields(problems) == [(str(path), None, None, None)]
    assert problems[0].message.startswith("unreadable file")


def test_corrupt_xlsx_is_unreadable(tmp_path, data, instrument):
    good = write_xlsx(tmp_path / "good.xlsx", wide_rows(instrument))
    path = tmp_path / "export.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            if info.filename != "xl/workbook.xml":
                dst.writestr(info, src.read(info))
    problems = refused(path, data)
    assert fields(problems) == [(str(path), None, None, None)]
    assert problems[0].message.startswith("unreadable file")


def test_corrupt_member_of_xlsx_is_unreadable(tmp_path, data, instrument):
    good = write_xlsx(tmp_path / "good.xlsx", wide_rows(instrument))
    path = tmp_path / "export.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            dst.writestr(info, content.replace(b"<sheetData>", b"<sheetData><row") if "sheet1" in info.filename else content)
    problems = refused(path, data)
    assert fields(problems) == [(str(path), None, None, None)]
    assert problems[0].message.startswith("unreadable file")


def test_unsupported_file_type(tmp_path, data):
    path = tmp_path / "export.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    problems = refused(path, data)
    assert fields(problems) == [(str(path), None, None, ".xls")]


def test_missing_input_file(tmp_path, data):
    path = tmp_path / "nowhere.csv"
    before = snapshot(data)
    with pytest.raises(DataError) as caught:
        importer.import_export(path, NEW, data=data)
    assert fields(caught.value.problems) == [(str(path), None, None, None)]
    assert snapshot(data) == before


# ------------------------------------------------------------ workbook safety
def test_openpyxl_parses_xml_through_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse is defusedxml.ElementTree.iterparse
    assert openpyxl.xml.functions.fromstring is defusedxml.ElementTree.fromstring


def test_zip_bomb_is_refused_without_expanding(tmp_path, data):
    path = tmp_path / "export.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = bytes(2**20)
            for _ in range(100):  # ~100 MB of zeros
                member.write(block)
    assert path.stat().st_size < 2**20
    problems = refused(path, data)
    size = 100 * 2**20
    assert fields(problems) == [(str(path), None, None, size), (str(path), None, "xl/worksheets/sheet1.xml", size)]
    assert "more than 50 MB" in problems[0].message and "zip bomb" in problems[0].message
    assert "more than 100:1" in problems[1].message


def test_member_compressed_too_far_is_refused(tmp_path, data, instrument):
    good = write_xlsx(tmp_path / "good.xlsx", wide_rows(instrument))
    path = tmp_path / "export.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/media/padding.bin", bytes(5 * 2**20))  # 5 MB under the total cap
    problems = refused(path, data)
    assert fields(problems) == [(str(path), None, "xl/media/padding.bin", 5 * 2**20)]
    assert "more than 100:1" in problems[0].message


def test_too_many_members_is_refused(tmp_path, data):
    path = tmp_path / "export.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(importer.MAX_MEMBERS + 1):
            archive.writestr(f"x/{i}.xml", b"<a/>")
    problems = refused(path, data)
    assert fields(problems) == [(str(path), None, None, importer.MAX_MEMBERS + 1)]
    assert "members" in problems[0].message


def billion_laughs(tmp_path, instrument) -> Path:
    """A workbook whose sheet declares nested entities and uses the last one."""
    good = write_xlsx(tmp_path / "good.xlsx", wide_rows(instrument))
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10)
    )
    doctype = f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'.encode()
    path = tmp_path / "export.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b"<t>Kommune A</t>" in content
                content = doctype + content.replace(b"<t>Kommune A</t>", b"<t>&lol9;</t>")
            dst.writestr(info, content)
    return path


def test_billion_laughs_is_refused(tmp_path, data, instrument):
    path = billion_laughs(tmp_path, instrument)
    problems = refused(path, data)
    assert fields(problems) == [(str(path), None, "xl/worksheets/sheet1.xml", None)]
    assert "refused" in problems[0].message and "entities" in problems[0].message


def test_billion_laughs_is_stopped_by_defusedxml_too(tmp_path, data, instrument, monkeypatch):
    path = billion_laughs(tmp_path, instrument)
    with pytest.raises(ValueError) as caught:  # openpyxl on its own
        openpyxl.load_workbook(path)
    assert isinstance(caught.value.__cause__, defusedxml.EntitiesForbidden)
    monkeypatch.setattr(importer.sources, "_declares_dtd", lambda archive, info: False)  # skip the first guard
    problems = refused(path, data)
    assert fields(problems) == [(str(path), None, None, None)]
    assert "defusedxml stopped it" in problems[0].message


# ----------------------------------------------------------- command line
def test_cli_import_writes_the_round(tmp_path, data, instrument, capsys):
    path = write_xlsx(tmp_path / "export.xlsx", wide_rows(instrument, headers="question", labels=True))
    assert main(["import", str(path), "--round", NEW, "--data", str(data)]) == 0
    target = config.round_file(NEW, data.resolve())
    assert target.read_bytes() == SOURCE.read_bytes()
    assert f"wrote {target}" in capsys.readouterr().out


def test_cli_bad_export_exits_2_with_the_problems(tmp_path, data, instrument, capsys):
    rows = wide_rows(instrument)
    rows[ROW["Kommune C"] - 1][2] = 7
    path = write_csv(tmp_path / "export.csv", rows)
    before = snapshot(data)
    assert main(["import", str(path), "--round", NEW, "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 1 problem(s) in the input:")
    assert f"{path}, row 4, column 'indsatser': score out of range" in err and "(value: '7')" in err
    assert snapshot(data) == before


def test_cli_unknown_round_exits_2(tmp_path, data, instrument, capsys):
    path = write_csv(tmp_path / "export.csv", wide_rows(instrument))
    assert main(["import", str(path), "--round", "nope", "--data", str(data)]) == 2
    assert "unknown round" in capsys.readouterr().err
    assert not config.round_file("nope", data).exists()


def test_cli_replace(tmp_path, data, instrument, capsys):
    rows = wide_rows(instrument)
    rows[ROW["Kommune A"] - 1][1] = 2
    path = write_csv(tmp_path / "export.csv", rows)
    target = config.round_file("opfoelgning-2019", data)
    original = target.read_bytes()
    assert main(["import", str(path), "--round", "opfoelgning-2019", "--data", str(data)]) == 2
    assert "already has a response file; use --replace" in capsys.readouterr().err
    assert target.read_bytes() == original
    assert main(["import", str(path), "--round", "opfoelgning-2019", "--data", str(data), "--replace"]) == 0
    assert target.read_bytes() == original.replace(b"Kommune A,beredskab,4\n", b"Kommune A,beredskab,2\n", 1)
    assert target.read_bytes() != original
