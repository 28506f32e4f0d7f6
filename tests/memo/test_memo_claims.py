"""The claim checker and the Danish style test on built memos, not on the text functions alone.

A few generated data folders nobody tuned are built into real memos
(``evaluation run``: every notebook through papermill, exported to
memo.html): one municipality; three municipalities compared on a pair that is
not the last two rounds, with a narrative that uses the word-form
placeholders; ten municipalities of whom nobody changed an answer and all
answered "ved ikke" on one parameter; 98 municipalities over five rounds.
The paragraphs of each memo.html are read back and every sentence about change
(each parameter's change, split, significance, ceiling note and by-mode
split, the conclusion's summary and bullets, each round's plan status, the
context item's distribution, the appendix's rule of what can be detected) is re-derived with
:mod:`claim_checks` from the folder's CSV files, read here with the csv
module.  Every paragraph, list item and text alternative must pass
:func:`danish_style.style_slips`.

Each build takes seconds to tens of seconds, so the folders are few and each
is built once per module.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from claim_checks import (ALPHA, check_bullet, check_ceiling, check_change, check_distribution, check_mode,
                          check_plan_sentence, check_significance, check_summary, facts, mode_facts)
from claim_words import amount
from danish_style import style_slips
from evaluation.cli import main
from evaluation.data.synth import write_synthetic
from evaluation.memo.context import MODE_LABELS

bs4 = pytest.importorskip("bs4")

#: Where the narrative of the three-municipality folder uses the word forms of the counts.
WORD_FORMS = ("[[sec:data]]\n{{ n_interviewed.count }} blev interviewet, og {{ n_survey.of_total }} besvarede "
              "spørgeskemaet. Opfølgningen dækker {{ n_parameters.count }} og {{ n_rounds.words }} målinger.\n")


# ----------------------------------------------------------------- the folders
def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _early_pair_with_word_forms(data: Path) -> None:
    narrative = data / "rounds" / "runde-2" / "narrative.md"
    text = narrative.read_text(encoding="utf-8")
    narrative.write_text(text.replace("[[sec:data]]\n", WORD_FORMS, 1), encoding="utf-8")


def _nobody_changes_one_parameter_all_dont_know(data: Path) -> None:
    first = {(r["municipality"], r["item"]): r["score"] for r in read_csv(data / "rounds" / "runde-1" / "responses.csv")}
    path = data / "rounds" / "runde-2" / "responses.csv"
    rows = read_csv(path)
    for row in rows:
        row["score"] = "0" if row["item"] == "indsatser" else first[(row["municipality"], row["item"])]
    write_csv(path, rows)


#: name -> (municipalities, rounds, seed, pair or None for the last two, edit of the folder)
FOLDERS = {
    "one_municipality": (1, 2, 1, None, None),
    "three_early_pair": (3, 3, 2, ("runde-1", "runde-2"), _early_pair_with_word_forms),
    "ten_still_all_dont_know": (10, 3, 4, ("runde-1", "runde-2"), _nobody_changes_one_parameter_all_dont_know),
    "ninety_eight": (98, 5, 3, None, None),
}


_BUILT: dict[str, tuple] = {}


def build(name: str, tmp_path_factory) -> tuple:
    """(name, data folder, published folder, baseline, follow-up) of one generated folder's memo, built once."""
    if name not in _BUILT:
        _BUILT[name] = _build(name, tmp_path_factory)
    return _BUILT[name]


@pytest.fixture(scope="module", params=list(FOLDERS))
def built(request, tmp_path_factory):
    return build(request.param, tmp_path_factory)


def _build(name: str, tmp_path_factory) -> tuple:
    n, rounds, seed, pair, change = FOLDERS[name]
    tmp = tmp_path_factory.mktemp(name)
    data = write_synthetic(tmp / "data", municipalities=n, rounds=rounds, seed=seed)
    if change:
        change(data)
    keys = [r["key"] for r in yaml.safe_load((data / "rounds.yml").read_text(encoding="utf-8"))["rounds"]]
    baseline, followup = pair or (keys[-2], keys[-1])
    args = ["run", "--data", str(data), "--out", str(tmp / "out"), "--no-profiles", "--jobs", "2",
            "--baseline", baseline, "--followup", followup]
    assert main(args) == 0
    folder = tmp / "out" / f"{followup}_vs_{baseline}"
    return name, data, folder, baseline, followup


# ------------------------------------------------------------- reading them back
def answers_of(data: Path, rounds) -> dict:
    """{(round, municipality, item): code}, 0 for "ved ikke"; a blank answer is left out."""
    out = {}
    for rnd in rounds:
        for row in read_csv(data / "rounds" / rnd / "responses.csv"):
            if row["score"] != "":
                out[(rnd, row["municipality"], row["item"])] = int(row["score"])
    return out


