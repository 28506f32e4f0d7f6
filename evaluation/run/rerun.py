"""Rerun one executed notebook and compare it with what was published.

``evaluation rerun NOTEBOOK [-p NAME VALUE]... [--out DIR]`` executes an
executed notebook again through papermill with the parameters it recorded,
each ``-p`` replacing one of them.  Papermill replaces *all* injected
parameters of a notebook it reruns (a name not given falls back to the
notebook's default), so the recorded ones are always passed in full.  The
rerun writes into a scratch folder (default ``outputs/rerun/<name>/``),
never into a publication, and reports every output as identical or
different: each code cell's outputs and each file the notebook wrote
(``tables/``, ``figures/``), with the first difference.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .. import config
from ..exceptions import ParameterError

__all__ = ["MARKER", "Outcome", "papermill_value", "rerun_parameters", "scratch_folder", "rerun", "compare_notebooks"]

#: The file that marks a folder as a rerun's scratch folder (and holds its result).
MARKER = "rerun.json"
_MANIFEST = "manifest.json"
_CONTEXT = 40


def papermill_value(text: str):
    """Read a ``-p`` value the way papermill's command line does.

    >>> [papermill_value(v) for v in ("True", "None", "3", "0.5", "beredskab")]
    [True, None, 3, 0.5, 'beredskab']
    """
    if text in ("True", "False"):
        return text == "True"
    if text == "None":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _executed(path: Path):
    import nbformat

    if not path.is_file():
        raise ParameterError(f"{path}: no such notebook (give an executed notebook, e.g. outputs/<pair>/notebooks/NAME.ipynb)")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises several kinds on a file that is not a notebook
        raise ParameterError(f"{path}: not a readable notebook ({type(exc).__name__}: {exc})") from None
    recorded = nb.metadata.get("papermill", {}).get("parameters")
    if not isinstance(recorded, dict):
        raise ParameterError(f"{path}: records no papermill parameters; not a notebook executed by 'evaluation run'")
    return nb


def rerun_parameters(nb, declared: dict, overrides: list[tuple[str, str]]) -> dict:
    """The recorded parameters of ``nb`` with ``overrides`` (name, text) merged in.

    ``declared`` maps the names of the notebook's parameters cell to anything.
    An unknown name, or ``output_dir`` (the scratch folder decides it), is refused.
    """
    recorded = dict(nb.metadata.papermill.parameters)
    valid = sorted(set(declared) | set(recorded))
    merged = dict(recorded)
    for name, text in overrides:
        if name == "output_dir":
            raise ParameterError("-p output_dir: a rerun writes into its scratch folder; choose it with --out DIR")
        if name not in valid:
            raise ParameterError(f"unknown parameter {name!r}; this notebook's parameters are: "
                                 f"{', '.join(v for v in valid if v != 'output_dir')}")
        merged[name] = papermill_value(text)
    return merged


def _inside_publication(folder: Path) -> Path | None:
    for candidate in [folder, *folder.parents]:
        if (candidate / _MANIFEST).is_file():
            return candidate
    return None


def scratch_folder(notebook: Path, out: str | None) -> Path:
    """The rerun's folder: ``--out`` or ``outputs/rerun/<name>``; refused inside a publication
    or when it holds anything but an earlier rerun."""
    folder = Path(out).resolve() if out else config.OUTPUTS_DIR / "rerun" / notebook.stem
    publication = _inside_publication(folder)
    if publication is not None:
        raise ParameterError(f"--out {folder}: inside the publication {publication}; a rerun never writes there")
    if folder.exists() and (not folder.is_dir() or (any(folder.iterdir()) and not (folder / MARKER).is_file())):
        raise ParameterError(f"--out {folder}: exists and is not an earlier rerun's folder (no {MARKER}); "
                             "give a new or empty folder")
    return folder


@dataclass
class Outcome:
    """One compared output: a cell's outputs or a written file."""

    what: str
    identical: bool
    difference: str = ""

    def line(self) -> str:
        return f"  {'identical' if self.identical else 'different'}  {self.what}" + \
            (f": {self.difference}" if self.difference else "")


@dataclass
class RerunResult:
    notebook: Path
    scratch: Path
    parameters: dict
    changed: dict
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return all(o.identical for o in self.outcomes)

    def lines(self) -> list[str]:
        params = ", ".join(f"{k}={v!r}" + (f" (recorded: {self.changed[k]!r})" if k in self.changed else "")
                           for k, v in sorted(self.parameters.items()))
        same = sum(o.identical for o in self.outcomes)
        return [f"rerun of {config.project_relative(self.notebook)}",
                f"  parameters: {params}",
                f"  wrote {config.project_relative(self.scratch / self.notebook.name)}",
                *[o.line() for o in self.outcomes],
                f"{'reproduced' if self.identical else 'NOT reproduced'}: {same} of {len(self.outcomes)} outputs "
                f"identical, {len(self.outcomes) - same} different"]


