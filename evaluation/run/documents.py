"""The documents of one publication: the memo, the profiles and the index.

The memo merges the memo notebooks in order; each profile is one profile
notebook; the index links every document, notebook, table, the manifest and
the run log.  Unchanged documents are linked from the previous publication
instead of exported again.
"""
from __future__ import annotations

from pathlib import Path

from ..memo.outline import MEMO_TITLE
from ..names import slug
from .linking import add_source_links, index_entries
from .plan import Job, describe_job
from .publish import link_file

__all__ = ["export_documents", "export_profile", "profile_file", "write_index"]


def export_documents(jobs: list[Job], pending: list[Job], work: Path, final: Path, labels: dict[str, str], *,
                     draft: bool = False) -> dict:
    """Export the memo and the profiles; reuse unchanged ones.

    Cells tagged ``review`` are left out by :func:`evaluation.memo.export.export_html`."""
    from ..memo import export

    changed = {j.name for j in pending}
    memo_jobs = [j for j in jobs if j.document == "memo"]
    documents = {}
    if changed & {j.name for j in memo_jobs} or not (final / "memo.html").exists():
        title = ("Udkast: " if draft else "") + MEMO_TITLE
        merged = export.merge_notebooks([work / "notebooks" / f"{j.name}.ipynb" for j in memo_jobs], title=title)
        merged = add_source_links(merged, [(f"notebooks/{j.name}.ipynb", describe_job(j, labels)) for j in memo_jobs])
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
    nb = add_source_links(nb, [(f"../notebooks/{job.name}.ipynb", describe_job(job, {}))])  # a profile names its municipality, no item
    (work / "profiles").mkdir(exist_ok=True)
    export.export_html(nb, work / rel, title=f"Profil: {job.parameters['municipality']} – {MEMO_TITLE}",
                       links=[("Oversigt over alle filer fra kørslen", "../index.html"), (f"Notatet: {MEMO_TITLE}", "../memo.html")])


def profile_file(job: Job) -> str:
    """Where a profile is published: named by the municipality's slug, so a
    name from the data can never leave ``profiles/`` or need escaping."""
    return f"profiles/{slug(job.parameters['municipality'])}.html"


def write_index(work: Path, jobs: list[Job], labels: dict[str, str], *, draft: bool = False) -> None:
    from ..memo import export

    title = ("Udkast: " if draft else "") + f"Oversigt over kørslen: {MEMO_TITLE}"
    export.render_index(index_entries(work, jobs, labels, profile_file=profile_file), work / "index.html", title=title)
