"""What changed since the last publication of a pair: inputs, table cells, sentences.

When a run replaces a published run of the same pair, :func:`compare_publications`
compares the two folders before the swap:

- ``inputs``: every input file whose hash differs between the two manifests
  (added and removed files too);
- ``cells``: every table cell (``tables/*.csv``, compared as the text the CSV
  holds) that differs, rows matched by the shortest run of leading columns
  that tells them apart in both versions (e.g. ``item``; ``item`` and
  ``round``), else by their position; added and removed rows and columns
  are listed with an empty side;
- ``sentences``: every sentence of the memo and of each profile that is not
  in the other version, paired old -> new where a passage was rewritten
  (the profiles only when neither publication showed real names).

Each is a tidy DataFrame; empty frames mean nothing changed there.
"""
from __future__ import annotations

import difflib
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from .publish import CHANGES

__all__ = ["CHANGES", "INPUT_COLUMNS", "CELL_COLUMNS", "SENTENCE_COLUMNS", "compare_publications", "write_change_report",
           "changed_inputs", "changed_cells", "changed_sentences", "sentences", "shows_names"]

INPUT_COLUMNS = ["file", "old_sha256", "new_sha256"]
CELL_COLUMNS = ["table", "row", "column", "old", "new"]
SENTENCE_COLUMNS = ["document", "old", "new"]
_BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "figcaption", "caption", "footer"})
# A sentence ends at . ! ? (or a closing » after one) followed by a space and a capital, digit or »;
# a decimal comma never ends one.
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\bfx\.)(?<!\bca\.)\s+(?=[A-ZÆØÅ0-9»])")


def changed_inputs(old_manifest: dict, new_manifest: dict) -> pd.DataFrame:
    """Input files whose SHA-256 differs between two manifests (empty where absent)."""
    old, new = old_manifest.get("inputs", {}), new_manifest.get("inputs", {})
    rows = [{"file": f, "old_sha256": old.get(f, ""), "new_sha256": new.get(f, "")}
            for f in sorted(set(old) | set(new)) if old.get(f) != new.get(f)]
    return pd.DataFrame(rows, columns=INPUT_COLUMNS)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _row_labels(old: pd.DataFrame, new: pd.DataFrame) -> tuple[list[str], list[str]]:
    """A label per row of each frame, the same label for the same row."""
    shared = [c for c in old.columns if c in new.columns]
    for width in range(1, min(3, len(shared)) + 1):
        keys = shared[:width]
        if not old.duplicated(keys).any() and not new.duplicated(keys).any():
            def label(frame):
                return [", ".join(f"{k}={v}" for k, v in zip(keys, row)) for row in frame[keys].itertuples(index=False)]
            return label(old), label(new)
    return [f"række {i + 1}" for i in range(len(old))], [f"række {i + 1}" for i in range(len(new))]


def _table_cells(name: str, old: pd.DataFrame | None, new: pd.DataFrame | None) -> list[dict]:
    if old is None or new is None:
        return [{"table": name, "row": "", "column": "", "old": "" if old is None else "tabel", "new": "" if new is None else "tabel"}]
    old_labels, new_labels = _row_labels(old, new)
    old_rows, new_rows = dict(zip(old_labels, old.to_dict("records"))), dict(zip(new_labels, new.to_dict("records")))
    rows = []
    for column in [c for c in old.columns if c not in new.columns] + [c for c in new.columns if c not in old.columns]:
        rows.append({"table": name, "row": "", "column": column, "old": "kolonne" if column in old else "",
                     "new": "kolonne" if column in new else ""})
    for label in dict.fromkeys(old_labels + new_labels):
        before, after = old_rows.get(label), new_rows.get(label)
        if before is None or after is None:
            rows.append({"table": name, "row": label, "column": "", "old": "række" if before else "",
                         "new": "række" if after else ""})
            continue
        rows += [{"table": name, "row": label, "column": c, "old": before[c], "new": after[c]}
                 for c in old.columns if c in after and before[c] != after[c]]
    return rows


def _same_file(old: Path, new: Path) -> bool:
    """Both exist with the same bytes (a file the new publication reused is
    the same file): nothing in it can have changed."""
    if not (old.is_file() and new.is_file()):
        return False
    return os.path.samefile(old, new) or (old.stat().st_size == new.stat().st_size
                                          and old.read_bytes() == new.read_bytes())


