"""The documents of one publication: the memo, the profiles and the index.

The memo merges the memo notebooks in order, each rendered as a part of its
own as soon as it has been executed (:class:`MemoParts`); each profile is one
profile notebook; the index links every document, notebook, table, the manifest and
the run log.  Unchanged documents are linked from the previous publication
instead of exported again.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from pathlib import Path

from ..files import write_text_atomically
from ..memo.outline import MEMO_TITLE
from ..names import slug
from .linking import add_source_links, index_entries
from .plan import Job, describe_job
from .publish import link_file

__all__ = ["MemoParts", "export_documents", "export_profile", "profile_file", "write_index", "warm_exporters",
           "exporters_warmed"]


class MemoParts:
    """The memo's parts: each memo notebook's cells rendered once, as soon as
    it has been executed (:meth:`prepare`), then put together (:meth:`write`).

    A part is kept in ``cache`` (a folder of the tool's cache) under the
    digest of what is rendered (its cells with their source links) and of the
    code and package versions that render it, so a run that re-executes one
    notebook renders one part, and a part is never taken for another.
    """

    #: Parts the cache keeps (the most recently used).
    KEPT = 512

    def __init__(self, jobs: list[Job], work: Path, labels: dict[str, str], cache: Path | None = None):
        self.jobs = [j for j in jobs if j.document == "memo"]
        self.work, self.labels, self.cache = work, labels, cache
        self._parts: dict[str, str] = {}
        self._used: list[Path] = []

    def prepare(self, job: Job) -> str:
        """Render (or find in the cache) the part of executed memo notebook ``job``."""
        from ..memo import export

        number = 1 + [j.name for j in self.jobs].index(job.name)
        nb = export.merge_notebooks([self.work / "notebooks" / f"{job.name}.ipynb"], title=MEMO_TITLE)
        nb = add_source_links(nb, [(f"notebooks/{job.name}.ipynb", describe_job(job, self.labels))])
        for cell in nb.cells:  # the ids the part has in the whole memo
            cell["id"] = f"p{number:02d}" + cell["id"][3:]
        path = self.cache / f"{_part_key(nb)}.html" if self.cache is not None else None
        try:
            part = path.read_text(encoding="utf-8") if path is not None else None
        except OSError:
            part = None
        if part is None:
            part = export.render_part(nb)
            if path is not None:
                with contextlib.suppress(OSError):
                    write_text_atomically(path, part)
        if path is not None:
            self._used.append(path)
        self._parts[job.name] = part
        return part

    def write(self, path: Path, *, title: str, links: list[tuple[str, str]]) -> None:
        """Write the memo from its parts (rendering those not prepared yet)."""
        from ..memo import export

        parts = [self._parts.get(j.name) or self.prepare(j) for j in self.jobs]
        export.assemble_html(parts, path, title=title, links=links)
        self._prune()

    def _prune(self) -> None:
        """Mark the parts used as recent; drop all but the :attr:`KEPT` most recent."""
        with contextlib.suppress(OSError):
            for used in self._used:
                os.utime(used)
            if self.cache is not None and self.cache.is_dir():
                parts = sorted(self.cache.glob("*.html"), key=lambda p: p.stat().st_mtime, reverse=True)
                for old in parts[self.KEPT:]:
                    old.unlink(missing_ok=True)


def _part_key(nb) -> str:
    """Digest of a part's cells and of what renders them."""
    from .fingerprint import package_source_digest, package_versions

    payload = {"cells": nb.cells, "package": package_source_digest(), "versions": package_versions()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def export_documents(jobs: list[Job], pending: list[Job], work: Path, final: Path, labels: dict[str, str], *,
                     draft: bool = False, memo: MemoParts | None = None) -> dict:
    """Export the memo and the profiles; reuse unchanged ones.

    The memo is put together from its parts (``memo``, whose parts may be
    rendered already).  Cells tagged ``review`` are left out (see
    :func:`evaluation.memo.export.export_html`)."""
    changed = {j.name for j in pending}
    memo_jobs = [j for j in jobs if j.document == "memo"]
    documents = {}
    if changed & {j.name for j in memo_jobs} or not (final / "memo.html").exists():
        memo = memo or MemoParts(jobs, work, labels)
        memo.write(work / "memo.html", title=("Udkast: " if draft else "") + MEMO_TITLE,
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


def warm_exporters(folder: Path) -> None:
    """Render a small notebook as a reviewer page and as a memo part, and throw both away.

    The first page a process renders pays for nbconvert's templates, the
    regular expressions of its Markdown and HTML filters and the code
    highlighter (about half a second); a run calls this while the fork server
    preloads, so that the first executed notebook's pages do not wait for
    that.  Failing here changes nothing: the real pages report their own errors.
    """
    page = folder / ".warm-up.html"
    try:
        import nbformat

        from ..memo import export

        v4 = nbformat.v4
        html = ('<h2 id="a">Overskrift</h2><p>Tekst med <a href="#a">henvisning</a>.</p><table><caption>T</caption>'
                '<thead><tr><th scope="col">a</th></tr></thead><tbody><tr><th scope="row">1</th></tr></tbody></table>')
        nb = v4.new_notebook(cells=[
            v4.new_markdown_cell("# Opvarmning\n\nEt *afsnit* med en [henvisning](#opvarmning)."),
            v4.new_code_cell("total = sum(range(3))  # a sum\nprint(f'{total}')", execution_count=1, outputs=[
                v4.new_output("stream", name="stdout", text="3\n"),
                v4.new_output("display_data", data={"text/html": html, "text/plain": "T"}),
            ]),
        ], metadata={"title": "Opvarmning"})
        export.render_part(nb)
        export.export_html(nb, page, title="Opvarmning", code=True, drop_tags=())
    except Exception:  # noqa: BLE001 - only a warm-up
        pass
    finally:
        with contextlib.suppress(OSError):
            page.unlink()


@contextlib.contextmanager
def exporters_warmed(folder: Path):
    """Run :func:`warm_exporters` in a thread while the block runs (and wait for it at the end)."""
    thread = threading.Thread(target=warm_exporters, args=(folder,), name="warm-exporters", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()
