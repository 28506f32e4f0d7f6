"""Fingerprints of a run's inputs, computed without the heavy libraries.

A run re-executes a notebook only when one of its inputs changed: the
notebook's source, its parameters, the parts of the data it reads (its
*facets*), the package's own source, or the installed package versions.
This module reads the data folder with the standard library only (csv,
hashlib, yaml), so that an up-to-date rerun never imports pandas,
matplotlib or seaborn.

Facets
------
``file:<name>``
    a whole file at the top of the data folder (``municipalities.csv``, ...).
``rounds:<name>``
    that file of every round's folder (``rounds/<key>/plan_status.csv``, ...).
``responses:<item>``
    every round's answers to one item.
``responses:*``
    every answer to every item.
``quotes:<theme>``
    the statements of one theme in every round's ``quotes.csv`` (with their
    ids, when the file has them), in file order.
``holm:<baseline>/<followup>/<item>``
    what the comparison of the two rounds shows of Holm's family of
    parameters in the row of ``item`` (:func:`evaluation.run.family.holm_facet`):
    the family's size and the item's exact adjusted values, not every answer
    to every parameter.  A response file outside the contract makes it cover
    every answer to every parameter.
``narrative:<section>``
    one section of every round's ``narrative.md`` as written, with what the
    rest of that narrative tells a notebook: which sections have text (a
    required one that is empty makes the memo a draft) and whether any asks
    for a code count.  A notebook that shows one section is not executed
    again when another section's text changes.
``private:names``
    the optional private name map.

Columns are found by their header names (the data contract allows any
column order) and values are stripped, as the loaders do.
"""
from __future__ import annotations

import csv
import hashlib
import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import yaml

from .. import config
from ..sections import asks_for_code_counts, filled_sections, split_sections
from .family import holm_facet, pair_statistics
from .hashcache import digest

__all__ = [
    "sha256_file",
    "sha256_text",
    "DataFolder",
    "package_source_digest",
    "package_versions",
    "job_key",
    "TRACKED_PACKAGES",
]

TRACKED_PACKAGES = (
    "papermill", "nbclient", "nbconvert", "nbformat", "ipykernel", "jupyter_client",
    "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "pyyaml", "openpyxl",
    "mistune", "nh3", "pygments",
)


