"""Tests of evaluation.memo.figures: what each figure draws, not how it looks.

The example frames are written out by hand in the shape the analysis step
produces, with the bundled data's ten pseudonymised municipalities; every
expected count below is read off these frames by hand.
"""
from __future__ import annotations

import copy

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from evaluation.memo import figures  # noqa: E402
from evaluation.exceptions import ParameterError  # noqa: E402
from evaluation.memo.figures import PALETTE  # noqa: E402

MUNIS = [f"Kommune {c}" for c in "ABCDEFGHIJ"]
BASE, FU, START = "slutmaaling-2018", "opfoelgning-2019", "udgangsmaaling-2017"
ROUND_LABELS = {START: "Udgangsmåling", BASE: "Slutmåling", FU: "Opfølgning"}
LABELS = {
    "beredskab": "Beredskab",
    "indsatser": "Indsatser",
    "internt_samarbejde": "Internt samarbejde",
    "eksternt_samarbejde": "Eksternt samarbejde",
    "kompetencer": "Kompetencer",
}
QUESTION = (
    "I hvilken grad vurderer I, at medarbejderne på tværs af forvaltningerne har de "
    "nødvendige kompetencer til at arbejde med forebyggelse af ekstremisme?"
)
PHASE_LABELS = {"udarbejdet": "Udarbejdet", "godkendt": "Godkendt", "udrullet": "Udrullet"}
STATUS_LABELS = {"gennemfoert": "Gennemført", "i_proces": "I proces", "ikke_paabegyndt": "Ikke påbegyndt"}


# ------------------------------------------------------------------ example frames
@pytest.fixture
def comparison():
    return pd.DataFrame(
        {
            "item": list(LABELS),
            "n_pairs": [10, 10, 10, 9, 9],
            "mean_baseline": [3.2, 2.8, 3.0, 10 / 3, 3.0],
            "mean_followup": [3.5, 3.1, 3.0, 31 / 9, 25 / 9],
        }
    )


@pytest.fixture
def status():
    # One letter per phase (udarbejdet, godkendt, udrullet): g = gennemfoert,
    # p = i_proces, i = ikke_paabegyndt.
    codes = {"g": "gennemfoert", "p": "i_proces", "i": "ikke_paabegyndt"}
    table = {
        BASE: "ggp ggg ggp pii ggp ggp ggg pii gpi pii".split(),
        FU: "ggg ggg ggg ggp ggg ggg ggg gpi ggp pii".split(),
    }
    rows = [
        {"round": r, "municipality": m, "phase": phase, "status": codes[letter]}
        for r, cells in table.items()
        for m, cell in zip(MUNIS, cells)
        for phase, letter in zip(PHASE_LABELS, cell)
    ]
    return pd.DataFrame(rows)


@pytest.fixture
def paired():
    # Kommune D answered "ved ikke" at follow-up; Kommune E is absent from it.
    base = [4, 3, 3, 3, 4, 3, 3, 2, 3, 2]
    fu = [3, 3, 3, np.nan, np.nan, 3, 3, 2, 3, 2]
    return pd.DataFrame(
        {
            "municipality": MUNIS,
            "score_baseline": np.array(base, dtype=float),
            "score_followup": np.array(fu, dtype=float),
            "dont_know_baseline": [False] * 10,
            "dont_know_followup": [m == "Kommune D" for m in MUNIS],
        }
    )


@pytest.fixture
def distribution():
    # No "ved ikke" and no 4 in either round: those four cells have n = 0.
    counts = {BASE: [0, 2, 4, 4, 0], FU: [0, 2, 4, 4, 0]}
    rows = [
        {"round": r, "code": code, "n": n, "share": n / 10}
        for r, ns in counts.items()
        for code, n in enumerate(ns)
    ]
    return pd.DataFrame(rows)


