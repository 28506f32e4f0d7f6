"""Word copies of a run's documents (``evaluation run --docx``).

Each HTML document of the run (the memo, each profile) gets a ``.docx``
beside it, converted by :func:`evaluation.memo.export.export_docx`.  A
document whose HTML was reused unchanged from the published output (the
same file, hard-linked) keeps its published Word file too.
"""
from __future__ import annotations

import os
from pathlib import Path

from .publish import link_file

__all__ = ["docx_name", "write_word_documents", "with_word_copies"]


def docx_name(html_rel: str) -> str:
    """``profiles/kommune-a.html`` -> ``profiles/kommune-a.docx``."""
    return Path(html_rel).with_suffix(".docx").as_posix()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def write_word_documents(work: Path, final: Path, manifest: dict) -> list[str]:
    """Write ``<name>.docx`` beside each HTML document of ``manifest["documents"]``.

    The manifest is updated in place: each Word file is listed under
    ``documents`` with the notebooks of its HTML document, and ``docx``
    becomes ``True``.

    Returns
    -------
    list of str
        The Word files written or reused, relative to ``work``.
    """
    from ..memo.export import export_docx

    documents = manifest["documents"]
    written = []
    for rel in sorted(r for r in documents if r.endswith(".html")):
        target = docx_name(rel)
        if _same_file(work / rel, final / rel) and (final / target).is_file():
            link_file(final / target, work / target)
        else:
            export_docx(work / rel, work / target)
        documents[target] = list(documents[rel])
        written.append(target)
    manifest["docx"] = True
    return written


def with_word_copies(work: Path, links: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The index's links, each HTML page followed by its Word copy when there is one."""
    out = []
    for label, rel in links:
        out.append((label, rel))
        if (work / docx_name(rel)).is_file():
            out.append((f"{label.replace(' som webside', '')} (Word-dokument)", docx_name(rel)))
    return out
