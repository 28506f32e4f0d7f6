"""Merge the memo's executed notebooks into one reader's notebook.

Parameter cells, review cells, timing metadata and the plain-text reprs of
outputs that also show HTML or an image are left out of the reader's copy.
"""
from __future__ import annotations

import copy
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import nbformat

from ...checks import fail
from .links import _check_text

__all__ = ["PARAMETER_TAGS", "REVIEW_TAGS", "SOURCE_CELL", "merge_notebooks"]


#: Tags of the cells papermill reads and writes; they never reach a document.
PARAMETER_TAGS = frozenset({"parameters", "injected-parameters"})
#: Tags of cells kept in the executed notebooks for reviewers (raw frames)
#: but left out of a document by default.
REVIEW_TAGS = frozenset({"review"})
#: Cell metadata key of a merged cell: its id in the executed notebook it came from.
SOURCE_CELL = "source_cell"
#: Output types a document shows, in nbconvert's order of preference.
_SHOWN_MIMETYPES = ("text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/plain")
_RICH_MIMETYPES = frozenset({"text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg"})
#: Cell metadata that records when a cell ran; dropped so merges are stable.
_TIMING_METADATA = ("papermill", "execution", "ExecuteTime")


# --------------------------------------------------------------------------
# Notebooks


def _has_tag(cell, tags: Iterable[str]) -> bool:
    return not set(tags).isdisjoint(cell.get("metadata", {}).get("tags", []))


def merge_notebooks(paths: Sequence[str | os.PathLike], *, title: str) -> nbformat.NotebookNode:
    """Join executed notebooks into one, in the order given.

    Parameters
    ----------
    paths : sequence of path-like
        The executed notebooks, in memo order.
    title : str
        The document's title; stored as ``metadata.title``.

    Returns
    -------
    NotebookNode
        A new nbformat 4.5 notebook: every cell of every part in order, except
        the cells tagged ``parameters`` or ``injected-parameters``.  Cell ids
        are ``p<part>-c<cell>`` (both counted from 1, zero-padded; the cell's
        own id is kept in its metadata as ``source_cell``), and the
        timing metadata papermill and nbclient record are dropped, so two
        merges of the same files are equal.  Metadata: ``title``,
        ``language`` ("da"), and the first part's ``kernelspec`` and
        ``language_info``.

    Raises
    ------
    ParameterError
        If ``paths`` is empty, names a missing file, or ``title`` is empty.
    """
    if isinstance(paths, (str, bytes, os.PathLike)) or not isinstance(paths, Sequence) or not paths:
        fail("paths", paths, "a non-empty list of notebook paths")
    _check_text("title", title)
    files = [Path(p) for p in paths]
    for path in files:
        if not path.is_file():
            fail("paths", str(path), "existing notebook files")

    merged = nbformat.v4.new_notebook()
    for part, path in enumerate(files, start=1):
        source = nbformat.read(path, as_version=4)
        if part == 1:
            for key in ("kernelspec", "language_info"):
                if key in source.metadata:
                    merged.metadata[key] = copy.deepcopy(source.metadata[key])
        kept = [cell for cell in source.cells if not _has_tag(cell, PARAMETER_TAGS)]
        for number, cell in enumerate(kept, start=1):
            cell = copy.deepcopy(cell)
            if cell.get("id"):  # where the cell is in its executed notebook (a reviewer page's anchor)
                cell.metadata[SOURCE_CELL] = cell["id"]
            cell["id"] = f"p{part:02d}-c{number:04d}"
            for key in _TIMING_METADATA:
                cell.metadata.pop(key, None)
            merged.cells.append(cell)
    merged.metadata["title"] = title
    merged.metadata["language"] = "da"
    return merged


def _shown_outputs(outputs: list) -> list:
    """Return the outputs a reader sees, each reduced to its shown types."""
    rich = any(
        _RICH_MIMETYPES.intersection(out.get("data", {}))
        for out in outputs
        if out.get("output_type") in ("display_data", "execute_result")
    )
    shown = []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream" and out.get("name") == "stderr":
            continue
        if kind in ("display_data", "execute_result"):
            data = {k: v for k, v in out.get("data", {}).items() if k in _SHOWN_MIMETYPES}
            if rich and set(data) <= {"text/plain"}:
                continue
            if not data:
                continue
            out = copy.deepcopy(out)
            out["data"] = nbformat.from_dict(data)
        shown.append(out)
    return shown


def _reader_copy(nb: nbformat.NotebookNode, title: str, drop_tags: frozenset, *,
                 keep_code: bool = False) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` with only what a reader sees; ``nb`` is not changed.
    With ``keep_code``, code cells without a shown output stay (their source is shown)."""
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        if _has_tag(cell, PARAMETER_TAGS | drop_tags):
            continue
        if cell.cell_type == "code":
            cell.outputs = _shown_outputs(cell.get("outputs", []))
            if not cell.outputs and not keep_code:
                continue
        cells.append(cell)
    out.cells = cells
    out.metadata["title"] = title
    return out
