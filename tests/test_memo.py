"""The memo itself: numbered figures, references that resolve, Danish
numbers, ceiling notes, and numbers equal to those in tables/."""
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from evaluation.memo import text as tx
from evaluation.data import load_dataset
from evaluation.analysis.ceiling import ceiling_explains
from danish_style import style_slips
from evaluation.memo.export import external_links, external_urls


@pytest.fixture(scope="module")
def memo(bundled_run):
    html = (bundled_run / "memo.html").read_text(encoding="utf-8")
    return html, BeautifulSoup(html, "html.parser")


def test_nine_numbered_figures_in_order(memo):
    _, soup = memo
    captions = [f.figcaption.get_text(" ", strip=True) for f in soup.find_all("figure")]
    numbers = [int(re.match(r"Figur (\d+)\.", c).group(1)) for c in captions]
    assert numbers == list(range(1, 10))
    assert captions[0].startswith("Figur 1. Udvikling i udvalgte områder")
    assert captions[1].startswith("Figur 2. Status over hvor kommunen befinder sig")
    assert captions[7].startswith("Figur 8. Radikalisering som en udfordring")
    for figure in soup.find_all("figure"):
        img = figure.find("img")
        assert img["src"].startswith("data:image/png;base64,")
        assert len(img.get("alt", "")) > 20


def test_every_cross_reference_lands_on_what_it_names(memo):
    _, soup = memo
    refs = soup.select("a.xref")
    assert len(refs) >= 9
    for a in refs:
        target = soup.find(id=a["href"][1:])
        assert target is not None, a
        word, number = a.get_text().split()
        if word.lower() == "figur":
            assert target.name == "figure"
            assert target.figcaption.get_text().startswith(f"Figur {number}.")
        else:
            assert target.get_text().startswith(number)


def test_no_code_and_no_external_resources(memo):
    html, soup = memo
    assert "open_context" not in html and "import " not in soup.get_text()
    assert external_urls(html) == []
    assert external_links(html) == []
    assert not soup.find_all("script", src=True)


def test_danish_decimal_commas_and_no_english_decimals(memo):
    _, soup = memo
    text = soup.find("main").get_text(" ") if soup.find("main") else soup.get_text(" ")
    assert re.search(r"\b3,2 → 3,5\b", text)
    # No decimal points in running Danish text (paragraphs and lists).
    # (The table of contents and headings carry section numbers such as 3.2.)
    prose = " ".join(p.get_text(" ") for p in soup.find_all(["p", "li"]) if not p.find_parent("nav"))
    assert not re.search(r"\b\d+\.\d+\b", prose.replace("§ 115a", ""))


def test_numbers_in_text_equal_the_tables(memo, bundled_run):
    _, soup = memo
    comparison = pd.read_csv(bundled_run / "tables" / "comparison.csv")
    labels = dict(zip(load_dataset().instrument.items["item"], load_dataset().instrument.items["label"]))
    bullets = {li.get_text(" ", strip=True).split(":")[0].strip(): li.get_text(" ", strip=True)
               for li in soup.find_all("li") if "→" in li.get_text()}
    for _, row in comparison.iterrows():
        line = bullets[labels[row["item"]]]
        expected = f"{tx.number(row['mean_baseline'])} → {tx.number(row['mean_followup'])}"
        assert expected in line
        assert f"n = {row['n_pairs']}" in line
        assert f"{tx.amount(row['n_up'])} op" in line and f"{tx.amount(row['n_down'])} ned" in line


def test_ceiling_note_wherever_a_ceiling_explains_something(memo, bundled_run):
    _, soup = memo
    ceiling = pd.read_csv(bundled_run / "tables" / "ceiling.csv")
    base = ceiling[ceiling["round"] == "slutmaaling-2018"]
    comparison = pd.read_csv(bundled_run / "tables" / "comparison.csv")
    head = pd.read_csv(bundled_run / "tables" / "headroom.csv")
    explains = ceiling_explains(comparison, base, head)
    ds = load_dataset()
    assert any(explains.values()) and not all(explains.values())
    for _, row in base.iterrows():
        section = soup.find(id=f"sec-3-{ds.instrument.parameters.index(row['item']) + 2}")
        notes = []
        for sib in section.find_all_next():
            if sib.name in ("h2", "h3") and sib is not section:
                break
            if "note" in (sib.get("class") or []):
                notes.append(sib.get_text(" "))
        has_note = any("Lofteffekt" in n and tx.of_total(row['n_top'], row['n_valid'], "kommune", "kommuner") in n
                       for n in notes)
        assert has_note == explains[row["item"]], row["item"]