@pytest.fixture
def trend():
    means = {
        "beredskab": [2.1, 3.2, 3.5],
        "indsatser": [2.0, 2.8, 3.1],
        "internt_samarbejde": [2.2, 3.0, 3.0],
        "eksternt_samarbejde": [2.4, 10 / 3, 3.4],
        "kompetencer": [2.1, 3.0, 25 / 9],
    }
    n_valid = {"indsatser": [9, 10, 10], "eksternt_samarbejde": [10, 9, 10], "kompetencer": [10, 10, 9]}
    rows = []
    for item, ms in means.items():
        for order, (r, m) in enumerate(zip(ROUND_LABELS, ms)):
            n = n_valid.get(item, [10, 10, 10])[order]
            rows.append({"item": item, "round": r, "order": order, "n_valid": n, "mean": m, "median": round(m)})
    return pd.DataFrame(rows)


@pytest.fixture
def profile():
    # Kommune D: "ved ikke" on kompetencer at follow-up.
    rows = []
    own = {
        "beredskab": [2, 3, 3],
        "indsatser": [1, 2, 3],
        "internt_samarbejde": [2, 3, 3],
        "eksternt_samarbejde": [2, 3, 3],
        "kompetencer": [2, 3, None],
    }
    for item, scores in own.items():
        for r, score in zip(ROUND_LABELS, scores):
            rows.append(
                {
                    "item": item,
                    "round": r,
                    "score": np.nan if score is None else float(score),
                    "dont_know": score is None,
                    "group_median": 3.0,
                    "group_min": 1.0 if r == START else 2.0,
                    "group_max": 3.0 if r == START else 4.0,
                }
            )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ helpers
def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def flat_text(fig) -> str:
    """All figure text with line breaks and runs of spaces made single spaces."""
    return " ".join(" ".join(texts(fig)).split())


def rgba(colour):
    return tuple(np.round(mcolors.to_rgba(colour), 4))


def facecolours(collection):
    return {tuple(np.round(c, 4)) for c in collection.get_facecolor()}


def edgecolours(collection):
    return {tuple(np.round(c, 4)) for c in collection.get_edgecolor()}


def draw_all(kind, frames):
    """Build one figure of each kind with the example frames."""
    builders = {
        "means": lambda: figures.plot_means(
            frames["comparison"], labels=LABELS, baseline_label="Slutmåling", followup_label="Opfølgning"
        ),
        "plan_status": lambda: figures.plot_plan_status(
            frames["status"], municipalities=MUNIS, phase_labels=PHASE_LABELS,
            status_labels=STATUS_LABELS, round_labels={BASE: "Slutmåling", FU: "Opfølgning"},
        ),
        "item_scores": lambda: figures.plot_item_scores(
            frames["paired"], question=QUESTION, baseline_label="Slutmåling", followup_label="Opfølgning",
            title="Medarbejdernes kompetencer",
        ),
        "distribution": lambda: figures.plot_distribution(
            frames["distribution"], round_labels={BASE: "Slutmåling", FU: "Opfølgning"}, question=QUESTION
        ),
        "trend": lambda: figures.plot_trend(frames["trend"], labels=LABELS, round_labels=ROUND_LABELS),
        "profile": lambda: figures.plot_profile(
            frames["profile"], labels=LABELS, round_labels=ROUND_LABELS, municipality="Kommune D"
        ),
    }
    return builders[kind]()


KINDS = ["means", "plan_status", "item_scores", "distribution", "trend", "profile"]


@pytest.fixture
def frames(comparison, status, paired, distribution, trend, profile):
    return {
        "comparison": comparison, "status": status, "paired": paired,
        "distribution": distribution, "trend": trend, "profile": profile,
    }


# ------------------------------------------------------------------ theme
def test_round_colours_give_the_last_two_rounds_baseline_and_followup():
    colours = figures.round_colours([START, BASE, FU])
    assert colours == {START: PALETTE["rounds"][0], BASE: PALETTE["baseline"], FU: PALETTE["followup"]}
    assert figures.round_colours([BASE, FU]) == {BASE: PALETTE["baseline"], FU: PALETTE["followup"]}


def test_palette_colours_are_distinct():
    named = [PALETTE["baseline"], PALETTE["followup"], *PALETTE["status"].values()]
    assert len({rgba(c) for c in named}) == 5


