"""Link texts of the published documents: every link says where it leads.

A reader of a screen reader often hears links out of their context, so a
link reads "Beregningen i notebook 04: beredskab" or "Tabel: Plads til
forbedring (CSV-fil)", never a path.
"""
from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from ..memo.outline import MEMO_TITLE
from .plan import Job, describe_job
from .publish import CHANGES, MANIFEST
from .result import LOG_FILE
from .word import with_word_copies

__all__ = ["add_source_links", "describe_table", "index_entries"]

# Danish names of the tables the notebooks write (tables/<name>.csv); a
# name that ends in an item key is named after the item.
_TABLES = {
    "comparison": "Sammenligning af de to målinger",
    "ceiling": "Andel svar i toppen og bunden af skalaen",
    "headroom": "Plads til forbedring",
    "by_mode": "Opdelt efter dataindsamling",
    "trend": "Gennemsnit i alle målinger",
    "friedman": "Friedmans test over alle målinger",
    "plan_status": "Status på handlingsplanen",
}
_ITEM_TABLES = {"item_": "Hver kommunes svar: {}", "distribution_": "Fordelingen af svar: {}"}


def describe_table(stem: str, labels: dict[str, str]) -> str:
    """Say in Danish what the table ``tables/<stem>.csv`` holds.

    >>> describe_table("headroom", {})
    'Plads til forbedring'
    >>> describe_table("item_beredskab", {"beredskab": "Beredskab"})
    'Hver kommunes svar: beredskab'
    >>> describe_table("something_new", {})
    'something new'
    """
    if stem in _TABLES:
        return _TABLES[stem]
    for prefix, pattern in _ITEM_TABLES.items():
        key = stem.removeprefix(prefix)
        if stem.startswith(prefix) and key in labels:
            label = labels[key]
            return pattern.format(label if label[1:2].isupper() else label[:1].lower() + label[1:])
    return stem.replace("_", " ")


def _computing_cell(cells) -> str:
    """The executed-notebook id of the first cell of a part that shows a result
    (a code cell with an output a reader sees); "" when none."""
    from ..memo.export.merging import SOURCE_CELL  # not at import: the no-op run imports no nbconvert

    for cell in cells:
        tags = cell.get("metadata", {}).get("tags", [])
        shown = [o for o in cell.get("outputs", []) if o.get("output_type") != "stream" or o.get("name") == "stdout"]
        if cell.cell_type == "code" and shown and "review" not in tags and cell.metadata.get(SOURCE_CELL):
            return cell.metadata[SOURCE_CELL]
    return ""


def add_source_links(nb, notebooks: list[tuple[str, str]]):
    """After each part of a merged document, link the executed notebook that
    computed it, so a reader can trace every number to its cell.

    ``notebooks`` holds (href of the executed ``.ipynb``, description) per
    part.  The link text says where it leads ("Beregningen i notebook 04:
    beredskab"), not a path, and opens the notebook's reviewer page (the same
    path ending in ``.html``) at the cell that computed the part (its
    nbformat cell id, kept by :func:`~evaluation.memo.export.merge_notebooks`);
    a second link downloads the ``.ipynb``."""
    import nbformat

    cells, current, part_cells = [], None, []
    for cell in nb.cells + [None]:
        part = cell.id.split("-")[0] if cell is not None else None
        if current is not None and part != current:
            index = int(current.lstrip("p")) - 1
            href, description = notebooks[index]
            anchor = _computing_cell(part_cells)
            page = href.removesuffix(".ipynb") + ".html" + (f"#{anchor}" if anchor else "")
            cells.append(nbformat.v4.new_markdown_cell(
                f'<p class="source"><a href="{escape(page)}">Beregningen i {escape(description)}</a> '
                f'(<a href="{escape(href)}">hent {escape(description)} til JupyterLab</a>)</p>',
                id=f"{current}-source"))
            part_cells = []
        if cell is not None:
            cells.append(cell)
            part_cells.append(cell)
            current = part
    nb.cells = cells
    return nb


def index_entries(work: Path, jobs: list[Job], labels: dict[str, str], *,
                  profile_file: Callable[[Job], str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The sections of the run's index page: (heading, [(link text, href), ...]),
    empty sections left out."""
    tables = sorted((work / "tables").glob("*.csv")) if (work / "tables").exists() else []

    def notebook(job: Job) -> str:
        text = describe_job(job, labels)
        return f"{text[:1].upper()}{text[1:]}"

    entries = [
        ("Notat", with_word_copies(work, [(f"Notatet som webside: {MEMO_TITLE}", "memo.html")])
         + ([(f"Notatet som PDF: {MEMO_TITLE}", "memo.pdf")] if (work / "memo.pdf").exists() else [])),
        ("Kommuneprofiler", with_word_copies(work, [(f"Profil: {j.parameters['municipality']}", profile_file(j))
                                                    for j in jobs if j.document.startswith("profile:")])),
        ("Kørte notesbøger (til gennemgang)", [link for j in jobs for link in (
            (f"{notebook(j)} (kørt notesbog)", f"notebooks/{j.name}.html"),
            (f"{notebook(j)} (notesbogsfil til JupyterLab)", f"notebooks/{j.name}.ipynb"))]),
        ("Tabeller", [(f"Tabel: {describe_table(t.stem, labels)} (CSV-fil)", t.relative_to(work).as_posix())
                      for t in tables]),
        ("Kørsel", [("Manifest (input, parametre, versioner, tider)", MANIFEST),
                    ("Kørselslog (hvad konsollen viste, og hver notesbogs tid)", LOG_FILE)]
         + ([("Ændringer siden den forrige kørsel", CHANGES)] if (work / CHANGES).exists() else [])),
    ]
    return [e for e in entries if e[1]]