def _read_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes (remembered within a run, see :mod:`evaluation.run.hashcache`)."""
    return digest(Path(path), _read_sha256)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class DataFolder:
    """Light, read-only view of a data folder for planning a run."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @lru_cache(maxsize=None)
    def _yaml(self, name: str) -> dict:
        with open(self.path / name, encoding="utf-8") as fh:
            return yaml.safe_load(fh) or {}

    @property
    def round_keys(self) -> list[str]:
        return [str(r["key"]) for r in self._yaml("rounds.yml").get("rounds", [])]

    def items(self, kind: str) -> list[str]:
        return [str(i["key"]) for i in self._yaml("instrument.yml").get("items", []) if i.get("kind") == kind]

    def item_labels(self) -> dict[str, str]:
        """Item key -> its Danish label (the key where the label is missing)."""
        return {str(i["key"]): str(i.get("label") or i["key"]) for i in self._yaml("instrument.yml").get("items", [])}

    @lru_cache(maxsize=None)
    def municipalities(self) -> tuple[str, ...]:
        with open(self.path / "municipalities.csv", encoding="utf-8-sig", newline="") as fh:
            return tuple(row["municipality"].strip() for row in csv.DictReader(fh))

    def files(self) -> list[Path]:
        """Every input file of the folder, sorted (private files excluded)."""
        return sorted(
            p for p in self.path.rglob("*")
            if p.is_file() and config.PRIVATE_SUBDIR not in p.relative_to(self.path).parts
            and not p.name.startswith(".")
        )

    @lru_cache(maxsize=None)
    def _records(self, name: str, columns: tuple[str, ...]) -> tuple[tuple[str, ...], ...] | None:
        """The ``columns`` of every row of a data CSV, found by header name
        and stripped as the loaders strip them; blank rows skipped.

        ``None`` when the file is not a well-formed contract file (unreadable,
        a column missing, a row of the wrong length): the facet then covers
        the whole file, and validation reports the problem later.
        """
        try:
            with open(self.path / name, encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.reader(fh))
        except (OSError, UnicodeDecodeError, csv.Error):
            return None
        if not rows:
            return None
        header = [h.strip() for h in rows[0]]
        if any(header.count(c) != 1 for c in columns):
            return None
        index = [header.index(c) for c in columns]
        out = []
        for row in rows[1:]:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                return None
            out.append(tuple(row[i].strip() for i in index))
        return tuple(out)

    def _whole(self, path: Path) -> list[str]:
        return [path.relative_to(self.path).as_posix(), sha256_file(path) if path.exists() else "absent"]

    def _round_files(self, name: str) -> list[Path]:
        return sorted((self.path / config.ROUNDS_SUBDIR).glob(f"*/{name}"))

    def _responses(self, item: str) -> list:
        out = []
        for path in self._round_files("responses.csv"):
            records = self._records(path.relative_to(self.path).as_posix(), ("municipality", "item", "score"))
            if records is None:
                out.append(self._whole(path))
                continue
            out += [[path.parent.name, *r] for r in records if item == "*" or r[1] == item]
        # The loader sorts the answers itself, so the order of rows in a file
        # does not matter.
        return sorted(out)

    def _quotes(self, theme: str) -> list:
        out = []
        for path in self._round_files("quotes.csv"):
            name = path.relative_to(self.path).as_posix()
            # A statement's optional id links it to codings; with ids, they are part of the facet.
            records = self._records(name, ("theme", "role", "municipality", "text", "id"))
            records = records if records is not None else self._records(name, ("theme", "role", "municipality", "text"))
            if records is None:
                out.append(self._whole(path))
                continue
            # File order kept: quotes are shown in the order they are listed.
            out += [[path.parent.name, *r] for r in records if r[0] == theme]
        return out

    @lru_cache(maxsize=None)
    def _pair_statistics(self, baseline: str, followup: str) -> dict | None:
        """Every item's paired changes between two rounds (``None`` when a file is outside the contract)."""
        rows = [self._records(f"{config.ROUNDS_SUBDIR}/{key}/responses.csv", ("municipality", "item", "score"))
                for key in (baseline, followup)]
        if None in rows:
            return None
        try:
            scale = self._yaml("instrument.yml").get("scale", [])
            missing = frozenset(int(entry["code"]) for entry in scale if entry.get("missing"))
            return pair_statistics(*rows, missing)
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    def _narrative(self, section: str) -> list:
        out = []
        for path in self._round_files("narrative.md"):
            try:
                text = path.read_text(encoding="utf-8-sig")  # as the loader reads it
            except (OSError, UnicodeDecodeError):
                out.append(self._whole(path))
                continue
            body = split_sections(text).get(section, (0, None))[1]
            out.append([path.parent.name, body, filled_sections(text), asks_for_code_counts(text)])
        return out

    def _holm(self, pair_item: str) -> list:
        baseline, followup, item = pair_item.split("/", 2)
        statistics = self._pair_statistics(baseline, followup)
        if statistics is None:
            return ["every parameter", [self._responses(p) for p in self.items("parameter")]]
        return holm_facet(statistics, self.items("parameter"), item)

    @lru_cache(maxsize=None)
    def facet(self, name: str) -> str:
        """The digest of one facet (see the module docstring)."""
        kind, _, arg = name.partition(":")
        if kind == "file":
            path = self.path / arg
            return sha256_file(path) if path.exists() else "absent"
        if kind == "rounds":
            return sha256_text(json.dumps([self._whole(p) for p in self._round_files(arg)]))
        if kind == "private":
            path = self.path / config.PRIVATE_SUBDIR / "names.csv"
            return sha256_file(path) if path.exists() else "absent"
        if kind == "responses":
            return sha256_text(json.dumps(self._responses(arg)))
        if kind == "quotes":
            return sha256_text(json.dumps(self._quotes(arg)))
        if kind == "holm":
            return sha256_text(json.dumps(self._holm(arg)))
        if kind == "narrative":
            return sha256_text(json.dumps(self._narrative(arg)))
        raise ValueError(f"unknown facet {name!r}")


@lru_cache(maxsize=None)
def package_source_digest() -> str:
    """Digest of the package's own Python source (any edit reruns all)."""
    root = Path(__file__).resolve().parent.parent  # the whole package
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".tpl", ".j2", ".css", ".json") and "__pycache__" not in path.parts:
            h.update(path.relative_to(root).as_posix().encode())
            h.update(sha256_file(path).encode())
    return h.hexdigest()


@lru_cache(maxsize=None)
def package_versions() -> dict[str, str]:
    """Installed versions of the packages a run's results depend on."""
    out = {}
    for name in TRACKED_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


#: Files every notebook reads, whatever its facets: the instrument, the rounds,
#: and the list of municipalities, which every count of municipalities (the
#: narrative's placeholders, who took no part, whether a figure has a row per
#: municipality) is taken over.
SHARED_FACETS = frozenset({"file:instrument.yml", "file:rounds.yml", "file:municipalities.csv"})


def job_key(notebook: Path, parameters: dict, facets: list[str], data: DataFolder) -> str:
    """The cache key of one notebook execution: its facets and :data:`SHARED_FACETS`."""
    payload = {
        "notebook": sha256_file(notebook),
        "parameters": parameters,
        "facets": {f: data.facet(f) for f in sorted(set(facets) | SHARED_FACETS)},
        "package": package_source_digest(),
        "versions": package_versions(),
    }
    return sha256_text(json.dumps(payload, sort_keys=True, default=str))