def test_set_theme_fixes_font_and_svg_settings():
    with matplotlib.rc_context():
        figures.set_theme()
        assert matplotlib.rcParams["font.family"] == ["DejaVu Sans"]
        assert matplotlib.rcParams["svg.hashsalt"] == figures.theme_rc()["svg.hashsalt"]
        assert matplotlib.rcParams["svg.hashsalt"] is not None
        assert matplotlib.rcParams["svg.fonttype"] == "path"


def test_figures_do_not_depend_on_global_settings(comparison):
    # The theme is applied while drawing, so a global change makes no difference.
    expected = figures.figure_to_png_bytes(draw_all("means", {"comparison": comparison}))
    with matplotlib.rc_context({"font.size": 20, "axes.facecolor": "black", "lines.linewidth": 7}):
        changed = figures.figure_to_png_bytes(draw_all("means", {"comparison": comparison}))
    assert changed == expected


# ------------------------------------------------------------------ every figure
@pytest.mark.parametrize(
    "kind, n_axes", [("means", 1), ("plan_status", 2), ("item_scores", 1), ("distribution", 1),
                     ("trend", 5), ("profile", 5)]
)
def test_each_figure_is_a_figure_with_the_expected_axes(frames, kind, n_axes):
    fig = draw_all(kind, frames)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == n_axes
    # Fits the text width of an A4 page (16 cm).
    assert fig.get_size_inches()[0] == pytest.approx(16 / 2.54)


@pytest.mark.parametrize("kind", KINDS)
def test_inputs_are_unchanged(frames, kind):
    before = copy.deepcopy(frames)
    draw_all(kind, frames)
    for key in frames:
        pd.testing.assert_frame_equal(frames[key], before[key])


@pytest.mark.parametrize("kind", KINDS)
def test_every_figure_renders_to_png(frames, kind, tmp_path):
    paths = figures.save_figure(draw_all(kind, frames), tmp_path / kind)
    assert paths["png"].read_bytes().startswith(b"\x89PNG")
    assert paths["svg"].read_text(encoding="utf-8").lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    "kind, frame, column",
    [
        ("means", "comparison", "n_pairs"),
        ("plan_status", "status", "phase"),
        ("item_scores", "paired", "dont_know_followup"),
        ("distribution", "distribution", "code"),
        ("trend", "trend", "n_valid"),
        ("profile", "profile", "group_max"),
    ],
)
def test_missing_column_raises_parameter_error_naming_it(frames, kind, frame, column):
    frames = dict(frames)
    frames[frame] = frames[frame].drop(columns=column)
    with pytest.raises(ParameterError, match=column):
        draw_all(kind, frames)


# ------------------------------------------------------------------ figure 1
def test_means_prints_values_with_decimal_comma_and_n(comparison):
    fig = figures.plot_means(comparison, labels=LABELS, baseline_label="Slutmåling", followup_label="Opfølgning")
    found = texts(fig)
    # 10/3 and 31/9 round to 3,3 and 3,4; 25/9 to 2,8 (by hand).
    for value in ["3,2", "3,5", "2,8", "3,1", "3,0", "3,3", "3,4"]:
        assert value in found
    assert not any("." in t and t.replace(".", "").isdigit() for t in found)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks[0] == "Beredskab\n(n = 10)"
    assert ticks[3] == "Eksternt samarbejde\n(n = 9)"
    xticks = " ".join(t.get_text() for t in fig.axes[0].get_xticklabels())
    for label in ["Slet ikke", "I mindre grad", "I nogen grad", "I høj grad"]:
        assert label in xticks
    assert "Udvikling i udvalgte områder" in found


def test_means_uses_palette_colours(comparison):
    fig = figures.plot_means(comparison, labels=LABELS, baseline_label="Slutmåling", followup_label="Opfølgning")
    by_label = {c.get_label(): c for c in fig.axes[0].collections if isinstance(c, PathCollection)}
    assert facecolours(by_label["Slutmåling"]) == {rgba(PALETTE["baseline"])}
    assert facecolours(by_label["Opfølgning"]) == {rgba(PALETTE["followup"])}
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["Slutmåling", "Opfølgning"]
    assert [rgba(h.get_color()) for h in legend.legend_handles] == [rgba(PALETTE["baseline"]), rgba(PALETTE["followup"])]