def _first_difference(a: str, b: str) -> str:
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    start = max(i - _CONTEXT // 2, 0)
    return (f"at character {i + 1}: published {a[start:i + _CONTEXT]!r}, rerun {b[start:i + _CONTEXT]!r}")


def _as_text(value) -> str:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _describe_outputs(a: list, b: list) -> str:
    if len(a) != len(b):
        return f"{len(a)} output(s) published, {len(b)} in the rerun"
    for k, (x, y) in enumerate(zip(a, b), start=1):
        if x == y:
            continue
        for key in sorted(set(x.get("data", {})) | set(y.get("data", {}))) or ["text"]:
            xs, ys = (_as_text(o.get("data", {}).get(key, o.get(key, ""))) for o in (x, y))
            if xs != ys:
                if key.startswith("image/") and "svg" not in key:
                    return f"output {k}, {key}: the images differ ({len(xs)} and {len(ys)} characters)"
                return f"output {k}, {key} {_first_difference(xs, ys)}"
        return f"output {k}: {_first_difference(json.dumps(x, sort_keys=True), json.dumps(y, sort_keys=True))}"
    return "the outputs differ"


def compare_notebooks(published, rerun_nb) -> list[Outcome]:
    """Compare every code cell's outputs (both notebooks normalised, cells in the same order)."""
    a = [c for c in published.cells if c.cell_type == "code"]
    b = [c for c in rerun_nb.cells if c.cell_type == "code"]

    def code(cells):  # the injected parameters are what a rerun may change
        return [c.source for c in cells if "injected-parameters" not in c.metadata.get("tags", [])]

    if code(a) != code(b) or len(a) != len(b):
        return [Outcome("cells", False, "the rerun's code cells differ from the published ones")]
    out = []
    for number, (x, y) in enumerate(zip(a, b), start=1):
        if not x.get("outputs") and not y.get("outputs"):
            continue
        what = f"cell {number} ({x.get('id', '?')})"
        same = x.outputs == y.outputs
        out.append(Outcome(what, same, "" if same else _describe_outputs(x.outputs, y.outputs)))
    return out


def _compare_files(published: Path, scratch: Path, rels: list[str]) -> list[Outcome]:
    out = []
    for rel in rels:
        a, b = published / rel, scratch / rel
        if not b.is_file() or not a.is_file():
            out.append(Outcome(rel, False, "missing in the rerun" if a.is_file() else "not in the publication"))
        elif a.read_bytes() == b.read_bytes():
            out.append(Outcome(rel, True))
        elif a.suffix in (".csv", ".svg", ".html", ".json"):
            out.append(Outcome(rel, False, _first_difference(a.read_text(encoding="utf-8", errors="replace"),
                                                             b.read_text(encoding="utf-8", errors="replace"))))
        else:
            out.append(Outcome(rel, False, f"the bytes differ ({a.stat().st_size} and {b.stat().st_size} bytes)"))
    return out


def _writes(nb) -> list[str]:
    return sorted({w for cell in nb.cells for o in cell.get("outputs", [])
                   for w in o.get("metadata", {}).get("evaluation", {}).get("writes", [])})


def rerun(notebook: str | Path, overrides: list[tuple[str, str]] = (), out: str | None = None, *,
          timeout: float | None = 300.0) -> RerunResult:
    """Rerun an executed notebook into a scratch folder and compare it with the published one."""
    import nbformat
    import papermill

    from .caches import use_tool_caches
    from .engine import execute
    from .kernelinfo import record_installed_kernel
    from .nbnormalize import normalize_notebook
    from .execution import SOURCE_DATE_EPOCH

    notebook = Path(notebook).resolve()
    published = _executed(notebook)
    parameters = rerun_parameters(published, papermill.inspect_notebook(str(notebook)), list(overrides))
    scratch = scratch_folder(notebook, out)
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    parameters["output_dir"] = config.project_relative(scratch)
    recorded = published.metadata.papermill.parameters
    changed = {k: recorded.get(k) for k, v in parameters.items() if k != "output_dir" and recorded.get(k) != v}
    use_tool_caches(scratch.parent)
    target = scratch / notebook.name
    execute(notebook, target, parameters, cwd=config.NOTEBOOKS_DIR, timeout=timeout, engine="papermill",
            env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
    fresh, _ = normalize_notebook(nbformat.read(target, as_version=4), name=notebook.stem, root=config.PROJECT_ROOT)
    record_installed_kernel(fresh)
    target.write_text(nbformat.writes(fresh) + "\n", encoding="utf-8")
    # Compared as if published where the original was: the folder names are the only expected difference.
    where = str(recorded.get("output_dir", ""))
    as_published = nbformat.reads(nbformat.writes(fresh).replace(parameters["output_dir"], where), as_version=4)
    result = RerunResult(notebook, scratch, parameters, changed)
    result.outcomes = compare_notebooks(published, as_published)
    # The notebook lies in <publication>/notebooks/, wherever the publication was copied to.
    result.outcomes += _compare_files(notebook.parent.parent, scratch, sorted(set(_writes(published)) | set(_writes(fresh))))
    (scratch / MARKER).write_text(json.dumps({
        "notebook": config.project_relative(notebook), "parameters": parameters, "changed": changed,
        "reproduced": result.identical,
        "outputs": [{"what": o.what, "identical": o.identical, "difference": o.difference} for o in result.outcomes],
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return result
