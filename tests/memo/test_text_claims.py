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
import math
import re
from fractions import Fraction

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
from claim_words import COUNT, WORDS, amount, half_up, parse_count  # noqa: F401 (WORDS, COUNT: used below)
from danish_style import style_slips

ALPHA, BAND, THRESHOLD = 0.05, Fraction(15, 100), 0.15
GREEK = ["Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta"]
MODES = {"interview": "Interviewkommuner", "survey": "Spørgeskemakommuner", "both": "Begge dele"}
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


# ------------------------------------------------------ independent numbers
def exact_p(d):
    """Two-sided exact signed-rank p by enumerating all 2**k sign assignments (k <= 16)."""
    mags = sorted(abs(x) for x in d)
    ranks = {}
    i = 0
    while i < len(mags):
        j = i
        while j < len(mags) and mags[j] == mags[i]:
            j += 1
        ranks[mags[i]] = Fraction(i + 1 + j, 2)
        i = j
    r = [ranks[abs(x)] for x in d]
    t = sum(ri for ri, x in zip(r, d) if x > 0)
    ge = le = 0
    for signs in itertools.product((0, 1), repeat=len(r)):
        s = sum(ri for ri, sg in zip(r, signs) if sg)
        ge += s >= t
        le += s <= t
    return min(1.0, 2 * min(ge, le) / 2 ** len(r))


def holm_by_hand(ps):
    order = sorted(range(len(ps)), key=lambda i: ps[i])
    out, running = [0.0] * len(ps), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(ps) - rank) * ps[i]))
        out[i] = running
    return out


def facts(answers, items, b, f, table_p):
    """Everything a sentence may claim about the pair, from {(round, m, item): code}."""
    munis = sorted({m for (_, m, _) in answers})
    out = {}
    for item in items:
        both = [m for m in munis if (b, m, item) in answers and (f, m, item) in answers]
        pairs = [(answers[(b, m, item)], answers[(f, m, item)], m) for m in both]
        valid = [(x, y, m) for x, y, m in pairs if x and y]
        n = len(valid)
        d = [y - x for x, y, _ in valid]
        up, down = sum(v > 0 for v in d), sum(v < 0 for v in d)
        mb = Fraction(sum(x for x, _, _ in valid), n) if n else None
        mf = Fraction(sum(y for _, y, _ in valid), n) if n else None
        change = mf - mb if n else None
        direction = None
        if n:
            direction = ("rose" if change >= BAND and up > down else "fell" if change <= -BAND and down > up
                         else "held")
        k = up + down
        p = None
        if k:
            p = exact_p([v for v in d if v]) if k <= 16 else table_p[item]
        base_valid = [answers[(b, m, item)] for m in munis if answers.get((b, m, item))]
        top = [m for x, y, m in valid if x == 4]
        out[item] = {
            "n": n, "up": up, "down": down, "same": n - k, "changed": k, "mb": mb, "mf": mf, "change": change,
            "direction": direction, "p": p, "min_p": min(1.0, 2.0 ** (1 - k)),
            "names_up": sorted(m for x, y, m in valid if y > x), "names_down": sorted(m for x, y, m in valid if y < x),
            "dk_b": sum(1 for m in munis if (b, m, item) in answers and not answers[(b, m, item)]),
            "dk_f": sum(1 for m in munis if (f, m, item) in answers and not answers[(f, m, item)]),
            "n_valid_b": len(base_valid), "n_top_b": sum(x == 4 for x in base_valid),
            "kept": sum(1 for x, y, m in valid if x == y == 4), "top_fell": sum(1 for x, y, m in valid if x == 4 > y),
            "below": n - len(top), "below_up": sum(1 for x, y, _ in valid if x < 4 and y > x),
            "below_same": sum(1 for x, y, _ in valid if x < 4 and y == x),
            "below_down": sum(1 for x, y, _ in valid if x < 4 and y < x),
        }
    family = [i for i in items if out[i]["n"]]
    ps = [out[i]["p"] if out[i]["p"] is not None else 1.0 for i in family]
    adjusted = holm_by_hand(ps)
    for pos, i in enumerate(family):
        best = list(ps)
        best[pos] = min(out[i]["min_p"], ps[pos])
        out[i].update(m=len(family), p_holm=adjusted[pos], min_p_holm=holm_by_hand(best)[pos])
        out[i]["significant"] = adjusted[pos] < ALPHA
        out[i]["detectable"] = out[i]["min_p_holm"] < ALPHA
    for i in items:
        if not out[i]["n"]:
            out[i].update(m=0, significant=False, detectable=False)
        fx = out[i]
        fx["kind"] = fx["direction"] if fx["direction"] != "held" else (
            "small" if abs(fx["change"]) < BAND else "mixed")
        share = fx["n_top_b"] / fx["n_valid_b"] if fx["n_valid_b"] else float("nan")
        fx["ceiling"] = share > THRESHOLD
        fx["explains"] = bool(fx["ceiling"] and fx["kept"] > 0 and fx["direction"] != "fell")
    return out


