"""Link texts of the published documents: every link says where it leads.

A reader of a screen reader often hears links out of their context, so a
link reads "Beregningen i notebook 04: beredskab, celle 6" or "Tabel: Plads til
forbedring (CSV-fil)", never a path.
"""
from __future__ import annotations

from collections.abc import Callable
import re
from html import escape, unescape
from pathlib import Path

from ..memo.outline import MEMO_TITLE
from .plan import Job, describe_job
from .publish import CHANGES, MANIFEST
from .result import LOG_FILE
from .word import with_word_copies

__all__ = ["add_source_links", "describe_table", "index_entries", "source_link", "states_something"]

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


_HEADING = re.compile(r"<h[1-6][\s>].*?</h[1-6]>|<p class=\"subtitle\">.*?</p>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_IMAGES = ("image/png", "image/jpeg", "image/svg+xml")


def states_something(cell) -> bool:
    """Whether a code cell's output, as a reader sees it, states something
    besides headings and a title: text in a paragraph, list, table or
    caption, or an image.  Standard error and raw frames (``review``) never
    count.

    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("show()")
    >>> cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<h2>1 Indledning</h2>"})]
    >>> states_something(cell)
    False
    >>> cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text="n = 10"))
    >>> states_something(cell)
    True
    """
    if cell.get("cell_type") != "code" or "review" in cell.get("metadata", {}).get("tags", []):
        return False
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            text = output.get("text", "") if output.get("name") == "stdout" else ""
        elif output.get("output_type") in ("display_data", "execute_result"):
            data = output.get("data", {})
            if any(kind in data for kind in _IMAGES):
                return True
            text = data.get("text/html") or data.get("text/markdown") or data.get("text/plain") or ""
        else:
            continue
        text = "".join(text) if isinstance(text, list) else text
        if unescape(_TAG.sub(" ", _HEADING.sub(" ", text))).strip():
            return True
    return False


def source_link(href: str, description: str, cell) -> str:
    """The line under a block of a document that leads to the cell that
    computed it: the reviewer page of executed notebook ``href`` (the same
    path ending in ``.html``) at the cell's nbformat id, kept by
    :func:`~evaluation.memo.export.merge_notebooks` as ``source_cell``,
    and the ``.ipynb`` beside it.  The link names the cell by the number
    JupyterLab and the reviewer page show beside it ("celle 5").

    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("show()", metadata={"source_cell": "c-1f"})
    >>> cell.execution_count = 5
    >>> print(source_link("notebooks/a.ipynb", "notebook 01: a", cell))
    <p class="source"><a href="notebooks/a.html#c-1f">Beregningen i notebook 01: a, celle 5</a> (<a href="notebooks/a.ipynb">hent notebook 01: a til JupyterLab</a>)</p>
    """
    from ..memo.export.merging import SOURCE_CELL  # not at import: the no-op run imports no nbconvert

    anchor = cell.get("metadata", {}).get(SOURCE_CELL, "")
    number = cell.get("execution_count")
    page = href.removesuffix(".ipynb") + ".html" + (f"#{anchor}" if anchor else "")
    text = f"Beregningen i {description}" + (f", celle {number}" if anchor and number else "")
    return (f'<p class="source"><a href="{escape(page)}">{escape(text)}</a> '
            f'(<a href="{escape(href)}">hent {escape(description)} til JupyterLab</a>)</p>')


def add_source_links(nb, notebooks: list[tuple[str, str]]):
    """Under each block of a merged document that states something, link the
    cell of the executed notebook that computed it, so a reader can trace
    every number to its cell (see :func:`source_link`).

    ``notebooks`` holds (href of the executed ``.ipynb``, description) per
    part (cell ids ``p<part>-...``).  A block is the output of one code cell
    (:func:`states_something`); text and headings before it belong to it.  A
    part with no such block links its notebook's page once, at its end."""
    import nbformat

    cells, current, linked = [], None, False
    for cell in nb.cells + [None]:
        part = cell.id.split("-")[0] if cell is not None else None
        if current is not None and part != current and not linked:
            href, description = notebooks[int(current.lstrip("p")) - 1]
            cells.append(nbformat.v4.new_markdown_cell(source_link(href, description, {}), id=f"{current}-source"))
        if cell is None:
            break
        if part != current:
            current, linked = part, False
        cells.append(cell)
        if states_something(cell):
            href, description = notebooks[int(part.lstrip("p")) - 1]
            cells.append(nbformat.v4.new_markdown_cell(source_link(href, description, cell), id=f"{cell.id}-source"))
            linked = True
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