def memo_blocks(folder: Path) -> list[tuple[str, str, str]]:
    """(heading, tag, text) of every paragraph and list item of memo.html in document order,
    outside tables and navigation; the text without markup, spaces normalised."""
    soup = bs4.BeautifulSoup((folder / "memo.html").read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["script", "style", "table", "nav"]):
        tag.decompose()
    out, heading = [], ""
    for el in soup.find_all(["h1", "h2", "h3", "p", "li", "img"]):
        if el.name == "img":
            out.append((heading, "alt", el.get("alt", "")))
        elif el.name.startswith("h"):
            heading = " ".join(el.get_text("").split())
        else:
            out.append((heading, el.name, " ".join(el.get_text("").split())))
    return out


def sentences(paragraph: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ»])", paragraph)


def instrument(data: Path) -> tuple[list[dict], list[dict], dict]:
    doc = yaml.safe_load((data / "instrument.yml").read_text(encoding="utf-8"))
    items = doc["items"]
    scale = {s["code"]: s["label"] for s in doc["scale"]}
    return [i for i in items if i["kind"] == "parameter"], [i for i in items if i["kind"] == "context"], scale


def definite(data: Path) -> dict:
    rounds = yaml.safe_load((data / "rounds.yml").read_text(encoding="utf-8"))["rounds"]
    return {r["key"]: r.get("definite") or r["label"].lower() for r in rounds}


# -------------------------------------------------------------------- the checks
def test_every_sentence_about_change_holds_in_the_built_memo(built):
    name, data, folder, b, f = built
    params, context, scale = instrument(data)
    answers = answers_of(data, [b, f])
    table = {r["item"]: r for r in read_csv(folder / "tables" / "comparison.csv")}
    fx = facts(answers, [p["key"] for p in params], b, f, {k: float(r["p_wilcoxon"] or "nan") for k, r in table.items()})
    modes = {r["municipality"]: r["mode"] for r in read_csv(data / "rounds" / f / "participation.csv")}
    when = (re.escape(definite(data)[b]), re.escape(definite(data)[f]))
    blocks = memo_blocks(folder)
    checked = 0
    for p in params:
        label, own = p["label"], fx[p["key"]]
        section = [(tag, text) for heading, tag, text in blocks if re.fullmatch(rf"3\.\d+ {re.escape(label)}", heading)]
        texts = [text for tag, text in section if tag == "p"]
        (change,) = [t for t in texts if t.startswith(f"For {label.lower()} ")]
        parts = sentences(change)
        if own["n"]:
            check_change(f"{parts[0]} {parts[1]}", own, label.lower(), when=when)
            rest = parts[2:]
        else:
            check_change(parts[0], own, label.lower(), when=when)
            rest = parts[1:]
        check_significance(" ".join(s for s in rest if not s.startswith("Ved ")), own)
        notes = [t for t in texts if t.startswith("Lofteffekt:")]
        check_ceiling(notes[0] if notes else "", own)
        split = [t for t in texts if t.startswith("Opdelt efter dataindsamling:")]
        check_mode(split[0] if split else "", mode_facts(answers, modes, b, f, p["key"]), MODE_LABELS)
        (bullet,) = [t for h, tag, t in blocks if h.startswith("2 ") and tag == "li" and t.startswith(f"{label}: ")]
        check_bullet(f"<strong>{label}</strong>{bullet[len(label):]}", own, label)
        checked += 4
    # Section 3 opens with each round's plan status, over every listed municipality.
    n_total = len(read_csv(data / "municipalities.csv"))
    (plans,) = [t for h, tag, t in blocks if h.startswith("3 ") and tag == "p" and t.startswith(f"Ved {definite(data)[b]} ")]
    for rnd, text in zip((b, f), sentences(plans)):
        rows = read_csv(data / "rounds" / rnd / "plan_status.csv")

        def who(phase, state):
            return sorted(r["municipality"] for r in rows if r["phase"] == phase and r["status"] == state)
        check_plan_sentence(text, definite(data)[rnd], n_total, who("udarbejdet", "gennemfoert"),
                            who("udarbejdet", "i_proces"), who("udrullet", "gennemfoert"))
    by_label = {p["label"].lower(): fx[p["key"]] for p in params}
    conclusion = [t for h, tag, t in blocks if h.startswith("2 ") and tag == "p"]
    check_summary(sentences(conclusion[0]), by_label)
    for item in context:
        (text,) = [t for _, tag, t in blocks if tag == "p" and f"spørgsmålet om {item['label'].lower()}" in t]
        start = re.search(r"På spørgsmålet om|Ingen kommuner besvarede spørgsmålet", text).start()
        check_distribution(re.sub(r" Figur \d+ viser fordelingen\.$", "", text[start:]), answers, b, f, item["key"], scale)
    # The appendix's rule: how many must change, all one way, with Holm over the parameters compared.
    family = sum(1 for p in params if fx[p["key"]]["n"])
    fewest = next(k for k in range(1, 60) if max(family, 1) * 2.0 ** (1 - k) < ALPHA)
    at_best = next(k for k in range(1, 60) if 2.0 ** (1 - k) < ALPHA)
    (rule,) = [t for _, tag, t in blocks if tag == "p" and t.startswith("Om en ændring kan påvises")]
    if family > 1:
        assert f"Med Holm-korrektion for {amount(family)} sammenligninger skal mindst {amount(fewest)} kommuner" in rule
    n_max = max(fx[p["key"]]["n"] for p in params)
    assert ("kan ingen ændring derfor blive" in rule) == (n_max < at_best), (rule, n_max)
    assert checked == 4 * len(params)


