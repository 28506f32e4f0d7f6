"""Tests of evaluation.run.plan and evaluation.names: the pair of rounds and the notebook jobs of a run.

Expected job lists are written out by hand from the bundled data (five
parameters, one context item, ten municipalities ``Kommune A``-``J``).
"""
import re
from pathlib import Path

import nbformat
import pytest

from evaluation import config
from evaluation.data.contract import NARRATIVE_ITEM_SECTION, NARRATIVE_SECTIONS
from evaluation.exceptions import ParameterError
from evaluation.run.fingerprint import DataFolder
from evaluation.names import pair_name, resolve_pair, slug
from evaluation.run.plan import MEMO_PARTS, Job, longest_first, plan_jobs

ROUNDS = ["udgangsmaaling-2017", "slutmaaling-2018", "opfoelgning-2019"]
PARAMETERS = ["beredskab", "indsatser", "internt_samarbejde", "eksternt_samarbejde", "kompetencer"]
MUNIS = [f"Kommune {c}" for c in "ABCDEFGHIJ"]


# ------------------------------------------------------------ resolve_pair
def test_resolve_pair_defaults_to_the_last_two_rounds():
    assert resolve_pair(ROUNDS) == ("slutmaaling-2018", "opfoelgning-2019")


def test_resolve_pair_baseline_defaults_to_the_round_before_the_followup():
    assert resolve_pair(ROUNDS, followup="slutmaaling-2018") == ("udgangsmaaling-2017", "slutmaaling-2018")


def test_resolve_pair_followup_defaults_to_the_last_round():
    assert resolve_pair(ROUNDS, "udgangsmaaling-2017") == ("udgangsmaaling-2017", "opfoelgning-2019")


def test_resolve_pair_explicit_pair_is_kept():
    assert resolve_pair(ROUNDS, "udgangsmaaling-2017", "slutmaaling-2018") == ("udgangsmaaling-2017", "slutmaaling-2018")


@pytest.mark.parametrize(
    "rounds, baseline, followup, message",
    [
        (["only"], "", "", "at least two rounds"),
        ([], "", "", "at least two rounds"),
        (ROUNDS, "slutmaaling-2019", "", "unknown baseline round 'slutmaaling-2019'"),
        (ROUNDS, "", "nope", "unknown followup round 'nope'"),
        (ROUNDS, "", "udgangsmaaling-2017", "is the first round"),
        (ROUNDS, "opfoelgning-2019", "slutmaaling-2018", "must come before"),
        (ROUNDS, "opfoelgning-2019", "", "must come before"),
        (ROUNDS, "slutmaaling-2018", "slutmaaling-2018", "must come before"),
    ],
)
def test_resolve_pair_errors(rounds, baseline, followup, message):
    with pytest.raises(ParameterError, match=message):
        resolve_pair(rounds, baseline, followup)


def test_resolve_pair_error_lists_the_known_rounds():
    with pytest.raises(ParameterError, match="known rounds: udgangsmaaling-2017, slutmaaling-2018, opfoelgning-2019"):
        resolve_pair(ROUNDS, "x")


# --------------------------------------------------------- names and slugs
def test_pair_name():
    assert pair_name("slutmaaling-2018", "opfoelgning-2019") == "opfoelgning-2019_vs_slutmaaling-2018"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kommune A", "kommune-a"),
        ("  Kommune   B ", "kommune-b"),
        ("Lyngby-Taarbæk Kommune", "lyngby-taarbæk-kommune"),
        ("../etc/passwd", "etc-passwd"),
        ("a/b\\c", "a-b-c"),
        ("---", "x"),
        ("", "x"),
    ],
)
def test_slug(text, expected):
    assert slug(text) == expected


# ---------------------------------------------------------------- plan_jobs
@pytest.fixture
def data():
    return DataFolder(config.DATA_DIR)


def plan(data, **kw):
    return plan_jobs(data, "slutmaaling-2018", "opfoelgning-2019", Path("/out/pair"), **kw)


def test_plan_jobs_order_memo_parts_then_profiles(data):
    jobs = plan(data)
    expected = (
        ["01_introduktion", "02_konklusion", "03_planstatus"]
        + [f"04_parameter-{p}" for p in PARAMETERS]
        + ["05_kontekst-radikalisering_udfordring", "06_centret", "07_metode"]
        + [f"profil-kommune-{c}" for c in "abcdefghij"]
    )
    assert [j.name for j in jobs] == expected
    assert len({j.name for j in jobs}) == len(jobs)