def test_means_draws_into_a_given_axes(comparison):
    host = Figure()
    ax = host.add_subplot()
    fig = figures.plot_means(comparison, labels=LABELS, baseline_label="S", followup_label="O", ax=ax)
    assert fig is host
    assert host.axes == [ax]
    assert ax.get_legend() is not None


def test_means_rejects_an_unlabelled_item(comparison):
    with pytest.raises(ParameterError, match="kompetencer"):
        figures.plot_means(
            comparison, labels={k: v for k, v in LABELS.items() if k != "kompetencer"},
            baseline_label="S", followup_label="O",
        )


def test_means_rejects_a_mean_outside_the_scale(comparison):
    bad = comparison.assign(mean_followup=[3.5, 3.1, 3.0, 3.4, 4.8])
    with pytest.raises(ParameterError, match="mean_followup"):
        figures.plot_means(bad, labels=LABELS, baseline_label="S", followup_label="O")


# ------------------------------------------------------------------ figure 2
def test_plan_status_has_three_status_colours_and_a_danish_legend(status):
    fig = draw_all("plan_status", {"status": status})
    for ax in fig.axes:
        circles = [c for c in ax.collections if isinstance(c, PathCollection)]
        colours = set().union(*(facecolours(c) for c in circles if len(c.get_offsets())))
        assert colours <= {rgba(c) for c in PALETTE["status"].values()}
        # one circle per municipality and phase
        assert sum(len(c.get_offsets()) for c in circles) == 30
    every = set().union(*(facecolours(c) for ax in fig.axes for c in ax.collections if len(c.get_offsets())))
    assert every == {rgba(c) for c in PALETTE["status"].values()}
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Gennemført", "I proces", "Ikke påbegyndt"]
    assert [ax.get_title() for ax in fig.axes] == ["Slutmåling", "Opfølgning"]


def test_plan_status_colours_each_cell_by_its_status(status):
    fig = draw_all("plan_status", {"status": status})
    followup = fig.axes[1]
    green = rgba(PALETTE["status"]["gennemfoert"])
    greens = [c for c in followup.collections if facecolours(c) == {green}]
    # Follow-up: 9 udarbejdet, 8 godkendt, 6 udrullet are gennemfoert (by hand).
    xs = greens[0].get_offsets()[:, 0]
    assert [int((xs == col).sum()) for col in range(3)] == [9, 8, 6]
    # Every status also has its symbol in the circle.
    symbols = [t.get_text() for t in followup.texts]
    assert symbols.count("✓") == 23 and symbols.count("✗") == 3 and symbols.count("…") == 4


def test_plan_status_leaves_an_absent_municipality_empty(status):
    fewer = status[~((status["round"] == FU) & (status["municipality"] == "Kommune J"))]
    fig = draw_all("plan_status", {"status": fewer})
    assert sum(len(c.get_offsets()) for c in fig.axes[1].collections) == 27


def test_plan_status_rejects_an_unknown_status(status):
    bad = status.copy()
    bad.loc[0, "status"] = "groen"
    with pytest.raises(ParameterError, match="groen"):
        draw_all("plan_status", {"status": bad})


def test_plan_status_rejects_an_unlisted_municipality(status):
    with pytest.raises(ParameterError, match="Kommune J"):
        figures.plot_plan_status(
            status, municipalities=MUNIS[:-1], phase_labels=PHASE_LABELS,
            status_labels=STATUS_LABELS, round_labels={BASE: "S", FU: "O"},
        )


# ------------------------------------------------------------------ figures 3-7
def test_item_scores_shows_question_scale_and_ved_ikke_category(paired):
    fig = draw_all("item_scores", {"paired": paired})
    flat = flat_text(fig)
    assert QUESTION in flat
    assert "1 = Slet ikke" in flat and "4 = I høj grad" in flat
    ax = fig.axes[0]
    xticks = [t.get_text() for t in ax.get_xticklabels()]
    assert xticks[0] == "Ved ikke"
    assert "Ved ikke" in [t.get_text() for t in fig.legends[0].get_texts()]
    assert [t.get_text() for t in ax.get_yticklabels()] == MUNIS