def test_no_danish_slip_and_no_false_note_in_the_built_memo(built):
    name, data, folder, b, f = built
    blocks = memo_blocks(folder)
    texts = [t for _, _, t in blocks if t]
    assert len(texts) > 40
    slips = [(slip, t) for t in texts for slip in style_slips(t)]
    assert not slips, slips[:5]
    whole = " ".join(texts)
    codings = read_csv(data / "rounds" / f / "codings.csv")
    # The appendix says the interviews are coded only when they are.
    assert ("er kodet efter projektets kodebog" in whole) == bool(codings), name
    # The means are over every municipality's own rating, however it took part: never "the survey's".
    assert not re.search(r"i spørgeskemaet (?:steg|faldt|var) gennemsnittet", whole), name
    modes = {r["mode"] for r in read_csv(data / "rounds" / f / "participation.csv")} - {"none"}
    assert ("Blandet dataindsamling" in whole) == (len(modes) > 1), (name, modes)
    # Friedman's test needs three rounds; the memo reads the rounds up to its follow-up.
    keys = list(definite(data))
    two_rounds = keys.index(f) + 1 < 3
    assert ("kræver mindst tre målinger" in whole) == two_rounds, name
    assert ("Friedmans test på tværs af målingerne" in whole) != two_rounds, name


def test_word_form_placeholders_read_right_in_the_built_memo(tmp_path_factory):
    name, data, folder, b, f = build("three_early_pair", tmp_path_factory)
    modes = [r["mode"] for r in read_csv(data / "rounds" / f / "participation.csv")]
    interviewed = sum(m in ("interview", "both") for m in modes)
    survey = sum(m in ("survey", "both") for m in modes)
    total = len(read_csv(data / "municipalities.csv"))
    # Written out here: three municipalities listed; the count words of claim_words.
    who = f"{amount(interviewed).capitalize()} kommune{'' if interviewed == 1 else 'r'}"
    part = ("alle tre kommuner" if survey == total == 3 else "ingen af de tre kommuner" if survey == 0
            else f"{amount(survey)} af de tre kommuner")
    # A memo reads no round after its follow-up: runde-1 and runde-2 of three.
    rounds = list(definite(data))
    expected = (f"{who} blev interviewet, og {part} besvarede spørgeskemaet. Opfølgningen dækker fem parametre og "
                f"{amount(rounds.index(f) + 1)} målinger.")
    (said,) = [t for h, tag, t in memo_blocks(folder) if h.startswith("1.3 ") and t.startswith(who)]
    assert said == expected


def test_background_sentence_counts_and_agrees_in_the_built_memo(built):
    """How many had a plan before and used the centre's advice, re-counted from
    municipalities.csv; one municipality is spoken of as »kommunen«."""
    name, data, folder, b, f = built
    rows = read_csv(data / "municipalities.csv")
    total = len(rows)
    before = sum(r["had_plan_before"].strip().lower() == "true" for r in rows)
    advice = sum(r["used_centre_advice"].strip().lower() == "true" for r in rows)
    (said,) = [s for _, tag, t in memo_blocks(folder) if tag == "p" for s in sentences(t)
               if s.startswith("Før projektet begyndte")]
    if total == 1:
        assert said == ("Før projektet begyndte, havde kommunen " + ("en" if before else "ingen") + " handlingsplan, og "
                        + ("den har efterfølgende brugt centrets rådgivning, fx til opkvalificering." if advice
                           else "den har ikke brugt centrets rådgivning.")), name
        return
    total_words = amount(total)
    who = ("begge kommuner" if before == total == 2 else f"alle {total_words} kommuner" if before == total
           else f"{amount(before, total)} af de {total_words} kommuner")
    assert said.startswith(f"Før projektet begyndte, havde {who} en handlingsplan, og "), (name, said)
    if advice == 0:
        assert said.endswith("og ingen af kommunerne har siden brugt centrets rådgivning."), (name, said)
    else:
        many = {total: "begge" if total == 2 else "alle"}.get(advice, amount(advice, total))
        assert said.endswith(f"og {many} har efterfølgende brugt centrets rådgivning, fx til opkvalificering."), said
