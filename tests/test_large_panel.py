"""A large panel's memo: figures of counts, every municipality in captioned tables, a size that scales.

Above ``config.FIGURE_ROWS_MAX`` municipalities, figures 2-7 stop drawing one
row per municipality (at 1,000 municipalities they made a 35 MB memo): they
show counts, and tables under them list each municipality.  Real runs on
generated panels (``large_run`` in conftest, and a larger one here); every
expected count and cell is computed here from the data folder's CSV files
with the csv module, not with the package.  The bundled ten-municipality
memo keeps its figures with a row per municipality.
"""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
import yaml

from conftest import LARGE_PANEL, check_accessible_table, run_generated_panel
from evaluation import config

bs4 = pytest.importorskip("bs4")

#: The memo may not grow past this at 1,000 municipalities (x 3 rounds, without profiles).
SIZE_AT_1000 = 5_000_000


# ------------------------------------------------------------------ reading the data by hand
def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def pair(folder: Path) -> tuple[str, str]:
    followup, baseline = folder.name.split("_vs_")
    return baseline, followup


def data_of(folder: Path) -> Path:
    return folder.parent.parent / "data"


def yml(folder: Path, name: str) -> dict:
    with open(data_of(folder) / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def round_labels(folder: Path) -> dict[str, str]:
    return {r["key"]: r["label"] for r in yml(folder, "rounds.yml")["rounds"]}


def danish_join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]


def soup_of(folder: Path):
    return bs4.BeautifulSoup((folder / "memo.html").read_text(encoding="utf-8"), "html.parser")


def figure(soup, number: int):
    (found,) = [f for f in soup.find_all("figure") if f.figcaption.get_text().startswith(f"Figur {number}.")]
    return found


def table(soup, caption: str):
    (found,) = [t for t in soup.find_all("table") if t.caption.get_text() == caption]
    return found


def body(tab) -> list[list[str]]:
    return [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in tab.tbody.find_all("tr")]


def parameters(folder: Path) -> list[dict]:
    return [i for i in yml(folder, "instrument.yml")["items"] if i["kind"] == "parameter"]


@pytest.fixture(scope="module")
def memo(large_run):
    return soup_of(large_run)


# ------------------------------------------------------------------ figures 3-7
def beside_larger(n: int) -> str:
    """A count written beside one above twelve: digits, but one stays the word "én"."""
    return "én" if n == 1 else str(n)


def test_the_panel_crosses_the_threshold(large_run):
    names = [r["municipality"] for r in read_csv(data_of(large_run) / "municipalities.csv")]
    assert len(names) == LARGE_PANEL > config.FIGURE_ROWS_MAX


def test_parameter_figures_count_the_answers_and_name_no_municipality(large_run, memo):
    baseline, followup = pair(large_run)
    labels = round_labels(large_run)
    scale = {str(s["code"]): s["label"].lower() for s in yml(large_run, "instrument.yml")["scale"]}
    names = [r["municipality"] for r in read_csv(data_of(large_run) / "municipalities.csv")]
    for number, item in enumerate(parameters(large_run), start=3):
        fig = figure(memo, number)
        alt = fig.img["alt"]
        assert not [n for n in names if n in alt], number
        for key in (baseline, followup):
            answers = [r["score"] for r in read_csv(data_of(large_run) / "rounds" / key / "responses.csv")
                       if r["item"] == item["key"] and r["score"] != ""]
            counts = Counter(answers)
            assert max(counts.values()) > 12  # so the alt text gives digits (counts up to twelve alone are words)
            expected = danish_join([f"{beside_larger(counts[c])} {scale[c]}" for c in "01234" if counts[c]])
            assert f"{labels[key]}: {expected}" in alt, (number, key)
        svg = (large_run / "figures" / f"figur-{number:02d}-{item['key']}.svg").read_text(encoding="utf-8")
        assert not [n for n in names if n in svg], number
    sentences = memo.get_text(" ")
    assert sentences.count("viser, hvor mange kommuner der gav hvert svar i de to målinger, og tabellen under "
                           "figuren viser hver kommunes svar.") == 5


