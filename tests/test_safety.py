"""Safety of the published outputs: text from data is never code, CSV cells
never formulas, and real names stay out of everything shared.

One run puts a suite of markup, link, template and formula payloads into
every free-text field of a data copy (municipality names too) and checks the
parsed HTML, the tables and the figures.  Two more runs use a private name
map, with and without ``--show-names``.
"""
from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup, Comment

from evaluation import config
from evaluation.cli import main
from evaluation.memo.export import external_links, external_urls
from evaluation.names import slug
from evaluation.memo.tables import FORMULA_STARTS

PAIR = "opfoelgning-2019_vs_slutmaaling-2018"
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[klik](javascript:alert(1))",
    "![x](http://evil.example/x.png)",
    "<!-- x -->",
    "{{ 7*7 }}",
    '" onmouseover="x',
]
SUITE = " ".join(PAYLOADS)
FORMULAS = ['=HYPERLINK("x")', "+cmd", "@SUM(1)"]
#: Each municipality's new name: one payload or one formula each.
RENAMED = dict(zip([f"Kommune {c}" for c in "ABCDEFGHIJ"], PAYLOADS + FORMULAS))
#: A plain decimal number as a spreadsheet reads it (written independently of tables.py).
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
REAL_NAMES = {"Kommune A": "Aabenraa Testby", "Kommune B": "Bornholm Prøveby"}


# ------------------------------------------------------------- data copies
def _rewrite_csv(path: Path, change) -> None:
    """Rewrite a CSV through the csv module, so any value stays valid CSV."""
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        fields = list(reader.fieldnames)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(change(dict(r)) for r in rows)


def _rename(row: dict) -> dict:
    if row.get("municipality"):
        row["municipality"] = RENAMED[row["municipality"]]
    return row


def _with_suite(text: str) -> str:
    return f"{text} {SUITE}"


def poison(data: Path) -> None:
    """Put the payloads into every free-text field of ``data``."""
    rounds = sorted((data / "rounds").iterdir())
    for path in [data / "municipalities.csv", *[r / n for r in rounds for n in ("plan_status.csv", "participation.csv",
                                                                               "responses.csv")]]:
        _rewrite_csv(path, _rename)

    def quote(row):
        row = _rename(row)
        row["text"], row["role"] = _with_suite(row["text"]), _with_suite(row["role"])
        return row

    def coding(row):
        row["source"] = RENAMED.get(row["source"], row["source"])
        return row

    for r in rounds:
        _rewrite_csv(r / "quotes.csv", quote)
        _rewrite_csv(r / "codings.csv", coding)
    codebook = yaml.safe_load((data / "codebook.yml").read_text(encoding="utf-8"))
    for theme in codebook["themes"]:
        theme["label"] = _with_suite(theme["label"])
        for code in theme["codes"]:
            for key in ("label", "phrase", "phrase_one"):
                if key in code:
                    code[key] = _with_suite(code[key])
    (data / "codebook.yml").write_text(yaml.safe_dump(codebook, allow_unicode=True), encoding="utf-8")
    instrument = yaml.safe_load((data / "instrument.yml").read_text(encoding="utf-8"))
    for entry in instrument["scale"]:
        entry["label"] = _with_suite(entry["label"])
    for item in instrument["items"]:
        for key in ("label", "figure_title", "definition", "question"):
            item[key] = _with_suite(item[key])
    (data / "instrument.yml").write_text(yaml.safe_dump(instrument, allow_unicode=True), encoding="utf-8")
    rounds = yaml.safe_load((data / "rounds.yml").read_text(encoding="utf-8"))
    for entry in rounds["rounds"]:
        for key in ("label", "definite", "description"):
            entry[key] = _with_suite(entry[key])
    (data / "rounds.yml").write_text(yaml.safe_dump(rounds, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory) -> Path:
    """A full run (memo and every profile) on the poisoned data copy."""
    tmp = tmp_path_factory.mktemp("poisoned")
    data = tmp / "data"
    shutil.copytree(config.DATA_DIR, data, ignore=shutil.ignore_patterns("private"))
    poison(data)
    assert main(["validate", "--data", str(data)]) == 0
    out = tmp / "outputs"
    assert main(["run", "--data", str(data), "--out", str(out)]) == 0
    return out / PAIR


def _documents(final: Path) -> list[Path]:
    return [final / "memo.html", final / "index.html", *sorted((final / "profiles").glob("*.html"))]


# ----------------------------------------------------- text is never code
def test_the_payloads_reach_the_data(tmp_path):
    """The control: the loaders read the payloads back unchanged."""
    from evaluation.data import load_dataset

    data = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, data, ignore=shutil.ignore_patterns("private"))
    poison(data)
    ds = load_dataset(data)
    assert ds.municipalities["municipality"].tolist() == list(RENAMED.values())
    assert ds.instrument.items["label"].str.endswith(SUITE).all()
    assert ds.instrument.scale["label"].str.endswith(SUITE).all()
    assert ds.rounds["definite"].str.endswith(SUITE).all()
    assert ds.quotes["text"].str.endswith(SUITE).all() and ds.quotes["role"].str.endswith(SUITE).all()
    assert ds.codebook.codes["label"].str.endswith(SUITE).all() and ds.codebook.codes["phrase"].str.endswith(SUITE).all()
    assert set(ds.codings["source"]) - {"centret"} <= set(RENAMED.values())


