"""Publications checked against their manifest (evaluation.run.verify, ``evaluation verify``)."""
from __future__ import annotations

import hashlib
import json
import os
import stat

import pytest

from evaluation.cli import main
from evaluation.exceptions import ParameterError
from evaluation.run.verify import FILES_KEY, check_publication, damaged_files, seal

PAIR = "opfoelgning-2019_vs_slutmaaling-2018"


def _folder(tmp_path):
    folder = tmp_path / PAIR
    for rel, text in {"memo.html": "<p>memo</p>", "tables/comparison.csv": "a,b\n1,2\n",
                      "notebooks/02.ipynb": "{}"}.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return folder


def _writable(path):
    os.chmod(path, stat.S_IMODE(path.stat().st_mode) | 0o200)
    return path


def test_seal_records_every_hash_and_makes_every_file_read_only(tmp_path):
    folder = _folder(tmp_path)
    manifest = seal(folder, {"pair": PAIR})
    assert manifest[FILES_KEY] == {
        "memo.html": hashlib.sha256(b"<p>memo</p>").hexdigest(),
        "notebooks/02.ipynb": hashlib.sha256(b"{}").hexdigest(),
        "tables/comparison.csv": hashlib.sha256(b"a,b\n1,2\n").hexdigest(),
    }
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8")) == manifest
    for path in [*folder.rglob("*")]:
        if path.is_file():
            assert not path.stat().st_mode & 0o222, path
        else:
            assert path.stat().st_mode & 0o200, path  # folders stay writable: the next run replaces them
    check = check_publication(folder)
    assert check.intact and check.checked == 3
    assert check.lines("outputs/x") == ["outputs/x: intact (3 files match manifest.json)"]


def test_an_edit_an_addition_and_a_removal_are_each_listed(tmp_path):
    folder = _folder(tmp_path)
    seal(folder, {})
    _writable(folder / "tables" / "comparison.csv").write_text("a,b\n1,3\n", encoding="utf-8")
    (folder / "notebooks" / ".ipynb_checkpoints").mkdir()
    (folder / "notebooks" / ".ipynb_checkpoints" / "02-checkpoint.ipynb").write_text("{}", encoding="utf-8")
    (folder / "memo.html").unlink()
    check = check_publication(folder)
    assert not check.intact
    assert (check.changed, check.added, check.removed) == (
        ["tables/comparison.csv"], ["notebooks/.ipynb_checkpoints/02-checkpoint.ipynb"], ["memo.html"])
    assert check.lines("p") == ["p: NOT intact (1 changed, 1 added, 1 removed; 3 files in manifest.json)",
                                "  changed: tables/comparison.csv",
                                "  added:   notebooks/.ipynb_checkpoints/02-checkpoint.ipynb",
                                "  removed: memo.html"]
    assert damaged_files(folder, json.loads((folder / "manifest.json").read_text())) == [
        "memo.html", "notebooks/.ipynb_checkpoints/02-checkpoint.ipynb", "tables/comparison.csv"]


def test_same_size_edit_is_noticed(tmp_path):
    folder = _folder(tmp_path)
    seal(folder, {})
    _writable(folder / "memo.html").write_text("<p>MEMO</p>", encoding="utf-8")
    assert check_publication(folder).changed == ["memo.html"]


@pytest.mark.parametrize("setup, message", [
    (lambda f: None, "no such folder"),
    (lambda f: f.mkdir(), "no manifest.json"),
    (lambda f: (f.mkdir(), (f / "manifest.json").write_text("{not json")), "not a readable manifest"),
    (lambda f: (f.mkdir(), (f / "manifest.json").write_text('{"pair": "x"}')), "earlier version"),
])
def test_a_folder_that_is_not_a_sealed_publication_is_refused(tmp_path, setup, message):
    folder = tmp_path / "p"
    setup(folder)
    with pytest.raises(ParameterError, match=message):
        check_publication(folder)
    assert main(["verify", str(folder)]) == 2


def test_command_exit_codes(tmp_path, capsys):
    folder = _folder(tmp_path)
    seal(folder, {})
    assert main(["verify", str(folder)]) == 0
    assert capsys.readouterr().out == f"{folder}: intact (3 files match manifest.json)\n"
    (_writable(folder / "memo.html")).write_text("x", encoding="utf-8")
    assert main(["verify", str(folder)]) == 1
    assert "changed: memo.html" in capsys.readouterr().out


# ------------------------------------------------------------- real runs
def test_a_real_publication_is_intact_and_read_only(bundled_run):
    check = check_publication(bundled_run)
    assert check.intact and check.checked > 60
    manifest = json.loads((bundled_run / "manifest.json").read_text(encoding="utf-8"))
    assert {"memo.html", "index.html", "run.log", "memo.docx", "notebooks/02_konklusion.ipynb"} <= set(manifest[FILES_KEY])
    assert all(not (bundled_run / rel).stat().st_mode & 0o222 for rel in manifest[FILES_KEY])


def test_run_republishes_a_changed_publication(tmp_path, capsys):
    out = tmp_path / "outputs"
    args = ["run", "--out", str(out), "--no-profiles", "--quiet"]
    assert main(args) == 0
    folder = out / PAIR
    assert main([*args[:-1], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "up-to-date"
    table = folder / "tables" / "comparison.csv"
    original = table.read_bytes()
    _writable(table).write_bytes(original.replace(b"beredskab", b"BEREDSKAB"))
    assert main(["verify", str(folder)]) == 1
    capsys.readouterr()
    assert main([*args[:-1], "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "built"
    assert any("differ from its manifest" in w and "tables/comparison.csv" in w for w in result["warnings"])
    assert table.read_bytes() == original
    assert check_publication(folder).intact
    assert main([*args[:-1], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "up-to-date"


def test_a_subset_run_never_carries_an_edited_profile_over(tmp_path, capsys):
    out = tmp_path / "outputs"
    base = ["run", "--out", str(out), "--no-profiles", "--municipality", "Kommune A", "--json"]
    base.remove("--no-profiles")
    assert main([*base, "--municipality", "Kommune B"]) == 0
    folder = out / PAIR
    capsys.readouterr()
    edited = folder / "profiles" / "kommune-b.html"
    _writable(edited).write_text("<p>edited</p>", encoding="utf-8")
    assert main(base) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "built"
    assert "Kommune B" in result["scope"]["profiles_missing"] and result["scope"]["profiles"] == ["Kommune A"]
    assert not edited.exists() and check_publication(folder).intact