def test_item_scores_draws_ved_ikke_as_an_open_marker_not_a_zero_bar(paired):
    fig = draw_all("item_scores", {"paired": paired})
    ax = fig.axes[0]
    zero_bars = [p for p in ax.patches if isinstance(p, Rectangle) and (p.get_width() == 0 or p.get_height() == 0)]
    assert zero_bars == []
    white = rgba("white")
    open_markers = [c for c in ax.collections if isinstance(c, PathCollection) and white in facecolours(c)]
    points = np.concatenate([c.get_offsets() for c in open_markers if len(c.get_offsets())])
    # Exactly one "ved ikke": Kommune D (row 3) at follow-up, in the column at x = 0.
    assert points.shape == (1, 2)
    assert points[0, 0] == 0 and 3 < points[0, 1] < 3.5
    followup_open = [c for c in open_markers if len(c.get_offsets())]
    assert edgecolours(followup_open[0]) == {rgba(PALETTE["followup"])}


def test_item_scores_draws_nothing_for_an_absent_municipality(paired):
    fig = draw_all("item_scores", {"paired": paired})
    ax = fig.axes[0]
    filled = [c for c in ax.collections if isinstance(c, PathCollection) and rgba("white") not in facecolours(c)]
    by_colour = {next(iter(facecolours(c))): c.get_offsets() for c in filled}
    assert len(by_colour[rgba(PALETTE["baseline"])]) == 10
    # 10 municipalities minus "ved ikke" (D) minus absent (E).
    followup = by_colour[rgba(PALETTE["followup"])]
    assert len(followup) == 8
    assert not np.any((followup[:, 1] > 4) & (followup[:, 1] < 4.5))


def test_item_scores_rejects_a_score_with_ved_ikke(paired):
    bad = paired.copy()
    bad.loc[3, "score_followup"] = 2.0
    with pytest.raises(ParameterError, match="Kommune D"):
        draw_all("item_scores", {"paired": bad})


def test_item_scores_rejects_a_duplicated_municipality(paired):
    with pytest.raises(ParameterError, match="twice"):
        draw_all("item_scores", {"paired": pd.concat([paired, paired.iloc[[0]]], ignore_index=True)})


# ------------------------------------------------------------------ figure 8
def test_distribution_has_ved_ikke_category_and_no_zero_bars(distribution):
    fig = draw_all("distribution", {"distribution": distribution})
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()][0] == "Ved ikke"
    bars = [bar for container in ax.containers for bar in container.patches]
    # Six non-zero counts (2, 4, 4 in each round), no bar for the four zeros.
    assert len(bars) == 6
    assert all(p.get_height() > 0 and p.get_width() > 0 for p in bars)
    assert not [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() == 0]
    assert [t.get_text() for t in ax.texts].count("0") == 4
    assert QUESTION in flat_text(fig)


def test_distribution_colours_rounds_by_palette(distribution):
    fig = draw_all("distribution", {"distribution": distribution})
    containers = fig.axes[0].containers
    assert [c.get_label() for c in containers] == ["Slutmåling", "Opfølgning"]
    assert {rgba(p.get_facecolor()) for p in containers[0].patches} == {rgba(PALETTE["baseline"])}
    assert {rgba(p.get_facecolor()) for p in containers[1].patches} == {rgba(PALETTE["followup"])}


def test_distribution_rejects_an_unknown_round(distribution):
    with pytest.raises(ParameterError, match=BASE):
        figures.plot_distribution(distribution, round_labels={FU: "Opfølgning"}, question=QUESTION)


# ------------------------------------------------------------------ trend
def test_trend_annotates_means_with_decimal_comma_and_n(trend):
    fig = draw_all("trend", {"trend": trend})
    assert [ax.get_title(loc="left") for ax in fig.axes] == list(LABELS.values())
    beredskab = [t.get_text() for t in fig.axes[0].texts]
    assert beredskab == ["2,1", "3,2", "3,5", "n = 10", "n = 10", "n = 10"]
    kompetencer = [t.get_text() for t in fig.axes[4].texts]
    assert "2,8" in kompetencer and "n = 9" in kompetencer
    assert [t.get_text() for t in fig.axes[4].get_xticklabels()] == list(ROUND_LABELS.values())