# --------------------------------------------------------- sentence checks
DIR_VERB = {"rose": "steg", "fell": "faldt"}


def check_change(text, fx, label):
    if fx["n"] == 0:
        assert text.startswith(f"For {label} er der ingen kommuner med gyldige svar"), text
        return
    m = re.fullmatch(
        rf"For {label} (?P<verb>steg|faldt|var) gennemsnittet (?:fra |stort set uændret: )(?P<b>[-\d.,]+) ved \S+ "
        rf"(?:til|og) (?P<f>[-\d.,]+) ved \S+ \(ændring (?P<chg>[-+\d.,]+), 95 %-interval (?P<lo>[-+\d.,]+) til (?P<hi>[-+\d.,]+); (?P<n>{COUNT}) kommuner? med "
        rf"gyldige svar begge gange\)(?P<tail>, men [^.]*)?\. (?P<split>[^(]*?)(?: \((?P<names>[^)]*)\))?\.", text)
    assert m, text
    kind = fx["kind"]
    if kind in DIR_VERB:
        assert m["verb"] == DIR_VERB[kind] and not m["tail"], (text, fx)
    elif kind == "small":
        assert m["verb"] == "var" and not m["tail"], (text, fx)
    else:
        assert m["verb"] == ("steg" if fx["change"] > 0 else "faldt") and m["tail"], (text, fx)
        other = "lige så mange" if fx["up"] == fx["down"] else "flere"
        assert other in m["tail"]
    assert m["b"] == half_up(fx["mb"], 1) and m["f"] == half_up(fx["mf"], 1), (text, fx)
    chg = half_up(fx["change"], 2)
    assert m["chg"] == (chg if chg.startswith("-") or chg == "0,00" else "+" + chg), (text, fx)
    # The interval holds the change (both rounded to two decimals).
    def value(x):
        return float(x.replace(",", "."))
    assert value(m["lo"]) <= value(m["chg"]) <= value(m["hi"]), (text, fx)
    assert m["n"] == amount(fx["n"])
    split = m["split"]
    words = {"up": "højere", "same": "det samme", "down": "lavere"}
    if fx["n"] == 1:
        key = next(k for k in words if fx[k])
        assert split == f"Kommunen svarede {words[key]}", text
    elif any(fx[k] == fx["n"] for k in words):
        key = next(k for k in words if fx[k] == fx["n"])
        assert split == f"{'Begge' if fx['n'] == 2 else 'Alle ' + amount(fx['n'])} svarede {words[key]}", text
    else:
        n = fx["n"]
        assert split == (f"Af de {amount(n, n)} svarede {amount(fx['up'], n)} højere, {amount(fx['same'], n)} "
                         f"det samme og {amount(fx['down'], n)} lavere"), text
    named = {}
    for part in (m["names"] or "").split("; "):
        if part:
            key, _, names = part.partition(": ")
            named[key] = names.split(", ")
    for key, who in (("op", fx["names_up"]), ("ned", fx["names_down"])):
        assert named.get(key, []) == (who if 0 < len(who) <= 10 else []), (text, key)


