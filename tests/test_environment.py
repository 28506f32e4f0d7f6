"""The three dependency lists agree: pyproject.toml, environment.yml, requirements.lock.

- pyproject's ``[project.dependencies]`` plus its ``test`` extra name the same
  packages with the same version bounds as environment.yml's conda list
  (python, pip and the ``pip: [-e .]`` entry aside);
- requirements.lock pins every one of them at a version inside its bounds.

Version bounds are compared with ``packaging`` when the venv has it, else with
a small parser of ``>=``, ``<=``, ``>``, ``<``, ``==`` and ``!=`` on dotted
numbers.
"""
from __future__ import annotations

import re
import tomllib

import pytest
import yaml

from evaluation.config import PROJECT_ROOT

try:
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version
except ImportError:  # pragma: no cover - packaging ships with pip's venvs
    SpecifierSet = Version = None

_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*?)\s*(;.*)?$")


def normalise(name: str) -> str:
    """PEP 503 name: lower case, runs of '-', '_', '.' as one '-'."""
    return re.sub(r"[-_.]+", "-", name).lower()


def split_requirement(text: str) -> tuple[str, str]:
    """'pandas>=2.2,<4' -> ('pandas', '>=2.2,<4'), the bounds without spaces."""
    match = _REQUIREMENT.match(text)
    assert match, f"cannot read requirement {text!r}"
    return normalise(match.group(1)), re.sub(r"\s+", "", match.group(3))


def conda_to_pep440(text: str) -> str:
    """Conda's fuzzy 'name=1.2' means '==1.2.*'; other bounds read the same."""
    match = re.match(r"^([A-Za-z0-9._-]+)=([^=<>!].*)$", text.strip())
    return f"{match.group(1)}=={match.group(2)}.*" if match else text


def _simple_version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text.split("+")[0])[:4])


def satisfies(version: str, bounds: str) -> bool:
    """Does ``version`` lie inside ``bounds`` (a comma-separated specifier)?"""
    if SpecifierSet is not None:
        return Version(version) in SpecifierSet(bounds)
    ops = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
           "<": lambda a, b: a < b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}
    have = _simple_version(version)
    for clause in filter(None, bounds.split(",")):
        op = next(o for o in (">=", "<=", "==", "!=", ">", "<") if clause.startswith(o))
        width = max(len(have), len(_simple_version(clause[len(op):])))
        pad = lambda v: v + (0,) * (width - len(v))  # noqa: E731
        if not ops[op](pad(have), pad(_simple_version(clause[len(op):]))):
            return False
    return True


def same_bounds(a: str, b: str) -> bool:
    if SpecifierSet is not None:
        return SpecifierSet(a) == SpecifierSet(b)
    return sorted(a.split(",")) == sorted(b.split(","))


@pytest.fixture(scope="module")
def pyproject() -> dict[str, str]:
    """Every dependency of pyproject.toml (core and the test extra): name -> bounds."""
    with open(PROJECT_ROOT / "pyproject.toml", "rb") as fh:
        project = tomllib.load(fh)["project"]
    entries = project["dependencies"] + project["optional-dependencies"]["test"]
    pairs = [split_requirement(e) for e in entries]
    names = [n for n, _ in pairs]
    assert len(names) == len(set(names)), "a dependency is listed twice in pyproject.toml"
    return dict(pairs)


@pytest.fixture(scope="module")
def environment() -> dict[str, str]:
    """The conda dependencies of environment.yml, python, pip and pip's list aside."""
    with open(PROJECT_ROOT / "environment.yml", encoding="utf-8") as fh:
        entries = yaml.safe_load(fh)["dependencies"]
    pairs = []
    for entry in entries:
        if isinstance(entry, dict):
            assert list(entry) == ["pip"] and entry["pip"] == ["-e ."], f"unexpected pip entry {entry!r}"
            continue
        name, bounds = split_requirement(conda_to_pep440(str(entry)))
        if name not in ("python", "pip"):
            pairs.append((name, bounds))
    names = [n for n, _ in pairs]
    assert len(names) == len(set(names)), "a dependency is listed twice in environment.yml"
    return dict(pairs)


