"""Tests of evaluation.memo.qualitative: the memo's blocks from the codings.

Expected counts were made by hand from data/rounds/opfoelgning-2019/codings.csv
and participation.csv (A, B, E, G and J interviewed).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from evaluation import config
from evaluation.memo import qualitative
from evaluation.memo.context import open_context

INTERVIEWED = ["Kommune A", "Kommune B", "Kommune E", "Kommune G", "Kommune J"]


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    return open_context("", str(tmp_path_factory.mktemp("out")))


def soup(block):
    return BeautifulSoup(str(block), "html.parser")


def test_context_knows_the_followup_codings(ctx):
    assert ctx.interviewed == INTERVIEWED
    assert len(ctx.codings) == 58 and set(ctx.codings["round"]) == {"opfoelgning-2019"}


def test_theme_block_counts_and_linked_statements(ctx):
    s = soup(qualitative.theme_block(ctx, "ledelsesforankring"))
    claims = [(c["data-code"], int(c["data-n"]), int(c["data-of"])) for c in s.select(".code-count")]
    assert claims == [("registrering", 4, 5), ("udveksling_afklaret", 4, 5), ("ledelsesansvar", 3, 5),
                      ("lederkendskab", 1, 5), ("styregruppe", 1, 5), ("ssp_fremlaeggelse", 1, 5),
                      ("udveksling_uklar", 1, 5)]
    # Statements L1-L5 are linked by codings of this theme's codes.
    assert len(s.find_all("blockquote")) == 5


def test_statements_shown_are_the_linked_ones(ctx):
    # B1, B2 and B3 are linked; a statement nobody links is not shown.
    assert ctx.statements("beredskab")["id"].tolist() == ["B1", "B2", "B3"]
    assert ctx.statements("indsatser")["id"].tolist() == ["I1", "I2"]


def test_centre_block(ctx):
    s = soup(qualitative.theme_block(ctx, "centrets_arbejde"))
    assert [c["data-code"] for c in s.select(".code-count")] == [
        "procesfacilitering", "systematisk_raadgivning", "vurderingsredskaber", "scenarietraening"]
    assert "Centret har styrket sine egne kompetencer" in s.get_text()


def test_codings_table_and_matrix_equal_the_codings(ctx):
    table = qualitative.codings_table(ctx)
    assert table.columns.tolist() == ["theme", "code", "label", "n_sources", "n_interviewed", "sources"]
    pairs = {(s, c) for c, sources in zip(table["code"], table["sources"]) for s in sources.split("; ") if s}
    assert pairs == set(zip(ctx.codings["source"], ctx.codings["code"]))
    labels = dict(zip(ctx.codebook.codes["label"], ctx.codebook.codes["code"]))
    marked = set()
    for block in qualitative.matrix_blocks(ctx):
        t = soup(block).table
        head = [th.get_text() for th in t.thead.find_all("th")]
        assert len(head) <= qualitative.MATRIX_COLUMNS + 1
        for tr in t.tbody.find_all("tr"):
            cells = [td.get_text() for td in tr.find_all(["th", "td"])]  # the first cell heads its row
            marked |= {(head[i].replace("Centret", "centret"), labels[cells[0]])
                       for i in range(1, len(cells)) if cells[i] == qualitative.CODED_MARK}
    assert marked == set(zip(ctx.codings["source"], ctx.codings["code"]))


def test_profile_codes(ctx):
    j = soup(qualitative.profile_codes(ctx, "Kommune J")).get_text()
    assert "kodet med otte koder" in j and "»Planen er ikke færdig«" in j
    c = soup(qualitative.profile_codes(ctx, "Kommune C")).get_text()
    assert c == "Kommunen blev ikke interviewet ved opfølgningen, så der er ingen kodede udsagn."


@pytest.fixture
def folder(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, data, ignore=shutil.ignore_patterns("private"))
    return data


def test_a_round_without_codings_says_so_and_shows_its_statements(folder, tmp_path):
    (folder / "rounds" / "opfoelgning-2019" / "codings.csv").write_text("source,code,quote\n", encoding="utf-8")
    c = open_context(str(folder), str(tmp_path / "out"))
    s = soup(qualitative.theme_block(c, "beredskab"))
    assert "er endnu ikke kodet" in s.get_text() and not s.select(".code-count")
    assert len(s.find_all("blockquote")) == 3  # every beredskab statement, as before codings
    assert qualitative.matrix_blocks(c) == [] and qualitative.triangulation_block(c, "beredskab", {}) == ""


def test_a_round_without_interviews_or_codings_does_not_call_them_uncoded(folder, tmp_path):
    # Everybody answered the survey and nothing is coded: there are no interviews to code, not uncoded ones.
    round_dir = folder / "rounds" / "opfoelgning-2019"
    text = (round_dir / "participation.csv").read_text(encoding="utf-8").replace(",interview", ",survey")
    (round_dir / "participation.csv").write_text(text, encoding="utf-8")
    (round_dir / "quotes.csv").write_text("id,theme,role,municipality,text\n", encoding="utf-8")
    (round_dir / "codings.csv").write_text("source,code,quote\n", encoding="utf-8")
    c = open_context(str(folder), str(tmp_path / "out"))
    s = soup(qualitative.theme_block(c, "kompetencer")).get_text()
    assert s == "Ved opfølgningen blev ingen kommuner interviewet, så der er ingen kodede interview med kommunerne at tælle."


def test_a_round_without_interviews(folder, tmp_path):
    round_dir = folder / "rounds" / "opfoelgning-2019"
    text = (round_dir / "participation.csv").read_text(encoding="utf-8").replace(",interview", ",survey")
    (round_dir / "participation.csv").write_text(text, encoding="utf-8")
    (round_dir / "quotes.csv").write_text("id,theme,role,municipality,text\n", encoding="utf-8")
    (round_dir / "codings.csv").write_text("source,code,quote\ncentret,procesfacilitering,\n", encoding="utf-8")
    c = open_context(str(folder), str(tmp_path / "out"))
    assert c.interviewed == []
    s = soup(qualitative.theme_block(c, "kompetencer")).get_text()
    assert s == "Ved opfølgningen blev ingen kommuner interviewet, så der er ingen kodede interview med kommunerne at tælle."
    centre = soup(qualitative.theme_block(c, "centrets_arbejde")).get_text()
    assert "Centret har styrket" in centre and "ikke kodet med »Mere systematisk rådgivning«" in centre
    blocks = qualitative.matrix_blocks(c)
    assert len(blocks) == 1 and "Centrets arbejde" in blocks[0]


def test_many_interviewed_sources_turn_the_matrix(tmp_path):
    from evaluation.data.synth import write_synthetic

    data = write_synthetic(tmp_path / "synth", municipalities=20, rounds=2, seed=4)
    c = open_context(str(data), str(tmp_path / "out"))
    assert len(c.interviewed) > qualitative.MATRIX_COLUMNS
    # More sources than fit side by side: sources are rows, a theme's codes columns, at most 6 at a time.
    codes = c.codebook.codes
    municipal = codes[codes["sources"] == "municipalities"].groupby("theme", sort=False).size()
    blocks = qualitative.matrix_blocks(c)
    assert len(blocks) == sum(-(-n // qualitative.MATRIX_COLUMNS) for n in municipal) + 1
    code_of = dict(zip(codes["label"], codes["code"]))
    marked = set()
    for block in blocks:
        t = soup(block).table
        head = [th.get_text() for th in t.thead.find_all("th")]
        assert len(head) <= qualitative.MATRIX_COLUMNS + 1
        for tr in t.tbody.find_all("tr"):
            cells = [td.get_text() for td in tr.find_all(["th", "td"])]
            if head[0] == "Kilde":
                marked |= {(cells[0], code_of[head[i]]) for i in range(1, len(cells)) if cells[i]}
            else:
                marked |= {(head[i].replace("Centret", "centret"), code_of[cells[0]]) for i in range(1, len(cells))
                           if cells[i]}
    assert marked == set(zip(c.codings["source"], c.codings["code"]))
    counts = c.code_counts
    assert (counts["n_sources"] <= counts["n_interviewed"]).all()
    assert (counts.loc[counts["about"] == "municipalities", "n_interviewed"] == len(c.interviewed)).all()