def test_trend_points_have_round_colours(trend):
    fig = draw_all("trend", {"trend": trend})
    points = {int(c.get_offsets()[0, 0]): facecolours(c) for c in fig.axes[0].collections}
    assert points == {0: {rgba(PALETTE["rounds"][0])}, 1: {rgba(PALETTE["baseline"])}, 2: {rgba(PALETTE["followup"])}}


def test_trend_skips_a_missing_mean(trend):
    gap = trend.copy()
    gap.loc[(gap["item"] == "beredskab") & (gap["order"] == 0), ["mean", "n_valid"]] = [np.nan, 0]
    fig = draw_all("trend", {"trend": gap})
    assert [t.get_text() for t in fig.axes[0].texts] == ["3,2", "3,5", "n = 0", "n = 10", "n = 10"]


# ------------------------------------------------------------------ profile
def marker_points(ax):
    """(x, y, marker, face colour, edge colour) of every marker-only line in ``ax``."""
    return [(float(x), float(y), line.get_marker(), rgba(line.get_markerfacecolor()), rgba(line.get_markeredgecolor()))
            for line in ax.lines if line.get_linestyle() in ("None", "", " ")
            for x, y in zip(line.get_xdata(), line.get_ydata())]


def test_profile_marks_ved_ikke_and_names_no_other_municipality(profile):
    fig = draw_all("profile", {"profile": profile})
    found = texts(fig)
    assert "Kommune D set i forhold til gruppen" in found
    assert not [t for t in found if t.startswith("Kommune ") and "Kommune D" not in t]
    kompetencer = fig.axes[4]
    white = rgba("white")
    open_points = [(x, y) for x, y, _, face, _ in marker_points(kompetencer) if face == white]
    assert open_points == [(2.0, 0.0)]
    assert "Ved ikke" in [t.get_text() for t in kompetencer.get_yticklabels()]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Kommune D", "Ved ikke", "Gruppens spænd", "Gruppens median"]


def test_profile_points_have_round_colours_and_markers(profile):
    fig = draw_all("profile", {"profile": profile})
    own = {int(x): (marker, face) for x, y, marker, face, edge in marker_points(fig.axes[0])
           if marker != "_" and edge == rgba("black")}
    assert own == {0: ("^", rgba(PALETTE["rounds"][0])), 1: ("o", rgba(PALETTE["baseline"])),
                   2: ("s", rgba(PALETTE["followup"]))}
    # Beredskab: Kommune D answered 2, 3, 3 (the fixture).
    assert sorted((x, y) for x, y, marker, _, edge in marker_points(fig.axes[0])
                  if marker != "_" and edge == rgba("black")) == [(0.0, 2.0), (1.0, 3.0), (2.0, 3.0)]


def test_profile_group_median_is_a_dash_per_round(profile):
    fig = draw_all("profile", {"profile": profile})
    medians = [(x, y) for x, y, marker, *_ in marker_points(fig.axes[0]) if marker == "_"]
    expected = profile[profile["item"] == "beredskab"]["group_median"].tolist()
    assert medians == [(float(i), float(m)) for i, m in enumerate(expected)]


# ------------------------------------------------------------------ saving
@pytest.mark.parametrize("kind", ["means", "plan_status", "item_scores", "profile"])
def test_save_figure_is_byte_identical_for_identical_figures(frames, kind, tmp_path):
    first = figures.save_figure(draw_all(kind, frames), tmp_path / "a" / kind)
    second = figures.save_figure(draw_all(kind, frames), tmp_path / "b" / kind)
    assert set(first) == {"png", "svg"}
    for fmt in ("png", "svg"):
        assert first[fmt].suffix == f".{fmt}"
        assert first[fmt].read_bytes() == second[fmt].read_bytes()


