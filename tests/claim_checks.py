"""The claim checker's own numbers and its sentence checks, shared by the checks
of the text functions (tests/memo/test_text_claims.py) and of built memos
(tests/memo/test_memo_claims.py).

:func:`facts` computes everything a sentence may claim about a pair of
rounds from ``{(round, municipality, item): code}`` in plain Python
(fractions, exact enumeration of sign assignments, Holm by hand),
independently of evaluation.analysis; each ``check_*`` parses one kind of
sentence back into its claim and compares it with those facts.
"""
from __future__ import annotations

import html
import itertools
import re
from fractions import Fraction

from claim_words import COUNT, amount, half_up, parse_count
from evaluation.memo import text as tx

ALPHA, BAND, THRESHOLD = 0.05, Fraction(15, 100), 0.15


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


def change_facts(valid):
    """Means, change, ups and downs, direction and kind of valid pairs ``[(before, after)]`` (codes 1-4)."""
    n = len(valid)
    up, down = sum(y > x for x, y in valid), sum(y < x for x, y in valid)
    if not n:
        return {"n": 0, "up": 0, "down": 0, "mb": None, "mf": None, "change": None, "direction": None, "kind": None}
    mb, mf = Fraction(sum(x for x, _ in valid), n), Fraction(sum(y for _, y in valid), n)
    change = mf - mb
    direction = "rose" if change >= BAND and up > down else "fell" if change <= -BAND and down > up else "held"
    kind = direction if direction != "held" else "small" if abs(change) < BAND else "mixed"
    return {"n": n, "up": up, "down": down, "mb": mb, "mf": mf, "change": change, "direction": direction, "kind": kind}


def mode_facts(answers, modes, b, f, item, order=("interview", "survey", "both")):
    """``[(mode, change_facts)]`` of each way of taking part (``modes``: municipality -> mode at the
    follow-up; ``none`` and municipalities not listed are left out) whose members have valid pairs."""
    out = []
    for mode in order:
        members = {m for m, x in modes.items() if x == mode}
        valid = [(answers[(b, m, item)], answers[(f, m, item)]) for m in sorted(members)
                 if answers.get((b, m, item)) and answers.get((f, m, item))]
        if valid:
            out.append((mode, change_facts(valid)))
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
        moved = change_facts([(x, y) for x, y, _ in valid])
        up, down, mb, mf, change, direction = (moved[k] for k in ("up", "down", "mb", "mf", "change", "direction"))
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