def check_significance(text, fx):
    if fx["n"] == 0:
        assert text.startswith("Ingen kommuner har gyldige svar begge gange"), text
        return
    if fx["changed"] == 0:
        assert text.endswith("ingen ændring at teste."), text
        return
    if "kan ikke påvises" in text:
        assert not fx["detectable"], (text, fx)
        m = re.search(r"med (\S+) ændring(?:er)? kan p-værdien ikke komme under (\d+,\d+)(?:, efter Holm-korrektion for "
                      rf"({COUNT}) sammenligninger ikke under (\d+,\d+))?", text)
        assert m and m[1] == amount(fx["changed"], fx["n"]) and m[2] == tx.p_value(fx["min_p"]), (text, fx)
        if m[3]:
            assert m[3] == amount(fx["m"]) and m[4] == tx.p_value(fx["min_p_holm"]) and fx["min_p"] < ALPHA
        else:
            assert fx["m"] <= 1 or fx["min_p"] >= ALPHA, (text, fx)
        return
    assert fx["detectable"], (text, fx)
    significant = " ikke statistisk signifikant" not in text
    assert significant == fx["significant"], (text, fx)
    family = re.search(rf"efter Holm-korrektion for ({COUNT}) sammenligninger", text)
    assert (parse_count(family[1]) if family else 1) == fx["m"], (text, fx)
    if family:
        assert family[1] == amount(fx["m"]), text
    p = re.search(r"Wilcoxon-test: p ([=<]) ([\d,]+)", text)
    assert (p[2] if p[1] == "=" else "< " + p[2]) == tx.p_value(fx["p"]), (text, fx)
    opening = {"rose": "Stigningen", "fell": "Faldet", "small": "Ændringen er lille" if significant else "Ændringen",
               "mixed": "Forskellen" if significant else "Ændringen"}[fx["kind"]]
    assert text.startswith(opening), (text, fx)


def check_summary(sentences, f_by_label):
    compared = {lab for lab, fx in f_by_label.items() if fx["n"]}
    text = " ".join(sentences)
    if not compared:
        assert sentences == [sentences[0]] and sentences[0].startswith("Ingen kommuner har gyldige svar")
        return
    groups = {"højere": "rose", "stort set på samme niveau": "small", "lavere": "fell"}
    first = next((s for s in sentences if s.startswith("Ved ")), "")
    if first:  # an average of several answers, or one municipality's own answer
        one = max(f_by_label[lab]["n"] for lab in compared) == 1
        assert ("lå kommunens svar " if one else "lå kommunernes gennemsnit ") in first, first
    for word, kind in groups.items():
        want = {lab for lab in compared if f_by_label[lab]["kind"] == kind}
        m = re.search(rf"(?:lå kommunernes gennemsnit |lå kommunens svar |, | og ){word} på ((?:(?!, (?:højere|stort set|lavere)| og "
                      rf"(?:højere|stort set|lavere)| sammenlignet).)+)", first)
        got = set(re.split(r", | og ", m[1])) if m else set()
        assert got == want, (first, word, want)
    mixed = {lab for lab in compared if f_by_label[lab]["kind"] == "mixed"}
    assert ("uden klar retning" in text) == bool(mixed)
    kinds = {f_by_label[lab]["kind"] for lab in compared}
    assert ("Fremgangen gælder altså ikke" in text) == ({"rose", "fell"} <= kinds), text
    m_family = max(f_by_label[lab]["m"] for lab in compared)
    if any(f_by_label[lab]["changed"] for lab in compared):
        sig = {lab for lab in compared if f_by_label[lab]["significant"]}
        lead = f"Efter Holm-korrektion for {amount(m_family)} sammenligninger er " if m_family > 1 else "Her er "
        said = next((s for s in sentences if s.startswith(lead)), None)
        if sig:
            listed = said[len(lead):said.index(" statistisk signifikant")]
            nouns = {"rose": ("stigningen", "stigningerne"), "fell": ("faldet", "faldene"),
                     "small": ("den lille ændring", "de små ændringer"), "mixed": ("ændringen", "ændringerne")}
            groups = [[lab for lab in f_by_label if lab in sig and f_by_label[lab]["kind"] == kind] for kind in nouns]
            assert listed == tx.join(f"{nouns[kind][len(g) > 1]} på {tx.join(g)}"
                                     for kind, g in zip(nouns, groups) if g), (said, sig)
            assert said.endswith(f"statistisk {'signifikante' if len(sig) > 1 else 'signifikant'} på 5 %-niveau.")
        else:
            assert said is None
            assert (f"efter Holm-korrektion for {amount(m_family)} sammenligninger, så de kan skyldes" in text if m_family > 1
                    else "Ændringen er ikke statistisk signifikant" in text), text
    undetectable = {lab for lab in compared if f_by_label[lab]["changed"] and not f_by_label[lab]["detectable"]}
    m = re.search(r"For ([^.]*) ændrede for få kommuner svar", text)
    assert (set(re.split(r", | og ", m[1])) if m else set()) == undetectable, text
    without = {lab for lab, fx in f_by_label.items() if not fx["n"]}
    m = re.search(r"For ([^.]*) har ingen kommuner gyldige svar ved begge målinger", text)
    assert (set(re.split(r", | og ", m[1])) if m else set()) == without, text