@pytest.mark.parametrize("kind", ["means", "profile"])
def test_save_figure_draws_what_a_plain_savefig_draws(frames, kind, tmp_path):
    # save_figure lays a figure out once itself instead of letting savefig
    # draw it an extra time; the pixels must be those of a plain savefig.
    from PIL import Image

    saved = figures.save_figure(draw_all(kind, frames), tmp_path / kind, formats=("png",))
    plain = draw_all(kind, frames)
    with figures._themed():
        plain.savefig(tmp_path / "plain.png", **figures._PNG_OPTIONS)
    ours, theirs = Image.open(saved["png"]), Image.open(tmp_path / "plain.png")
    assert ours.size == theirs.size
    assert ours.tobytes() == theirs.tobytes()


def test_figure_keeps_its_layout_engine_after_png_bytes(comparison):
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    fig = draw_all("means", {"comparison": comparison})
    engine = fig.get_layout_engine()
    figures.figure_to_png_bytes(fig)
    assert fig.get_layout_engine() is engine and isinstance(engine, ConstrainedLayoutEngine)


def test_saved_files_carry_no_date_or_version(comparison, tmp_path):
    paths = figures.save_figure(draw_all("means", {"comparison": comparison}), tmp_path / "f1")
    svg = paths["svg"].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert b"Software" not in paths["png"].read_bytes()
    # Text is drawn as paths, so the SVG needs no font.
    assert "<text" not in svg


def test_png_bytes_match_the_saved_png(comparison, tmp_path):
    in_memory = figures.figure_to_png_bytes(draw_all("means", {"comparison": comparison}))
    fig = draw_all("means", {"comparison": comparison})
    assert figures.figure_to_png_bytes(fig) == in_memory
    saved = figures.save_figure(fig, tmp_path / "f1")
    assert saved["png"].read_bytes() == in_memory


def test_save_figure_rejects_what_is_not_a_figure(tmp_path):
    with pytest.raises(ParameterError, match="Figure"):
        figures.save_figure("not a figure", tmp_path / "x")


# ------------------------------------------------------------------ contrast (WCAG 2.1, 1.4.11)
def relative_luminance(colour) -> float:
    """WCAG 2.1's relative luminance of an sRGB colour (alpha ignored)."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = mcolors.to_rgb(colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a, b) -> float:
    """WCAG 2.1's contrast ratio of two colours, from 1 to 21."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def over_white(colour) -> tuple:
    """The colour a translucent mark shows on the white background."""
    r, g, b, a = mcolors.to_rgba(colour)
    return tuple(a * c + (1 - a) for c in (r, g, b))


def test_contrast_formula_on_known_pairs():
    # Values from the WCAG definition: black on white is 21:1, a colour on
    # itself 1:1; #767676 is the lightest grey with 4.5:1 on white.
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast("#0072B2", "#0072B2") == pytest.approx(1)
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    # The old Okabe-Ito orange and yellow fail 3:1 (the audit measured 2.25 and 1.32).
    assert contrast("#E69F00", "#FFFFFF") == pytest.approx(2.25, abs=0.01)
    assert contrast("#F0E442", "#FFFFFF") == pytest.approx(1.32, abs=0.01)


def _mark_colours() -> dict[str, str]:
    flat = {"baseline": PALETTE["baseline"], "followup": PALETTE["followup"], "group": PALETTE["group"],
            "median": PALETTE["median"], "neutral": PALETTE["neutral"], "rule": PALETTE["rule"]}
    flat.update({f"rounds[{i}]": c for i, c in enumerate(PALETTE["rounds"])})
    flat.update({f"status[{k}]": c for k, c in PALETTE["status"].items()})
    return flat


def test_palette_covers_every_key_but_the_background_area():
    keys = set(PALETTE) - {"dont_know_area"}
    assert {k.split("[")[0] for k in _mark_colours()} == keys


@pytest.mark.parametrize("name, colour", sorted(_mark_colours().items()))
def test_every_mark_colour_has_3_to_1_against_the_background(name, colour):
    assert contrast(colour, figures.BACKGROUND) >= 3, name


