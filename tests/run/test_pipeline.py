"""End to end: the real notebooks executed by papermill, exported by nbconvert."""
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from evaluation import config
from evaluation.cli import main

PAIR = "opfoelgning-2019_vs_slutmaaling-2018"
CONTRACT_COMPARISON = ["item", "n_pairs", "mean_baseline", "mean_followup", "mean_change", "n_up", "n_same",
                       "n_down", "p_wilcoxon", "p_sign", "p_holm"]
CONTRACT_CEILING = ["item", "round", "n_valid", "share_top", "ceiling"]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_run_writes_every_artefact(bundled_run):
    f = bundled_run
    for name in ("memo.html", "index.html", "manifest.json"):
        assert (f / name).is_file()
    notebooks = sorted(p.stem for p in (f / "notebooks").glob("*.ipynb"))
    assert "02_konklusion" in notebooks and "04_parameter-kompetencer" in notebooks
    assert len([n for n in notebooks if n.startswith("profil-")]) == 10
    assert len(list((f / "profiles").glob("*.html"))) == 10
    pngs = {p.stem for p in (f / "figures").glob("figur-*.png")}
    svgs = {p.stem for p in (f / "figures").glob("figur-*.svg")}
    assert pngs == svgs and len(pngs) == 9  # every memo figure as PNG and SVG
    assert len(list((f / "figures").glob("profil-*.png"))) == 10


def test_the_longest_notebooks_start_first(bundled_run):
    # The run had no timings of its own: the method notebook, which runs every
    # test, starts first, and every memo part before any profile.
    started = [line.rsplit("started: ", 1)[1] for line in (bundled_run / "run.log").read_text().splitlines()
               if "started: " in line]
    # Jobs that start together (one per worker) may be logged in either order.
    workers = os.cpu_count() or 1
    assert len(started) == 21
    assert started.index("07_metode") < workers
    assert not any(name.startswith("profil-") for name in started[:11 - workers])
    assert all(name.startswith("profil-") for name in started[11 + workers:])


def test_tables_follow_the_contract(bundled_run):
    comparison = pd.read_csv(bundled_run / "tables" / "comparison.csv")
    assert list(comparison.columns[: len(CONTRACT_COMPARISON)]) == CONTRACT_COMPARISON or set(CONTRACT_COMPARISON) <= set(comparison.columns)
    assert len(comparison) == 5
    ceiling = pd.read_csv(bundled_run / "tables" / "ceiling.csv")
    assert set(CONTRACT_CEILING) <= set(ceiling.columns)
    assert len(ceiling) == 10  # 5 parameters x 2 rounds
    # Spec facts, read back from the published table: F6 and F4.
    row = comparison.set_index("item")
    assert row.loc["indsatser", "n_down"] == 3
    assert row.loc["kompetencer", "mean_change"] < 0
    assert row.loc["beredskab", "mean_change"] > 0


def test_manifest_records_inputs_parameters_versions_and_times(bundled_run):
    manifest = json.loads((bundled_run / "manifest.json").read_text())
    assert manifest["complete"] is True
    assert set(manifest["inputs"]) >= {"instrument.yml", "rounds.yml", "rounds/opfoelgning-2019/responses.csv"}
    entry = manifest["notebooks"]["04_parameter-beredskab"]
    assert entry["parameters"]["item"] == "beredskab"
    # Folders relative to the project root, never this machine's absolute paths.
    assert entry["parameters"]["output_dir"] == config.project_relative(bundled_run)
    assert not Path(entry["parameters"]["output_dir"]).is_absolute()
    assert entry["parameters"]["data_dir"] == manifest["data"] == "data"
    assert entry["seconds"] > 0
    assert "papermill" in manifest["package_versions"]
    assert manifest["git_commit"]


