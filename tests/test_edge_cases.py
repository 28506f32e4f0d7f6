"""Whatever ``evaluation validate`` accepts, ``evaluation run`` turns into a memo.

Every folder of :mod:`edge_cases` goes through ``validate`` and then ``run``
(both through ``evaluation.cli.main``):

* a folder ``validate`` accepts is built (exit 0, nothing in ``failed/``,
  no work folder left), and the memo or the profile says what the data do
  not allow where the case is about that;
* a folder ``validate`` refuses is refused by ``run`` too, up front (exit 2,
  the message names the file, row and column; nothing is written).

Profiles are built only where a case concerns them, to keep the suite short.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from edge_cases import CASES, HOSTILE_NAME, THIRD, WIDE_NAME, make_case
from evaluation.cli import main
from evaluation.names import slug

def text_of(path: Path) -> str:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" ", strip=True)


def pair_folder(out: Path) -> Path:
    folders = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != "failed"]
    assert len(folders) == 1, folders
    return folders[0]


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.refused is None])
def test_a_folder_validate_accepts_becomes_a_memo(name, tmp_path, capsys):
    case = CASES[name]
    data = make_case(name, tmp_path / "data")
    assert main(["validate", "--data", str(data)]) == 0, capsys.readouterr().err
    out = tmp_path / "out"
    args = ["run", "--data", str(data), "--out", str(out), "--jobs", "2", *case.args]
    code = main(args if case.profiles else [*args, "--no-profiles"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "Traceback" not in err
    assert not (out / "failed").exists() and list((out / ".runs").iterdir()) == []
    folder = pair_folder(out)
    memo = text_of(folder / "memo.html")
    if name == "all_dont_know_followup":
        assert "Ingen kommuner har gyldige svar ved både" in memo
    if name == "middle_round_unanswered":
        # Nobody answered runde-2, so nobody has an answer in all three rounds.
        assert re.search(r"Friedmans test .*?Beredskab: p kan ikke beregnes \(n = 0\)", memo)
    if name == "profile_corners":
        never = text_of(folder / "profiles" / "kommune-k.html")
        assert "Kommunen har ingen svar fra runde 1 og runde 2, så dens udvikling" in never
        late = text_of(folder / "profiles" / f"{slug(THIRD)}.html")
        assert "Kommunen har ingen svar fra runde 2, så dens udvikling" in late
        for shown in (WIDE_NAME, HOSTILE_NAME):
            profile = folder / "profiles" / f"{slug(shown)}.html"
            assert f"Profil: {shown}" in text_of(profile)  # the name as text, markup and TeX shown as written
            assert "<b>K</b>" not in profile.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.refused is not None])
def test_a_folder_validate_refuses_is_refused_by_run_up_front(name, tmp_path, capsys):
    file, row, column = CASES[name].refused
    data = make_case(name, tmp_path / "data")
    assert main(["validate", "--data", str(data)]) == 2
    named = f"{file}, row {row}, column {column!r}"
    assert named in capsys.readouterr().err
    out = tmp_path / "out"
    assert main(["run", "--data", str(data), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert named in err and "Traceback" not in err
    assert not out.exists()
