"""The documents of one publication: the memo, the profiles and the index.

The memo merges the memo notebooks in order; each profile is one profile
notebook; the index links every document, notebook, table, the manifest and
the run log.  Unchanged documents are linked from the previous publication
instead of exported again.
"""
from __future__ import annotations

from pathlib import Path

from ..names import slug
from .plan import Job
from .publish import MANIFEST, link_file
from .result import LOG_FILE

__all__ = ["export_documents", "export_profile", "profile_file", "write_index"]


def export_documents(jobs: list[Job], pending: list[Job], work: Path, final: Path, *, draft: bool = False) -> dict:
    """Export the memo and the profiles; reuse unchanged ones.

    Cells tagged ``review`` are left out by :func:`evaluation.memo.export.export_html`."""
    from ..memo import export

    changed = {j.name for j in pending}
    memo_jobs = [j for j in jobs if j.document == "memo"]
    documents = {}
    if changed & {j.name for j in memo_jobs} or not (final / "memo.html").exists():
        title = ("Udkast: " if draft else "") + "Opfølgning på kommunernes handlingsplaner"
        merged = export.merge_notebooks([work / "notebooks" / f"{j.name}.ipynb" for j in memo_jobs], title=title)
        merged = add_source_links(merged, [f"notebooks/{j.name}.ipynb" for j in memo_jobs])
        export.export_html(merged, work / "memo.html", title=title,
                           links=[("Oversigt: kørte notesbøger, tabeller, profiler og manifest", "index.html")])
    else:
        link_file(final / "memo.html", work / "memo.html")
    documents["memo.html"] = [j.name for j in memo_jobs]
    profile_jobs = [j for j in jobs if j.document.startswith("profile:")]
    for job in profile_jobs:
        rel = profile_file(job)
        if job.name in changed or not (final / rel).exists():
            if not (work / rel).exists():  # normally exported as soon as it finished
                export_profile(job, work)
        else:
            link_file(final / rel, work / rel)
        documents[rel] = [job.name]
    return documents


def export_profile(job: Job, work: Path) -> None:
    """Export one executed profile notebook as ``profiles/<slug>.html``."""
    from ..memo import export

    rel = profile_file(job)
    nb = export.merge_notebooks([work / "notebooks" / f"{job.name}.ipynb"], title=job.parameters["municipality"])
    nb = add_source_links(nb, [f"../notebooks/{job.name}.ipynb"])
    (work / "profiles").mkdir(exist_ok=True)
    export.export_html(nb, work / rel, title=f"Profil: {job.parameters['municipality']}",
                       links=[("Oversigt", "../index.html"), ("Notat", "../memo.html")])


def add_source_links(nb, notebooks: list[str]):
    """After each part of a merged document, link the executed notebook that
    computed it, so a reader can trace every number to its cell."""
    import nbformat

    cells, current = [], None
    for cell in nb.cells + [None]:
        part = cell.id.split("-")[0] if cell is not None else None
        if current is not None and part != current:
            index = int(current.lstrip("p")) - 1
            href = notebooks[index]
            cells.append(nbformat.v4.new_markdown_cell(
                f'<p class="source">Beregnet i <a href="{href}">{href}</a>.</p>', id=f"{current}-source"))
        if cell is not None:
            cells.append(cell)
            current = part
    nb.cells = cells
    return nb


def profile_file(job: Job) -> str:
    """Where a profile is published: named by the municipality's slug, so a
    name from the data can never leave ``profiles/`` or need escaping."""
    return f"profiles/{slug(job.parameters['municipality'])}.html"


def write_index(work: Path, jobs: list[Job], *, draft: bool = False) -> None:
    from ..memo import export

    tables = sorted(p.relative_to(work).as_posix() for p in (work / "tables").glob("*.csv")) if (work / "tables").exists() else []
    entries = [
        ("Notat", [("Evalueringsnotat (HTML)", "memo.html")]
         + ([("Evalueringsnotat (PDF)", "memo.pdf")] if (work / "memo.pdf").exists() else [])),
        ("Kommuneprofiler", [(j.parameters["municipality"], profile_file(j))
                             for j in jobs if j.document.startswith("profile:")]),
        ("Kørte notesbøger (til gennemgang)", [(j.name, f"notebooks/{j.name}.ipynb") for j in jobs]),
        ("Tabeller", [(Path(t).name, t) for t in tables]),
        ("Kørsel", [("Manifest (input, parametre, versioner, tider)", MANIFEST), ("Kørselslog", LOG_FILE)]),
    ]
    title = ("Udkast: " if draft else "") + "Evaluering: resultater"
    export.render_index([e for e in entries if e[1]], work / "index.html", title=title)
