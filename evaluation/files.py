"""Writing a file so that no reader ever sees half of it.

Every output the package writes (documents, tables, executed notebooks,
imported answers, PDFs and screenshots) goes through :func:`write_atomically`:
the content is written to a hidden sibling with a unique name, then moved
onto the target in one step.  On any failure the sibling is removed and the
target is left as it was.  The sibling is created by an ordinary ``open``, so
the file gets the mode the umask gives any other new file.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> write_text_atomically(folder / "a" / "note.txt", "hej\\n").read_text(encoding="utf-8")
'hej\\n'
>>> sorted(p.name for p in (folder / "a").iterdir())
['note.txt']
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path

__all__ = ["write_atomically", "write_text_atomically"]


def write_atomically(target: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` with a hidden sibling path of ``target``, then move
    that file onto ``target``; create ``target``'s folder if missing.

    Returns
    -------
    Path
        ``target``.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def write_text_atomically(target: str | os.PathLike, text: str) -> Path:
    """Write ``text`` as UTF-8, byte for byte (no line-end translation)."""
    return write_atomically(target, lambda tmp: tmp.write_bytes(text.encode("utf-8")))
