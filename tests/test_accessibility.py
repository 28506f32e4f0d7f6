"""The published documents meet WCAG 2.1 AA as far as a machine can check it.

axe-core (bundled by ``axe-playwright-python``) runs in the machine's
Chromium over the memo, the index, two profiles and a draft memo (the page a
reviewer reads while material is missing), each at 1,280 and at 320 CSS
pixels, with the rules tagged wcag2a, wcag2aa, wcag21a and wcag21aa, and over
the memo of a generated panel large enough to list its municipalities in tables.  The
HTML itself is read for what axe does not judge: what the figures' text
alternatives and notes say, the table headers' scope, link texts and page
titles.

Without Chromium the browser tests are skipped with the reason, except on
CI (``CI`` set), where ``make test`` installs it and a missing browser fails.
"""
from __future__ import annotations

import os
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
import yaml

from conftest import check_accessible_table
from evaluation import config
from evaluation.cli import main
from evaluation.memo.browser import CHROMIUM_ENV, BrowserError, find_chromium, open_browser
from evaluation.memo.outline import MEMO_TITLE

bs4 = pytest.importorskip("bs4")

WIDTHS = (1280, 320)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAIR = "opfoelgning-2019_vs_slutmaaling-2018"


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def chromium():
    """Skip (fail on CI) unless a Chromium starts through Playwright."""
    def unavailable(reason: str):
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the accessibility checks (make test installs chromium)")
        pytest.skip(reason)

    if find_chromium() is None:
        unavailable(f"no Chromium found: install Debian's chromium (apt-get install chromium) or set {CHROMIUM_ENV}")
    try:
        with open_browser():
            pass
    except BrowserError as exc:
        unavailable(f"Chromium does not start through Playwright: {exc}")


@pytest.fixture(scope="module")
def draft_memo(tmp_path_factory) -> Path:
    """A draft memo: the follow-up round's narrative is missing, so the memo
    shows "Mangler:" boxes where a reviewer has to add material."""
    tmp = tmp_path_factory.mktemp("draft")
    data = tmp / "data"
    shutil.copytree(config.DATA_DIR, data, ignore=shutil.ignore_patterns("private"))
    (data / "rounds" / "opfoelgning-2019" / "narrative.md").write_text("", encoding="utf-8")
    out = tmp / "out"
    assert main(["run", "--data", str(data), "--out", str(out), "--draft", "--no-profiles"]) == 0
    memo = out / PAIR / "memo.html"
    assert "Mangler:" in memo.read_text(encoding="utf-8")
    return memo


@pytest.fixture(scope="module")
def pages(bundled_run, draft_memo) -> dict[str, Path]:
    profiles = sorted((bundled_run / "profiles").glob("*.html"))
    return {"memo": bundled_run / "memo.html", "index": bundled_run / "index.html",
            "first profile": profiles[0], "last profile": profiles[-1], "draft memo": draft_memo,
            "reviewer page": bundled_run / "notebooks" / "07_metode.html"}


def _axe_violations(document: Path, width: int) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    with open_browser() as browser:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="da-DK")
        try:
            page = context.new_page()
            page.goto(document.as_uri(), wait_until="load")
            return Axe().run(page, options=options).response["violations"]
        finally:
            context.close()


@pytest.fixture(scope="module")
def axe_results(chromium, pages) -> dict:
    pytest.importorskip("axe_playwright_python")
    return {(name, width): _axe_violations(document, width) for name, document in pages.items() for width in WIDTHS}


# ----------------------------------------------------------------- axe-core
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["memo", "index", "first profile", "last profile", "draft memo", "reviewer page"])
def test_no_wcag_violation(axe_results, name, width):
    violations = axe_results[(name, width)]
    found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert found == [], f"{name} at {width} px"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_large_panels_memo_has_no_wcag_violation(chromium, large_run, width):
    # Above config.FIGURE_ROWS_MAX municipalities the memo lists them in tables (tests/test_large_panel.py).
    pytest.importorskip("axe_playwright_python")
    violations = _axe_violations(large_run / "memo.html", width)
    assert [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []


def test_axe_sees_a_violation_when_there_is_one(chromium, tmp_path):
    # The check can fail: an image without alt text and a scroll box the
    # keyboard cannot reach are both reported.
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html lang="da"><head><title>Dårlig side</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<div style="width:100px;overflow-x:auto"><table><tr><td>' + "x" * 200 + "</td></tr></table></div>"
        "</main></body></html>", encoding="utf-8")
    ids = {v["id"] for v in _axe_violations(page, 1280)}
    assert {"image-alt", "scrollable-region-focusable"} <= ids


# -------------------------------------------------------------- the HTML
def _soup(path: Path):
    return bs4.BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def memo(bundled_run):
    return _soup(bundled_run / "memo.html")


