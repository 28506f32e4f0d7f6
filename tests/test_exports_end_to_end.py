"""From survey tools' exports to a memo: import every layout, validate, run.

Each export of ``tests/exports/make_exports.py`` becomes a round of its own
in a copy of the bundled data (so the trend over rounds reads every one of
them); the memo of the last pair is built, and the questions left blank reach
it as "besvarede ikke spørgsmålet", apart from "ved ikke".
"""
from __future__ import annotations

import re
import shutil

import pytest

from evaluation import config
from evaluation.cli import main
from exports.make_exports import READINESS_MAPPING, make_exports, names_csv

#: One round per layout, in date order; the last two are the memo's pair.
LAYOUTS = ["surveyxact.xlsx", "surveyxact.csv", "msforms.xlsx", "surveymonkey.csv", "surveymonkey_custom_data.csv",
           "qualtrics.csv", "googleforms.csv"]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    exports = make_exports(tmp / "exports")
    data = tmp / "data"
    shutil.copytree(config.DATA_DIR, data, ignore=shutil.ignore_patterns("private"))
    (data / "private").mkdir()
    (data / "private" / "names.csv").write_text(names_csv(), encoding="utf-8")
    keys = []
    for year, name in enumerate(LAYOUTS, start=2020):
        key = f"runde-{year}"
        assert main(["round", "add", key, "--label", "Runde", "--date", f"{year}-03-01", "--definite",
                     f"runden {year}", "--data", str(data)]) == 0
        assert main(["import", str(exports[name].path), "--round", key, "--data", str(data),
                     *exports[name].options]) == 0, name
        assert config.round_file(key, data).read_text(encoding="utf-8") == exports[name].expected_csv()
        keys.append(key)
    # Last, a readiness survey that also carries plan status and participation (named by a mapping).
    mapping = tmp / "readiness.yml"
    mapping.write_text(READINESS_MAPPING, encoding="utf-8")
    key = "runde-2027"
    assert main(["round", "add", key, "--label", "Runde", "--date", "2027-03-01", "--definite", "runden 2027",
                 "--data", str(data)]) == 0
    assert main(["import", str(exports["readiness_googleforms.csv"].path), "--round", key, "--data", str(data),
                 "--mapping", str(mapping)]) == 0
    return data, keys, exports


def test_every_imported_layout_validates(imported, capsys):
    data, keys, _ = imported
    capsys.readouterr()
    assert main(["validate", "--data", str(data)]) == 0
    assert f"{4 + len(LAYOUTS)} rounds" in capsys.readouterr().out


def test_run_builds_the_memo_and_reports_blanks_apart_from_ved_ikke(imported, tmp_path, capsys):
    data, keys, exports = imported
    out = tmp_path / "outputs"
    assert main(["run", "--data", str(data), "--out", str(out), "--draft", "--no-profiles", "--jobs", "1",
                 "--baseline", keys[-2], "--followup", keys[-1]]) == 0
    memo = (out / f"{keys[-1]}_vs_{keys[-2]}" / "memo.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", memo)
    # qualtrics.csv leaves Kommune H's radikalisering_udfordring blank, googleforms.csv Kommune J's indsatser;
    # both keep Kommune D's "ved ikke" on kompetencer.
    assert "Ved runden 2026 besvarede én kommune ikke spørgsmålet" in text  # indsatser
    assert "Ved runden 2025 svarede én kommune »ved ikke«, og ved runden 2026 svarede én kommune »ved ikke«" in text
    assert "i de to målinger er der to »ved ikke«-svar og ét ubesvaret spørgsmål, som heller ikke tæller" in text
    # The context question: Kommune H left it blank at the baseline; the distribution counts 9 answers then.
    assert ("Ved runden 2025 besvarede én kommune ikke spørgsmålet; et ubesvaret spørgsmål er et manglende svar "
            "og indgår ikke i fordelingen.") in text
    table = (out / f"{keys[-1]}_vs_{keys[-2]}" / "tables" / "distribution_radikalisering_udfordring.csv")
    rows = [line.split(",") for line in table.read_text(encoding="utf-8").splitlines()[1:]]
    assert sum(int(r[3]) for r in rows if r[1] == keys[-2]) == 9 and sum(int(r[3]) for r in rows if r[1] == keys[-1]) == 10


def test_plan_status_and_participation_from_the_export_reach_the_memo(imported, tmp_path):
    data, keys, _ = imported
    out = tmp_path / "outputs"
    assert main(["run", "--data", str(data), "--out", str(out), "--draft", "--no-profiles", "--jobs", "1",
                 "--baseline", keys[-1], "--followup", "runde-2027"]) == 0
    text = re.sub(r"<[^>]+>", "", (out / f"runde-2027_vs_{keys[-1]}" / "memo.html").read_text(encoding="utf-8"))
    # The bundled follow-up's participation.csv: A-E interviewed, F-J answered the survey.
    assert "Ved runden 2027 deltog ti kommuner: fem blev interviewet, og fem besvarede spørgeskemaet." in text
    assert "Mangler: deltagelsen" not in text
    assert "Mangler: planstatus for runden 2027" not in text
