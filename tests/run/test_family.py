"""Holm's family for planning: exact tests with the standard library, checked
by hand, against the analysis, and as the key of a parameter's section."""
import math
import random
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from evaluation.analysis.compare import compare_rounds
from evaluation.analysis.stats import holm, wilcoxon_test
from evaluation.run.family import (
    MAX_EXACT_COST,
    _adjusted,
    exact_cost,
    holm_facet,
    pair_statistics,
    parse_score,
    signed_rank_p,
)

MISSING = frozenset({0})


def statistic(before, after):
    rows_b = [(f"K{i}", "x", str(b)) for i, b in enumerate(before)]
    rows_f = [(f"K{i}", "x", str(a)) for i, a in enumerate(after)]
    return pair_statistics(rows_b, rows_f, MISSING)["x"]


# ------------------------------------------------------------- by hand
def test_scores_are_read_as_the_loader_reads_them():
    assert parse_score(" 3 ", MISSING) == 3
    assert parse_score("0", MISSING) is None  # "ved ikke"
    assert parse_score("", MISSING) is None  # not answered
    with pytest.raises(ValueError):
        parse_score("tre", MISSING)


def test_statistic_of_distinct_changes():
    # Changes +1, -2, +3: ranks 1, 2, 3 (doubled 2, 4, 6); the rises have ranks 1 and 3.
    assert statistic([1, 3, 1], [2, 1, 4]) == (3, ((2, 1), (4, 1), (6, 1)), 8)


def test_statistic_of_tied_changes_averages_their_ranks():
    # |changes| 1, 1, 1, 2: the three ones share rank 2 (doubled 4), the two has rank 4 (doubled 8);
    # a pair with a "ved ikke" or a blank is not complete, an unchanged pair is complete but not ranked.
    assert statistic([1, 2, 3, 1, 0, 2, 2], [2, 1, 4, 3, 3, "", 2]) == (5, ((4, 3), (8, 1)), 4 + 4 + 8)


def test_exact_p_of_distinct_changes_by_hand():
    # Positive rank sums of the eight sign patterns of {1, 2, 3}: 0 1 2 3 3 4 5 6.
    # Observed 4: P(T >= 4) = 3/8, P(T <= 4) = 6/8, so p = 2 * 3/8.
    assert signed_rank_p((3, ((2, 1), (4, 1), (6, 1)), 8)) == Fraction(3, 4)


def test_exact_p_when_all_move_one_way_is_two_to_the_one_minus_m():
    assert signed_rank_p(statistic([1, 1, 1, 1, 2], [2, 2, 2, 2, 2])) == Fraction(1, 8)  # as wilcoxon_test's example
    assert signed_rank_p(statistic([4] * 6, [1, 2, 3, 1, 2, 3])) == Fraction(2, 2 ** 6)


def test_nobody_changing_counts_as_p_one():
    assert signed_rank_p(statistic([2, 3], [2, 3])) == 1


def test_holm_by_hand():
    # holm([0.01, 0.04, 0.03]) = [0.03, 0.06, 0.06]: the 0.04 takes the 0.03's larger term.
    p = {"a": Fraction(1, 100), "b": Fraction(4, 100), "c": Fraction(3, 100)}
    assert _adjusted(p, "a") == (Fraction(3, 100), [])
    assert _adjusted(p, "b") == (Fraction(6, 100), ["c"])
    assert _adjusted(p, "c") == (Fraction(6, 100), [])


def test_holm_ties_share_the_larger_term_whatever_their_order():
    p = {"a": Fraction(1, 10), "b": Fraction(1, 10), "c": Fraction(1, 2)}
    assert _adjusted(p, "a") == (Fraction(3, 10), ["b"])
    assert _adjusted(p, "b") == (Fraction(3, 10), ["a"])


# --------------------------------------------------- against the analysis
def panel(seed: int, n: int, n_items: int, dont_know: float, unchanged: float):
    """Rows of two rounds, and the same as a tidy responses frame."""
    rng = random.Random(seed)
    items = [f"p{i}" for i in range(n_items)]
    rows = {"b": [], "f": []}
    for m in range(n):
        for item in items:
            b = rng.choice(["0", "", "1", "4"]) if rng.random() < dont_know else str(rng.randint(1, 4))
            f = b if rng.random() < unchanged else (
                rng.choice(["0", ""]) if rng.random() < dont_know else str(rng.randint(1, 4)))
            rows["b"].append((f"K{m:03d}", item, b))
            rows["f"].append((f"K{m:03d}", item, f))
    return items, rows


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame([
        {"round": r, "municipality": m, "item": i, "score": np.nan if s in ("0", "") else float(s), "dont_know": s == "0"}
        for r in ("b", "f") for m, i, s in rows[r]
    ])