def test_summary_cannot_contradict_the_body(memo, bundled_run):
    _, soup = memo
    comparison = pd.read_csv(bundled_run / "tables" / "comparison.csv").set_index("item")
    text = soup.get_text(" ")
    # The follow-up's summary says competences are lower, never that everything rose or held.
    assert comparison.loc["kompetencer", "direction"] == "fell"
    assert "lavere på kompetencer" in text
    assert "For kompetencer faldt gennemsnittet" in text
    assert "For eksternt samarbejde var gennemsnittet stort set uændret" in text or \
        comparison.loc["eksternt_samarbejde", "direction"] != "held"


def test_memo_is_danish_and_has_a_table_of_contents(memo):
    _, soup = memo
    assert soup.html["lang"] == "da"
    toc = soup.find("nav", class_="toc")
    assert toc is not None
    targets = [a["href"][1:] for a in toc.find_all("a") if a["href"].startswith("#")]
    assert "sec-3-2" in targets and all(soup.find(id=t) for t in targets)


def test_memo_links_to_the_executed_notebooks(memo, bundled_run):
    _, soup = memo
    hrefs = {a["href"] for a in soup.find_all("a", href=True)}
    assert "notebooks/02_konklusion.ipynb" in hrefs
    for href in hrefs:
        if not href.startswith("#"):  # a reviewer page's link may name a cell: page#cell-id
            assert (bundled_run / href.partition("#")[0]).exists(), href


def test_memo_sentences_have_no_danish_agreement_slips(memo):
    # The same style check the claim checker runs on generated panels, on the
    # bundled memo's running text (paragraphs and the conclusion's bullets).
    soup = BeautifulSoup(memo[0], "html.parser")  # a copy: the fixture's soup is shared
    for tag in soup(["script", "style", "table", "nav"]):
        tag.decompose()
    texts = [p.get_text(" ", strip=True) for p in soup.find_all("p")]
    texts += [li.get_text(" ", strip=True) for li in soup.find_all("li") if "→" in li.get_text()]
    # the coded counts and every figure's text alternative
    texts += [span.get_text(" ", strip=True) for span in soup.select("span.code-count")]
    texts += [img["alt"] for img in soup.find_all("img") if img.get("alt")]
    assert len(texts) > 40
    slips = [(slip, text) for text in texts for slip in style_slips(text)]
    assert not slips, slips[:5]


def test_the_compared_rounds_are_placed_among_all_rounds(memo):
    # The bundled pair is the second and the third of three rounds (data/rounds.yml).
    text = memo[1].get_text(" ", strip=True)
    assert ("Sammenligningsgrundlaget er slutmålingen fra november 2018, den anden af de tre målinger, og "
            "opfølgningen er fra marts 2019, den tredje.") in text


# ------------------------------------------------------ coded interviews
def _bundled_codings():
    """The follow-up's codings and interviewed municipalities, read with the csv module only."""
    import csv

    from evaluation import config

    folder = config.DATA_DIR / "rounds" / "opfoelgning-2019"
    with open(folder / "codings.csv", encoding="utf-8") as fh:
        pairs = {(r["source"], r["code"]) for r in csv.DictReader(fh)}
    with open(folder / "participation.csv", encoding="utf-8") as fh:
        interviewed = {r["municipality"] for r in csv.DictReader(fh) if r["mode"] in ("interview", "both")}
    return pairs, interviewed


def test_every_code_count_in_the_memo_is_rederived_from_the_codings(memo):
    _, soup = memo
    pairs, interviewed = _bundled_codings()
    claims = soup.select("span.code-count")
    assert len(claims) == 28  # every code of data/codebook.yml, once
    words = {0: "Ingen af de", 1: "Én af de", len(interviewed): "Alle"}
    for span in claims:
        code, n, of = span["data-code"], int(span["data-n"]), int(span["data-of"])
        coded = {s for s, c in pairs if c == code}
        if coded == {"centret"}:
            assert (n, of) == (1, 1) and span.get_text().startswith("Centret ")
            continue
        assert of == len(interviewed) == 5
        assert n == len(coded) and coded <= interviewed, code
        text = span.get_text()
        assert text.startswith(words.get(n, f"{tx.capital(tx.amount(n))} af de")), text
        assert f"{tx.amount(of)} interviewede kommuner" in text
        if 0 < n < of:
            assert all(m in text for m in coded)