@pytest.fixture(scope="module")
def lock() -> dict[str, str]:
    """requirements.lock: name -> pinned version."""
    pins = {}
    for line in (PROJECT_ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, version = line.partition("==")
        assert version, f"requirements.lock line is not an exact pin: {line!r}"
        assert normalise(name) not in pins, f"{name} is pinned twice"
        pins[normalise(name)] = version.strip()
    return pins


@pytest.mark.parametrize("with_packaging", [True, False], ids=["packaging", "simple-parser"])
def test_split_requirement_and_satisfies(with_packaging, monkeypatch):
    if not with_packaging:
        monkeypatch.setitem(globals(), "SpecifierSet", None)
    elif SpecifierSet is None:
        pytest.skip("packaging is not installed")
    # Expected values worked out by hand.
    assert split_requirement("PyYAML >= 6, < 7") == ("pyyaml", ">=6,<7")
    assert split_requirement("nbconvert>=7.17.1,<8") == ("nbconvert", ">=7.17.1,<8")
    assert conda_to_pep440("python=3.11") == "python==3.11.*" and conda_to_pep440("pip") == "pip"
    assert satisfies("7.17.2", ">=7.17.1,<8") and not satisfies("7.17.0", ">=7.17.1,<8")
    assert satisfies("0.15.0", ">=0.14,<0.16") and not satisfies("0.16.0", ">=0.14,<0.16")
    assert not satisfies("4.0", ">=3.1,<4") and satisfies("3.1.5", ">=3.1,<4")
    assert same_bounds(">=6,<7", "<7,>=6") and not same_bounds(">=6,<7", ">=6,<8")


def test_pyproject_and_environment_list_the_same_packages(pyproject, environment):
    assert sorted(pyproject) == sorted(environment)


def test_pyproject_and_environment_use_the_same_bounds(pyproject, environment):
    differ = {n: (pyproject[n], environment[n]) for n in pyproject if n in environment and not same_bounds(pyproject[n], environment[n])}
    assert differ == {}


def test_every_dependency_has_bounds(pyproject):
    assert [n for n, bounds in pyproject.items() if not bounds] == []


def test_environment_python_satisfies_requires_python():
    with open(PROJECT_ROOT / "pyproject.toml", "rb") as fh:
        requires = tomllib.load(fh)["project"]["requires-python"]
    with open(PROJECT_ROOT / "environment.yml", encoding="utf-8") as fh:
        entries = yaml.safe_load(fh)["dependencies"]
    python = [e for e in entries if isinstance(e, str) and re.match(r"^python\s*[=<>]", e)]
    assert len(python) == 1
    _, bounds = split_requirement(conda_to_pep440(python[0]))
    # The oldest version conda may pick: a fuzzy pin's release, or a range's lower bound.
    version = re.sub(r"^==|\.\*$", "", bounds.split(",")[0]).removeprefix(">=")
    assert satisfies(version, requires), (version, requires)


def _fake_python(tmp_path, version: str) -> str:
    """An executable that answers every call like a Python of ``version`` asked for its version."""
    fake = tmp_path / f"python-{version}"
    fake.write_text(f"#!/bin/sh\necho {version}\n", encoding="utf-8")
    fake.chmod(0o755)
    return str(fake)


@pytest.mark.parametrize("version, ok", [("3.11.2", False), ("3.11.4", False), ("3.11.5", True), ("3.12.0", True),
                                         ("3.10.12", False), ("3.13.1", True)])
def test_make_checks_the_interpreter_first_and_names_the_minimum(tmp_path, version, ok):
    import subprocess

    with open(PROJECT_ROOT / "pyproject.toml", "rb") as fh:
        minimum = tomllib.load(fh)["project"]["requires-python"].removeprefix(">=")
    res = subprocess.run(["make", "-s", "-C", str(PROJECT_ROOT), "check-python", f"PYTHON={_fake_python(tmp_path, version)}"],
                         capture_output=True, text=True)
    assert (res.returncode == 0) is ok, res
    if not ok:
        lines = res.stdout.strip().splitlines() + res.stderr.strip().splitlines()
        assert any(f"Python {minimum} or newer is needed" in line and version in line for line in lines), lines
    # The venv is set up only after the check: it is the recipe's first command.
    dry = subprocess.run(["make", "-n", "-B", "-C", str(PROJECT_ROOT), ".venv/.installed",
                          f"PYTHON={_fake_python(tmp_path, version)}"], capture_output=True, text=True)
    commands = [line for line in dry.stdout.splitlines() if not line.startswith("make")]
    assert "sort -V" in commands[0] and "-m venv" in commands[1], commands


def test_lock_pins_every_dependency_inside_its_bounds(pyproject, lock):
    missing = sorted(n for n in pyproject if n not in lock)
    assert missing == [], f"not pinned in requirements.lock: {missing}"
    outside = {n: (lock[n], bounds) for n, bounds in pyproject.items() if not satisfies(lock[n], bounds)}
    assert outside == {}, f"pinned outside the bounds of pyproject.toml: {outside}"