panels = st.tuples(st.integers(0, 10 ** 6), st.integers(1, 40), st.integers(1, 6),
                   st.floats(0, 0.6), st.floats(0, 0.95))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels)
def test_exact_values_are_those_the_analysis_computes(spec):
    items, rows = panel(*spec)
    stats = pair_statistics(rows["b"], rows["f"], MISSING)
    table = compare_rounds(frame(rows), "b", "f", items).set_index("item")
    for item in items:
        row = table.loc[item]
        if not math.isnan(row["p_wilcoxon"]):
            assert float(signed_rank_p(stats[item])) == pytest.approx(row["p_wilcoxon"], rel=1e-12, abs=1e-300)
        facet = holm_facet(stats, items, item)
        if row["n_family"] == 0:
            assert facet == ["outside the family"]
            continue
        n_family, p_holm, min_p_holm, _ = facet
        assert n_family == row["n_family"]
        assert float(Fraction(p_holm)) == pytest.approx(row["p_holm"], rel=1e-12)
        assert float(Fraction(min_p_holm)) == pytest.approx(row["min_p_holm"], rel=1e-12)


def test_exact_p_matches_the_analysis_on_a_large_panel_with_few_tie_groups():
    rng = np.random.default_rng(5)
    before = rng.integers(1, 5, 400)
    after = np.clip(before + rng.choice([-1, 0, 1, 2], 400, p=[0.2, 0.4, 0.3, 0.1]), 1, 4)
    stat = statistic(before.tolist(), after.tolist())
    assert float(signed_rank_p(stat)) == pytest.approx(wilcoxon_test(before, after)["p_value"], rel=1e-10)


def test_holm_matches_the_analysis_function():
    p = {"a": Fraction(3, 64), "b": Fraction(1, 32), "c": Fraction(1, 2), "d": Fraction(3, 64)}
    expected = holm([float(v) for v in p.values()])
    for name, value in zip(p, expected):
        assert float(_adjusted(p, name)[0]) == pytest.approx(value, rel=1e-15)


def edits(rows, item: str, rng: random.Random, count: int):
    """``count`` copies of the follow-up rows, each with one answer to ``item`` changed."""
    places = [i for i, (_, it, _) in enumerate(rows["f"]) if it == item]
    for _ in range(count):
        place = rng.choice(places)
        m, it, old = rows["f"][place]
        new = rng.choice([s for s in ("0", "", "1", "2", "3", "4") if s != old])
        yield [*rows["f"][:place], (m, it, new), *rows["f"][place + 1:]]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels, st.integers(0, 10 ** 6))
def test_an_unchanged_facet_means_an_unchanged_row(spec, seed):
    """The claim the key rests on: when one answer to another parameter changes
    and the section's facet stays, every value of the section's row of the
    comparison stays too, to the last bit (the section's own answers are in its
    key apart from this facet)."""
    items, rows = panel(*spec)
    rng = random.Random(seed)
    before_stats = pair_statistics(rows["b"], rows["f"], MISSING)
    before = compare_rounds(frame(rows), "b", "f", items).set_index("item")
    other = rng.choice(items)
    for followup in edits(rows, other, rng, 4):
        edited = {"b": rows["b"], "f": followup}
        after_stats = pair_statistics(edited["b"], followup, MISSING)
        after = compare_rounds(frame(edited), "b", "f", items).set_index("item")
        for item in items:
            if item == other:
                continue
            if holm_facet(before_stats, items, item) == holm_facet(after_stats, items, item):
                pd.testing.assert_series_equal(before.loc[item], after.loc[item], check_exact=True)


