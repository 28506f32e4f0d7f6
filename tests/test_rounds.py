"""A new round, end to end through the command line, as an evaluator adds one.

``round add`` -> ``import`` -> fill in plan status, participation, statements
and narrative -> ``status`` -> ``run``, with a municipality that joined late
(Kommune K) and one that took no part (Kommune E).  Every output of the new
pair is then searched for material of another round: none may appear.  The
2017 -> 2018 pair must show no 2019 material either, and a follow-up that
lacks material is refused (exit 2, the file named, nothing published) or
built as a draft with "Mangler:" boxes.
"""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from evaluation import config
from evaluation.cli import main

NEW = "opfoelgning-2020"
PARAMETERS = ["beredskab", "indsatser", "internt_samarbejde", "eksternt_samarbejde", "kompetencer"]
ITEMS = PARAMETERS + ["radikalisering_udfordring"]
TAKING_PART = [f"Kommune {c}" for c in "ABCDFGHIJK"]  # E takes no part; K joined late
INTERVIEWED = ["Kommune A", "Kommune B", "Kommune C", "Kommune D"]
MARK = "Tjekmærke2020"  # appears only in the new round's statements and narrative


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write(path: Path, header: list[str], body: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(body)


def published_text(folder: Path) -> str:
    """Every text file of a publication (HTML, notebooks, tables, manifest), joined.

    The copy of the inputs (``inputs/``) is left out: it holds the data the
    run read, the baseline's and earlier rounds' files included (see
    :func:`published_rounds`)."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*"))
                     if p.is_file() and p.suffix in (".html", ".ipynb", ".csv", ".json", ".svg")
                     and "inputs" not in p.relative_to(folder).parts[:1])


def published_rounds(folder: Path) -> tuple[list[str], list[str]]:
    """The round folders of a publication's ``inputs/`` and the keys its ``rounds.yml`` lists."""
    import yaml

    inputs = folder / "inputs"
    listed = [str(r["key"]) for r in yaml.safe_load((inputs / "rounds.yml").read_text(encoding="utf-8"))["rounds"]]
    return sorted(p.name for p in (inputs / "rounds").iterdir() if p.is_dir()), listed


def other_rounds_material(data: Path, key: str) -> list[str]:
    """Statements and narrative sentences of every round but ``key``."""
    out = []
    for folder in sorted((data / "rounds").iterdir()):
        if folder.name == key:
            continue
        out += [r["text"] for r in rows(folder / "quotes.csv")]
        text = (folder / "narrative.md").read_text(encoding="utf-8")
        out += [line for line in text.splitlines() if line.strip() and not line.startswith(("[[", "<!--", " "))]
    return [t for t in out if len(t) > 30]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A data folder with the new round added through the CLI, and the run of 2019 -> 2020."""
    tmp = tmp_path_factory.mktemp("rounds")
    data = tmp / "data"
    shutil.copytree(config.DATA_DIR, data, ignore=shutil.ignore_patterns("private"))
    assert main(["round", "add", NEW, "--label", "Opfølgning", "--date", "2020-03-01",
                 "--definite", "opfølgningen 2020", "--data", str(data)]) == 0
    with open(data / "municipalities.csv", "a", encoding="utf-8") as fh:
        fh.write("Kommune K,false,false\n")
    # An export of our own making: wide, item keys as headers; 2019's answers, one step up where possible.
    old = {(r["municipality"], r["item"]): int(r["score"]) for r in rows(data / "rounds" / "opfoelgning-2019" / "responses.csv")}
    export = tmp / "eksport.csv"
    write(export, ["kommune", *ITEMS],
          [[m, *[str(min(4, old.get((m, i), 2) + (1 if m in INTERVIEWED else 0)) if old.get((m, i), 2) else 0)
                 for i in ITEMS]] for m in TAKING_PART])
    assert main(["import", str(export), "--round", NEW, "--data", str(data)]) == 0
    folder = data / "rounds" / NEW
    status = rows(data / "rounds" / "opfoelgning-2019" / "plan_status.csv")
    write(folder / "plan_status.csv", ["municipality", "phase", "status"],
          [[r["municipality"], r["phase"], "gennemfoert"] for r in status]
          + [["Kommune K", p, "i_proces"] for p in ("udarbejdet", "godkendt", "udrullet")])
    write(folder / "participation.csv", ["municipality", "mode"],
          [[m, "interview" if m in INTERVIEWED else "survey"] for m in TAKING_PART] + [["Kommune E", "none"]])
    write(folder / "quotes.csv", ["theme", "role", "municipality", "text"], [
        ["ledelsesforankring", "Koordinator", "Kommune A", f"{MARK}: ledelsen følger nu arbejdet hver måned."],
        ["kompetencer", "Afdelingsleder", "Kommune B", f"{MARK}: alle nye medarbejdere får en introduktion."],
        ["centrets_arbejde", "Projektleder i centret", "", f"{MARK}: vi bruger konceptet med tre nye kommuner."],
    ])
    narrative = (folder / "narrative.md").read_text(encoding="utf-8")
    for section in ("sec:purpose", "sec:leadership", "sec:centre"):
        narrative = narrative.replace(f"[[{section}]]\n", f"[[{section}]]\n{MARK} i {section}: "
                                      "{{ n_interviewed }} kommuner blev interviewet ved {{ followup.definite }}.\n")
    (folder / "narrative.md").write_text(narrative, encoding="utf-8")
    out = tmp / "out"
    code = main(["run", "--data", str(data), "--out", str(out), "--baseline", "opfoelgning-2019",
                 "--followup", NEW, "--municipality", "Kommune E", "--municipality", "Kommune K"])
    assert code == 0
    return data, out, out / f"{NEW}_vs_opfoelgning-2019"


def test_status_of_the_completed_round(world, capsys):
    data, _, _ = world
    assert main(["status", "--round", NEW, "--strict", "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "answers from 10 municipalities" in out and "participation of 11" in out and "3 statement(s)" in out


def test_the_new_pair_shows_only_its_own_material(world):
    data, _, pub = world
    text = published_text(pub)
    assert MARK in text
    leaked = [t for t in other_rounds_material(data, NEW) if t in text]
    assert leaked == []
    folders, listed = published_rounds(pub)
    assert NEW in folders and listed[-1] == NEW and sorted(listed) == folders


def test_the_new_pair_says_who_took_part(world):
    _, _, pub = world
    memo = (pub / "memo.html").read_text(encoding="utf-8")
    # 11 listed, Kommune E took no part: 4 interviewed, 6 answered the survey.
    assert "Ved opfølgningen 2020 deltog ti af de elleve kommuner: fire blev interviewet, og seks besvarede spørgeskemaet." in memo
    assert f"{MARK} i sec:purpose: 4 kommuner blev interviewet ved opfølgningen 2020." in memo
    manifest = json.loads((pub / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["draft"] is False and manifest["missing"] == []
    assert "Udkast" not in memo


def test_profiles_of_the_absent_and_the_late_municipality(world):
    _, _, pub = world
    absent = (pub / "profiles" / "kommune-e.html").read_text(encoding="utf-8")
    assert "Kommunen deltog ikke i opfølgningen 2020." in absent
    late = (pub / "profiles" / "kommune-k.html").read_text(encoding="utf-8")
    assert "Ved opfølgningen 2020 besvarede kommunen spørgeskemaet." in late


def test_the_early_pair_is_a_draft_without_later_material(world, capsys):
    data, out, _ = world
    args = ["run", "--data", str(data), "--out", str(out), "--baseline", "udgangsmaaling-2017",
            "--followup", "slutmaaling-2018", "--no-profiles"]
    assert main(args) == 2  # 2018 has no narrative of its own
    err = capsys.readouterr().err
    assert "rounds/slutmaaling-2018/narrative.md" in err and "sec:purpose" in err and "--draft" in err
    pub = out / "slutmaaling-2018_vs_udgangsmaaling-2017"
    assert not pub.exists()
    assert main([*args, "--draft"]) == 0
    text = published_text(pub)
    assert [t for t in other_rounds_material(data, "slutmaaling-2018") if t in text] == []
    assert MARK not in text
    # The copy of the inputs stops at the follow-up: no later round's folder or entry.
    assert published_rounds(pub) == (["slutmaaling-2018", "udgangsmaaling-2017"],
                                     ["udgangsmaaling-2017", "slutmaaling-2018"])
    inputs_text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((pub / "inputs").rglob("*"))
                            if p.is_file() and p.suffix in (".csv", ".md", ".yml"))
    assert MARK not in inputs_text
    memo = (pub / "memo.html").read_text(encoding="utf-8")
    assert memo.count("Mangler: evaluatorens tekst til dette afsnit for slutmålingen.") == 3
    assert "<title>Udkast: " in memo and "Udkast" in (pub / "index.html").read_text(encoding="utf-8")
    manifest = json.loads((pub / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["draft"] is True and len(manifest["missing"]) == 3
    # Unchanged inputs: a draft rerun is up to date, a final run still refuses.
    assert main([*args, "--draft"]) == 0 and "up to date" in capsys.readouterr().out
    assert main(args) == 2


def test_a_followup_without_plan_status_is_refused_or_drafted(world, tmp_path, capsys):
    data, _, _ = world
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    write(copy / "rounds" / NEW / "plan_status.csv", ["municipality", "phase", "status"], [])
    assert main(["status", "--round", NEW, "--strict", "--data", str(copy)]) == 2
    assert f"rounds/{NEW}/plan_status.csv: no rows yet" in capsys.readouterr().out
    out = tmp_path / "out"
    args = ["run", "--data", str(copy), "--out", str(out), "--baseline", "opfoelgning-2019", "--followup", NEW,
            "--no-profiles"]
    assert main(args) == 2
    assert f"rounds/{NEW}/plan_status.csv" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())
    assert main([*args, "--draft"]) == 0
    memo = (out / f"{NEW}_vs_opfoelgning-2019" / "memo.html").read_text(encoding="utf-8")
    assert "Mangler: planstatus for opfølgningen 2020. Udfyld rounds/opfoelgning-2020/plan_status.csv." in memo


def test_even_a_draft_needs_the_answers(world, tmp_path, capsys):
    data, _, _ = world
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    write(copy / "rounds" / NEW / "responses.csv", ["municipality", "item", "score"], [])
    args = ["run", "--data", str(copy), "--out", str(tmp_path / "out"), "--followup", NEW, "--draft"]
    assert main(args) == 2
    assert f"rounds/{NEW}/responses.csv" in capsys.readouterr().err


def test_a_narrative_with_code_counts_needs_the_codings(world, tmp_path, capsys):
    data, _, _ = world
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    narrative = copy / "rounds" / NEW / "narrative.md"
    text = narrative.read_text(encoding="utf-8").replace(
        "[[sec:leadership]]\n", "[[sec:leadership]]\nIfølge kodningen har {{ codes.registrering.sources }} "
        "({{ codes.registrering }}) en fast praksis for registrering.\n")
    narrative.write_text(text, encoding="utf-8")
    assert main(["status", "--round", NEW, "--strict", "--data", str(copy)]) == 2
    assert f"rounds/{NEW}/codings.csv: no rows yet, but narrative.md uses code counts" in capsys.readouterr().out
    out = tmp_path / "out"
    args = ["run", "--data", str(copy), "--out", str(out), "--baseline", "opfoelgning-2019", "--followup", NEW,
            "--no-profiles"]
    assert main(args) == 2
    assert f"rounds/{NEW}/codings.csv" in capsys.readouterr().err
    assert main([*args, "--draft"]) == 0
    memo = (out / f"{NEW}_vs_opfoelgning-2019" / "memo.html").read_text(encoding="utf-8")
    assert "Mangler: kodningen af interviewene (evaluatorens tekst bruger optællinger af koder) for opfølgningen 2020." in memo
    assert "Ifølge kodningen har – (–) en fast praksis for registrering." in memo
    assert "Interviewene fra opfølgningen 2020 er endnu ikke kodet" in memo
    # Coded: two of the four interviewed municipalities; the final memo now builds and counts.
    write(copy / "rounds" / NEW / "codings.csv", ["source", "code"],
          [["Kommune B", "registrering"], ["Kommune A", "registrering"], ["centret", "scenarietraening"]])
    assert main(args) == 0
    memo = (out / f"{NEW}_vs_opfoelgning-2019" / "memo.html").read_text(encoding="utf-8")
    assert "Ifølge kodningen har to af de fire interviewede kommuner (2) en fast praksis for registrering." in memo
    assert "Mangler:" not in memo and "Centret tilbyder kommunerne scenarietræning." in memo


def test_an_unknown_code_in_a_placeholder_is_refused(world, tmp_path, capsys):
    data, _, _ = world
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    narrative = copy / "rounds" / NEW / "narrative.md"
    narrative.write_text(narrative.read_text(encoding="utf-8").replace(
        "[[sec:centre]]\n", "[[sec:centre]]\n{{ codes.styregrupe }}\n"), encoding="utf-8")
    assert main(["validate", "--data", str(copy)]) == 2
    err = capsys.readouterr().err
    assert f"rounds/{NEW}/narrative.md" in err and "codes.styregrupe" in err and "unknown code" in err