def test_codings_table_equals_the_codings(bundled_run):
    table = pd.read_csv(bundled_run / "tables" / "codings.csv", keep_default_na=False)
    pairs, _ = _bundled_codings()
    assert table.columns.tolist() == ["theme", "code", "label", "n_sources", "n_interviewed", "sources"]
    assert {(s, c) for c, sources in zip(table["code"], table["sources"]) for s in sources.split("; ") if s} == pairs
    assert (table["n_sources"] == table["sources"].map(lambda s: len([x for x in s.split("; ") if x]))).all()


def test_each_parameter_section_triangulates(memo):
    _, soup = memo
    text = soup.get_text(" ")
    assert text.count("Interviewene dækker kun de interviewede kommuner") == 5
    # Indsatser rose in the ratings while the interviews record only problems (A, E and G).
    assert re.search(r"peger i hver sin retning: i kommunernes egne vurderinger steg gennemsnittet for indsatser", text)
    assert re.search(r"faldt gennemsnittet for kompetencer med 0,22 skalapoint", text)


def test_no_count_is_typed_in_the_narrative_or_the_notebooks():
    from evaluation import config

    typed = re.compile(r"\b(flere|de fleste|alle|én|to|tre|fire|fem|\d+)( af de( \d+)?)?( interviewede)? kommuner?\b",
                       re.IGNORECASE)
    narrative = (config.DATA_DIR / "rounds" / "opfoelgning-2019" / "narrative.md").read_text(encoding="utf-8")
    assert typed.findall(narrative) == []
    for path in sorted(config.NOTEBOOKS_DIR.glob("0[36]_*.ipynb")):
        assert typed.findall(path.read_text(encoding="utf-8")) == [], path.name


def test_matrix_in_the_appendix_equals_the_codings(memo):
    _, soup = memo
    pairs, interviewed = _bundled_codings()
    codebook = load_dataset().codebook.codes
    code_of = dict(zip(codebook["label"], codebook["code"]))
    marked = set()
    for table in soup.find_all("table"):
        caption = table.caption.get_text() if table.caption else ""
        if not caption.endswith("kodede interview"):
            continue
        head = [th.get_text() for th in table.thead.find_all("th")]
        assert set(head[1:]) <= interviewed | {"Centret"}
        for tr in table.tbody.find_all("tr"):
            cells = [td.get_text() for td in tr.find_all(["th", "td"])]  # the first cell heads its row
            marked |= {(head[i].replace("Centret", "centret"), code_of[cells[0]]) for i in range(1, len(cells))
                       if cells[i] == "●"}
    assert marked == pairs


def test_each_profile_lists_its_codes(bundled_run):
    from bs4 import BeautifulSoup as Soup

    pairs, interviewed = _bundled_codings()
    codebook = load_dataset().codebook.codes.set_index("code")
    for path in sorted((bundled_run / "profiles").glob("*.html")):
        soup = Soup(path.read_text(encoding="utf-8"), "html.parser")
        who = soup.find("h1").get_text().removeprefix("Profil: ")
        text = " ".join(node.get_text(" ") for node in soup.find(id="profil-interview").find_next_siblings())
        mine = sorted(codebook.loc[c, "label"] for s, c in pairs if s == who)
        if who in interviewed:
            assert f"kodet med {tx.count(len(mine), 'kode', 'koder')}" in text, who
            assert all(f"»{label}«" in text for label in mine), who
        else:
            assert "blev ikke interviewet" in text and "»" not in text, who


def test_mixed_collection_caveat_names_the_ways_used_not_how_many(memo, bundled_run):
    # At the bundled follow-up some municipalities were interviewed and the rest answered the survey.
    caveats = [li.get_text(" ", strip=True) for li in memo[1].find_all("li") if "Blandet dataindsamling" in li.get_text()]
    assert len(caveats) == 1
    assert "blev svarene indsamlet på flere måder (interview og spørgeskema)" in caveats[0]
    assert "nogle" not in caveats[0]
