"""Make executed notebooks byte-stable: same inputs, same bytes.

An executed notebook differs from run to run in ways that say nothing about
its content: papermill and nbclient record start and end times and
durations, papermill gives its injected-parameters cell a random id, and the
kernel splits a cell's printed text into several stream outputs depending on
when its output buffer was flushed (every 0.2 s).  :func:`normalize_notebook`
removes the timing (and returns it, for a manifest), derives every cell id
from the notebook's name and the cell's position, and joins consecutive
stream outputs of the same stream.  The kernel's process id, which shows in
the file names of warnings and tracebacks, is replaced by 0.  Kernel, language
and parameter metadata are kept.
"""
from __future__ import annotations

import copy
import hashlib
import os
import re
from pathlib import Path, PurePath

import nbformat

__all__ = ["normalize_notebook", "normalize_file", "merge_streams", "cell_id"]

_TIMES = ("start_time", "end_time", "duration")
#: ipykernel names a cell's code file ``<tmp>/ipykernel_<pid>/<hash>.py``; the
#: pid shows in warnings and tracebacks.
_KERNEL_PID = re.compile(r"([/\\])ipykernel_\d+([/\\])")


def cell_id(name: str, index: int) -> str:
    """Return the id of cell ``index`` of the notebook called ``name``.

    >>> cell_id("01_overview.ipynb", 0)
    'c-e3abafd904b2899d'
    """
    digest = hashlib.sha256(f"{name}\0{index}".encode()).hexdigest()
    return f"c-{digest[:16]}"


def merge_streams(outputs: list) -> list:
    """Return ``outputs`` with consecutive outputs of the same stream joined.

    >>> merge_streams([{"output_type": "stream", "name": "stdout", "text": "a\\n"},
    ...                {"output_type": "stream", "name": "stdout", "text": "b\\n"}])
    [{'output_type': 'stream', 'name': 'stdout', 'text': 'a\\nb\\n'}]
    """
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream"
                and previous.get("name") == output.get("name")):
            previous["text"] = _text(previous["text"]) + _text(output["text"])
        else:
            merged.append(copy.deepcopy(output))
    return merged


def _without_pid(output: dict) -> dict:
    """Replace the kernel's pid in the cell file names a stream or traceback shows."""
    if output.get("output_type") == "stream":
        output["text"] = _KERNEL_PID.sub(r"\1ipykernel_0\2", _text(output["text"]))
    elif output.get("output_type") == "error":
        output["traceback"] = [_KERNEL_PID.sub(r"\1ipykernel_0\2", line) for line in output["traceback"]]
    return output


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def _relative(path, root) -> str | None:
    if path is None or root is None:
        return path
    try:
        return PurePath(os.path.relpath(path, root)).as_posix()
    except ValueError:
        return path


def normalize_notebook(nb, *, name: str | None = None, root=None):
    """Return a byte-stable copy of an executed notebook, and its timing.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook; it is not changed.
    name : str, optional
        The name cell ids are derived from (default: the file name of
        papermill's recorded input path).
    root : path, optional
        When given, papermill's recorded input and output paths are written
        relative to it, so that the bytes do not depend on where the project
        lives.

    Returns
    -------
    nb : nbformat.NotebookNode
        The normalised copy.
    timing : dict
        What was removed: ``start_time``, ``end_time`` (ISO 8601 strings) and
        ``duration`` (seconds) of the notebook, and ``cells``, a list with one
        dict per cell that had timing: ``index`` (0-based position),
        ``id`` (the new cell id), ``start_time``, ``end_time``, ``duration``
        and ``execution`` (nbclient's message timestamps).
    """
    out = copy.deepcopy(nb)
    papermill = out.metadata.get("papermill", {})
    if name is None:
        name = Path(papermill.get("input_path") or "notebook.ipynb").name
    timing = {key: papermill.pop(key, None) for key in _TIMES}
    for key in ("input_path", "output_path"):
        if key in papermill:
            papermill[key] = _relative(papermill[key], root)
    timing["cells"] = []
    with_ids = (out.nbformat, out.nbformat_minor) >= (4, 5)
    for index, cell in enumerate(out.cells):
        if with_ids:
            cell["id"] = cell_id(name, index)
        cell_papermill = cell.metadata.get("papermill", {})
        removed = {key: cell_papermill.pop(key, None) for key in _TIMES}
        removed["execution"] = cell.metadata.pop("execution", None)
        if any(value is not None for value in removed.values()):
            timing["cells"].append({"index": index, "id": cell.get("id"), **removed})
        if cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(_without_pid(o)) for o in merge_streams(cell.outputs)]
    return out, timing


def normalize_file(path, *, name: str | None = None, root=None) -> dict:
    """Normalise the executed notebook at ``path`` in place; return its timing.

    See :func:`normalize_notebook` for the parameters and the timing.
    """
    nb = nbformat.read(os.fspath(path), as_version=4)
    normal, timing = normalize_notebook(nb, name=name, root=root)
    nbformat.write(normal, os.fspath(path))
    return timing