def check_bullet(text, fx, label):
    if fx["n"] == 0:
        assert text.endswith("ingen kommuner med gyldige svar begge gange."), text
        return
    m = re.fullmatch(r"<strong>(.+)</strong>: ([-\d.,]+) → ([-\d.,]+) \(([-+\d.,]+), 95 %-interval [-+\d.,]+ til [-+\d.,]+; n = ([\d.]+); (\S+) op, (\S+) "
                     r"uændret, (\S+) ned\) – ([^;.]+)(; lofteffekt ved udgangspunktet)?\.", text)
    assert m and m[2] == half_up(fx["mb"], 1) and m[3] == half_up(fx["mf"], 1), text
    assert (m[6], m[7], m[8]) == (amount(fx["up"], fx["n"]), amount(fx["same"], fx["n"]), amount(fx["down"], fx["n"])), text
    verdict = {"rose": "steg", "fell": "faldt", "small": "stort set uændret", "mixed": "uden klar retning"}[fx["kind"]]
    if fx["significant"]:
        verdict = ("lille, men statistisk signifikant ændring" if fx["kind"] == "small"
                   else verdict + ", statistisk signifikant")
    assert m[9] == verdict, (text, fx)
    assert bool(m[10]) == fx["explains"], (text, fx)


def check_ceiling(text, fx):
    assert bool(text) == fx["explains"], (text, fx)
    if not text:
        return
    m = re.match(r"Lofteffekt: (.+?) \((\d+) %\) svarede allerede", text)
    who = m[1]
    if fx["n_top_b"] == fx["n_valid_b"]:
        assert who in (f"alle {amount(fx['n_valid_b'])} kommuner", "begge kommuner", "den ene kommune"), text
    else:
        total = fx["n_valid_b"]
        assert who == f"{amount(fx['n_top_b'], total)} af de {amount(total)} kommuner", text
    lost = fx["n_top_b"] - fx["kept"] - fx["top_fell"]
    if fx["kept"] == fx["n_top_b"]:
        assert "blev i toppen." in text and "faldt" not in text.split("blev i toppen.")[0], text
    else:
        top = max(fx["kept"], fx["top_fell"], lost)  # the counts of that sentence
        assert f"Af dem blev {amount(fx['kept'], top)} i toppen" in text, text
        assert (f"{amount(fx['top_fell'], top)} faldt" in text) == bool(fx["top_fell"]) or not fx["top_fell"]
        assert (f"{amount(lost, top)} kan ikke følges" in text) == bool(lost), text
    if fx["below"] > 1 and len({fx["below_up"], fx["below_same"], fx["below_down"]} - {0}) > 1:
        below = fx["below"]
        assert (f"Af de {amount(below)} kommuner med plads til forbedring steg {amount(fx['below_up'], below)}, "
                f"{amount(fx['below_same'], below)} var uændre") in text, text


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
    for item in items:
        text = tx.mode_sentence(by_mode, item=item, label=labels[item], mode_labels=MODES)
        groups = by_mode[(by_mode["item"] == item) & (by_mode["n_pairs"] > 0)]
        assert bool(text) == (len(groups) >= 2), text
        sentences.append(text)
    dist = score_distribution(responses, [b, f], [items[0]])
    moves = answer_moves(paired_scores(responses, b, f, [items[0]]))
    text = tx.distribution_sentence(dist, label=labels[items[0]], baseline="før", followup="efter", base_key=b,
                                    follow_key=f, scale_labels=SCALE, moves=moves)
    before = {c: sum(v == c for (r, _, i), v in answers.items() if r == b and i == items[0]) for c in SCALE}
    after = {c: sum(v == c for (r, _, i), v in answers.items() if r == f and i == items[0]) for c in SCALE}
    assert ("Fordelingen er den samme" in text) == (before == after), text
    moved = fx[items[0]]["changed"] + sum(
        1 for (r, m, i), v in answers.items() if r == b and i == items[0] and (f, m, i) in answers
        and (v == 0) != (answers[(f, m, i)] == 0))
    assert ("ingen kommuner svarede anderledes" in text) == (moved == 0), text
    if moved:
        assert f"{amount(moved)} kommune" in text, text
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