def test_a_table_under_each_parameter_figure_lists_every_municipalitys_answers(large_run, memo):
    baseline, followup = pair(large_run)
    labels = round_labels(large_run)

    def answers(key: str, item: str) -> dict[str, str]:
        rows = read_csv(data_of(large_run) / "rounds" / key / "responses.csv")
        return {r["municipality"]: r["score"] for r in rows if r["item"] == item}

    for number, item in enumerate(parameters(large_run), start=3):
        before, after = answers(baseline, item["key"]), answers(followup, item["key"])
        expected = []
        for name in sorted(set(before) & set(after)):
            cells = ["ved ikke" if a == "0" else "–" if a == "" else a for a in (before[name], after[name])]
            valid = before[name] not in ("", "0") and after[name] not in ("", "0")
            change = int(after[name]) - int(before[name]) if valid else None
            expected.append([name, *cells, "–" if change is None else f"{change:+d}" if change else "0"])
        tab = table(memo, f"{item['label']}: svarene fra hver kommune, der deltog i begge målinger, "
                          "og ændringen i skalapoint")
        assert [th.get_text() for th in tab.thead.find_all("th")] == ["Kommune", labels[baseline], labels[followup],
                                                                     "Ændring"]
        assert body(tab) == expected, item["key"]
        # The table follows its figure.
        assert tab.find_previous("figure") is figure(memo, number)


# ------------------------------------------------------------------ figure 2
def test_plan_status_figure_counts_and_its_table_lists_every_municipality(large_run, memo):
    baseline, followup = pair(large_run)
    labels = round_labels(large_run)
    names = [r["municipality"] for r in read_csv(data_of(large_run) / "municipalities.csv")]
    words = {"gennemfoert": "gennemført", "i_proces": "i proces", "ikke_paabegyndt": "ikke påbegyndt"}
    phases = ["udarbejdet", "godkendt", "udrullet"]
    status = {key: {(r["municipality"], r["phase"]): r["status"]
                    for r in read_csv(data_of(large_run) / "rounds" / key / "plan_status.csv")}
              for key in (baseline, followup)}
    fig = figure(memo, 2)
    alt = fig.img["alt"]
    assert not [n for n in names if n in alt]
    for key in (baseline, followup):
        for phase, phase_label in zip(phases, ("udarbejdet", "godkendt", "fuldt udrullet")):
            counts = Counter(s for (m, p), s in status[key].items() if p == phase)
            assert max(counts.values()) > 12  # digits, as above
            expected = danish_join([f"{beside_larger(counts[s])} {w}" for s, w in words.items() if counts[s]])
            assert f"{labels[key]}, {phase_label}: {expected}" in alt, (key, phase)
    assert "tre bjælker antallet af kommuner med hver status" in fig.find(class_="figure-note").get_text()
    tab = table(memo, "Hver kommunes status på handlingsplanen i hver fase")
    assert tab.find_previous("figure") is fig
    expected = [[name] + [words.get(status[key].get((name, phase)), "–") for key in (baseline, followup)
                          for phase in phases] for name in names]
    assert body(tab) == expected


# ------------------------------------------------------------------ accessibility
def test_every_table_has_a_caption_scoped_headers_and_a_named_focusable_box(memo):
    tables = memo.find_all("table")
    assert len(tables) >= 6  # the plan status table and one per parameter, besides the appendix's
    captions = [check_accessible_table(tab) for tab in tables]
    assert "Hver kommunes status på handlingsplanen i hver fase" in captions


# ------------------------------------------------------------------ size
def test_the_memo_grows_slowly_enough_to_stay_under_5_mb_at_1000_municipalities(large_run, tmp_path):
    """The growth per municipality, measured between two generated panels, extrapolated to 1,000
    (figures with a row per municipality grew by about 35 kB per municipality)."""
    larger = LARGE_PANEL * 2 + 20
    small = (large_run / "memo.html").stat().st_size
    big = (run_generated_panel(tmp_path, larger) / "memo.html").stat().st_size
    per_municipality = (big - small) / (larger - LARGE_PANEL)
    projected = big + per_municipality * (1000 - larger)
    assert 0 < per_municipality and projected < SIZE_AT_1000, (small, big, per_municipality)


# ------------------------------------------------------------------ the bundled memo
def test_the_bundled_memo_keeps_a_row_per_municipality_and_no_listing_tables(bundled_run):
    soup = soup_of(bundled_run)
    names = [f"Kommune {c}" for c in "ABCDEFGHIJ"]
    for number in range(2, 8):
        alt = figure(soup, number).img["alt"]
        assert all(n in alt for n in names), number
    captions = [t.caption.get_text() for t in soup.find_all("table")]
    assert not [c for c in captions if "deltog i begge målinger" in c or c.startswith("Hver kommunes status")]
    assert "viser, hvor mange kommuner" not in soup.get_text(" ")