def test_executed_notebooks_show_published_paths_and_no_errors(bundled_run):
    nb = nbformat.read(bundled_run / "notebooks" / "02_konklusion.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and ".runs" not in injected[0].source
    assert f'output_dir = "{config.project_relative(bundled_run)}"' in injected[0].source
    # The notebooks read the run's snapshot of the data, published beside them.
    assert f'data_dir = "{config.project_relative(bundled_run)}/inputs"' in injected[0].source
    assert '= "/' not in injected[0].source  # no parameter is an absolute path
    assert str(config.PROJECT_ROOT) not in nbformat.writes(nb)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error"


def test_noop_rerun_executes_nothing_and_imports_nothing_heavy(bundled_run):
    code = (
        "import sys\n"
        "from evaluation.cli import main\n"
        f"rc = main(['run', '--out', {str(bundled_run.parent)!r}])\n"
        "heavy = [m for m in ('pandas', 'matplotlib', 'seaborn', 'scipy', 'nbconvert') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
        "sys.exit(rc)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=config.PROJECT_ROOT)
    assert res.returncode == 0, res.stderr
    assert "up to date" in res.stdout
    assert "HEAVY []" in res.stdout


def test_incremental_rerun_reexecutes_only_what_depends_on_the_change(data_copy, tmp_path):
    out = tmp_path / "out"
    assert main(["run", "--data", str(data_copy), "--out", str(out), "--no-profiles"]) == 0
    quotes = data_copy / "rounds" / "opfoelgning-2019" / "quotes.csv"
    text = quotes.read_text(encoding="utf-8")
    quotes.write_text(text.replace("to huller", "tre huller"), encoding="utf-8")
    from evaluation.run.pipeline import RunOptions, run

    result = run(RunOptions(data=data_copy, out=out, profiles=False, quiet=True))
    assert result["executed"] == ["04_parameter-beredskab"]
    memo = (out / PAIR / "memo.html").read_text(encoding="utf-8")
    assert "tre huller" in memo


def test_editing_one_narrative_section_executes_only_the_notebook_that_shows_it(data_copy, tmp_path):
    out = tmp_path / "out"
    from evaluation.run.pipeline import RunOptions, run

    run(RunOptions(data=data_copy, out=out, profiles=False, quiet=True))
    narrative = data_copy / "rounds" / "opfoelgning-2019" / "narrative.md"
    text = narrative.read_text(encoding="utf-8")
    assert "Udsagnene nedenfor er illustrative." in text
    narrative.write_text(text.replace("Udsagnene nedenfor er illustrative.", "Udsagnene nedenfor er eksempler."),
                         encoding="utf-8")
    result = run(RunOptions(data=data_copy, out=out, profiles=False, quiet=True))
    assert result["executed"] == ["06_centret"]
    memo = (out / PAIR / "memo.html").read_text(encoding="utf-8")
    assert "Udsagnene nedenfor er eksempler." in memo and "Udsagnene nedenfor er illustrative." not in memo


def test_a_count_in_the_narrative_follows_the_list_of_municipalities(data_copy, tmp_path):
    # The centre's chapter reads no answers, yet its narrative may count the municipalities.
    out = tmp_path / "out"
    narrative = data_copy / "rounds" / "opfoelgning-2019" / "narrative.md"
    text = narrative.read_text(encoding="utf-8")
    marker = "[[sec:centre]]\n"
    narrative.write_text(text.replace(marker, marker + "Programmet omfatter {{ n_municipalities.count }}.\n", 1),
                         encoding="utf-8")
    from evaluation.run.pipeline import RunOptions, run

    run(RunOptions(data=data_copy, out=out, profiles=False, quiet=True))
    assert "Programmet omfatter ti kommuner." in (out / PAIR / "memo.html").read_text(encoding="utf-8")
    with open(data_copy / "municipalities.csv", "a", encoding="utf-8") as fh:
        fh.write("Kommune K,false,false\n")
    result = run(RunOptions(data=data_copy, out=out, profiles=False, quiet=True))
    assert "06_centret" in result["executed"]
    assert "Programmet omfatter elleve kommuner." in (out / PAIR / "memo.html").read_text(encoding="utf-8")


def test_any_pair_of_rounds(tmp_path):
    out = tmp_path / "out"
    # The bundled 2018 round has no narrative of its own: a draft, never another round's words.
    assert main(["run", "--baseline", "udgangsmaaling-2017", "--followup", "slutmaaling-2018",
                 "--out", str(out), "--no-profiles", "--draft"]) == 0
    comparison = pd.read_csv(out / "slutmaaling-2018_vs_udgangsmaaling-2017" / "tables" / "comparison.csv")
    # F3: from the start to the end measurement every parameter's mean rose.
    assert (comparison["mean_change"] > 0).all()


def test_unknown_round_is_a_clear_error(tmp_path, capsys):
    assert main(["run", "--baseline", "runde-x", "--out", str(tmp_path / "o")]) == 2
    assert "runde-x" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def _copy_project(target: Path) -> Path:
    """A copy of the project's sources and data, as a second clone would have them."""
    shutil.copytree(config.PROJECT_ROOT, target, ignore=shutil.ignore_patterns(
        ".git", ".venv", "outputs", "__pycache__", "*.egg-info", ".pytest_cache", "private"))
    (target / "outputs").mkdir(exist_ok=True)
    return target


def _published(clone: Path) -> dict[str, bytes]:
    """Every published file of a clone's run; a Word file by its parts."""
    files = {}
    for rel, data in _files((clone / "outputs" / PAIR).resolve()).items():
        if rel.endswith(".docx"):
            with zipfile.ZipFile((clone / "outputs" / PAIR / rel)) as z:
                files.update({f"{rel}:{name}": z.read(name) for name in z.namelist()})
        files[rel] = data
    return files


def test_two_clones_in_different_folders_write_the_same_bytes(tmp_path):
    clones = [_copy_project(tmp_path / "a" / "evaluering"), _copy_project(tmp_path / "deeper" / "b" / "c" / "kopi")]
    for clone in clones:
        env = {**os.environ, "PYTHONPATH": str(clone)}
        res = subprocess.run([sys.executable, "-m", "evaluation", "run", "--municipality", "Kommune B", "--docx"],
                             cwd=clone, env=env, capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
        assert str(clone) in res.stdout  # it ran in that clone
    one, two = (_published(c) for c in clones)
    assert sorted(one) == sorted(two)
    assert {"memo.html", "memo.docx", "notebooks/02_konklusion.ipynb", "notebooks/02_konklusion.html"} <= set(one)
    differing = [rel for rel in one if one[rel] != two[rel]]
    # The manifest and the run log record times.
    assert sorted(differing) == ["manifest.json", "run.log"]
    manifests = [json.loads(files["manifest.json"]) for files in (one, two)]
    for manifest in manifests:
        manifest.pop("finished")
        manifest["files"].pop("run.log")  # the log's hash: it records times
        for entry in manifest["notebooks"].values():
            entry.pop("seconds"), entry.pop("timing")
    assert manifests[0] == manifests[1]
    assert manifests[0]["data"] == "data"
    # No output names either clone's folder or the folder above it.
    for clone, files in zip(clones, (one, two)):
        for rel, data in files.items():
            for folder in (clone, clone.parent):
                assert str(folder).encode() not in data, rel


def test_an_input_edited_while_the_run_waits_is_executed_not_reused(data_copy, tmp_path):
    """The run plans, then waits for the lock; an edit meanwhile reaches the
    snapshot, and the notebook it concerns is executed again, not taken from
    the previous publication under the new inputs' key."""
    import fcntl
    import time

    out = tmp_path / "out"
    assert main(["run", "--data", str(data_copy), "--out", str(out), "--no-profiles", "--quiet"]) == 0
    follow_up = data_copy / "rounds" / "opfoelgning-2019"
    quotes = follow_up / "quotes.csv"
    quotes.write_text(quotes.read_text(encoding="utf-8").replace("to huller", "tre huller"), encoding="utf-8")
    with open(out / f".{PAIR}.lock", "a+") as held, open(tmp_path / "err", "w") as err:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        proc = subprocess.Popen([sys.executable, "-m", "evaluation", "run", "--data", str(data_copy), "--out", str(out),
                                 "--no-profiles", "--json", "--wait", "600"], cwd=tmp_path, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=err, text=True)
        while "waiting up to" not in (tmp_path / "err").read_text(encoding="utf-8"):
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        # Meanwhile one answer to a context question changes: only its section reads it.
        answers = follow_up / "responses.csv"
        text = answers.read_text(encoding="utf-8")
        assert "Kommune A,radikalisering_udfordring,3\n" in text
        answers.write_text(text.replace("Kommune A,radikalisering_udfordring,3\n",
                                        "Kommune A,radikalisering_udfordring,1\n"), encoding="utf-8")
    stdout, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, (tmp_path / "err").read_text(encoding="utf-8")
    result = json.loads(stdout)
    assert sorted(result["notebooks"]["executed"]) == ["04_parameter-beredskab", "05_kontekst-radikalisering_udfordring"]
    published = out / PAIR / "inputs" / "rounds" / "opfoelgning-2019" / "responses.csv"
    assert published.read_bytes() == answers.read_bytes()
    # What is published is what its manifest says, so the next run is up to date.
    assert main(["run", "--data", str(data_copy), "--out", str(out), "--no-profiles", "--quiet"]) == 0
    assert main(["verify", str(out / PAIR)]) == 0