@pytest.fixture(scope="module")
def instrument() -> dict:
    with open(config.DATA_DIR / "instrument.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _figure(memo, number: int):
    figures = [f for f in memo.find_all("figure") if f.figcaption.get_text().startswith(f"Figur {number}.")]
    assert len(figures) == 1, number
    return figures[0]


def _words(text: str) -> str:
    return " ".join(unescape(text).split())


@pytest.mark.parametrize("number", range(3, 9))
def test_figures_3_to_8_carry_question_and_scale_as_text(memo, instrument, number):
    figure = _figure(memo, number)
    title = figure.figcaption.get_text().split(". ", 1)[1]
    item = next(i for i in instrument["items"] if title.startswith(i["figure_title"]))
    question = _words(item["question"])
    scale = ", ".join(f"{s['code']} = {s['label']}" for s in instrument["scale"] if not s["missing"])
    note = _words(figure.find(class_="figure-note").get_text())
    alt = _words(figure.img["alt"])
    for text in (note, alt):
        assert f"»{question}«" in text, number
    assert f"Skala: {scale}." in note
    if item["kind"] == "parameter":
        assert f"Skala: {scale}." in alt
        # The legend's meaning: which symbol is which round, and "ved ikke".
        assert "Slutmåling vises med cirkler, Opfølgning med firkanter" in note
    else:
        assert "Slutmåling: skraverede søjler; Opfølgning: fyldte søjler." in note


def test_figure_2_names_symbols_as_well_as_colours(memo):
    note = _figure(memo, 2).find(class_="figure-note").get_text()
    for symbol, status in (("✓", "gennemført"), ("…", "i proces"), ("✗", "ikke påbegyndt")):
        assert re.search(f"{re.escape(symbol)} i en \\w+ cirkel er {status}", note), status


def test_every_table_has_a_caption_scoped_headers_and_a_named_focusable_box(bundled_run):
    documents = [bundled_run / "memo.html", *sorted((bundled_run / "profiles").glob("*.html"))]
    captions = {}
    for path in documents:
        for table in _soup(path).find_all("table"):
            captions.setdefault(path.name, []).append(check_accessible_table(table))
    # The appendix's four tables (and the coding matrix) in the memo, two tables on each of the 10 profiles.
    assert {"Sammenligning af de to målinger", "Plads til forbedring", "Opdelt efter dataindsamling",
            "Andel svar i toppen (4) og bunden (1) af skalaen"} <= set(captions["memo.html"])
    assert sorted(len(c) for name, c in captions.items() if name != "memo.html") == [2] * 10


def test_link_texts_say_where_they_lead(bundled_run, memo):
    sources = [a.get_text() for a in memo.select("p.source a:first-child")]
    assert "Beregningen i notebook 04: beredskab, celle 6" in sources
    assert any(s.startswith("Beregningen i notebook 05: radikalisering som udfordring, celle ") for s in sources)
    assert len(set(sources)) == len(sources)  # each link to a cell says which cell
    documents = [bundled_run / "memo.html", bundled_run / "index.html", *sorted((bundled_run / "profiles").glob("*.html"))]
    for path in documents:
        for a in _soup(path).find_all("a"):
            text = a.get_text(" ", strip=True)
            assert text, (path.name, a.get("href"))
            # No file name or path as the whole of a link's text.
            assert not re.search(r"\.(ipynb|csv|html|json|pdf)\b|/", text), (path.name, text)


def test_page_titles_say_what_the_page_is(bundled_run, memo):
    assert memo.title.get_text() == MEMO_TITLE == memo.h1.get_text()
    assert _soup(bundled_run / "index.html").title.get_text() == f"Oversigt over kørslen: {MEMO_TITLE}"
    profile = _soup(bundled_run / "profiles" / "kommune-c.html")
    assert profile.title.get_text() == f"Profil: Kommune C – {MEMO_TITLE}"


def test_profile_figure_says_which_symbol_is_which_round(bundled_run):
    figure = _soup(bundled_run / "profiles" / "kommune-d.html").find("figure")
    note = _words(figure.find(class_="figure-note").get_text())
    assert "Udgangsmåling: trekanter, Slutmåling: cirkler, Opfølgning: firkanter" in note
    alt = _words(figure.img["alt"])
    # Computed here from the CSV files: the other municipalities' median and range, and Kommune D's answer.
    import csv
    import statistics

    parts = []
    for key, label in (("udgangsmaaling-2017", "Udgangsmåling"), ("slutmaaling-2018", "Slutmåling"),
                       ("opfoelgning-2019", "Opfølgning")):
        with open(config.DATA_DIR / "rounds" / key / "responses.csv", encoding="utf-8") as fh:
            rows = [r for r in csv.DictReader(fh) if r["item"] == "kompetencer"]
        others = [int(r["score"]) for r in rows if r["municipality"] != "Kommune D" and r["score"] != "0"]
        own = next(r["score"] for r in rows if r["municipality"] == "Kommune D")
        median = statistics.median(others)
        median = f"{median:g}".replace(".", ",")
        span = f"{min(others)}-{max(others)}" if min(others) != max(others) else f"{min(others)}"
        parts.append(f"{label} {'ved ikke' if own == '0' else own} (median {median}, spænd {span})")
    assert f"Kompetencer: {'; '.join(parts)}." in alt


@pytest.mark.parametrize("number, rounds", [(1, "Slutmåling: cirkler, Opfølgning: firkanter"),
                                            (9, "Udgangsmåling: trekanter, Slutmåling: cirkler, Opfølgning: firkanter")])
def test_figures_1_and_9_give_scale_n_and_symbols_as_text(memo, instrument, number, rounds):
    figure = _figure(memo, number)
    note = _words(figure.find(class_="figure-note").get_text())
    scale = ", ".join(f"{s['code']} = {s['label']}" for s in instrument["scale"] if not s["missing"])
    assert f"på skalaen {scale}" in note and "n " in note and rounds in note
