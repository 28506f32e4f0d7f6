"""Tests of evaluation.data.synth_rounds: the files of every round of a synthetic panel.

:func:`round_files` is called directly on small hand-made panels; its CSV
text is read back with the ``csv`` module (not the project's loaders), and
the expected rows are counted from the panel by hand.
"""
from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from evaluation import config
from evaluation.data import PHASES, QUOTE_THEMES, load_instrument
from evaluation.data.synth_rounds import Panel, csv_text, round_files

KEYS = ["runde-1", "runde-2", "runde-3"]
RANK = {"ikke_paabegyndt": 0, "i_proces": 1, "gennemfoert": 2}


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def instrument():
    return load_instrument(config.DATA_DIR)


def panel(n: int, interviewed: int) -> Panel:
    names = [f"Kommune {i:03d}" for i in range(1, n + 1)]
    modes = np.array(["interview"] * interviewed + ["survey"] * (n - interviewed))
    return Panel(names, modes, np.arange(n) % 3 == 0)


def build(p: Panel, instrument, seed: int = 5) -> dict[str, str]:
    return round_files(np.random.default_rng(seed), p, KEYS, instrument, seed)


def test_every_round_has_every_file(instrument):
    files = build(panel(4, 2), instrument)
    expected = {f"{config.ROUNDS_SUBDIR}/{k}/{name}" for k in KEYS
                for name in ("responses.csv", "plan_status.csv", "participation.csv", "quotes.csv", "codings.csv",
                             "narrative.md")}
    assert set(files) == expected


def test_every_municipality_answers_every_item_with_a_valid_code(instrument):
    p = panel(7, 3)
    files = build(p, instrument)
    items = instrument.items["item"].tolist()
    valid = {str(c) for c in instrument.valid_codes} | {str(config.DONT_KNOW_CODE)}
    for key in KEYS:
        answers = rows(files[f"{config.ROUNDS_SUBDIR}/{key}/responses.csv"])
        assert len(answers) == 7 * len(items)  # 7 municipalities x every item
        assert {(a["municipality"], a["item"]) for a in answers} == {(m, i) for m in p.names for i in items}
        assert {a["score"] for a in answers} <= valid


def test_plan_status_only_moves_forward(instrument):
    files = build(panel(30, 10), instrument)
    rank = {(k, r["municipality"], r["phase"]): RANK[r["status"]]
            for k in KEYS for r in rows(files[f"{config.ROUNDS_SUBDIR}/{k}/plan_status.csv"])}
    assert len(rank) == 3 * 30 * len(PHASES)
    for m in panel(30, 10).names:
        for phase in PHASES:
            series = [rank[(k, m, phase)] for k in KEYS]
            assert series == sorted(series)


def test_only_the_last_round_interviewed_and_quoted(instrument):
    p = panel(6, 2)
    files = build(p, instrument)
    for key in KEYS[:-1]:
        assert {r["mode"] for r in rows(files[f"{config.ROUNDS_SUBDIR}/{key}/participation.csv"])} == {"survey"}
        assert rows(files[f"{config.ROUNDS_SUBDIR}/{key}/quotes.csv"]) == []
        assert rows(files[f"{config.ROUNDS_SUBDIR}/{key}/codings.csv"]) == []
    last = f"{config.ROUNDS_SUBDIR}/{KEYS[-1]}"
    modes = {r["municipality"]: r["mode"] for r in rows(files[f"{last}/participation.csv"])}
    assert [m for m, mode in modes.items() if mode == "interview"] == p.names[:2]
    quotes = rows(files[f"{last}/quotes.csv"])
    assert {q["theme"] for q in quotes} == set(QUOTE_THEMES)
    assert {q["municipality"] for q in quotes} <= set(p.names[:2]) | {""}  # "" is the centre


def test_without_interviews_statements_come_from_any_municipality(instrument):
    p = panel(3, 0)
    quotes = rows(build(p, instrument)[f"{config.ROUNDS_SUBDIR}/{KEYS[-1]}/quotes.csv"])
    assert quotes and {q["municipality"] for q in quotes} <= set(p.names) | {""}


def test_same_generator_same_files_other_seed_other_answers(instrument):
    p = panel(12, 6)
    assert build(p, instrument, seed=9) == build(p, instrument, seed=9)
    key = f"{config.ROUNDS_SUBDIR}/{KEYS[0]}/responses.csv"
    assert build(p, instrument, seed=9)[key] != build(p, instrument, seed=10)[key]


def test_csv_text_quotes_and_ends_lines_with_newline():
    assert csv_text(["a", "b"], [("x,y", 'say "hi"')]) == 'a,b\n"x,y","say ""hi"""\n'
