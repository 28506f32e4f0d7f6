"""Claim checker, second part: plan status, participation, profiles and the figures' alt texts.

Hypothesis draws the data (municipalities, rounds, statuses, modes, answers
with "ved ikke", ties, everybody at the top, nobody changing); the text layer
words the analysis tables; each sentence is parsed back into its claim and
compared with counts, means and medians computed here in plain Python from
the drawn data, independently of evaluation.analysis.  The count words are
the independent ones of test_text_claims (zero to twelve as words, digits
beside a count above twelve).  Panels run from one municipality to 1,000
(above 30 a few examples only).  Example counts are bounded and the search is
derandomized without an example database, so `make test` stays fast and
gives the same result on every machine.
"""
from __future__ import annotations

import re
import statistics
from html import unescape
from fractions import Fraction

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings, strategies as st

from evaluation.analysis.compare import compare_rounds, paired_scores
from evaluation.analysis.distribution import score_distribution
from evaluation.analysis.trend import group_profile, plan_status_summary, trend
from evaluation.data import PHASES, STATUSES
from evaluation.memo import text as tx
from danish_style import style_slips
from claim_checks import check_plan_sentence, of_total
from claim_words import COUNT, amount, half_up, parse_count

CHECK = settings(max_examples=60, derandomize=True, database=None, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PHASE_LABELS = {"udarbejdet": "Udarbejdet", "godkendt": "Godkendt", "udrullet": "Fuldt udrullet"}
STATUS_LABELS = {"gennemfoert": "Gennemført", "i_proces": "I proces", "ikke_paabegyndt": "Ikke påbegyndt"}
SCALE = {0: "Ved ikke", 1: "Slet ikke", 2: "I mindre grad", 3: "I nogen grad", 4: "I høj grad"}
LABELS = ["Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta"]
DEFINITE = {"r1": "første måling", "r2": "anden måling", "r3": "tredje måling"}
ROUND_LABELS = {"r1": "Runde 1", "r2": "Runde 2", "r3": "Runde 3"}


def names(n):
    return [f"Kommune {i + 1:04d}" for i in range(n)]


def no_slips(*texts):
    slips = style_slips("\n".join(t for t in texts if t))
    assert not slips, (slips[:3], texts)


# ------------------------------------------------------------- plan status
@st.composite
def plan_statuses(draw):
    """A plan status frame: n municipalities, two rounds, each phase with a status or no row at all."""
    n = draw(st.one_of(st.integers(1, 14), st.sampled_from([40, 98, 1000])))
    choices = [*STATUSES, None]
    if n <= 14:
        cells = draw(st.lists(st.sampled_from(choices), min_size=2 * 3 * n, max_size=2 * 3 * n))
    else:  # large panels: a drawn mix, filled by a seeded generator
        weights = np.array(draw(st.lists(st.integers(0, 5), min_size=4, max_size=4))) + 1e-9
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        cells = list(rng.choice(np.array(choices, dtype=object), size=2 * 3 * n, p=weights / weights.sum()))
    rows, it = [], iter(cells)
    for rnd in ("r1", "r2"):
        for m in names(n):
            for phase in PHASES:
                status = next(it)
                if status is None and m == "Kommune 0001" and phase == "udarbejdet":
                    status = "i_proces"  # a round with plan status has at least one row
                if status is not None:
                    rows.append({"round": rnd, "municipality": m, "phase": phase, "status": status})
    return n, pd.DataFrame(rows, columns=["round", "municipality", "phase", "status"])


@CHECK
@given(plan_statuses())
def test_plan_status_sentences_and_alt_text_hold(drawn):
    n, status = drawn
    summary = plan_status_summary(status, ["r1", "r2"])
    sentences = tx.plan_status_sentences(summary, rounds=["r1", "r2"], definite=DEFINITE, n_total=n,
                                         phase_labels=PHASE_LABELS)
    assert len(sentences) == 2
    for rnd, text in zip(("r1", "r2"), sentences):
        def who(phase, state):
            rows = status[(status["round"] == rnd) & (status["phase"] == phase) & (status["status"] == state)]
            return sorted(rows["municipality"])
        check_plan_sentence(text, DEFINITE[rnd], n, who("udarbejdet", "gennemfoert"), who("udarbejdet", "i_proces"),
                            who("udrullet", "gennemfoert"))
    alt = tx.alt_plan_status(summary, status=status, round_labels=ROUND_LABELS, phase_labels=PHASE_LABELS,
                             status_labels=STATUS_LABELS)
    check_alt_plan_status(alt, status)
    no_slips(*sentences, alt)


def check_alt_plan_status(alt, status):
    assert alt.startswith("Kommunernes status på handlingsplanen fordelt på faser: ") and alt.endswith(".")
    parts = alt[len("Kommunernes status på handlingsplanen fordelt på faser: "):-1].split("; ")
    expected = [(r, p) for r in ("r1", "r2") for p in PHASES]
    assert len(parts) == len(expected), alt
    status_words = "|".join(label.lower() for label in STATUS_LABELS.values())
    for part, (rnd, phase) in zip(parts, expected):
        head = f"{ROUND_LABELS[rnd]}, {PHASE_LABELS[phase].lower()}: "
        assert part.startswith(head), (part, head)
        said = {}
        for count, word, who in re.findall(rf"({COUNT}) ({status_words}) \(([^)]*)\)", part[len(head):]):
            said[word] = (count, who)
        rows = status[(status["round"] == rnd) & (status["phase"] == phase)]
        want = {}
        for state, label in STATUS_LABELS.items():
            members = sorted(rows.loc[rows["status"] == state, "municipality"])
            if members:
                want[label.lower()] = members
        shown = [len(v) for v in want.values()]
        for word, members in want.items():
            count, who = said[word]
            assert count == amount(len(members), max(shown)), (part, word)
            assert re.split(r", | og ", who) == members, (part, word)
        assert set(said) == set(want), part


# ----------------------------------------------------------- participation
MODE_PHRASES = {"interview": "blev interviewet", "survey": "besvarede spørgeskemaet",
                "both": "blev både interviewet og besvarede spørgeskemaet"}


@CHECK
@given(st.lists(st.sampled_from(["interview", "survey", "both", "none"]), min_size=1, max_size=40),
       st.sampled_from([0, 0, 0, 60, 1000]))
def test_participation_sentence_holds(modes, extra):
    # ``extra`` more municipalities answered the survey: totals above twelve, and a thousand.
    modes = modes + ["survey"] * extra
    frame = pd.DataFrame({"municipality": names(len(modes)), "mode": modes})
    text = tx.participation_sentence(frame, definite="opfølgningen")
    total = len(modes)
    counts = {mode: modes.count(mode) for mode in MODE_PHRASES}
    taking = total - modes.count("none")
    no_slips(text)
    if taking == 0:
        assert text == "Ingen af kommunerne deltog i opfølgningen."
        return
    head = of_total(taking, total) if taking < total else (
        f"{amount(taking)} kommune{'r' if taking != 1 else ''}")
    assert text.startswith(f"Ved opfølgningen deltog {head}"), (text, head)
    rest = text[len(f"Ved opfølgningen deltog {head}"):]
    used = [mode for mode in MODE_PHRASES if counts[mode]]
    if len(used) == 1:
        who = "den" if taking == 1 else "begge" if taking == 2 else "alle"
        assert rest == f", og {who} {MODE_PHRASES[used[0]]}.", text
        return
    said = re.findall(rf"({COUNT}) ({'|'.join(MODE_PHRASES.values())})", rest)
    assert [(parse_count(c), p) for c, p in said] == [(counts[m], MODE_PHRASES[m]) for m in used], text
    assert all(c == amount(counts[m], total) for (c, _), m in zip(said, used)), text


# ------------------------------------------------------- responses panels
@st.composite
def panels(draw, max_n=12, min_n=1):
    """Tidy responses of up to three rounds: codes 0-4 (0 = "ved ikke"), some municipalities absent from a round.

    Up to 30 municipalities Hypothesis draws every answer; a larger panel (up to
    1,000) is filled by a generator seeded from the draw, with a drawn mix of
    answers and a drawn share of municipalities absent from a round.
    """
    n = draw(st.integers(min_n, max_n) if max_n <= 30 else
             st.one_of(st.sampled_from([max_n, 98, min_n]), st.integers(min_n, max_n)))
    n_items = draw(st.integers(1, 4))
    kind = draw(st.sampled_from(["drawn", "still", "top", "all_dk"]))
    size = 3 * n * n_items
    if n <= 30:
        codes = draw(st.lists(st.integers(0, 4), min_size=size, max_size=size))
        absent = draw(st.sets(st.tuples(st.sampled_from(["r1", "r2", "r3"]), st.integers(0, n - 1)), max_size=n))
    else:
        weights = np.array(draw(st.lists(st.integers(0, 5), min_size=5, max_size=5))) + 1e-9
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        codes = rng.choice(5, size=size, p=weights / weights.sum()).tolist()
        share = draw(st.sampled_from([0, 0.01, 0.1]))
        absent = {(rnd, m) for rnd in ("r1", "r2", "r3") for m in np.flatnonzero(rng.random(n) < share).tolist()}
    rows, it = [], iter(codes)
    first = {}
    for rnd in ("r1", "r2", "r3"):
        for m in range(n):
            for i in range(n_items):
                code = next(it)
                code = {"still": first.setdefault((m, i), code), "top": 4, "all_dk": 0}.get(kind, code)
                if (rnd, m) in absent:
                    continue
                rows.append({"round": rnd, "municipality": f"Kommune {m + 1:04d}", "item": f"i{i + 1}",
                             "score": float(code) if code else np.nan, "dont_know": code == 0})
    frame = pd.DataFrame(rows, columns=["round", "municipality", "item", "score", "dont_know"])
    if frame.empty or frame["round"].nunique() < 3:
        # every round needs somebody: put Kommune 0001 back with a "ved ikke" where a round is empty
        for rnd in {"r1", "r2", "r3"} - set(frame["round"]):
            frame = pd.concat([frame, pd.DataFrame([{"round": rnd, "municipality": "Kommune 0001", "item": "i1",
                                                     "score": np.nan, "dont_know": True}])], ignore_index=True)
    return frame.sort_values("round", kind="stable", ignore_index=True)  # rounds in order, as a data set has them


def answers_of(frame):
    """{(round, municipality, item): code} with 0 for "ved ikke"."""
    return {(r.round, r.municipality, r.item): (0 if r.dont_know else int(r.score)) for r in frame.itertuples()}


def items_of(frame):
    return list(dict.fromkeys(frame["item"]))


def compared(frame):
    """The items, their labels, the answers and the comparison of the first two rounds."""
    items = items_of(frame)
    return items, dict(zip(items, LABELS)), answers_of(frame), compare_rounds(frame, "r1", "r2", items)


# ----------------------------------------------------------------- profiles
PROFILE_UP = re.compile(r"Fra før til efter vurderede (?P<who>Kommune \d+) sig højere på (?P<list>.+)\.")
PROFILE_DOWN = re.compile(r"(?:Til gengæld vurderede kommunen sig|Fra før til efter vurderede (?P<who>Kommune \d+) sig) "
                          r"lavere på (?P<list>.+)\.")
MOVE = re.compile(r"(?P<label>[a-z]+) \((?P<b>\d) → (?P<f>\d)\)")


#: Panels above 30 municipalities, up to 1,000: few examples (each reads thousands of answers), the same on every run.
LARGE = settings(max_examples=6, derandomize=True, database=None, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@CHECK
@given(panels())
def test_profile_sentences_and_alt_text_hold(frame):
    check_profiles(frame, sorted(frame["municipality"].unique()))


@LARGE
@given(panels(min_n=31, max_n=1000), st.randoms(use_true_random=False))
def test_profile_sentences_and_alt_text_hold_on_large_panels(frame, random):
    # A profile is one municipality's: the first, the last and three drawn ones of the panel.
    names = sorted(frame["municipality"].unique())
    check_profiles(frame, sorted({names[0], names[-1], *random.sample(names, min(3, len(names)))}))


def check_profiles(frame, municipalities):
    items = items_of(frame)
    labels = dict(zip(items, LABELS))
    answers = answers_of(frame)
    paired = paired_scores(frame, "r1", "r2", items)
    for municipality in municipalities:
        own = paired[paired["municipality"] == municipality]
        sentences = tx.profile_change_sentences(own, labels=labels, municipality=municipality, baseline="før",
                                                followup="efter")
        up, down, same, missing = [], [], [], []
        for item in items:
            b, f = answers.get(("r1", municipality, item)), answers.get(("r2", municipality, item))
            if b is None or f is None:
                continue  # no pair at all: not part of the profile's comparison
            label = labels[item].lower()
            if not (b and f):
                missing.append(label)
            else:
                (up if f > b else down if f < b else same).append((label, b, f))
        said_up, said_down, said_same, said_missing, said_none = [], [], [], [], False
        for s in sentences:
            if m := PROFILE_UP.fullmatch(s):
                said_up = [(x["label"], int(x["b"]), int(x["f"])) for x in MOVE.finditer(m["list"])]
            elif m := PROFILE_DOWN.fullmatch(s):
                said_down = [(x["label"], int(x["b"]), int(x["f"])) for x in MOVE.finditer(m["list"])]
            elif s.startswith("Uændret: "):
                said_same = re.split(r", | og ", s[len("Uændret: "):-1])
            elif s.startswith("Ingen sammenligning for "):
                said_missing = re.split(r", | og ", s[len("Ingen sammenligning for "):s.index(", fordi")])
            elif " har ikke ændret vurdering på nogen af " in s:
                said_none = True
            else:
                raise AssertionError(s)
        assert said_up == up and said_down == down, (sentences, up, down)
        assert said_same == [label for label, _, _ in same] and said_missing == missing, (sentences, same, missing)
        # "No change on any parameter" only where something could be compared and nothing moved.
        assert said_none == bool(same and not up and not down), sentences
        if said_none and missing:
            assert any("de parametre, der kan sammenlignes" in s for s in sentences), sentences
        profile = group_profile(frame, municipality, items)
        alt = unescape(tx.alt_profile(profile, labels=labels, round_labels=ROUND_LABELS, municipality=municipality))
        check_alt_profile(alt, frame, municipality, items, labels)
        no_slips(*sentences, alt)


def _value(x):
    x = Fraction(x).limit_denominator(8)
    return half_up(x, 0) if x.denominator == 1 else half_up(x, 1)


def check_alt_profile(alt, frame, municipality, items, labels):
    answers = answers_of(frame)
    head = f"{municipality}'s svar i hver måling på skalaen 1-4, i parentes de øvrige kommuners median og spænd. "
    assert alt.startswith(head) and alt.endswith("."), alt
    parts = alt[len(head):-1].split(". ")
    assert len(parts) == len(items), alt
    present_rounds = sorted(frame["round"].unique())
    for part, item in zip(parts, items):
        assert part.startswith(f"{labels[item]}: "), part
        rounds = part[len(labels[item]) + 2:].split("; ")
        assert len(rounds) == len(present_rounds), part
        for said, rnd in zip(rounds, present_rounds):
            own = answers.get((rnd, municipality, item))
            mine = ("intet svar" if own is None else "ved ikke" if own == 0 else str(own))
            others = [v for (r, m, i), v in answers.items() if r == rnd and i == item and m != municipality and v]
            if others:
                low, high = min(others), max(others)
                span = str(low) if low == high else f"{low}-{high}"
                group = f"median {_value(statistics.median(others))}, spænd {span}"
            else:
                group = "ingen svar fra de øvrige"
            assert said == f"{ROUND_LABELS[rnd]} {mine} ({group})", (said, mine, group)


# ----------------------------------------------------------- figure alt texts
@CHECK
@given(panels(max_n=30))
def test_alt_texts_of_the_figures_hold(frame):
    check_figure_alt_texts(frame)


@LARGE
@given(panels(min_n=31, max_n=1000))
def test_alt_texts_of_the_figures_hold_on_large_panels(frame):
    check_figure_alt_texts(frame)


def check_figure_alt_texts(frame):
    items, labels, answers, table = compared(frame)
    alt = tx.alt_means(table, labels=labels, baseline="før", followup="efter", scale_labels=SCALE)
    for item in items:
        pairs = [(answers[("r1", m, i)], answers[("r2", m, i)]) for (r, m, i) in answers
                 if r == "r1" and i == item and ("r2", m, i) in answers and answers[("r1", m, i)]
                 and answers[("r2", m, i)]]
        n = len(pairs)
        before = half_up(Fraction(sum(b for b, _ in pairs), n), 1) if n else tx.DASH
        after = half_up(Fraction(sum(f for _, f in pairs), n), 1) if n else tx.DASH
        assert f"{labels[item]} fra {before} til {after} (n = {n})" in alt, (alt, item, before, after, n)
    # Each municipality's two answers, in the figure's order.
    for item in items:
        paired = paired_scores(frame, "r1", "r2", [item])
        text = tx.alt_item(paired, label=labels[item], baseline="før", followup="efter", question="Hvor godt?",
                           scale_labels=SCALE)
        listed = text[text.index("Hver kommunes svar ved før og efter: ") + len("Hver kommunes svar ved før og efter: "):-1]
        said = dict(re.fullmatch(r"(Kommune \d+) (.+)", part).groups() for part in listed.split("; ")) if listed else {}
        both = {m for (r, m, i) in answers if r == "r1" and i == item and ("r2", m, i) in answers}
        assert set(said) == both, text

        def word(code):
            return "ved ikke" if code == 0 else str(code)
        for m in both:
            assert said[m] == f"{word(answers[('r1', m, item)])} til {word(answers[('r2', m, item)])}", (m, text)
    # The distribution of the first item, per round: how many answered each category.
    dist = score_distribution(frame, ["r1", "r2"], [items[0]])
    text = tx.alt_distribution(dist, label=labels[items[0]], round_labels=ROUND_LABELS, scale_labels=SCALE,
                               question="Hvor godt?")
    for rnd in ("r1", "r2"):
        codes = [v for (r, m, i), v in answers.items() if r == rnd and i == items[0]]
        shown = {c: codes.count(c) for c in SCALE if codes.count(c)}
        part = re.search(rf"{ROUND_LABELS[rnd]}: ([^;]*?)(?:;|\.$)", text)[1]
        if not shown:
            assert part == "ingen svar", text
            continue
        pieces = re.split(r", | og ", part)
        assert pieces == [f"{amount(k, max(shown.values()))} {SCALE[c].lower()}" for c, k in shown.items()], (part, shown)
    # The trend: every round's mean of the valid answers, in order.
    rounds_frame = pd.DataFrame({"round": ["r1", "r2", "r3"], "order": [1, 2, 3]})
    trends = trend(frame, rounds_frame, items)
    text = tx.alt_trend(trends, labels=labels, round_labels=ROUND_LABELS)
    for item in items:
        means = []
        for rnd in ("r1", "r2", "r3"):
            valid = [v for (r, m, i), v in answers.items() if r == rnd and i == item and v]
            means.append(half_up(Fraction(sum(valid), len(valid)), 1) if valid else tx.DASH)
        assert f"{labels[item]}: {' → '.join(means)}" in text, (text, item, means)
    no_slips(alt, text)


# ------------------------------------------------- levels and the top of the scale
@CHECK
@given(panels(max_n=30))
def test_level_and_ceiling_municipalities_sentences_hold(frame):
    check_levels(frame)


@LARGE
@given(panels(min_n=31, max_n=1000))
def test_level_and_ceiling_municipalities_sentences_hold_on_large_panels(frame):
    check_levels(frame)


def check_levels(frame):
    items, labels, answers, table = compared(frame)
    text = tx.level_sentence(table, labels=labels, definite="første måling")
    assert text.startswith("Der findes ingen måling før første måling, så udgangspunktet beskrives alene ved "
                           "niveauet."), text
    described, without = [], []
    for item in items:
        valid = [v for (r, m, i), v in answers.items() if r == "r1" and i == item and v]
        if valid:
            described.append(f"{half_up(Fraction(sum(valid), len(valid)), 1)} for {labels[item].lower()} "
                             f"(n = {half_up(len(valid), 0)})")
        else:
            without.append(labels[item].lower())
    if described:
        assert f"Ved første måling lå gennemsnittet på {tx.join(described)}." in text, (text, described)
    else:
        assert "lå gennemsnittet" not in text, text
    if without:
        assert text.endswith(f"For {tx.join(without)} er der ingen gyldige svar ved første måling."), text
    from evaluation.analysis.ceiling import ceiling_municipalities

    n_total = frame["municipality"].nunique()
    top = ceiling_municipalities(frame, "r1", items, min_items=2)
    text = tx.ceiling_municipalities_sentence(top, baseline="første måling", n_total=n_total, n_items=len(items))
    at_top = {}
    for (r, m, i), v in answers.items():
        if r == "r1" and v == 4:
            at_top[m] = at_top.get(m, 0) + 1
    several = {m: k for m, k in at_top.items() if k >= 2}
    if len(items) < 2:
        assert text == "", text
    elif not several:
        assert text == "Ved første måling svarede ingen kommuner »i høj grad« på to eller flere parametre.", text
    else:
        m = re.fullmatch(r"Ved første måling svarede (?P<who>.+?) allerede »i høj grad« på to eller flere af "
                         r"parametrene(?:: (?P<names>.+?))?\. For (?P<them>den|dem) kan fremgang .+", text)
        assert m and m["who"] == of_total(len(several), n_total), (text, several)
        assert m["them"] == ("den" if len(several) == 1 else "dem"), text
        if len(several) <= 10:
            listed = dict(re.findall(r"(Kommune \d+) \((\d+)\)", m["names"]))
            assert {k: int(v) for k, v in listed.items()} == several, (text, several)
        else:
            assert m["names"] is None, text
    no_slips(text)