def test_plan_jobs_notebooks_and_documents(data):
    jobs = plan(data)
    by_name = {j.name: j for j in jobs}
    assert by_name["04_parameter-kompetencer"].notebook == "04_parameter.ipynb"
    assert by_name["05_kontekst-radikalisering_udfordring"].notebook == "05_kontekst.ipynb"
    assert by_name["profil-kommune-c"].notebook == "08_profil.ipynb"
    assert by_name["profil-kommune-c"].document == "profile:Kommune C"
    assert {j.document for j in jobs if not j.name.startswith("profil-")} == {"memo"}
    assert by_name["01_introduktion"].source == config.NOTEBOOKS_DIR / "01_introduktion.ipynb"
    # Every notebook the plan names exists.
    assert all(j.source.is_file() for j in jobs)


def test_plan_jobs_parameters(data):
    jobs = {j.name: j for j in plan(data)}
    # Folders relative to the project root: the bundled data is "data"; /out/pair
    # is reached by one ".." per folder of the root's absolute path.
    common = {
        "data_dir": "data",
        "output_dir": "../" * (len(config.PROJECT_ROOT.parts) - 1) + "out/pair",
        "baseline": "slutmaaling-2018",
        "followup": "opfoelgning-2019",
    }
    assert jobs["02_konklusion"].parameters == common
    assert jobs["04_parameter-indsatser"].parameters == {**common, "item": "indsatser"}
    assert jobs["05_kontekst-radikalisering_udfordring"].parameters == {**common, "item": "radikalisering_udfordring"}
    assert jobs["profil-kommune-j"].parameters == {**common, "municipality": "Kommune J", "show_name": False}


def test_plan_jobs_facets_are_expanded(data):
    jobs = {j.name: j for j in plan(data)}
    params = tuple(f"responses:{p}" for p in PARAMETERS)
    codings = ("file:codebook.yml", "rounds:codings.csv")
    assert jobs["01_introduktion"].facets == params + (
        "rounds:plan_status.csv", "rounds:participation.csv", "narrative:sec:intro", "narrative:sec:purpose",
        "narrative:sec:data", "file:municipalities.csv") + codings
    assert jobs["02_konklusion"].facets == params + ("narrative:sec:conclusion", "rounds:participation.csv") + codings
    # A parameter's section reads its own answers and what Holm's family gives its row, not every answer.
    assert jobs["04_parameter-beredskab"].facets == (
        "responses:beredskab", "holm:slutmaaling-2018/opfoelgning-2019/beredskab",
        "rounds:participation.csv", "quotes:beredskab", "narrative:sec:item:beredskab") + codings
    assert "quotes:kompetencer" in jobs["04_parameter-kompetencer"].facets
    assert jobs["05_kontekst-radikalisering_udfordring"].facets == ("responses:radikalisering_udfordring",)
    assert jobs["06_centret"].facets == ("quotes:centrets_arbejde", "narrative:sec:centre", "rounds:participation.csv",
                                         *codings)
    assert jobs["profil-kommune-a"].facets == (
        "responses:*", "rounds:plan_status.csv", "rounds:participation.csv", "file:municipalities.csv", "private:names",
        *codings,
    )
    for job in jobs.values():
        assert not any("{" in f or f == "responses:parameters" for f in job.facets), job.name


def test_each_notebook_is_keyed_on_the_narrative_sections_it_shows(data):
    # Read off the notebooks' source: every ctx.narrative("<section>") call, an
    # f-string section counting as the parameter's own (sec:item:{item}).
    shown = {}
    for notebook, _, facets in MEMO_PARTS:
        nb = nbformat.read(config.NOTEBOOKS_DIR / notebook, as_version=4)
        source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        calls = re.findall(r"""ctx\.narrative\(\s*(f?)["']([^"']+)["']""", source)
        shown[notebook] = sorted(f"narrative:{section}" for _, section in calls)
        assert sorted(f for f in facets if f.startswith("narrative:")) == shown[notebook], notebook
        assert "narratives" not in source and "narrative.md" not in source, notebook  # no other way in
    # Every section of the contract is shown by some notebook.
    declared = {f.removeprefix("narrative:") for facets in shown.values() for f in facets}
    assert declared == set(NARRATIVE_SECTIONS) | {f"{NARRATIVE_ITEM_SECTION}{{item}}"}


