"""Reliability of ``evaluation run``: failures publish nothing, one run at a
time per output, parallel kernels, byte-identical reruns, typed parameters.

Failures are provoked without touching the real notebooks: a copy of
``notebooks/`` gets one extra code cell right after the ``parameters`` cell
of ``01_introduktion`` and ``evaluation.config.NOTEBOOKS_DIR`` points at the
copy.  In the executed notebook that cell is code cell 3 (1: parameters,
2: papermill's injected parameters), the ``In [3]`` a reader sees.
"""
from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from evaluation import config
from evaluation.cli import main
from evaluation.run.publish import FAILED_SUBDIR, RUNS_SUBDIR
from evaluation.names import slug

PAIR = "opfoelgning-2019_vs_slutmaaling-2018"
MUNIS = [f"Kommune {c}" for c in "ABCDEFGHIJ"]
PARAMETERS = ["beredskab", "indsatser", "internt_samarbejde", "eksternt_samarbejde", "kompetencer"]
#: Runs the command line with ``config.NOTEBOOKS_DIR`` set to argv[1].
WITH_NOTEBOOKS = (
    "import sys\n"
    "from pathlib import Path\n"
    "from evaluation import config\n"
    "config.NOTEBOOKS_DIR = Path(sys.argv[1])\n"
    "from evaluation.cli import main\n"
    "sys.exit(main(sys.argv[2:]))\n"
)
#: Upper bound on waiting for the gated run to reach its gate (not a timing assertion).
PATIENCE = 600


# ------------------------------------------------------------------ helpers
def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links followed at the top only), as bytes."""
    folder = folder.resolve()
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def notebooks_with(tmp: Path, source: str, notebook: str = "01_introduktion.ipynb") -> Path:
    """A copy of the notebooks with ``source`` as a new cell after ``parameters``."""
    folder = tmp / "notebooks"
    shutil.copytree(config.NOTEBOOKS_DIR, folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    nb = nbformat.read(folder / notebook, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(source, id="provoked"))
    nbformat.write(nb, folder / notebook)
    return folder


def gated(started: Path, gate: Path) -> str:
    """Cell source that touches ``started``, then waits until ``gate`` exists."""
    return (
        "import pathlib, time\n"
        f"pathlib.Path({str(started)!r}).touch()\n"
        f"while not pathlib.Path({str(gate)!r}).exists():\n"
        "    time.sleep(0.05)\n"
    )


def injected(nb) -> dict:
    """The values of papermill's injected-parameters cell, evaluated."""
    cells = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    names: dict = {}
    exec(cells[0].source, {}, names)  # the cell holds only assignments of literals
    return names


def error_outputs(nb) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]


# --------------------------------------------- one run at a time per output
@pytest.fixture(scope="module")
def contested(tmp_path_factory):
    """A run held at a gate in a subprocess, and a second run started meanwhile.

    The first run's ``01_introduktion`` waits in its first cell until the
    test opens the gate, so the second run is certain to meet the lock.
    Returns the output folder (holding the first run's complete output),
    the second run's (exit code, stderr, whether the output folder changed)
    and the first run's (exit code, stderr).
    """
    tmp = tmp_path_factory.mktemp("contested")
    out = tmp / "outputs"
    started, gate = tmp / "started", tmp / "gate-open"
    folder = notebooks_with(tmp, gated(started, gate))
    first = subprocess.Popen([sys.executable, "-c", WITH_NOTEBOOKS, str(folder), "run", "--out", str(out),
                              "--no-profiles"], cwd=config.PROJECT_ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        waited = 0.0
        while not started.exists():
            if first.poll() is not None or waited > PATIENCE:
                pytest.fail(f"the first run never reached its gate: {first.communicate()}")
            time.sleep(0.05)
            waited += 0.05
        before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
        lock_bytes = (out / f".{PAIR}.lock").read_bytes()
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["run", "--out", str(out), "--no-profiles"])
        after = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
        # The first run's other notebooks go on meanwhile, inside its own work folder.
        own = f".runs/{PAIR}.{first.pid}."
        untouched = (all(p.startswith(own) for p in set(before) ^ set(after))
                     and (out / f".{PAIR}.lock").read_bytes() == lock_bytes)
        assert first.poll() is None, "the first run ended before the second one started"
    finally:
        gate.touch()
        _, first_err = first.communicate(timeout=PATIENCE)
    return out, (code, err.getvalue(), untouched), (first.returncode, first_err)


