"""Tests of evaluation.memo.context: what a notebook gets from ``open_context``.

Expected labels and rounds are copied by hand from data/instrument.yml and
data/rounds.yml.
"""
import pytest

from evaluation import config
from evaluation.memo.context import MODE_LABELS, PHASE_LABELS, STATUS_LABELS, open_context
from evaluation.data import PARTICIPATION_MODES, PHASES, STATUSES
from evaluation.exceptions import ParameterError

PARAMETERS = ["beredskab", "indsatser", "internt_samarbejde", "eksternt_samarbejde", "kompetencer"]


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    return open_context("", str(tmp_path_factory.mktemp("out")))


def test_defaults_are_the_last_two_rounds_of_the_bundled_data(ctx):
    assert ctx.ds.path == config.DATA_DIR
    assert (ctx.baseline, ctx.followup) == ("slutmaaling-2018", "opfoelgning-2019")
    assert ctx.previous_round == "udgangsmaaling-2017"


def test_default_output_dir_is_the_scratch_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "OUTPUTS_DIR", tmp_path / "outputs")
    c = open_context()
    assert c.output_dir == tmp_path / "outputs" / "scratch"
    assert c.output_dir.is_dir()


def test_output_dir_is_created(tmp_path):
    out = tmp_path / "a" / "b"
    c = open_context("", str(out))
    assert c.output_dir == out
    assert out.is_dir()


def test_explicit_pair(tmp_path):
    c = open_context("", str(tmp_path), "udgangsmaaling-2017", "slutmaaling-2018")
    assert (c.baseline, c.followup) == ("udgangsmaaling-2017", "slutmaaling-2018")
    assert c.previous_round is None


def test_explicit_followup_takes_the_round_before_as_baseline(tmp_path):
    c = open_context("", str(tmp_path), followup="slutmaaling-2018")
    assert (c.baseline, c.followup) == ("udgangsmaaling-2017", "slutmaaling-2018")


@pytest.mark.parametrize(
    "baseline, followup, message",
    [
        ("slutmaaling-2017", "", "unknown baseline round 'slutmaaling-2017'"),
        ("", "opfoelgning-2020", "unknown followup round 'opfoelgning-2020'"),
        ("opfoelgning-2019", "slutmaaling-2018", "must come before"),
    ],
)
def test_bad_rounds_raise(tmp_path, baseline, followup, message):
    with pytest.raises(ParameterError, match=message):
        open_context("", str(tmp_path), baseline, followup)


def test_data_dir_parameter_is_used(tmp_path, data_copy):
    c = open_context(str(data_copy), str(tmp_path / "out"))
    assert c.ds.path == data_copy.resolve()


def test_labels_and_lookups(ctx):
    assert ctx.parameters == PARAMETERS
    assert ctx.labels["internt_samarbejde"] == "Internt samarbejde"
    assert ctx.labels["radikalisering_udfordring"] == "Radikalisering som udfordring"
    assert ctx.round_labels == {
        "udgangsmaaling-2017": "Udgangsmåling",
        "slutmaaling-2018": "Slutmåling",
        "opfoelgning-2019": "Opfølgning",
    }
    assert ctx.definite["slutmaaling-2018"] == "slutmålingen"
    assert ctx.scale_labels == {0: "Ved ikke", 1: "Slet ikke", 2: "I mindre grad", 3: "I nogen grad", 4: "I høj grad"}
    assert ctx.round_keys == ["udgangsmaaling-2017", "slutmaaling-2018", "opfoelgning-2019"]
    assert ctx.responses.equals(ctx.ds.responses)  # the follow-up is the last round: nothing left out
    assert ctx.instrument is ctx.ds.instrument


def test_a_memo_knows_nothing_of_later_rounds():
    early = open_context(baseline="udgangsmaaling-2017", followup="slutmaaling-2018")
    assert early.round_keys == ["udgangsmaaling-2017", "slutmaaling-2018"]
    assert set(early.responses["round"]) == {"udgangsmaaling-2017", "slutmaaling-2018"}
    assert set(early.plan_status["round"]) == {"udgangsmaaling-2017", "slutmaaling-2018"}
    assert early.quotes.empty  # the bundled statements are the 2019 follow-up's
    assert "opfoelgning-2019" not in early.round_labels


def test_missing_material_makes_a_draft(ctx):
    assert ctx.missing == [] and not ctx.is_draft
    early = open_context(baseline="udgangsmaaling-2017", followup="slutmaaling-2018")
    # 2018 has answers, plan status and participation, but no narrative of its own.
    assert [m.key for m in early.missing] == [
        "narrative.md#sec:purpose", "narrative.md#sec:leadership", "narrative.md#sec:centre"]
    box = early.narrative("sec:purpose")
    assert box.startswith('<div class="missing"') and "Mangler:" in box and "rounds/slutmaaling-2018/narrative.md" in box
    assert early.narrative("sec:intro") == ""  # an optional section stays silent
    assert "Opfølgningen skal vise" in ctx.narrative("sec:purpose")


def test_participation_lists_every_municipality(ctx):
    modes = ctx.participation.set_index("municipality")["mode"]
    assert len(modes) == 10 and modes["Kommune A"] == "interview" and modes["Kommune C"] == "survey"


def test_outline_comes_from_the_instrument(ctx):
    assert ctx.outline.get("sec:item:kompetencer").caption == "3.6 Kompetencer"
    assert ctx.outline.get("fig:item:radikalisering_udfordring").number == 8


def test_require_item(ctx):
    row = ctx.require_item("kompetencer", "parameter")
    assert row["label"] == "Kompetencer"
    assert row["figure_title"] == "Medarbejdernes kompetencer"
    assert ctx.require_item("radikalisering_udfordring", "context")["kind"] == "context"


@pytest.mark.parametrize(
    "item, kind",
    [("radikalisering_udfordring", "parameter"), ("beredskab", "context"), ("nope", "parameter"), ("", "parameter")],
)
def test_require_item_errors(ctx, item, kind):
    with pytest.raises(ParameterError, match=f"one of the {kind} items.*got {item!r}"):
        ctx.require_item(item, kind)


def test_require_item_error_lists_the_allowed_items(ctx):
    with pytest.raises(ParameterError, match=", ".join(PARAMETERS)):
        ctx.require_item("nope", "parameter")


def test_require_municipality(ctx):
    assert ctx.require_municipality("Kommune C") == "Kommune C"
    with pytest.raises(ParameterError, match="unknown municipality 'Kommune Z'; known: Kommune A, Kommune B"):
        ctx.require_municipality("Kommune Z")
    with pytest.raises(ParameterError, match="unknown municipality 'kommune c'"):
        ctx.require_municipality("kommune c")


def test_danish_labels_cover_every_phase_status_and_mode():
    assert list(PHASE_LABELS) == list(PHASES)
    assert list(STATUS_LABELS) == list(STATUSES)
    assert list(MODE_LABELS) == list(PARTICIPATION_MODES)


@pytest.mark.parametrize("extra, listed", [(0, False), (1, True)])
def test_a_panel_above_the_threshold_lists_its_municipalities_in_tables(tmp_path, extra, listed):
    from evaluation.data.synth import write_synthetic

    data = write_synthetic(tmp_path / "data", municipalities=config.FIGURE_ROWS_MAX + extra, rounds=2, seed=5)
    assert open_context(str(data), str(tmp_path / "out")).listed_in_tables is listed


def test_the_bundled_panel_has_a_row_per_municipality_in_its_figures(ctx):
    assert len(ctx.ds.municipalities) == 10 and not ctx.listed_in_tables