def test_every_document_holds_markup_of_its_own_only(poisoned):
    documents = _documents(poisoned)
    assert len(documents) == 12
    for path in documents:
        text = path.read_text(encoding="utf-8")
        soup = BeautifulSoup(text, "html.parser")
        assert soup.find_all("script") == [], path.name
        for tag in soup.find_all(True):
            for name, value in tag.attrs.items():
                assert not name.lower().startswith("on"), (path.name, tag.name, name)
                for v in value if isinstance(value, list) else [value]:
                    assert not v.strip().lower().startswith("javascript:"), (path.name, tag.name, name, v)
        for img in soup.find_all("img"):
            assert img["src"].startswith("data:image/"), (path.name, img["src"][:40])
        # An unescaped "<!-- x -->" would hide text as a comment.
        assert [c for c in soup.find_all(string=lambda s: isinstance(s, Comment)) if c.strip() == "x"] == [], path.name
        assert external_urls(text) == [], path.name
        assert external_links(text) == [], path.name


def test_the_payloads_show_as_text(poisoned):
    memo = BeautifulSoup((poisoned / "memo.html").read_bytes(), "html.parser").get_text()
    for payload in PAYLOADS:
        assert payload in memo, payload
    index = BeautifulSoup((poisoned / "index.html").read_bytes(), "html.parser").get_text()
    for name in RENAMED.values():
        assert name in index, name
        profile = BeautifulSoup((poisoned / "profiles" / f"{slug(name)}.html").read_bytes(), "html.parser")
        assert profile.find("h1").get_text() == f"Profil: {name}"


def test_headings_and_captions_keep_the_payload_as_text(poisoned):
    soup = BeautifulSoup((poisoned / "memo.html").read_bytes(), "html.parser")
    headings = [h.get_text() for h in soup.find_all(["h2", "h3"])]
    assert any(h.endswith(SUITE) for h in headings)
    captions = [c.get_text() for c in soup.find_all("figcaption")]
    assert any(SUITE in c for c in captions)
    # The table of contents repeats the headings as text, not as markup.
    toc = soup.find("nav", class_="toc").get_text()
    assert "<script>alert(1)</script>" in toc


