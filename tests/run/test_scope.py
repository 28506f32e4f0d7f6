"""A subset run never shrinks a publication; a full run completes it.

End to end on a copy of the bundled data (10 municipalities), one output
folder, in this order: a run with ``--municipality "Kommune C"`` into an
empty folder, a full run, an edit of one answer followed by the same subset
run, a ``--no-profiles`` run, and a full run again.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from evaluation import config
from evaluation.names import slug
from evaluation.run.fingerprint import DataFolder
from evaluation.run.pipeline import RunOptions, run
from evaluation.run.plan import Job
from evaluation.run.result import RunReport
from evaluation.run.scope import describe_scope, up_to_date

PAIR = "opfoelgning-2019_vs_slutmaaling-2018"
MUNIS = [f"Kommune {c}" for c in "ABCDEFGHIJ"]
OTHERS = [m for m in MUNIS if m != "Kommune C"]


def _state(out: Path, result: dict, report: RunReport) -> dict:
    final = out / PAIR
    return {
        "result": result,
        "warnings": list(report.warnings),
        "manifest": json.loads((final / "manifest.json").read_text(encoding="utf-8")),
        "profiles": {p.name: p.read_bytes() for p in sorted((final / "profiles").glob("*.html"))},
        "index": (final / "index.html").read_bytes(),
    }


@pytest.fixture(scope="module")
def sequence(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scope")
    data, out = tmp / "data", tmp / "out"
    shutil.copytree(config.DATA_DIR, data, ignore=shutil.ignore_patterns("private"))
    states = {}

    def step(name, **options):
        report = RunReport(quiet=True)
        result = run(RunOptions(data=data, out=out, quiet=True, **options), report)
        states[name] = _state(out, result, report)

    step("subset-first", municipalities=("Kommune C",))
    step("full-after-subset")
    answers = data / "rounds" / "opfoelgning-2019" / "responses.csv"
    text = answers.read_text(encoding="utf-8")
    assert "Kommune A,indsatser,3\n" in text
    answers.write_text(text.replace("Kommune A,indsatser,3\n", "Kommune A,indsatser,2\n"), encoding="utf-8")
    step("subset-after-edit", municipalities=("Kommune C",))
    step("no-profiles", profiles=False)
    step("full-again")
    return states


def test_a_subset_run_into_an_empty_folder_says_it_is_partial(sequence):
    state = sequence["subset-first"]
    scope = state["manifest"]["scope"]
    assert list(state["profiles"]) == ["kommune-c.html"]
    assert scope["profiles"] == ["Kommune C"] and scope["profiles_missing"] == OTHERS
    assert scope["subset"] is True and scope["complete"] is False and state["manifest"]["complete"] is False


def test_a_full_run_after_a_subset_builds_only_the_missing_profiles(sequence):
    state = sequence["full-after-subset"]
    assert sorted(state["result"]["executed"]) == sorted(f"profil-{slug(m)}" for m in OTHERS)
    assert state["profiles"]["kommune-c.html"] == sequence["subset-first"]["profiles"]["kommune-c.html"]
    scope = state["manifest"]["scope"]
    assert scope["profiles"] == MUNIS and scope["profiles_missing"] == [] and scope["subset"] is False
    assert scope["complete"] is True and state["manifest"]["complete"] is True


def test_a_subset_run_after_a_full_one_keeps_every_other_profile(sequence):
    before, state = sequence["full-after-subset"], sequence["subset-after-edit"]
    assert list(state["profiles"]) == list(before["profiles"]) and len(state["profiles"]) == 10
    # The kept profiles are the published ones, byte for byte; Kommune C's was executed again.
    assert {k: v for k, v in state["profiles"].items() if k != "kommune-c.html"} == \
        {k: v for k, v in before["profiles"].items() if k != "kommune-c.html"}
    assert "profil-kommune-c" in state["result"]["executed"]
    assert not any(n.startswith("profil-") and n != "profil-kommune-c" for n in state["result"]["executed"])
    manifest = state["manifest"]
    assert set(manifest["notebooks"]) == set(before["manifest"]["notebooks"])
    links = [a["href"] for a in BeautifulSoup(state["index"], "html.parser").find_all("a")]
    assert [h for h in links if h.startswith("profiles/")] == [f"profiles/{slug(m)}.html" for m in MUNIS]


def test_kept_profiles_built_from_earlier_inputs_are_named_stale(sequence):
    state = sequence["subset-after-edit"]
    scope = state["manifest"]["scope"]
    # Every profile shows the group's answers, so an edited answer makes all the others stale.
    assert scope["profiles_kept"] == OTHERS and scope["profiles_stale"] == OTHERS
    assert scope["complete"] is False and state["manifest"]["complete"] is False
    assert len(state["warnings"]) == 1 and "9 kept profile(s)" in state["warnings"][0]


def test_a_no_profiles_run_after_a_subset_run_is_up_to_date(sequence):
    state = sequence["no-profiles"]
    assert state["result"]["status"] == "up-to-date" and state["result"]["executed"] == []
    assert len(state["profiles"]) == 10


def test_a_full_run_rebuilds_what_is_stale(sequence):
    state = sequence["full-again"]
    assert state["result"]["status"] == "built"
    assert sorted(state["result"]["executed"]) == sorted(f"profil-{slug(m)}" for m in OTHERS)
    scope = state["manifest"]["scope"]
    assert scope["profiles_kept"] == [] and scope["profiles_stale"] == [] and scope["complete"] is True


# ------------------------------------------------------------ unit level
def _entry(key):
    return {"key": key}


@pytest.mark.parametrize("recorded, subset, expected", [
    ({"a": 1, "b": 2}, False, True),
    ({"a": 1, "b": 2, "p": 3}, False, False),  # a full run must drop a profile of a vanished municipality
    ({"a": 1, "b": 2, "p": 3}, True, True),  # a subset run lets the folder hold more
    ({"a": 1, "b": 9}, True, False),
    ({"a": 1}, True, False),
])
def test_up_to_date_needs_every_planned_key(recorded, subset, expected):
    previous = {"notebooks": {n: _entry(k) for n, k in recorded.items()}}
    assert up_to_date(previous, {"a": 1, "b": 2}, subset=subset, pdf=False, draft=False) is expected


def test_a_draft_or_a_missing_pdf_is_not_up_to_date():
    previous = {"notebooks": {"a": _entry(1)}, "draft": True, "pdf": False}
    assert up_to_date(previous, {"a": 1}, subset=False, pdf=False, draft=True)
    assert not up_to_date(previous, {"a": 1}, subset=False, pdf=False, draft=False)
    assert not up_to_date(previous, {"a": 1}, subset=False, pdf=True, draft=True)
    assert not up_to_date({}, {}, subset=True, pdf=False, draft=False)


def test_scope_lists_profiles_in_the_datas_order():
    data = DataFolder(config.DATA_DIR)
    profile = lambda m: Job(f"profil-{slug(m)}", "08_profil.ipynb", {}, (), document=f"profile:{m}")  # noqa: E731
    scope = describe_scope(data, [profile("Kommune J")], [profile("Kommune B"), profile("Kommune A")],
                           ["Kommune B"], subset=True)
    assert scope["profiles"] == ["Kommune A", "Kommune B", "Kommune J"]
    assert scope["profiles_built"] == ["Kommune J"] and scope["profiles_kept"] == ["Kommune B", "Kommune A"]
    assert scope["profiles_stale"] == ["Kommune B"] and scope["municipalities"] == 10
    assert scope["profiles_missing"] == [m for m in MUNIS if m not in ("Kommune A", "Kommune B", "Kommune J")]
    assert scope["complete"] is False