def test_a_second_run_on_the_same_output_is_refused_with_exit_code_3(contested):
    out, (code, err, untouched), _ = contested
    assert code == 3, err
    assert "another run is writing to" in err and str(out) in err and f".{PAIR}.lock" in err
    assert untouched, "the refused run wrote into the output folder"


def test_the_first_run_finishes_and_publishes(contested):
    out, _, (code, err) = contested
    assert code == 0, err
    assert (out / PAIR).is_dir() and not (out / PAIR).is_symlink() and (out / PAIR / "memo.html").is_file()
    manifest = json.loads((out / PAIR / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "built" and manifest["scope"]["subset"] is True


# ------------------------------------------------ failures publish nothing
FAILURES = {  # source, options, message, exit code
    "cell-error": ('raise RuntimeError("boom")', [], "RuntimeError: boom", 1),
    "cell-timeout": ("import time\ntime.sleep(60)", ["--timeout", "1"], "timed out after 1 s", 124),
    "kernel-death": ("import os\nos._exit(1)", [], "kernel died", 1),
}


@pytest.mark.parametrize("kind", list(FAILURES))
def test_a_failed_notebook_publishes_nothing_and_is_kept(kind, contested, tmp_path, monkeypatch, capsys):
    out = contested[0]
    assert contested[2][0] == 0, "no previous complete output to protect"
    source, extra, message, expected = FAILURES[kind]
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", notebooks_with(tmp_path, source))
    final = out / PAIR
    inode, before, versions = final.stat().st_ino, snapshot(final), sorted((out / RUNS_SUBDIR).iterdir())

    code = main(["run", "--out", str(out), "--no-profiles", "--jobs", "1", *extra])

    err = capsys.readouterr().err
    assert code == expected, err
    assert f"notebook failed: {config.NOTEBOOKS_DIR / '01_introduktion.ipynb'}, cell 3: {message}" in err
    assert final.stat().st_ino == inode, "the published folder was replaced"
    assert snapshot(final) == before, "the published output changed"
    assert sorted((out / RUNS_SUBDIR).iterdir()) == versions, "a new version was left in .runs"
    kept = out / FAILED_SUBDIR / PAIR / "notebooks" / "01_introduktion.ipynb"
    assert kept.is_file(), f"the partly executed notebook was not kept; stderr: {err}"
    assert str(out / FAILED_SUBDIR / PAIR) in err
    nb = nbformat.read(kept, as_version=4)
    provoked = next(c for c in nb.cells if c.source == source)
    # After a timeout the kernel adds its KeyboardInterrupt before the engine's mark.
    kinds = [o["output_type"] for o in provoked.outputs]
    assert kinds and set(kinds) == {"error"}
    later = nb.cells[nb.cells.index(provoked) + 1:]
    assert all(c.get("execution_count") is None for c in later if c.cell_type == "code")


# --------------------------------------------------- parallel, deterministic
@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    """Two full runs (21 notebooks, 8 at once) into the same output folder,
    the second with --force; every file's bytes after each."""
    out = tmp_path_factory.mktemp("twice") / "outputs"
    assert main(["run", "--out", str(out), "--jobs", "8"]) == 0
    first = snapshot(out / PAIR)
    assert main(["run", "--out", str(out), "--jobs", "8", "--force"]) == 0
    return out / PAIR, first, snapshot(out / PAIR)


def test_parallel_kernels_do_not_collide(twice):
    final, files, _ = twice
    manifest = json.loads(files["manifest.json"])
    names = sorted(manifest["notebooks"])
    expected = sorted(["01_introduktion", "02_konklusion", "03_planstatus", "05_kontekst-radikalisering_udfordring",
                       "06_centret", "07_metode", *[f"04_parameter-{p}" for p in PARAMETERS],
                       *[f"profil-{slug(m)}" for m in MUNIS]])
    assert names == expected and len(names) == 21
    for name in names:
        nb = nbformat.reads(files[f"notebooks/{name}.ipynb"].decode("utf-8"), as_version=4)
        assert error_outputs(nb) == [], name
        params = injected(nb)
        # Each kernel ran its own job: its parameters are the ones planned for it,
        # reading the run's snapshot of the inputs (published as inputs/).
        assert params == manifest["notebooks"][name]["parameters"] | {
            "output_dir": config.project_relative(final), "data_dir": config.project_relative(final / "inputs")}, name
        if name.startswith("04_parameter-"):
            assert params["item"] == name.removeprefix("04_parameter-")
        if name.startswith("profil-"):
            assert slug(params["municipality"]) == name.removeprefix("profil-")
    for muni in MUNIS:
        soup = BeautifulSoup(files[f"profiles/{slug(muni)}.html"], "html.parser")
        assert soup.find("h1").get_text(strip=True) == f"Profil: {muni}"
    figures = {p for p in files if p.startswith("figures/")}
    assert {f"figures/profil-{slug(m)}.png" for m in MUNIS} <= figures


def _without_timing(manifest: dict) -> dict:
    manifest = json.loads(json.dumps(manifest))
    # git_commit is left out too: others commit to the shared tree between runs.
    for key in ("finished", "git_commit"):
        manifest.pop(key)
    for entry in manifest["notebooks"].values():
        entry.pop("seconds")
        entry.pop("timing")
    return manifest


def test_two_forced_runs_give_identical_bytes(twice):
    _, first, second = twice
    first, second = dict(first), dict(second)
    # The second run replaced a publication, so it adds a change report (saying
    # that nothing changed) and the index links it; everything else is the same.
    report = second.pop("changes.html").decode("utf-8")
    assert "Intet er ændret siden den forrige offentliggørelse" in report
    index = second.pop("index.html").decode("utf-8").splitlines()
    assert [line for line in index if "changes.html" in line] != []
    assert [line for line in index if "changes.html" not in line] == first.pop("index.html").decode("utf-8").splitlines()
    assert sorted(first) == sorted(second)
    kinds = {Path(p).suffix for p in first}
    assert {".png", ".svg", ".csv", ".ipynb", ".html", ".json"} <= kinds
    differ = [p for p in first if p not in ("manifest.json", "run.log") and first[p] != second[p]]
    assert differ == []
    m1, m2 = json.loads(first["manifest.json"]), json.loads(second["manifest.json"])
    # Every file's hash is recorded; they differ where the files do (above).
    f1, f2 = m1.pop("files"), m2.pop("files")
    for rel in ("changes.html", "index.html", "run.log"):
        f1.pop(rel, None), f2.pop(rel, None)
    assert f1 == f2 and "notebooks/02_konklusion.ipynb" in f1
    assert _without_timing(m1) == _without_timing(m2)
    # The comparison is not vacuous: the second run did execute again.
    assert m1["notebooks"]["02_konklusion"]["timing"] != m2["notebooks"]["02_konklusion"]["timing"]


# ------------------------------------------------------ typed parameters
@pytest.fixture(scope="module")
def pseudonym_run(tmp_path_factory):
    """A run on data in which Kommune A is called "007" in every file."""
    tmp = tmp_path_factory.mktemp("pseudonym")
    data = tmp / "data"
    shutil.copytree(config.DATA_DIR, data, ignore=shutil.ignore_patterns("private"))
    for path in data.rglob("*.csv"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\bKommune A\b", "007", text), encoding="utf-8")
    assert "007,interview" in (data / "rounds" / "opfoelgning-2019" / "participation.csv").read_text(encoding="utf-8")
    out = tmp / "outputs"
    assert main(["run", "--data", str(data), "--out", str(out), "--municipality", "007"]) == 0
    return out / PAIR


def test_a_numeric_looking_pseudonym_stays_a_string(pseudonym_run):
    final = pseudonym_run
    nb = nbformat.read(final / "notebooks" / "profil-007.ipynb", as_version=4)
    params = injected(nb)
    assert params["municipality"] == "007" and isinstance(params["municipality"], str)
    assert params["show_name"] is False
    assert 'municipality = "007"' in next(c.source for c in nb.cells
                                          if "injected-parameters" in c.metadata.get("tags", []))
    manifest = json.loads((final / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["notebooks"]["profil-007"]["parameters"]["municipality"] == "007"
    soup = BeautifulSoup((final / "profiles" / "007.html").read_bytes(), "html.parser")
    assert soup.find("h1").get_text(strip=True) == "Profil: 007"
    assert "007" in soup.find("figure").find("img")["alt"]
    with open(final / "tables" / "item_beredskab.csv", encoding="utf-8", newline="") as fh:
        names = [row["municipality"] for row in csv.DictReader(fh)]
    assert names == ["007", *MUNIS[1:]]


def test_parameter_names_are_identifiers(pseudonym_run):
    manifest = json.loads((pseudonym_run / "manifest.json").read_text(encoding="utf-8"))
    for name, entry in manifest["notebooks"].items():
        assert all(key.isidentifier() for key in entry["parameters"]), name
        nb = nbformat.read(pseudonym_run / "notebooks" / f"{name}.ipynb", as_version=4)
        assert all(key.isidentifier() for key in injected(nb)), name