def test_one_answer_to_one_parameter_leaves_most_facets_alone():
    """On the bundled data's shape (10 municipalities, five parameters) most
    single-answer edits change no other parameter's facet."""
    items, rows = panel(7, 10, 5, 0.1, 0.5)
    stats = pair_statistics(rows["b"], rows["f"], MISSING)
    rng = random.Random(1)
    kept = total = 0
    for followup in edits(rows, "p0", rng, 40):
        after = pair_statistics(rows["b"], followup, MISSING)
        for item in items[1:]:
            total += 1
            kept += holm_facet(stats, items, item) == holm_facet(after, items, item)
    assert kept / total > 0.5


def test_a_family_too_costly_to_count_is_keyed_on_its_statistics():
    items, rows = panel(3, 1000, 3, 0.0, 0.0)
    stats = pair_statistics(rows["b"], rows["f"], MISSING)
    assert sum(exact_cost(stats[i]) for i in items) > MAX_EXACT_COST
    facet = holm_facet(stats, items, "p0")
    assert facet == [3, [[name, stats[name]] for name in items]]


# ------------------------------------------------------------- end to end
def _holm_digests(data, baseline: str, followup: str) -> dict[str, str]:
    from evaluation.run.fingerprint import DataFolder

    folder = DataFolder(data)
    return {p: folder.facet(f"holm:{baseline}/{followup}/{p}") for p in folder.items("parameter")}


def _find_edit(data, baseline: str, followup: str):
    """One answer of the follow-up to change such that, of the other
    parameters, the facet of some changes and of some does not (or the first
    edit that keeps some); returns (edited text, item, kept, changed)."""
    path = data / "rounds" / followup / "responses.csv"
    original = path.read_text(encoding="utf-8")
    before = _holm_digests(data, baseline, followup)
    lines = original.splitlines(keepends=True)
    fallback = None
    for index, line in enumerate(lines[1:], start=1):
        municipality, item, score = line.rstrip("\n").split(",")
        if item not in before:
            continue
        for new in ("1", "2", "3", "4", "0"):
            if new == score:
                continue
            text = "".join([*lines[:index], f"{municipality},{item},{new}\n", *lines[index + 1:]])
            path.write_text(text, encoding="utf-8")
            after = _holm_digests(data, baseline, followup)
            path.write_text(original, encoding="utf-8")
            kept = {p for p in before if p != item and before[p] == after[p]}
            changed = {p for p in before if p != item and before[p] != after[p]}
            if kept and changed:
                return text, item, kept, changed
            if kept and fallback is None:
                fallback = (text, item, kept, changed)
    assert fallback is not None
    return fallback


def _published(folder) -> dict[str, bytes]:
    skip = {"manifest.json", "run.log", "changes.html", "index.html"}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in skip}


@pytest.mark.parametrize("seed", [2, 5])
def test_a_changed_answer_reruns_the_sections_it_can_change_and_reuses_the_rest_byte_for_byte(tmp_path, seed):
    """A real run on a generated panel, one answer changed: the sections whose
    Holm facet stayed are reused, the others re-executed, and the publication
    equals, byte for byte, a forced run of every notebook on the edited data."""
    from evaluation.cli import main
    from evaluation.data.synth import write_synthetic
    from evaluation.run.pipeline import RunOptions, run

    data = write_synthetic(tmp_path / "data", municipalities=8, rounds=3, seed=seed)
    baseline, followup = "runde-2", "runde-3"
    out = tmp_path / "out"
    assert main(["run", "--data", str(data), "--out", str(out), "--no-profiles", "--quiet"]) == 0
    text, item, kept, changed = _find_edit(data, baseline, followup)
    (data / "rounds" / followup / "responses.csv").write_text(text, encoding="utf-8")

    result = run(RunOptions(data=data, out=out, profiles=False, quiet=True))
    expected = {"01_introduktion", "02_konklusion", f"04_parameter-{item}", "07_metode"}
    assert set(result["executed"]) == expected | {f"04_parameter-{p}" for p in changed}
    assert {f"04_parameter-{p}" for p in kept} <= set(result["reused"])

    pair = f"{followup}_vs_{baseline}"
    incremental = _published(out / pair)
    # The same output folder (its path shows in the notebooks), every notebook executed.
    assert run(RunOptions(data=data, out=out, profiles=False, quiet=True, force=True))["reused"] == []
    fresh = _published(out / pair)
    assert incremental.keys() == fresh.keys()
    assert [name for name in incremental if incremental[name] != fresh[name]] == []