def changed_cells(old_folder: Path, new_folder: Path) -> pd.DataFrame:
    """Every table cell that differs between two publications' ``tables/*.csv``."""
    names = sorted({p.name for folder in (old_folder, new_folder) for p in (folder / "tables").glob("*.csv")})
    rows = []
    for name in names:
        old, new = (folder / "tables" / name for folder in (old_folder, new_folder))
        if _same_file(old, new):
            continue
        rows += _table_cells(f"tables/{name}", _read(old) if old.is_file() else None, _read(new) if new.is_file() else None)
    return pd.DataFrame(rows, columns=CELL_COLUMNS)


class _Blocks(HTMLParser):
    """The text of each block (paragraph, list item, heading, caption) inside <main>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._main = 0
        self._open: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self._main += 1
        elif tag in ("nav", "style", "script"):
            self._skip += 1
        elif tag in _BLOCKS and self._main and not self._skip:
            self._flush()
            self._open = []

    def handle_endtag(self, tag):
        if tag == "main":
            self._main -= 1
        elif tag in ("nav", "style", "script"):
            self._skip -= 1
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data):
        if self._open is not None and not self._skip:
            self._open.append(data)

    def _flush(self):
        if self._open is not None:
            text = " ".join("".join(self._open).split())
            if text:
                self.blocks.append(text)
        self._open = None


def sentences(html_text: str) -> list[str]:
    """The sentences of a document's main text, in order (block by block)."""
    parser = _Blocks()
    parser.feed(html_text)
    parser.close()
    parser._flush()
    return [s for block in parser.blocks for s in _SENTENCE_END.split(block) if s]


def _sentence_rows(document: str, old: list[str], new: list[str]) -> list[dict]:
    rows = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        before, after = old[a0:a1], new[b0:b1]
        for i in range(max(len(before), len(after))):
            rows.append({"document": document, "old": before[i] if i < len(before) else "",
                         "new": after[i] if i < len(after) else ""})
    return rows


def changed_sentences(old_folder: Path, new_folder: Path, *, profiles: bool = True) -> pd.DataFrame:
    """Every sentence of the memo (and, with ``profiles``, of each profile) that
    differs between two publications."""
    documents = sorted({p.relative_to(folder).as_posix() for folder in (old_folder, new_folder)
                        for p in [folder / "memo.html", *((folder / "profiles").glob("*.html") if profiles else ())]
                        if p.is_file()})
    rows = []
    for rel in documents:
        if _same_file(old_folder / rel, new_folder / rel):
            continue
        old, new = ((folder / rel).read_text(encoding="utf-8") if (folder / rel).is_file() else "" for folder in (old_folder, new_folder))
        rows += _sentence_rows(rel, sentences(old), sentences(new))
    return pd.DataFrame(rows, columns=SENTENCE_COLUMNS)


def shows_names(manifest: dict) -> bool:
    """Did a publication show real names (a profile run with ``--show-names``)?"""
    return any(entry.get("parameters", {}).get("show_name") for entry in manifest.get("notebooks", {}).values())


def compare_publications(old_folder: Path, new_folder: Path, old_manifest: dict, new_manifest: dict) -> dict[str, pd.DataFrame]:
    """``{"inputs": ..., "cells": ..., "sentences": ...}`` between two publications of a pair.

    The profiles' sentences are compared only when neither publication
    showed real names: a real name belongs in its own profile only, never
    in a report beside the memo.
    """
    profiles = not (shows_names(old_manifest) or shows_names(new_manifest))
    return {"inputs": changed_inputs(old_manifest, new_manifest),
            "cells": changed_cells(Path(old_folder), Path(new_folder)),
            "sentences": changed_sentences(Path(old_folder), Path(new_folder), profiles=profiles)}


def write_change_report(old_folder: Path, new_folder: Path, old_manifest: dict, new_manifest: dict) -> Path:
    """Compare a new publication (``new_folder``) with the one it replaces and
    write ``changes.html`` into the new one."""
    from ..memo.export import render_changes

    report = compare_publications(old_folder, new_folder, old_manifest, new_manifest)
    return render_changes(report, Path(new_folder) / CHANGES, title="Ændringer siden den forrige kørsel",
                          links=[("Oversigt", "index.html"), ("Notat", "memo.html")],
                          profiles=not (shows_names(old_manifest) or shows_names(new_manifest)))
