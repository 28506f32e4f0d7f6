"""The run's snapshot of its inputs (evaluation.run.inputs): copied before any
notebook starts, read by every notebook, hashed in the manifest, published as
``inputs/`` without the private name map."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time

import nbformat

from evaluation import config
from evaluation.run.fingerprint import DataFolder
from evaluation.run.inputs import INPUTS_SUBDIR, drop_private, input_hashes, snapshot_inputs
from test_reliability import PATIENCE, PAIR, WITH_NOTEBOOKS, gated, notebooks_with

FOLLOWUP = "rounds/opfoelgning-2019/responses.csv"


def test_the_snapshot_is_the_data_folder_without_hidden_files(data_copy, tmp_path):
    (data_copy / ".~lock.municipalities.csv#").write_text("editor lock", encoding="utf-8")
    (data_copy / "private").mkdir()
    (data_copy / "private" / "names.csv").write_text("municipality,name\nKommune A,Aby\n", encoding="utf-8")
    work = tmp_path / "work"
    snapshot = snapshot_inputs(data_copy, work)
    assert snapshot == work / INPUTS_SUBDIR
    assert input_hashes(DataFolder(snapshot)) == input_hashes(DataFolder(data_copy))
    assert not (snapshot / ".~lock.municipalities.csv#").exists()
    assert (snapshot / "private" / "names.csv").is_file()  # for the run's own profiles only
    drop_private(work)
    assert not (snapshot / "private").exists()
    # Independently: the hash of one file, by hashlib.
    expected = hashlib.sha256((data_copy / FOLLOWUP).read_bytes()).hexdigest()
    assert input_hashes(DataFolder(snapshot))[FOLLOWUP] == expected


def test_an_edit_during_the_run_changes_nothing_in_its_output(bundled_run, data_copy, tmp_path):
    # bundled_run: the same data, built without an edit.
    (data_copy / "private").mkdir()
    (data_copy / "private" / "names.csv").write_text("municipality,name\nKommune A,Aby\n", encoding="utf-8")
    before = {rel: (data_copy / rel).read_bytes() for rel in input_hashes(DataFolder(data_copy))}
    started, gate = tmp_path / "started", tmp_path / "gate-open"
    notebooks = notebooks_with(tmp_path, gated(started, gate))
    out = tmp_path / "o"
    proc = subprocess.Popen([sys.executable, "-c", WITH_NOTEBOOKS, str(notebooks), "run", "--data", str(data_copy),
                             "--out", str(out), "--no-profiles", "--jobs", "2"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not started.exists():
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    # Every answer of the follow-up becomes "ved ikke" while 01 waits and the others run.
    lines = (data_copy / FOLLOWUP).read_text(encoding="utf-8").splitlines()
    (data_copy / FOLLOWUP).write_text("\n".join([lines[0], *(l.rsplit(",", 1)[0] + ",0" for l in lines[1:])]) + "\n",
                                      encoding="utf-8")
    gate.touch()
    _, stderr = proc.communicate(timeout=PATIENCE)
    assert proc.returncode == 0, stderr
    published = out / PAIR
    inputs = published / INPUTS_SUBDIR
    # The snapshot is the data as the run began, the manifest hashes it, and nothing private is published.
    assert {rel: (inputs / rel).read_bytes() for rel in input_hashes(DataFolder(inputs))} == before
    manifest = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"] == input_hashes(DataFolder(inputs))
    assert not (inputs / "private").exists()
    # Every table is the one the unedited data give.
    for table in ("comparison.csv", "by_mode.csv", "trend.csv"):
        assert (published / "tables" / table).read_bytes() == (bundled_run / "tables" / table).read_bytes()
    # The notebooks read the snapshot, as their parameters show.
    nb = nbformat.read(published / "notebooks" / "02_konklusion.ipynb", as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert f'data_dir = "{config.project_relative(inputs)}"' in injected.source


def test_a_pair_before_the_last_round_is_up_to_date_until_one_of_its_inputs_changes(data_copy, tmp_path, capsys):
    from evaluation.cli import main

    out = tmp_path / "o"
    args = ["run", "--data", str(data_copy), "--out", str(out), "--baseline", "udgangsmaaling-2017",
            "--followup", "slutmaaling-2018", "--draft", "--no-profiles", "--json"]

    def run() -> dict:
        assert main(args) == 0
        return json.loads(capsys.readouterr().out)

    assert run()["status"] == "built"
    published = out / "slutmaaling-2018_vs_udgangsmaaling-2017"
    # The snapshot's rounds.yml is cut after the follow-up, so it differs from the data folder's;
    # the manifest records the published copy.
    listing = (published / INPUTS_SUBDIR / "rounds.yml").read_bytes()
    assert listing != (data_copy / "rounds.yml").read_bytes() and b"opfoelgning-2019" not in listing
    manifest = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["rounds.yml"] == hashlib.sha256(listing).hexdigest()
    second = run()
    assert second["status"] == "up-to-date" and second["notebooks"]["executed"] == []
    # A real edit of the pair's follow-up: one answer of Kommune A changes.
    answers = data_copy / "rounds" / "slutmaaling-2018" / "responses.csv"
    text = answers.read_text(encoding="utf-8")
    assert "Kommune A,indsatser,4\n" in text
    answers.write_text(text.replace("Kommune A,indsatser,4\n", "Kommune A,indsatser,3\n"), encoding="utf-8")
    third = run()
    assert third["status"] == "built" and "04_parameter-indsatser" in third["notebooks"]["executed"]
    assert (published / INPUTS_SUBDIR / "rounds" / "slutmaaling-2018" / "responses.csv").read_bytes() == answers.read_bytes()
    fourth = run()
    assert fourth["status"] == "up-to-date" and fourth["notebooks"]["executed"] == []
