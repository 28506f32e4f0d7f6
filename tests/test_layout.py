"""The package's layout stays true: one subpackage per stage, imports only downward.

Every ``import`` of every module of ``evaluation/`` is read with :mod:`ast`
(function-level imports too, so a lazy import cannot hide an upward one) and
resolved to the module it names.  The stages are ranked
plumbing < data < analysis < memo < run (``cli`` and ``__main__`` sit on top:
they drive every stage).  A module may import its own stage or one below,
never one above, and the graph of module imports has no circle.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from evaluation import config

PACKAGE = config.PROJECT_ROOT / "evaluation"
RANK = {"plumbing": 0, "data": 1, "analysis": 2, "memo": 3, "run": 4, "driver": 5}
DRIVERS = {"evaluation.cli", "evaluation.__main__"}
MAX_LINES = 420


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def stage(name: str) -> str:
    if name in DRIVERS:
        return "driver"
    parts = name.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in RANK) else "plumbing"


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules ``path`` imports (anywhere in the file)."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                root = ".".join(base + ([node.module] if node.module else []))
            else:
                root = node.module or ""
            targets = [f"{root}.{a.name}" if f"{root}.{a.name}" in known else root for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # ``evaluation.data.contract.Instrument`` -> its module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imported(name, path, known) for name, path in mods.items()}


def upward_imports(edges: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{a} ({stage(a)}) imports {b} ({stage(b)})"
        for a, targets in edges.items()
        for b in targets
        if b != "evaluation" and RANK[stage(b)] > RANK[stage(a)]
    )


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


# A package's ``__init__`` re-exports its own modules: an edge from a module
# to its own package's ``__init__`` (``from . import x``) is not a circle.
def without_package_inits(edges):
    return {a: {b for b in targets if not a.startswith(b + ".")} for a, targets in edges.items()}


def test_every_module_belongs_to_a_known_stage():
    assert {stage(m) for m in modules()} <= set(RANK)
    assert {"evaluation.data", "evaluation.analysis", "evaluation.memo", "evaluation.run"} <= set(modules())


def test_imports_run_downward_only():
    assert upward_imports(graph()) == []


def test_no_import_circle():
    assert cycles(without_package_inits(graph())) == []


def test_every_stage_says_what_it_owns():
    for name in ("data", "analysis", "memo", "run"):
        doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"evaluation/{name}/__init__.py needs a docstring on what it owns and imports"


def test_modules_stay_small():
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()}
    assert {n: s for n, s in sizes.items() if s > MAX_LINES} == {}


# ------------------------------------------------------------ the checker itself
def test_checker_catches_an_upward_import():
    edges = {"evaluation.analysis.stats": {"evaluation.memo.text"}, "evaluation.memo.text": set()}
    assert upward_imports(edges) == ["evaluation.analysis.stats (analysis) imports evaluation.memo.text (memo)"]


def test_checker_catches_plumbing_importing_a_stage():
    assert upward_imports({"evaluation.files": {"evaluation.data.contract"}}) != []


def test_checker_catches_a_circle():
    edges = {"evaluation.run.a": {"evaluation.run.b"}, "evaluation.run.b": {"evaluation.run.c"}, "evaluation.run.c": {"evaluation.run.a"}}
    assert cycles(edges) == [["evaluation.run.a", "evaluation.run.b", "evaluation.run.c"]]


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from ..memo import text\n", {"evaluation.memo.text"}),
        ("def f():\n    from ..run.plan import Job\n", {"evaluation.run.plan"}),
        ("import evaluation.memo.figures as f\n", {"evaluation.memo.figures"}),
        ("from . import stats\n", {"evaluation.analysis.stats"}),
    ],
)
def test_imports_are_resolved_including_lazy_ones(tmp_path, source, expected):
    path = tmp_path / "compare.py"
    path.write_text(source)
    known = {"evaluation", "evaluation.memo", "evaluation.memo.text", "evaluation.memo.figures", "evaluation.run",
             "evaluation.run.plan", "evaluation.analysis", "evaluation.analysis.stats"}
    assert imported("evaluation.analysis.compare", path, known) == expected
