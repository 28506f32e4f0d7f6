"""Tests of evaluation.memo.tables: formula neutralisation and deterministic CSV.

Every expected cell and every expected file below is written out by hand.
"""
import os
import stat

import numpy as np
import pandas as pd
import pytest

from evaluation.memo.tables import FORMULA_STARTS, neutralise, neutralise_frame, write_table


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+A1", "'+A1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("+", "'+"),
    ],
)
def test_neutralise_prefixes_every_formula_start(value, expected):
    assert neutralise(value) == expected


def test_formula_starts_are_the_six_owasp_characters():
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize("value", ["-1.5", "+3", "-0", "-1e5", "+2.5E-3", "-.5", "3", "Kommune A", "", "a=b"])
def test_real_numbers_and_plain_text_stay(value):
    # "+3" is a real number a spreadsheet reads as 3, not a formula: it stays.
    assert neutralise(value) == value


@pytest.mark.parametrize("value", ["-nan", "+nan", "-inf", "+inf", "+infinity", "-Infinity", "- 1", "-1 ", "-1_000", "-١"])
def test_strings_that_only_parse_as_python_floats_are_neutralised(value):
    # float() accepts these, but none is a plain decimal number in a
    # spreadsheet; a spreadsheet would read the leading sign as a formula.
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", [-1.5, 3, None, np.nan, True])
def test_non_strings_are_returned_unchanged(value):
    out = neutralise(value)
    assert out is value


def test_neutralise_frame_cells_and_column_names_without_touching_the_input():
    frame = pd.DataFrame(
        {
            "=name": ["=1+1", "Kommune A", "-1.5"],
            "n": [1, 2, 3],
            "share": [-0.5, 0.25, 1.0],
            "kind": pd.Categorical(["@x", "y", "y"]),
            "text": pd.array(["+cmd", "ok", None], dtype="string"),
        }
    )
    before = frame.copy()
    out = neutralise_frame(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert list(out.columns) == ["'=name", "n", "share", "kind", "text"]
    assert out["'=name"].tolist() == ["'=1+1", "Kommune A", "-1.5"]
    assert out["n"].tolist() == [1, 2, 3]
    assert out["share"].tolist() == [-0.5, 0.25, 1.0]
    assert list(out["kind"]) == ["'@x", "y", "y"]
    assert out["text"].tolist()[:2] == ["'+cmd", "ok"]


def test_write_table_exact_bytes(tmp_path):
    frame = pd.DataFrame(
        {"municipality": ["Kommune A", "=cmd|' /C calc'!A0", "Kommune Ø"], "mean": [3.25, -0.1, np.nan], "n": [10, 9, 0]}
    )
    path = write_table(frame, tmp_path / "sub" / "t.csv")
    assert path == tmp_path / "sub" / "t.csv"
    # Written by hand: \n line endings, %.10g floats, empty NaN, CSV quoting
    # of the cell holding a quote character, UTF-8.
    expected = (
        "municipality,mean,n\n"
        "Kommune A,3.25,10\n"
        "'=cmd|' /C calc'!A0,-0.1,9\n"
        "Kommune Ø,,0\n"
    )
    assert path.read_bytes() == expected.encode("utf-8")


def test_write_table_is_deterministic_and_leaves_no_temporary_files(tmp_path):
    frame = pd.DataFrame({"a": [1 / 3, 2 / 3], "b": ["x", "-y"]})
    first = write_table(frame, tmp_path / "t.csv").read_bytes()
    second = write_table(frame, tmp_path / "t.csv").read_bytes()
    assert first == second
    assert b"\r" not in first
    assert first == b"a,b\n0.3333333333,x\n0.6666666667,'-y\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_write_table_failure_keeps_the_old_file_and_leaves_no_temporary_files(tmp_path, monkeypatch):
    target = tmp_path / "t.csv"
    write_table(pd.DataFrame({"a": [1]}), target)

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_table(pd.DataFrame({"a": [2]}), target)
    assert target.read_bytes() == b"a\n1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_write_table_file_mode_follows_the_umask_like_any_other_file(tmp_path):
    # A plain open() gives the mode every other output file gets; a table
    # must not be more private than the figures beside it.
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    path = write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.csv")
    assert stat.S_IMODE(path.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