def check_change(text, fx, label, when=(r"\S+", r"\S+")):
    """The change sentence of an item, with its split (``when``: patterns of the two rounds' names)."""
    if fx["n"] == 0:
        assert text.startswith(f"For {label} er der ingen kommuner med gyldige svar"), text
        return
    m = re.fullmatch(
        rf"For {label} (?P<verb>steg|faldt|var) gennemsnittet (?:fra |stort set uændret: )(?P<b>[-\d.,]+) ved {when[0]} "
        rf"(?:til|og) (?P<f>[-\d.,]+) ved {when[1]} \(ændring (?P<chg>[-+\d.,]+), 95 %-interval (?P<lo>[-+\d.,]+) til (?P<hi>[-+\d.,]+); (?P<n>{COUNT}) kommuner? med "
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
    p = re.search(r"Wilcoxon-test: p ([=<]) ([\d,]+)", html.unescape(text))  # the sentence is HTML
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
            moved = [lab for lab in compared if f_by_label[lab]["changed"]]
            if m_family > 1 and len(moved) == 1:  # the one change, named
                assert (f"Ændringen på {moved[0]} er ikke statistisk signifikant på 5 %-niveau efter Holm-korrektion "
                        f"for {amount(m_family)} sammenligninger og kan skyldes") in text, text
            else:
                assert (f"efter Holm-korrektion for {amount(m_family)} sammenligninger, så de kan skyldes" in text
                        if m_family > 1 else "Ændringen er ikke statistisk signifikant" in text), text
    still = [lab for lab in compared if not f_by_label[lab]["changed"]]
    alone = max(f_by_label[lab]["n"] for lab in compared) == 1
    if still and len(still) == len(compared):
        assert ("Kommunen ændrede ikke svar på nogen" if alone else "Ingen kommuner ændrede svar på nogen") in text, text
    elif still:
        m = re.search(rf"For ([^.]*) ændrede {'kommunen ikke' if alone else 'ingen kommuner'} svar\.", text)
        assert m and set(re.split(r", | og ", m[1])) == set(still), (text, still)
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


MODE_SENTENCE = re.compile(r"Opdelt efter dataindsamling: (?P<groups>.+)\. Forskellen mellem grupperne er ikke testet, "
                           r"og kommunerne er ikke fordelt tilfældigt på grupperne\.")
MODE_GROUP = re.compile(
    r"blandt (?P<group>[^(]+?) \(n = (?P<n>[\d.]+)\) (?:(?P<verb>steg|faldt) gennemsnittet fra (?P<b>[\d,]+) til "
    r"(?P<f>[\d,]+)|var gennemsnittet stort set uændret \((?P<sb>[\d,]+) og (?P<sf>[\d,]+)\)|flyttede gennemsnittet "
    r"sig fra (?P<mb>[\d,]+) til (?P<mf>[\d,]+) uden klar retning)(?=, og blandt |, blandt |$)")


def check_mode(text, groups, mode_labels):
    """The by-mode sentence of one item: said exactly when two or more ways of taking part
    have valid pairs, and then each group's size, means and direction (``groups``: from
    :func:`mode_facts`), in that order; it claims no test between the groups."""
    if len(groups) < 2:
        assert text == "", (text, groups)
        return
    m = MODE_SENTENCE.fullmatch(text)
    assert m, text
    said = list(MODE_GROUP.finditer(m["groups"]))
    assert "".join(g.group(0) for g in said) == re.sub(r", (?:og )?(?=blandt )", "", m["groups"]), text
    assert [g["group"] for g in said] == [mode_labels[mode].lower() for mode, _ in groups], (text, groups)
    if len(said) > 1:
        assert m["groups"].count(", og blandt ") == 1 and m["groups"].rfind(", og blandt ") > m["groups"].rfind(", blandt ")
    for g, (mode, fx) in zip(said, groups):
        assert g["n"] == half_up(fx["n"], 0), (text, mode, fx)
        before, after = half_up(fx["mb"], 1), half_up(fx["mf"], 1)
        if fx["kind"] in DIR_VERB:
            assert (g["verb"], g["b"], g["f"]) == (DIR_VERB[fx["kind"]], before, after), (text, mode, fx)
        elif fx["kind"] == "small":
            assert (g["sb"], g["sf"]) == (before, after), (text, mode, fx)
        else:
            assert (g["mb"], g["mf"]) == (before, after), (text, mode, fx)


def check_distribution(text, answers, b, f, item, scale):
    """The distribution sentence of a (context) item: the spread of the follow-up's answers
    (``scale``: code -> label, "ved ikke" a category of its own), whether it equals the
    baseline's, and how many municipalities answered differently and which way."""
    def spread(rnd):
        codes = [v for (r, _, i), v in answers.items() if r == rnd and i == item]
        return {c: codes.count(c) for c in sorted(scale, reverse=True) if codes.count(c)}

    before, after = spread(b), spread(f)
    if not after:
        assert text.startswith("Ingen kommuner besvarede spørgsmålet"), text
        return
    if sum(after.values()) == 1:
        assert f"ét svar: »{scale[next(iter(after))].lower()}«." in text, (text, after)
    else:
        m = re.search(r"svarede kommunerne ved .+?: (.+?)\.(?: |$)", text)
        top = max(after.values())
        assert m and re.split(r", | og ", m[1]) == [f"{amount(n, top)} »{scale[c].lower()}«" for c, n in after.items()], \
            (text, after)
    if not before:
        assert text.endswith("besvarede ingen kommuner spørgsmålet."), text
        return
    assert ("Fordelingen er den samme" in text) == (before == after), text
    both = [(v, answers[(f, m, i)]) for (r, m, i), v in answers.items() if r == b and i == item and (f, m, i) in answers]
    ways = {"højere": sum(1 for x, y in both if x and y and y > x), "lavere": sum(1 for x, y in both if x and y and y < x),
            "skiftede til eller fra »ved ikke«": sum(1 for x, y in both if (x == 0) != (y == 0))}
    moved = sum(ways.values())
    if moved == 0:
        assert text.endswith("og ingen kommuner svarede anderledes end da."), text
    elif moved == 1:
        (way,) = [w for w, k in ways.items() if k]
        assert text.endswith(f"én kommune {way if way.startswith('skiftede') else f'svarede {way} end da'}."), text
    else:
        parts = [f"{amount(k, moved)} {w}" for w, k in ways.items() if k]
        assert text.endswith(f"{amount(moved)} kommuner svarede anderledes end da: {tx.join(parts)}."), (text, ways)


def of_total(k, total, singular="kommune", plural="kommuner"):
    """The wording of k of total, written out here on its own."""
    if total == 1 and k == 1:
        return f"den ene {singular}"
    if k == total == 2:
        return f"begge {plural}"
    if k == total:
        return f"alle {amount(total)} {plural}"
    if total == 1:
        return f"ingen {plural}"
    return f"{amount(k, total)} af de {amount(total)} {plural}"


PLAN = re.compile(
    r"Ved (?P<when>.+?) havde (?P<who>.+?) udarbejdet (?P<own>sin|deres) handlingsplan, og (?P<rolled>\S+) havde "
    r"rullet den fuldt ud(?:; (?P<doing>.+?) var stadig i gang med at udarbejde den(?: \((?P<names>[^)]*)\))?)?\.")


def check_plan_sentence(text, when, n, done, doing, rolled):
    """The plan status sentence of one round (``when``: its definite form) of ``n`` municipalities:
    ``done``, ``doing`` and ``rolled`` name those with the plan drafted, still drafting it, rolled out."""
    if n == 1 and (done or not rolled):  # the only municipality: said of it
        assert text == f"Ved {when} " + (
            ("havde kommunen udarbejdet sin handlingsplan og " + (
                "rullet den fuldt ud." if rolled else "var endnu ikke færdig med at rulle den ud.")) if done
            else "var kommunen stadig i gang med at udarbejde sin handlingsplan." if doing
            else "havde kommunen endnu ikke udarbejdet sin handlingsplan."), (text, done, doing, rolled)
        return
    m = PLAN.fullmatch(text)
    assert m, text
    assert m["when"] == when
    assert m["who"] == of_total(len(done), n), (text, len(done), n)
    assert m["own"] == ("sin" if len(done) == 1 else "deres"), text
    if len(rolled) == n:
        assert m["rolled"] == ("den" if n == 1 else "begge" if n == 2 else "alle"), text
    else:
        assert m["rolled"] == amount(len(rolled), n), text
    if doing:
        assert m["doing"] == f"{amount(len(doing), n)} kommune{'r' if len(doing) != 1 else ''}", text
        assert (m["names"] or "") == (", ".join(doing) if len(doing) <= 10 else ""), text
    else:
        assert m["doing"] is None, text
