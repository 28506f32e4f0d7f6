"""Tests of evaluation.run.fingerprint: facet digests, job keys, light imports.

Each test edits one value of a copy of the bundled data and checks by hand
which facets must change with it and which must not.
"""
import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from evaluation import config
from evaluation.run.fingerprint import DataFolder, job_key, package_versions, sha256_file, sha256_text

PARAMETERS = ["beredskab", "indsatser", "internt_samarbejde", "eksternt_samarbejde", "kompetencer"]
ITEMS = PARAMETERS + ["radikalisering_udfordring"]
THEMES = ["ledelsesforankring", "beredskab", "indsatser", "internt_samarbejde", "eksternt_samarbejde",
          "kompetencer", "centrets_arbejde"]
FACETS = (
    [f"responses:{i}" for i in ITEMS]
    + ["responses:*", "private:names"]
    + [f"quotes:{t}" for t in THEMES]
    + [f"rounds:{n}" for n in ("plan_status.csv", "participation.csv", "quotes.csv", "narrative.md", "responses.csv")]
    + [f"file:{n}" for n in ("municipalities.csv", "instrument.yml", "rounds.yml")]
    + [f"narrative:{s}" for s in ("sec:intro", "sec:purpose", "sec:data", "sec:conclusion", "sec:leadership",
                                  "sec:centre", *(f"sec:item:{p}" for p in PARAMETERS))]
)
NARRATIVE_FACETS = {f for f in FACETS if f.startswith("narrative:")}
FOLLOWUP_DIR = Path("rounds") / "opfoelgning-2019"
BASELINE_DIR = Path("rounds") / "slutmaaling-2018"


def digests(folder: Path) -> dict[str, str]:
    data = DataFolder(folder)  # a new instance: the digests are cached per instance
    return {f: data.facet(f) for f in FACETS}


def changed(before: dict, after: dict) -> set[str]:
    return {f for f in before if before[f] != after[f]}