# ------------------------------------------------------ CSV formulas
def _cells(final: Path) -> dict[str, list[str]]:
    cells = {}
    for path in sorted((final / "tables").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            cells[path.name] = [c for row in csv.reader(fh) for c in row]
    return cells


def test_csv_cells_never_start_a_formula(poisoned):
    cells = _cells(poisoned)
    assert len(cells) >= 8
    for name, values in cells.items():
        for value in values:
            if value.startswith(FORMULA_STARTS):
                assert NUMBER.fullmatch(value), (name, value)
    beredskab = set(cells["item_beredskab.csv"])
    assert {"'" + f for f in FORMULAS} <= beredskab
    assert not set(FORMULAS) & beredskab
    # Real numbers keep their sign: kompetencer fell (F4).
    assert any(NUMBER.fullmatch(v) and v.startswith("-") for v in cells["comparison.csv"])


# ---------------------------------------------- real names stay private
@pytest.fixture(scope="module")
def named(tmp_path_factory):
    """Two runs with a private name map: with --show-names, then without
    (into the same folder); every published file's bytes after each."""
    tmp = tmp_path_factory.mktemp("named")
    data = tmp / "data"
    shutil.copytree(config.DATA_DIR, data, ignore=shutil.ignore_patterns("private"))
    (data / "private").mkdir()
    with open(data / "private" / "names.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([["municipality", "name"], *REAL_NAMES.items()])
    out = tmp / "outputs"
    chosen = [arg for m in REAL_NAMES for arg in ("--municipality", m)]
    assert main(["run", "--data", str(data), "--out", str(out), "--show-names", *chosen]) == 0
    shown = _files(out / PAIR)
    assert main(["run", "--data", str(data), "--out", str(out), *chosen]) == 0
    return shown, _files(out / PAIR)


def _files(folder: Path) -> dict[str, bytes]:
    folder = folder.resolve()
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _holding_names(files: dict[str, bytes]) -> dict[str, list[str]]:
    """Which files hold which real name (or its first word, in any of the
    forms a file could store it: UTF-8, HTML entity, JSON escape)."""
    found = {}
    for rel, content in files.items():
        hits = []
        for name in REAL_NAMES.values():
            first = name.split()[0].encode()
            forms = [name.encode(), first, name.encode("ascii", "xmlcharrefreplace"),
                     name.encode("ascii", "backslashreplace")]
            if any(f in content for f in forms):
                hits.append(name)
        if hits:
            found[rel] = hits
    return found


def test_show_names_puts_each_real_name_in_its_own_profile_only(named):
    shown, _ = named
    for pseudonym, name in REAL_NAMES.items():
        own = BeautifulSoup(shown[f"profiles/{slug(pseudonym)}.html"], "html.parser")
        assert own.find("h1").get_text() == f"Profil: {name}"
        others = [n for p, n in REAL_NAMES.items() if p != pseudonym]
        assert not any(n in own.get_text() for n in others)
    found = _holding_names(shown)
    assert found["profiles/kommune-a.html"] == ["Aabenraa Testby"]
    assert found["profiles/kommune-b.html"] == ["Bornholm Prøveby"]


def test_show_names_keeps_real_names_out_of_shared_documents_tables_and_notebooks(named):
    shown, _ = named
    found = _holding_names(shown)
    shared = [rel for rel in shown if rel in ("memo.html", "index.html", "manifest.json")
              or rel.startswith("tables/") or (rel.startswith("notebooks/0") and rel.endswith(".ipynb"))]
    assert len(shared) > 20
    assert {rel: found[rel] for rel in shared if rel in found} == {}


def test_show_names_keeps_real_names_out_of_figure_bytes(named):
    shown, _ = named
    found = _holding_names(shown)
    figures = [rel for rel in shown if rel.startswith("figures/")]
    assert any(rel.startswith("figures/profil-kommune-a.") for rel in figures)
    assert {rel: found[rel] for rel in figures if rel in found} == {}


def test_show_names_draws_no_real_name_into_shared_figures(named):
    """A shared figure is the same picture with and without --show-names
    (PNG bytes are deterministic, so any difference is the drawn name)."""
    shown, plain = named
    for pseudonym in REAL_NAMES:
        rel = f"figures/profil-{slug(pseudonym)}.png"
        assert shown[rel] == plain[rel], rel


def test_without_show_names_real_names_appear_nowhere(named):
    _, plain = named
    assert "profiles/kommune-a.html" in plain
    assert _holding_names(plain) == {}


def test_the_private_folder_is_git_ignored():
    res = subprocess.run(["git", "check-ignore", "--no-index", "-q", "data/private/names.csv"],
                         cwd=config.PROJECT_ROOT)
    assert res.returncode == 0
    tracked = subprocess.run(["git", "ls-files", "data/private"], cwd=config.PROJECT_ROOT,
                             capture_output=True, text=True)
    assert tracked.stdout == ""


# ----------------------------------------------- figures: text, not math
def test_dollar_signs_in_a_name_are_text(tmp_path):
    from evaluation.analysis import compare
    from evaluation.memo import figures
    from evaluation.data import load_dataset

    ds = load_dataset()
    responses = ds.responses.replace({"municipality": {"Kommune A": r"Kommune $\evil$"}})
    paired = compare.paired_scores(responses, "slutmaaling-2018", "opfoelgning-2019", ["beredskab"])
    figures.set_theme()
    fig = figures.plot_item_scores(paired, question="Spørgsmål?", baseline_label="Før", followup_label="Efter")
    paths = figures.save_figure(fig, tmp_path / "figur")
    assert paths["svg"].read_bytes().count(rb"Kommune $\evil$") == 1
