"""The run's listing: where each profile is published, and the index page linking everything."""
from __future__ import annotations

from pathlib import Path

from ..names import slug
from .plan import Job
from .publish import CHANGES, MANIFEST
from .word import with_word_copies

__all__ = ["profile_file", "write_index"]


def profile_file(job: Job) -> str:
    """Where a profile is published: named by the municipality's slug, so a
    name from the data can never leave ``profiles/`` or need escaping."""
    return f"profiles/{slug(job.parameters['municipality'])}.html"


def write_index(work: Path, jobs: list[Job], *, draft: bool = False) -> None:
    """Write the run's ``index.html``: every document, page, table and file of ``work``."""
    from ..memo import export

    tables = sorted(p.relative_to(work).as_posix() for p in (work / "tables").glob("*.csv")) if (work / "tables").exists() else []
    entries = [
        ("Notat", with_word_copies(work, [("Evalueringsnotat (HTML)", "memo.html")])
         + ([("Evalueringsnotat (PDF)", "memo.pdf")] if (work / "memo.pdf").exists() else [])),
        ("Kommuneprofiler", with_word_copies(work, [(j.parameters["municipality"], profile_file(j))
                                                    for j in jobs if j.document.startswith("profile:")])),
        ("Kørte notesbøger (til gennemgang)", [link for j in jobs for link in (
            (f"{j.name}: kode og resultater", f"notebooks/{j.name}.html"), (f"{j.name} (.ipynb)", f"notebooks/{j.name}.ipynb"))]),
        ("Tabeller", [(Path(t).name, t) for t in tables]),
        ("Kørsel", [("Manifest (input, parametre, versioner, tider)", MANIFEST)]
         + ([("Ændringer siden den forrige kørsel", CHANGES)] if (work / CHANGES).exists() else [])),
    ]
    title = ("Udkast: " if draft else "") + "Evaluering: resultater"
    export.render_index([e for e in entries if e[1]], work / "index.html", title=title)
