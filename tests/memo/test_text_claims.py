"""Claim checker: every generated sentence, on data nobody tuned, re-derived from the answers.

Panels are generated here (seeded): 1 to 1,000 municipalities, 1 to 8
parameters, 2 to 6 rounds, any share of "ved ikke", everybody at the top,
nobody changing, everybody changing, ties, and every pair of rounds.  For each
panel the text layer words the analysis tables, and each sentence is parsed
back into its claim (direction, means, counts, family size, significance,
what could be detected, ceiling facts) and compared with numbers computed
here in plain Python (fractions, exact enumeration of sign assignments, Holm
by hand), independently of evaluation.analysis.  A second check reads the
same corpus for Danish agreement slips.

The number of panels and sentences checked is printed by
``test_corpus_size`` (run with ``-s``).
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from evaluation.analysis.ceiling import ceiling_explains, ceiling_table, headroom
from evaluation.analysis.compare import compare_by_mode, compare_rounds, paired_scores
from evaluation.analysis.distribution import answer_moves, score_distribution
from evaluation.analysis.stats import min_changed
from evaluation.data import load_dataset
from evaluation.memo import text as tx
from evaluation.memo.context import MODE_LABELS
from claim_checks import (ALPHA, THRESHOLD, check_bullet, check_ceiling, check_change, check_mode, check_significance,
                          check_summary, facts, mode_facts, check_distribution)
from claim_words import amount
from danish_style import style_slips

GREEK = ["Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta"]
SCALE = {0: "Ved ikke", 1: "Slet ikke", 2: "I mindre grad", 3: "I nogen grad", 4: "I høj grad"}
CORPUS: list[str] = []
STATS = {"panels": 0, "pairs": 0, "drawn": 0}


# ------------------------------------------------------------------ panels
def panel(rng, n, n_items, n_rounds, *, dk=0.05, kind="random"):
    """A tidy responses frame: codes 0-4 (0 = "ved ikke")."""
    codes = rng.integers(1, 5, size=(n_rounds, n, n_items))
    if kind == "still":
        codes[:] = codes[0]
    elif kind == "top":
        codes[:] = 4
    elif kind == "up":
        codes[0] = rng.integers(1, 4, size=(n, n_items))
        for r in range(1, n_rounds):
            codes[r] = np.minimum(codes[r - 1] + 1, 4)
    elif kind == "drift":
        for r in range(1, n_rounds):
            step = rng.choice([-1, 0, 0, 1], size=(n, n_items))
            codes[r] = np.clip(codes[r - 1] + step, 1, 4)
    elif kind == "change":  # everybody changes answer every round, one step either way
        for r in range(1, n_rounds):
            step = rng.choice([-1, 1], size=(n, n_items))
            codes[r] = np.where((codes[r - 1] + step < 1) | (codes[r - 1] + step > 4), codes[r - 1] - step,
                                codes[r - 1] + step)
    elif kind == "ties":  # two neighbouring answers only: many equal changes and many ties in the ranks
        codes = rng.integers(2, 4, size=(n_rounds, n, n_items))
    codes = np.where(rng.random(codes.shape) < dk, 0, codes)
    if kind == "all_dk":
        codes[:] = 0
    rows = [{"round": f"r{r + 1}", "municipality": f"Kommune {m + 1:03d}", "item": f"i{i + 1}",
             "score": float(codes[r, m, i]) if codes[r, m, i] else np.nan, "dont_know": not codes[r, m, i]}
            for r in range(n_rounds) for m in range(n) for i in range(n_items)]
    return pd.DataFrame(rows)


def cases():
    """(seed, n, n_items, n_rounds, dk, kind): edge cases first, then seeded draws."""
    out = [
        (1, 1, 5, 2, 0.0, "random"), (2, 2, 5, 2, 0.0, "random"), (3, 2, 2, 3, 0.0, "up"),
        (4, 3, 5, 2, 0.0, "up"), (5, 10, 5, 3, 0.0, "still"), (6, 10, 5, 2, 0.0, "top"),
        (7, 10, 5, 2, 0.0, "all_dk"), (8, 10, 4, 2, 0.1, "drift"), (9, 10, 5, 2, 0.0, "up"),
        (10, 98, 5, 5, 0.03, "drift"), (11, 1000, 5, 2, 0.03, "drift"), (12, 1000, 1, 2, 0.0, "up"),
        (13, 1000, 8, 2, 0.5, "random"), (14, 6, 5, 2, 0.0, "drift"), (15, 12, 1, 6, 0.2, "drift"),
        (16, 4, 8, 2, 0.9, "random"), (17, 1000, 3, 3, 0.0, "still"),
    ]
    rng = np.random.default_rng(2026)
    for seed in range(100, 140):
        n = int(rng.choice([1, 2, 3, 5, 8, 10, 13, 20, 40, 98, 250]))
        out.append((seed, n, int(rng.integers(1, 9)), int(rng.integers(2, 7)), float(rng.choice([0, 0.05, 0.3, 1.0])),
                    str(rng.choice(["random", "drift", "drift", "still", "up", "top"]))))
    return out


# -------------------------------------------------------------- the run
def words_for_pair(responses, items, b, f, labels, rng):
    """Every sentence the text layer makes of the pair, with the claims to check."""
    table = compare_rounds(responses, b, f, items)
    ceil = ceiling_table(responses, [b], items)
    head = headroom(responses, b, f, items)
    explains = ceiling_explains(table, ceil, head)
    answers = {(r.round, r.municipality, r.item): (0 if r.dont_know else int(r.score))
               for r in responses[responses["round"].isin([b, f])].itertuples()}
    fx = facts(answers, items, b, f, dict(zip(table["item"], table["p_wilcoxon"])))
    # the table's own claims equal the independent ones
    for _, row in table.iterrows():
        own = fx[row["item"]]
        assert (row["n_pairs"], row["n_up"], row["n_down"]) == (own["n"], own["up"], own["down"])
        assert row["direction"] == own["direction"] and bool(row["significant"]) == own["significant"]
        assert bool(row["detectable"]) == own["detectable"] and row["n_family"] == own["m"]
        if own["p"] is not None and own["changed"] <= 16:
            assert row["p_wilcoxon"] == pytest.approx(own["p"], abs=1e-12)
        assert explains[row["item"]] == own["explains"]
    sentences = []
    by_label = {labels[i].lower(): fx[i] for i in items}
    summary = tx.summary_sentences(table, labels=labels, baseline="målingen før", followup="målingen efter")
    check_summary(summary, by_label)
    sentences += summary
    for (_, row), (_, h), (_, c) in zip(table.iterrows(), head.iterrows(), ceil.iterrows()):
        label, own = labels[row["item"]], fx[row["item"]]
        text = tx.change_sentence(row, label=label, baseline="før", followup="efter")
        check_change(text, own, label.lower())
        sig = tx.significance_sentence(row)
        check_significance(sig, own)
        bullet = tx.item_bullet(row, label=label, ceiling=explains[row["item"]])
        check_bullet(bullet, own, label)
        note = tx.ceiling_sentence(h, c, baseline="før", threshold=THRESHOLD, explains=explains[row["item"]])
        check_ceiling(note, own)
        missing = tx.missing_sentence(row, baseline="før", followup="efter")
        assert bool(missing) == bool(own["dk_b"] or own["dk_f"])
        if own["dk_b"]:
            assert f"Ved før svarede {amount(own['dk_b'])} kommun" in missing
        sentences += [text, sig, bullet.replace("<strong>", "").replace("</strong>", ""), note, missing]
    municipalities = sorted(responses["municipality"].unique())
    modes = pd.DataFrame({"municipality": municipalities,
                          "mode": rng.choice(["interview", "survey", "both", "none"], len(municipalities))})
    by_mode = compare_by_mode(responses, modes, b, f, items)
    mode_of = dict(zip(modes["municipality"], modes["mode"]))
    for item in items:
        text = tx.mode_sentence(by_mode, item=item, label=labels[item], mode_labels=MODE_LABELS)
        check_mode(text, mode_facts(answers, mode_of, b, f, item), MODE_LABELS)
        sentences.append(text)
    dist = score_distribution(responses, [b, f], [items[0]])
    moves = answer_moves(paired_scores(responses, b, f, [items[0]]))
    text = tx.distribution_sentence(dist, label=labels[items[0]], baseline="før", followup="efter", base_key=b,
                                    follow_key=f, scale_labels=SCALE, moves=moves)
    check_distribution(text, answers, b, f, items[0], SCALE)
    sentences.append(text)
    n_max = int(table["n_pairs"].max())
    m_family = int(table["n_family"].max())
    alone, best = min_changed(ALPHA, max(m_family, 1)), min_changed(ALPHA)
    # independent: the fewest k with m * 2**(1 - k) < alpha
    assert alone == next(k for k in range(1, 60) if max(m_family, 1) * 2.0 ** (1 - k) < ALPHA)
    text = tx.detectable_sentence(n_max, fewest_alone=alone, fewest_at_best=best, n_tests=max(m_family, 1), alpha=ALPHA)
    assert ("kan ingen ændring derfor blive" in text) == (n_max < best)
    sentences += [text, tx.step_caveat(table["n_pairs"])]
    return [s for s in sentences if s]


@pytest.mark.parametrize("case", cases(), ids=lambda c: f"seed{c[0]}-n{c[1]}-i{c[2]}-r{c[3]}-{c[5]}")
def test_every_sentence_holds_on_generated_panels(case):
    seed, n, n_items, n_rounds, dk, kind = case
    rng = np.random.default_rng(seed)
    responses = panel(rng, n, n_items, n_rounds, dk=dk, kind=kind)
    items = [f"i{i + 1}" for i in range(n_items)]
    labels = dict(zip(items, GREEK))
    rounds = [f"r{r + 1}" for r in range(n_rounds)]
    # Every pair of up to three rounds; of more, the first against the last and
    # one other pair drawn by the seed (the bundled data get every pair below).
    pairs = list(itertools.combinations(rounds, 2))
    if len(pairs) > 3:
        pairs = [(rounds[0], rounds[-1]), pairs[int(rng.integers(0, len(pairs) - 1))]]
    text = []
    for b, f in pairs:
        text += words_for_pair(responses, items, b, f, labels, rng)
    slips = style_slips("\n".join(text))
    assert not slips, slips[:5]
    CORPUS.extend(text)
    STATS["panels"] += 1
    STATS["pairs"] += len(pairs)


@st.composite
def panel_specs(draw):
    """A panel nobody tuned: its size, instrument, rounds, share of "ved ikke" and
    shape drawn by Hypothesis; the answers filled in by a generator seeded from the draw."""
    n = draw(st.one_of(st.integers(1, 13), st.sampled_from([40, 98, 1000]), st.integers(1, 1000)))
    n_items, n_rounds = draw(st.integers(1, 8)), draw(st.integers(2, 6))
    dk = draw(st.sampled_from([0, 0, 1, 5, 30, 90, 100])) / 100
    kind = draw(st.sampled_from(["random", "drift", "still", "top", "up", "change", "ties", "all_dk"]))
    b = draw(st.integers(0, n_rounds - 2))
    f = draw(st.integers(b + 1, n_rounds - 1))
    return draw(st.integers(0, 2**32 - 1)), n, n_items, n_rounds, dk, kind, (f"r{b + 1}", f"r{f + 1}")


# Bounded and derandomized without an example database: the same examples on every run and machine.
@settings(max_examples=30, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(panel_specs())
def test_every_sentence_holds_on_panels_hypothesis_draws(spec):
    seed, n, n_items, n_rounds, dk, kind, (b, f) = spec
    responses = panel(np.random.default_rng(seed), n, n_items, n_rounds, dk=dk, kind=kind)
    items = [f"i{i + 1}" for i in range(n_items)]
    text = words_for_pair(responses, items, b, f, dict(zip(items, GREEK)), np.random.default_rng(seed))
    slips = style_slips("\n".join(text))
    assert not slips, slips[:5]
    STATS["drawn"] += 1


@pytest.mark.parametrize("pair", [("udgangsmaaling-2017", "slutmaaling-2018"), ("slutmaaling-2018", "opfoelgning-2019"),
                                  ("udgangsmaaling-2017", "opfoelgning-2019")])
def test_every_sentence_holds_on_every_round_pair_of_the_bundled_data(pair):
    ds = load_dataset()
    items = ds.instrument.parameters
    labels = dict(zip(ds.instrument.items["item"], ds.instrument.items["label"]))
    text = words_for_pair(ds.responses, items, *pair, labels, np.random.default_rng(0))
    assert not style_slips("\n".join(text))
    CORPUS.extend(text)
    STATS["pairs"] += 1


def test_style_checker_catches_the_slips_it_looks_for():
    bad = ["1 kommuner deltog.", "Af dem holdt 0 det højeste niveau.", "n = 1 kommuner", "10 af 10 kommuner",
           "i alle 2 målinger", "ligger 1 svar", "Kommune As svar", "Ved slutmålingen ligger gennemsnittet",
           "Det er 1200 kommuner.", "De skal læses som tendenser.", "Gennemsnittet er 3.2 nu.",
           "Af de 10 svarede 3 højere.", "Med 7 kommuner med gyldige svar.", "efter Holm-korrektion for 5 sammenligninger"]
    for sentence in bad:
        assert style_slips(sentence), sentence
    good = ["Alle ti kommuner svarede.", "Ved før lå gennemsnittet på 3,3 (n = 1.200).", "Kommune A's svar",
            "Af de ti svarede én højere, ingen det samme og ni lavere.", "Af de 40 svarede 3 højere og 37 lavere.",
            "Ved slutmålingen lå gennemsnittet på 3,3 for beredskab (n = 10).", "Her er 3 af de 40 kommuner.",
            "Beredskab (4 af 10) og indsatser."]
    for sentence in good:
        assert not style_slips(sentence), sentence


def test_corpus_size():
    # Runs last in this module: how much the checker read (shown with -s).
    print(f"\nclaim checker: {STATS['panels']} generated panels, {STATS['pairs']} round pairs, "
          f"{len(CORPUS)} sentences; {STATS['drawn']} panels drawn by Hypothesis")
    if STATS["panels"]:
        assert len(CORPUS) > 10 * STATS["panels"]


def test_mode_check_catches_false_group_sentences():
    # Two groups counted by hand: interviewed A (2 -> 3), B (3 -> 4), C (2 -> 3): n = 3, 2,3 -> 3,3, rose;
    # survey D (4 -> 4), E (3 -> 3): n = 2, 3,5 -> 3,5, held (small); F took no part.
    answers = {("b", m, "x"): v for m, v in zip("ABCDEF", (2, 3, 2, 4, 3, 1))}
    answers.update({("f", m, "x"): v for m, v in zip("ABCDEF", (3, 4, 3, 4, 3, 4))})
    modes = dict(zip("ABCDEF", ["interview"] * 3 + ["survey"] * 2 + ["none"]))
    groups = mode_facts(answers, modes, "b", "f", "x")
    good = ("Opdelt efter dataindsamling: blandt interviewkommuner (n = 3) steg gennemsnittet fra 2,3 til 3,3, og "
            "blandt spørgeskemakommuner (n = 2) var gennemsnittet stort set uændret (3,5 og 3,5). Forskellen mellem "
            "grupperne er ikke testet, og kommunerne er ikke fordelt tilfældigt på grupperne.")
    check_mode(good, groups, MODE_LABELS)
    bad = [good.replace("(n = 3)", "(n = 4)"), good.replace("steg", "faldt"), good.replace("2,3 til", "2,4 til"),
           good.replace("Forskellen mellem grupperne er ikke testet", "Grupperne er for små til at teste forskellen"),
           good.replace("interviewkommuner", "spørgeskemakommuner", 1), ""]
    for text in bad:
        with pytest.raises(AssertionError):
            check_mode(text, groups, MODE_LABELS)
    check_mode("", groups[:1], MODE_LABELS)  # one group is no split: nothing to say
    with pytest.raises(AssertionError):
        check_mode(good, groups[:1], MODE_LABELS)
