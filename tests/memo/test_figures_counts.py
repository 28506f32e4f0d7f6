"""Tests of evaluation.memo.figures.counts (figure 2 of a large panel) and of the
threshold above which the memo draws counts instead of a row per municipality.

The counts below are written by hand; every bar and label is read back from
the figure's artists.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import yaml  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from evaluation import config  # noqa: E402
from evaluation.data import PHASES, STATUSES  # noqa: E402
from evaluation.exceptions import ParameterError  # noqa: E402
from evaluation.memo import figures  # noqa: E402
from evaluation.memo.context import PHASE_LABELS, STATUS_LABELS  # noqa: E402
from evaluation.memo.figures import PALETTE  # noqa: E402

ROUNDS = {"r1": "Slutmåling", "r2": "Opfølgning"}
# Per round, phase: (gennemført, i proces, ikke påbegyndt), 1,000 municipalities.
COUNTS = {
    "r1": {"udarbejdet": (700, 300, 0), "godkendt": (400, 350, 250), "udrullet": (100, 200, 700)},
    "r2": {"udarbejdet": (1000, 0, 0), "godkendt": (900, 60, 40), "udrullet": (650, 250, 100)},
}


@pytest.fixture
def summary():
    return pd.DataFrame([{"round": r, "phase": p, "status": s, "n": n}
                         for r, phases in COUNTS.items() for p, ns in phases.items() for s, n in zip(STATUSES, ns)])


def draw(summary, **kwargs):
    return figures.plot_plan_status_counts(summary, phase_labels=PHASE_LABELS, status_labels=STATUS_LABELS,
                                           round_labels=kwargs.pop("round_labels", ROUNDS), **kwargs)


def bars(ax) -> dict[str, list[float]]:
    """Bar lengths per status colour, top to bottom."""
    colour = {tuple(np.round(matplotlib.colors.to_rgba(c), 4)): s for s, c in PALETTE["status"].items()}
    found: dict[str, list[tuple[float, float]]] = {}
    for patch in ax.patches:
        if isinstance(patch, Rectangle):
            key = colour[tuple(np.round(patch.get_facecolor(), 4))]
            found.setdefault(key, []).append((patch.get_y(), patch.get_width()))
    return {s: [w for _, w in sorted(v)] for s, v in found.items()}


def test_each_bar_is_the_number_of_municipalities_with_one_status(summary):
    fig = draw(summary)
    assert [ax.get_title() for ax in fig.axes] == ["Slutmåling", "Opfølgning"]
    for ax, key in zip(fig.axes, ROUNDS):
        lengths = bars(ax)
        for i, status in enumerate(STATUSES):
            assert lengths[status] == [COUNTS[key][p][i] for p in PHASES], (key, status)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["Udarbejdet", "Godkendt", "Fuldt\nudrullet"]


def test_every_bar_carries_its_symbol_and_count_with_a_danish_thousands_separator(summary):
    fig = draw(summary)
    labels = [t.get_text() for t in fig.axes[1].texts]
    # Top to bottom: per phase gennemført, i proces, ikke påbegyndt; a count of 0 is printed too.
    assert labels == ["✓ 1.000", "✓ 900", "✓ 650", "… 0", "… 60", "… 250", "✗ 0", "✗ 40", "✗ 100"]
    assert "1.200" in [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Gennemført", "I proces", "Ikke påbegyndt"]


def test_a_missing_combination_counts_as_zero(summary):
    fewer = summary[~((summary["round"] == "r1") & (summary["phase"] == "godkendt") & (summary["status"] == "i_proces"))]
    fig = draw(fewer)
    assert bars(fig.axes[0])["i_proces"] == [300, 0, 200]
    assert "… 0" in [t.get_text() for t in fig.axes[0].texts]


def test_inputs_are_unchanged(summary):
    before = summary.copy()
    draw(summary)
    pd.testing.assert_frame_equal(summary, before)


@pytest.mark.parametrize("change, message", [
    (lambda s: s.assign(n=s["n"].astype(float).where(s.index != 0, 2.5)), "whole number"),
    (lambda s: s.assign(n=s["n"].where(s.index != 0, -1)), "0 or more"),
    (lambda s: s.assign(status=s["status"].replace("i_proces", "groen")), "groen"),
    (lambda s: s.assign(phase=s["phase"].replace("godkendt", "vedtaget")), "vedtaget"),
    (lambda s: s.drop(columns="n"), "'n'"),
])
def test_bad_summaries_raise_parameter_errors_that_name_the_problem(summary, change, message):
    with pytest.raises(ParameterError, match=message):
        draw(change(summary))


def test_an_unlabelled_round_is_refused(summary):
    with pytest.raises(ParameterError, match="r2"):
        draw(summary, round_labels={"r1": "Slutmåling"})


# ------------------------------------------------------------------ the threshold
def _longest_question() -> str:
    with open(config.DATA_DIR / "instrument.yml", encoding="utf-8") as fh:
        return max((i["question"] for i in yaml.safe_load(fh)["items"]), key=len)


def _heights_cm(n: int) -> tuple[float, float]:
    names = [f"Kommune {i:04d}" for i in range(1, n + 1)]
    paired = pd.DataFrame({"municipality": names, "score_baseline": 2.0, "score_followup": 3.0,
                           "dont_know_baseline": False, "dont_know_followup": False})
    item = figures.plot_item_scores(paired, question=_longest_question(), baseline_label="Slutmåling",
                                    followup_label="Opfølgning", title="Eksternt samarbejde")
    status = pd.DataFrame([{"round": r, "municipality": m, "phase": p, "status": "i_proces"}
                           for r in ROUNDS for m in names for p in PHASES])
    grid = figures.plot_plan_status(status, municipalities=names, phase_labels=PHASE_LABELS,
                                    status_labels=STATUS_LABELS, round_labels=ROUNDS)
    return item.get_size_inches()[1] * 2.54, grid.get_size_inches()[1] * 2.54


def test_figures_with_a_row_per_municipality_fit_one_a4_page_up_to_the_threshold():
    # config.FIGURE_ROWS_MAX says why it is what it is: at that many rows a figure is still
    # under 25 cm high (an A4 page less its margins) at its printed width of 16 cm; one more row is not.
    assert max(_heights_cm(config.FIGURE_ROWS_MAX)) <= 25
    assert max(_heights_cm(config.FIGURE_ROWS_MAX + 1)) > 25
    assert figures.FIGURE_WIDTH * 2.54 == pytest.approx(16)