def edit_csv(path: Path, match: dict, column: str, value: str) -> None:
    """Set ``column`` to ``value`` in the one row of ``path`` matching ``match``."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
        header = list(rows[0])
    hits = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(hits) == 1, hits
    assert hits[0][column] != value
    hits[0][column] = value
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# ------------------------------------------------------------------ digests
def test_sha256_helpers(tmp_path):
    # Independent implementation: hashlib directly.
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    assert sha256_file(path) == hashlib.sha256(b"abc").hexdigest()
    assert sha256_text("æ") == hashlib.sha256("æ".encode("utf-8")).hexdigest()


def test_data_folder_reads_keys_items_and_municipalities():
    data = DataFolder(config.DATA_DIR)
    assert data.round_keys == ["udgangsmaaling-2017", "slutmaaling-2018", "opfoelgning-2019"]
    assert data.items("parameter") == PARAMETERS
    assert data.items("context") == ["radikalisering_udfordring"]
    assert data.municipalities() == tuple(f"Kommune {c}" for c in "ABCDEFGHIJ")


def test_files_lists_inputs_sorted_without_private_or_hidden_files(data_copy):
    (data_copy / "private").mkdir()
    (data_copy / "private" / "names.csv").write_text("municipality,name\n", encoding="utf-8")
    (data_copy / ".hidden").write_text("x", encoding="utf-8")
    names = [p.relative_to(data_copy).as_posix() for p in DataFolder(data_copy).files()]
    assert names == sorted(names, key=lambda n: n.split("/"))  # sorted folder by folder
    assert "rounds/slutmaaling-2018/responses.csv" in names
    assert not any(n.startswith("private") or n.startswith(".") for n in names)


def test_digests_are_the_same_for_a_copy_of_the_data(data_copy):
    assert digests(data_copy) == digests(config.DATA_DIR)


def test_every_item_and_theme_has_its_own_digest(data_copy):
    values = digests(data_copy)
    assert len({values[f"responses:{i}"] for i in ITEMS}) == len(ITEMS)
    assert len({values[f"quotes:{t}"] for t in THEMES}) == len(THEMES)


def test_changing_one_beredskab_answer_changes_only_its_facets(data_copy):
    before = digests(data_copy)
    edit_csv(data_copy / FOLLOWUP_DIR / "responses.csv", {"municipality": "Kommune B", "item": "beredskab"}, "score", "1")
    after = digests(data_copy)
    assert changed(before, after) == {"responses:beredskab", "responses:*", "rounds:responses.csv"}
    assert after["responses:kompetencer"] == before["responses:kompetencer"]
    assert after["rounds:plan_status.csv"] == before["rounds:plan_status.csv"]


def test_changing_a_quote_changes_only_its_theme(data_copy):
    before = digests(data_copy)
    with open(data_copy / FOLLOWUP_DIR / "quotes.csv", encoding="utf-8", newline="") as fh:
        text = next(r["text"] for r in csv.DictReader(fh) if r["theme"] == "indsatser")
    edit_csv(data_copy / FOLLOWUP_DIR / "quotes.csv", {"theme": "indsatser", "text": text}, "text", "En ny udtalelse.")
    assert changed(before, digests(data_copy)) == {"quotes:indsatser", "rounds:quotes.csv"}


def test_changing_plan_status_changes_only_that_file(data_copy):
    before = digests(data_copy)
    edit_csv(
        data_copy / FOLLOWUP_DIR / "plan_status.csv",
        {"municipality": "Kommune A", "phase": "udrullet"},
        "status",
        "ikke_paabegyndt",
    )
    assert changed(before, digests(data_copy)) == {"rounds:plan_status.csv"}


def test_private_names_facet(data_copy):
    assert DataFolder(data_copy).facet("private:names") == "absent"
    (data_copy / "private").mkdir()
    names = data_copy / "private" / "names.csv"
    names.write_text("municipality,name\nKommune A,Et navn\n", encoding="utf-8")
    assert DataFolder(data_copy).facet("private:names") == sha256_file(names)


def test_missing_file_facet_is_absent(data_copy):
    assert DataFolder(data_copy).facet("file:nothing.csv") == "absent"


def test_unknown_facet_kind_raises(data_copy):
    with pytest.raises(ValueError, match="unknown facet"):
        DataFolder(data_copy).facet("answers:beredskab")


def test_response_facets_follow_the_header_not_the_column_order(data_copy):
    # The data contract lets the columns come in any order; the facet of an
    # item must still be over that item's answers.
    before = digests(data_copy)
    path = data_copy / FOLLOWUP_DIR / "responses.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, ["score", "item", "municipality"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    reordered = digests(data_copy)
    edit_csv(path, {"municipality": "Kommune B", "item": "beredskab"}, "score", "1")
    after = digests(data_copy)
    assert changed(reordered, after) == {"responses:beredskab", "responses:*", "rounds:responses.csv"}
    # Reordering the columns alone does not change what any item's answers are.
    assert {f for f in changed(before, reordered) if f.startswith("responses:")} <= {"responses:*"}
    for item in ITEMS:
        assert reordered[f"responses:{item}"] == before[f"responses:{item}"], item


def test_quote_facets_follow_the_header_not_the_column_order(data_copy):
    path = data_copy / FOLLOWUP_DIR / "quotes.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, ["text", "role", "id", "municipality", "theme"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    before = digests(data_copy)
    text = next(r["text"] for r in rows if r["theme"] == "beredskab")
    edit_csv(path, {"theme": "beredskab", "text": text}, "text", "En ny udtalelse.")
    assert changed(before, digests(data_copy)) == {"quotes:beredskab", "rounds:quotes.csv"}


def test_reordering_the_quotes_of_a_theme_changes_its_digest(data_copy):
    # The memo shows a theme's quotes in file order, so their order is input.
    path = data_copy / FOLLOWUP_DIR / "quotes.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = [i for i, line in enumerate(lines) if line.split(",")[1:2] == ["beredskab"]]
    assert len(at) == 3
    before = digests(data_copy)
    lines[at[0]], lines[at[1]] = lines[at[1]], lines[at[0]]
    path.write_text("".join(lines), encoding="utf-8")
    assert changed(before, digests(data_copy)) == {"quotes:beredskab", "rounds:quotes.csv"}


def test_reordering_response_rows_changes_nothing_an_item_reads(data_copy):
    # The loader sorts the answers, so row order in a response file is not input.
    path = data_copy / BASELINE_DIR / "responses.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    before = digests(data_copy)
    path.write_text(lines[0] + "".join(reversed(lines[1:])), encoding="utf-8")
    assert {f for f in changed(before, digests(data_copy)) if f.startswith("responses:")} == set()


def test_spaces_the_loader_strips_do_not_change_a_facet(data_copy):
    path = data_copy / BASELINE_DIR / "responses.csv"
    text = path.read_text(encoding="utf-8")
    before = digests(data_copy)
    path.write_text(text.replace("Kommune A,beredskab,4", "Kommune A , beredskab , 4"), encoding="utf-8")
    assert digests(data_copy)["responses:beredskab"] == before["responses:beredskab"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text.replace("municipality,item,score", "municipality,question,score"),  # column missing
        lambda text: text + "Kommune A,beredskab\n",  # a short row
    ],
)
def test_a_response_file_outside_the_contract_counts_whole_for_every_item(data_copy, damage):
    path = data_copy / BASELINE_DIR / "responses.csv"
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    before = digests(data_copy)
    path.write_text(path.read_text(encoding="utf-8") + "\n\nx\n", encoding="utf-8")
    after = digests(data_copy)
    assert {f"responses:{i}" for i in ITEMS} <= changed(before, after)


def test_a_response_file_that_is_not_utf8_gives_a_digest_not_an_error(data_copy):
    path = data_copy / BASELINE_DIR / "responses.csv"
    path.write_bytes(path.read_bytes() + "Kommune Ø,beredskab,4\n".encode("latin-1"))
    values = digests(data_copy)
    assert len(values["responses:beredskab"]) == 64


# ------------------------------------------------------------------ job_key
@pytest.fixture
def notebook(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": [], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}))
    return path


def test_job_key_is_stable(notebook):
    data = DataFolder(config.DATA_DIR)
    params = {"baseline": "slutmaaling-2018", "item": "beredskab"}
    assert job_key(notebook, params, ["responses:beredskab"], data) == job_key(
        notebook, dict(params), ["responses:beredskab"], DataFolder(config.DATA_DIR)
    )


def test_job_key_changes_with_parameters_notebook_and_facets(notebook):
    data = DataFolder(config.DATA_DIR)
    base = job_key(notebook, {"item": "beredskab"}, ["responses:beredskab"], data)
    assert job_key(notebook, {"item": "indsatser"}, ["responses:beredskab"], data) != base
    assert job_key(notebook, {"item": "beredskab"}, ["responses:indsatser"], data) != base
    notebook.write_bytes(notebook.read_bytes() + b"\n")
    assert job_key(notebook, {"item": "beredskab"}, ["responses:beredskab"], data) != base


def test_job_key_ignores_facet_order_and_repeats(notebook):
    data = DataFolder(config.DATA_DIR)
    a = job_key(notebook, {}, ["responses:beredskab", "file:plan_status.csv"], data)
    b = job_key(notebook, {}, ["file:plan_status.csv", "responses:beredskab", "responses:beredskab"], data)
    assert a == b


def test_job_key_follows_data_only_through_its_facets(notebook, data_copy):
    key = lambda: job_key(notebook, {}, ["responses:kompetencer"], DataFolder(data_copy))  # noqa: E731
    before = key()
    edit_csv(data_copy / FOLLOWUP_DIR / "responses.csv", {"municipality": "Kommune B", "item": "beredskab"}, "score", "1")
    assert key() == before
    edit_csv(data_copy / FOLLOWUP_DIR / "responses.csv", {"municipality": "Kommune B", "item": "kompetencer"}, "score", "1")
    assert key() != before


def test_job_key_always_covers_instrument_and_rounds(notebook, data_copy):
    key = lambda: job_key(notebook, {}, [], DataFolder(data_copy))  # noqa: E731
    before = key()
    path = data_copy / "rounds.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("label: Opfølgning", "label: Opfølgningen 2019"), encoding="utf-8")
    assert key() != before


def test_job_key_always_covers_the_list_of_municipalities(notebook, data_copy):
    # Every count of municipalities (a narrative's placeholders, who took no part) is taken over it.
    key = lambda: job_key(notebook, {}, [], DataFolder(data_copy))  # noqa: E731
    before = key()
    with open(data_copy / "municipalities.csv", "a", encoding="utf-8") as fh:
        fh.write("Kommune K,false,false\n")
    assert key() != before


# ---------------------------------------------------------- narrative sections
def edit_narrative(folder: Path, old: str, new: str, round_dir: Path = FOLLOWUP_DIR) -> None:
    path = folder / round_dir / "narrative.md"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_editing_a_sections_text_changes_only_that_section(data_copy):
    before = digests(data_copy)
    edit_narrative(data_copy, "[[sec:centre]]\n", "[[sec:centre]]\nEn ny første sætning.\n")
    assert changed(before, digests(data_copy)) == {"narrative:sec:centre", "rounds:narrative.md"}


def test_a_sections_facet_follows_every_round(data_copy):
    edit_narrative(data_copy, "[[sec:centre]]\n", "[[sec:centre]]\nTekst fra før.\n", BASELINE_DIR)
    before = digests(data_copy)
    edit_narrative(data_copy, "Tekst fra før.", "Anden tekst fra før.", BASELINE_DIR)
    assert changed(before, digests(data_copy)) == {"narrative:sec:centre", "rounds:narrative.md"}


def test_emptying_or_filling_a_section_or_asking_for_a_code_count_changes_every_section(data_copy):
    # Which sections have text and whether codes are counted decide what a memo lacks.
    before = digests(data_copy)
    path = data_copy / FOLLOWUP_DIR / "narrative.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("[[sec:centre]]\n") + len("[[sec:centre]]\n")
    end = text.index("[[sec:item:beredskab]]")
    path.write_text(text[:start] + "<!-- tom -->\n\n" + text[end:], encoding="utf-8")
    assert changed(before, digests(data_copy)) == NARRATIVE_FACETS | {"rounds:narrative.md"}
    before = digests(data_copy)
    edit_narrative(data_copy, "[[sec:centre]]\n", "[[sec:centre]]\n{{ codes.x }} kommuner.\n")
    assert changed(before, digests(data_copy)) == NARRATIVE_FACETS | {"rounds:narrative.md"}


def test_a_marker_inside_a_comment_is_no_section_boundary(data_copy):
    # Text after a commented-out marker still belongs to the section before it.
    edit_narrative(data_copy, "[[sec:centre]]\n", "[[sec:centre]]\n<!--\n[[sec:conclusion]]\n-->\nFørst.\n")
    before = digests(data_copy)
    edit_narrative(data_copy, "Først.", "Siden.")
    assert changed(before, digests(data_copy)) == {"narrative:sec:centre", "rounds:narrative.md"}


def test_a_narrative_that_is_not_utf8_counts_whole_for_every_section(data_copy):
    before = digests(data_copy)
    path = data_copy / FOLLOWUP_DIR / "narrative.md"
    path.write_bytes(path.read_bytes().replace("Centrets".encode(), "Centrets \xe6".encode("latin-1"), 1))
    assert changed(before, digests(data_copy)) == NARRATIVE_FACETS | {"rounds:narrative.md"}


def test_package_versions_names_every_tracked_package():
    versions = package_versions()
    assert versions["pandas"] != "absent"
    assert all(isinstance(v, str) and v for v in versions.values())


# ---------------------------------------------------------- light imports
def test_planning_modules_import_no_heavy_library():
    code = (
        "import sys\n"
        "import evaluation.run.plan, evaluation.run.fingerprint, evaluation.run.pipeline, evaluation.cli, evaluation.names\n"
        "heavy = ['pandas', 'numpy', 'matplotlib', 'seaborn', 'scipy']\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=config.PROJECT_ROOT, check=True)
    assert result.stdout.strip() == ""