@pytest.mark.parametrize("key", ["baseline", "followup", "rounds"])
def test_open_ved_ikke_markers_have_3_to_1_on_their_grey_column(key):
    for colour in (PALETTE[key] if key == "rounds" else [PALETTE[key]]):
        assert contrast(colour, PALETTE["dont_know_area"]) >= 3, colour


def test_status_symbols_have_text_contrast_in_their_circles():
    from evaluation.memo.figures.theme import _STATUS_SYMBOLS

    for code, fill in PALETTE["status"].items():
        assert contrast(_STATUS_SYMBOLS[code][1], fill) >= 4.5, code


def test_the_group_median_stands_out_from_the_group_range():
    assert contrast(PALETTE["median"], PALETTE["group"]) >= 3


def _drawn_colours(fig) -> list:
    """Face and edge colours of every data mark in the axes and the legends:
    lines, markers, collections and bars (spans of the "ved ikke" column and
    fully transparent parts left out)."""
    from matplotlib.lines import Line2D

    colours = []
    artists = [a for ax in fig.axes for a in (*ax.lines, *ax.collections, *ax.patches)]
    artists += [h for legend in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
                for h in legend.legend_handles]
    for artist in artists:
        if isinstance(artist, Line2D):
            if artist.get_linestyle() not in ("None", "", " ") and artist.get_linewidth() > 0:
                colours.append(artist.get_color())
            if artist.get_marker() not in ("None", "", " ", None):
                colours += [artist.get_markerfacecolor(), artist.get_markeredgecolor()]
        elif hasattr(artist, "get_facecolor"):
            faces = np.atleast_2d(artist.get_facecolor())
            edges = np.atleast_2d(artist.get_edgecolor()) if artist.get_linewidth() is not None else []
            widths = np.atleast_1d(artist.get_linewidth())
            colours += [tuple(f) for f in faces]
            if np.any(widths > 0):
                colours += [tuple(e) for e in edges]
    return [c for c in colours if mcolors.to_rgba(c)[3] > 0]


@pytest.mark.parametrize("kind", KINDS)
def test_every_drawn_mark_has_3_to_1_against_the_background(frames, kind):
    # The background itself (white faces of open markers) and the grey
    # "ved ikke" column are areas, not marks; everything else must stand out.
    areas = {mcolors.to_hex(figures.BACKGROUND), mcolors.to_hex(PALETTE["dont_know_area"])}
    fig = draw_all(kind, frames)
    colours = _drawn_colours(fig)
    assert colours, kind
    weak = {mcolors.to_hex(over_white(c)) for c in colours
            if mcolors.to_hex(over_white(c)) not in areas and contrast(over_white(c), figures.BACKGROUND) < 3}
    assert weak == set(), kind


def test_distribution_rounds_differ_by_pattern_as_well_as_colour(distribution):
    fig = draw_all("distribution", {"distribution": distribution})
    containers = fig.axes[0].containers
    hatches = [{p.get_hatch() or "" for p in c.patches} for c in containers]
    assert hatches == [{"////"}, {""}]
    legend = [(h.get_hatch() or "") for h in fig.legends[0].legend_handles]
    assert legend == ["////", ""]
    assert figures.round_fill_names([BASE, FU]) == {BASE: "skraverede søjler", FU: "fyldte søjler"}
    assert figures.round_marker_names([BASE, FU]) == {BASE: "cirkler", FU: "firkanter"}


def test_plan_status_legend_keys_are_circles_with_their_symbols(status, tmp_path):
    fig = draw_all("plan_status", {"status": status})
    fig.canvas.draw()
    legend = fig.legends[0]
    boxes = legend.get_children()
    from matplotlib.patches import Circle

    def walk(artist):
        yield artist
        for child in artist.get_children():
            yield from walk(child)

    parts = list(walk(legend))
    circles = [a for a in parts if isinstance(a, Circle)]
    symbols = [a.get_text() for a in parts if isinstance(a, Text) and a.get_text() in ("✓", "…", "✗")]
    assert [rgba(c.get_facecolor()) for c in circles] == [rgba(c) for c in PALETTE["status"].values()]
    assert symbols == ["✓", "…", "✗"]
    assert boxes