def test_plan_jobs_without_profiles(data):
    jobs = plan(data, profiles=False)
    assert len(jobs) == len(MEMO_PARTS) - 2 + len(PARAMETERS) + 1
    assert not any(j.name.startswith("profil-") for j in jobs)


def test_plan_jobs_chosen_municipalities_in_the_given_order(data):
    jobs = plan(data, municipalities=["Kommune J", "Kommune B"])
    assert [j.name for j in jobs if j.name.startswith("profil-")] == ["profil-kommune-j", "profil-kommune-b"]


def test_plan_jobs_a_municipality_named_twice_gives_one_profile(data):
    jobs = plan(data, municipalities=["Kommune B", "Kommune B"])
    assert [j.name for j in jobs if j.name.startswith("profil-")] == ["profil-kommune-b"]


def test_plan_jobs_unknown_municipality_raises(data):
    with pytest.raises(ParameterError, match="unknown municipality 'Kommune Z'; known: Kommune A, Kommune B"):
        plan(data, municipalities=["Kommune A", "Kommune Z"])


def test_plan_jobs_ignore_municipalities_without_profiles(data):
    # Without profiles the chosen municipalities play no part.
    assert [j.name for j in plan(data, profiles=False, municipalities=["Kommune Z"])] == [
        j.name for j in plan(data, profiles=False)
    ]


def test_plan_jobs_names_that_share_a_slug_are_refused(tmp_path, data_copy):
    # Two names that make the same file name would overwrite each other's
    # notebook: the plan refuses them instead.
    path = data_copy / "municipalities.csv"
    path.write_text(path.read_text(encoding="utf-8") + "Kommune-A,survey,false,false\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="Kommune A.*Kommune-A"):
        plan(DataFolder(data_copy))


def test_job_is_frozen_and_extra_is_not_compared():
    a = Job("n", "x.ipynb", {}, (), extra={"k": 1})
    b = Job("n", "x.ipynb", {}, (), extra={"k": 2})
    assert a == b
    with pytest.raises(AttributeError):
        a.name = "m"


# ------------------------------------------------------------ longest_first
def test_longest_first_without_timings_starts_the_method_notebook_then_the_other_long_ones(data):
    jobs = plan(data)
    names = [j.name for j in longest_first(jobs, {})]
    # Written out by hand from RELATIVE_COST: 3 for the method notebook, 2 for the
    # conclusion, plan status and parameter sections, 1 for the rest, ties in plan order.
    params = [f"04_parameter-{p}" for p in PARAMETERS]
    assert names == ["07_metode", "02_konklusion", "03_planstatus", *params, "01_introduktion",
                     "05_kontekst-radikalisering_udfordring", "06_centret",
                     *[f"profil-{slug(m)}" for m in MUNIS]]
    assert sorted(names) == sorted(j.name for j in jobs)  # nothing lost or doubled


def test_longest_first_follows_the_last_timings_and_scales_the_untimed_by_the_shortest(data):
    jobs = [j for j in plan(data) if j.name in ("01_introduktion", "03_planstatus", "07_metode", "profil-kommune-a")]
    # 03 took 0.9 s and the profile 0.2 s last time: 07 (cost 3) counts as 3 x 0.2 = 0.6 s,
    # 01 (cost 1) as 0.2 s, level with the profile, which it precedes in plan order.
    order = longest_first(jobs, {"03_planstatus": 0.9, "profil-kommune-a": 0.2})
    assert [j.name for j in order] == ["03_planstatus", "07_metode", "01_introduktion", "profil-kommune-a"]
    # A notebook that was quick last time goes last, whatever its notebook's cost.
    order = longest_first(jobs, {"07_metode": 0.1, "03_planstatus": 0.5, "01_introduktion": 0.3,
                                 "profil-kommune-a": 0.2})
    assert [j.name for j in order] == ["03_planstatus", "01_introduktion", "profil-kommune-a", "07_metode"]


def test_longest_first_keeps_jobs_unchanged():
    jobs = [Job("a", "x.ipynb", {"p": 1}, ("f",)), Job("b", "07_metode.ipynb", {}, ())]
    assert longest_first(jobs, {}) == [jobs[1], jobs[0]]
    assert [j.name for j in jobs] == ["a", "b"]  # the caller's list is not reordered
