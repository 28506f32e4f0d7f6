"""``evaluation run`` as automation runs it: headless, ``--json``, exit codes, copies.

The headless run goes as a CI job would start it: no terminal, ``CI=true``,
standard input from /dev/null, another working directory, a home that
cannot be written to (a file, so even root cannot), an empty temporary
folder of its own, and no cache variables.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from evaluation import config
from evaluation.cli import build_parser
from evaluation.exceptions import EXIT_CODES
from evaluation.run.result import LOG_FILE
from run_processes import PATIENCE, evaluation, files, finished, headless_env, processes_with, until, validate
from test_reliability import WITH_NOTEBOOKS, gated, notebooks_with

PAIR = "opfoelgning-2019_vs_slutmaaling-2018"


@pytest.fixture(scope="module")
def headless(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("headless")
    env, out, cwd = headless_env(tmp), tmp / "outputs", tmp / "elsewhere"
    cwd.mkdir()
    built = finished(evaluation(["run", "--out", str(out), "--no-profiles", "--json"], env, cwd))
    return tmp, env, out, cwd, built


def test_a_build_prints_one_json_object_and_nothing_else_on_stdout(headless):
    _, _, out, _, (code, stdout, stderr) = headless
    assert code == 0, stderr
    result = validate(json.loads(stdout))  # the whole of stdout is the object
    final = out / PAIR
    assert result["status"] == "built" and result["exit_code"] == 0 and result["draft"] is False
    assert result["paths"]["folder"] == str(final)
    assert result["paths"]["memo"] == {"html": str(final / "memo.html")}
    assert result["paths"]["index"] == str(final / "index.html")
    assert result["paths"]["log"] == str(final / LOG_FILE)
    assert len(result["paths"]["notebooks"]) == 11 == len(result["notebooks"]["executed"])
    assert str(final / "tables" / "comparison.csv") in result["paths"]["tables"]
    assert all(Path(p).is_file() for p in [result["paths"]["manifest"], *result["paths"]["figures"]])
    assert result["scope"]["subset"] is True and result["scope"]["profiles"] == []
    assert result["scope"]["complete"] is False and len(result["scope"]["profiles_missing"]) == 10


def test_the_manifest_records_status_draft_and_scope(headless):
    _, _, out, _, (_, stdout, _) = headless
    manifest = json.loads((out / PAIR / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "built" and manifest["draft"] is False
    assert manifest["scope"] == json.loads(stdout)["scope"]
    assert manifest["complete"] is False  # no profiles: not the whole publication


def test_a_read_only_home_costs_no_warnings_and_leaves_nothing_in_tmp(headless):
    tmp, _, out, cwd, (code, _, stderr) = headless
    assert code == 0
    noisy = [line for line in stderr.splitlines() if any(w in line.lower() for w in ("warn", "error", "not a writable"))]
    assert noisy == [], stderr
    assert sorted(os.listdir(tmp / "tmp")) == []
    assert list((out / ".cache" / "matplotlib").glob("fontlist-*.json")), "the caches went elsewhere"
    assert (out / ".cache" / "ipython").is_dir()
    assert sorted(p.name for p in cwd.iterdir()) == []
    assert sorted(p.name for p in (out / ".runs").iterdir()) == []
    assert not (out / "failed").exists()


def test_run_log_holds_the_console_lines_and_timings(headless):
    _, _, out, _, (_, _, stderr) = headless
    log = (out / PAIR / LOG_FILE).read_text(encoding="utf-8")
    for line in stderr.splitlines():
        if not line.startswith("wrote "):  # said after publishing
            assert line in log
    assert "notebook timings (seconds):" in log and "07_metode" in log.split("timings")[1]


def test_a_noop_reports_up_to_date_and_quiet_prints_nothing(headless):
    tmp, env, out, cwd, _ = headless
    code, stdout, stderr = finished(evaluation(["run", "--out", str(out), "--no-profiles", "--json"], env, cwd))
    result = validate(json.loads(stdout))
    assert code == 0 and result["status"] == "up-to-date" and result["notebooks"]["executed"] == []
    assert result["paths"]["folder"] == str(out / PAIR) and len(result["notebooks"]["reused"]) == 11
    assert finished(evaluation(["run", "--out", str(out), "--no-profiles", "--quiet"], env, cwd)) == (0, "", "")


def test_the_publication_is_a_folder_that_copies_and_archives_whole(headless):
    tmp, env, out, cwd, _ = headless
    final = out / PAIR
    assert final.is_dir() and not final.is_symlink()
    expected = files(final)
    with tarfile.open(tmp / "memo.tgz", "w:gz") as tar:
        tar.add(final, arcname=PAIR)  # what `tar czf memo.tgz outputs/<pair>` stores
    with tarfile.open(tmp / "memo.tgz") as tar:
        tar.extractall(tmp / "untar", filter="data")
    assert files(tmp / "untar" / PAIR) == expected
    shutil.copytree(final, tmp / "copy", symlinks=True)  # cp -r
    assert files(tmp / "copy") == expected
    archive = tmp / "memo.zip"
    code, stdout, _ = finished(evaluation(["run", "--out", str(out), "--no-profiles", "--json", "--archive",
                                           str(archive)], env, cwd))
    assert code == 0 and validate(json.loads(stdout))["paths"]["archive"] == str(archive)
    with zipfile.ZipFile(archive) as zf:
        assert {n: zf.read(n) for n in zf.namelist()} == {f"{PAIR}/{k}": v for k, v in expected.items()}


def test_bad_input_is_refused_with_json_and_nothing_written(tmp_path, data_copy):
    (data_copy / "rounds" / "opfoelgning-2019" / "responses.csv").write_text(
        "municipality,item,score\nKommune A,beredskab,9\n", encoding="utf-8")
    env = headless_env(tmp_path)
    code, stdout, stderr = finished(evaluation(["run", "--data", str(data_copy), "--out", str(tmp_path / "o"),
                                                "--json"], env, tmp_path))
    result = validate(json.loads(stdout))
    assert code == 2 and result["status"] == "refused" and result["error"]["kind"] == "data"
    assert result["error"]["problems"] and "responses.csv" in result["error"]["problems"][0]
    assert not (tmp_path / "o").exists() and "responses.csv" in stderr


def test_bad_input_stops_the_fork_server_started_while_validating(tmp_path, data_copy):
    # With a cache folder it can write, a run starts its fork server before it
    # validates; refusing the data must stop that server and leave nothing.
    (data_copy / "rounds" / "opfoelgning-2019" / "responses.csv").write_text(
        "municipality,item,score\nKommune A,beredskab,9\n", encoding="utf-8")
    env = headless_env(tmp_path)
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["EVALUATION_TEST_MARK"] = marker = f"early-server-{os.getpid()}"
    proc = evaluation(["run", "--data", str(data_copy), "--out", str(tmp_path / "o"), "--json"], env, tmp_path)
    server_seen = False
    while proc.poll() is None:
        server_seen = server_seen or any("loop.py" in cmd for cmd in processes_with(marker).values())
        time.sleep(0.01)
    code, stdout, stderr = finished(proc)
    assert code == 2 and validate(json.loads(stdout))["status"] == "refused", stderr
    assert server_seen  # it did start early
    assert processes_with(marker) == {}
    assert list((tmp_path / "tmp").iterdir()) == []  # no socket folder
    assert not (tmp_path / "o").exists()


def test_a_usage_error_still_gives_one_json_object(capsys):
    from evaluation.cli import main

    with pytest.raises(SystemExit) as info:
        main(["run", "--json", "--jobs", "many"])
    assert info.value.code == 2
    captured = capsys.readouterr()
    result = validate(json.loads(captured.out))
    assert result["status"] == "refused" and result["error"]["kind"] == "usage" and "--jobs" in captured.err


def test_help_lists_every_exit_code():
    text = build_parser()._subparsers._group_actions[0].choices["run"].format_help()
    lines = [line.strip() for line in text.splitlines()]
    table = lines[lines.index("exit codes:") + 1:]
    assert [line.split(None, 1) for line in table] == [[str(c), m] for c, m in EXIT_CODES.items()]


def test_readme_documents_every_exit_code():
    readme = (config.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| exit code |", 1)[1].split("\n\n", 1)[0]
    assert [row.split("|")[1].strip() for row in table.splitlines()[2:]] == [str(c) for c in EXIT_CODES]


# ------------------------------------------------------------- lock and --wait
def test_a_held_lock_exits_3_and_wait_gives_up_after_the_time(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    env = headless_env(tmp_path)
    with open(out / f".{PAIR}.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code, stdout, stderr = finished(evaluation(["run", "--out", str(out), "--no-profiles", "--json"], env, tmp_path))
        assert code == 3 and validate(json.loads(stdout))["error"]["kind"] == "lock"
        assert "--wait" in stderr
        code, stdout, stderr = finished(evaluation(["run", "--out", str(out), "--no-profiles", "--json", "--wait", "1"],
                                                   env, tmp_path))
        assert code == 3 and "waiting up to 1 s" in stderr and "waited 1 s" in stderr
    assert sorted(p.name for p in out.iterdir()) == [f".{PAIR}.lock"]


def test_wait_outlasts_a_concurrent_run_and_finds_its_output(tmp_path):
    """The second run waits for the first one's lock, then finds its output up to date."""
    started, gate = tmp_path / "started", tmp_path / "gate-open"
    notebooks = notebooks_with(tmp_path, gated(started, gate))
    env, out = headless_env(tmp_path), tmp_path / "o"
    first = evaluation(["run", "--out", str(out), "--no-profiles"], env, tmp_path, notebooks)
    try:
        while not started.exists():
            assert first.poll() is None, first.communicate()
            time.sleep(0.05)
        with open(tmp_path / "second.err", "w") as err:
            second = subprocess.Popen([sys.executable, "-c", WITH_NOTEBOOKS, str(notebooks), "run", "--out", str(out),
                                       "--no-profiles", "--json", "--wait", str(PATIENCE)], cwd=tmp_path, env=env,
                                      stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, text=True)
            while "waiting up to" not in (tmp_path / "second.err").read_text(encoding="utf-8"):
                assert second.poll() is None, second.communicate()
                time.sleep(0.05)
    finally:
        gate.touch()
    assert finished(first)[0] == 0
    stdout, _ = second.communicate(timeout=PATIENCE)
    result = validate(json.loads(stdout))
    assert second.returncode == 0 and result["status"] == "up-to-date", (tmp_path / "second.err").read_text()


# ------------------------------------------------ failures, timeouts, signals
@pytest.mark.parametrize("source, extra, code, kind", [
    ('raise RuntimeError("boom")', [], 1, "notebook"),
    ("import time\ntime.sleep(60)", ["--timeout", "1"], 124, "timeout"),
])
def test_a_failed_or_timed_out_notebook_has_its_own_exit_code_and_log(source, extra, code, kind, tmp_path):
    notebooks = notebooks_with(tmp_path, source)
    env, out = headless_env(tmp_path), tmp_path / "o"
    rc, stdout, stderr = finished(evaluation(["run", "--out", str(out), "--no-profiles", "--jobs", "1", "--json",
                                              *extra], env, tmp_path, notebooks))
    result = validate(json.loads(stdout))
    assert rc == code and result["exit_code"] == code and result["status"] == "failed", stderr
    assert result["error"]["kind"] == kind and result["error"]["cell"] == 3
    failed = out / "failed" / PAIR
    assert result["paths"]["folder"] == str(failed) and result["paths"]["log"] == str(failed / LOG_FILE)
    log = (failed / LOG_FILE).read_text(encoding="utf-8")
    assert "FAILED: 01_introduktion" in log and result["error"]["message"] in log
    assert not (out / PAIR).exists()


@pytest.mark.parametrize("signum, code, kind, line", [
    (signal.SIGINT, 130, "interrupted", "interrupted"),
    (signal.SIGTERM, 143, "terminated", "terminated (SIGTERM)"),
    (signal.SIGHUP, 129, "terminated", "hung up (SIGHUP)"),
])
def test_a_signal_ends_the_run_cleanly_with_its_exit_code(signum, code, kind, line, tmp_path):
    # Two notebooks run at once: 01 waits in its first cell, 02 is at work
    # (and its worker would write into the work folder) when the signal comes.
    started = tmp_path / "started"
    notebooks = notebooks_with(tmp_path, f"import pathlib, time\npathlib.Path({str(started)!r}).touch()\ntime.sleep(600)\n")
    env, out = headless_env(tmp_path), tmp_path / "o"
    env["EVALUATION_TEST_MARK"] = marker = f"signal-{signum}-{os.getpid()}"
    proc = evaluation(["run", "--out", str(out), "--no-profiles", "--jobs", "2", "--json"], env, tmp_path, notebooks)
    until(started.exists, proc)
    proc.send_signal(signum)
    rc, stdout, stderr = finished(proc)
    result = validate(json.loads(stdout))
    assert rc == code and result["exit_code"] == code and result["status"] == "failed", stderr
    assert result["error"]["kind"] == kind
    # One line says what happened: no traceback, nothing after it.
    assert "Traceback" not in stderr and stderr.strip().splitlines()[-1] == line, stderr
    failed = out / "failed" / PAIR
    assert not (out / PAIR).exists() and (failed / LOG_FILE).is_file()
    for notebook in (failed / "notebooks").glob("*.ipynb"):  # whatever was saved is whole
        json.loads(notebook.read_text(encoding="utf-8"))
    assert os.listdir(out / ".runs") == []  # no work folder
    assert os.listdir(tmp_path / "tmp") == []  # no fork-server socket
    assert processes_with(marker) == {}  # no fork server, no kernel


def test_a_signal_while_the_fork_server_starts_leaves_nothing(tmp_path):
    env, out = headless_env(tmp_path), tmp_path / "o"
    env["EVALUATION_TEST_MARK"] = marker = f"starting-{os.getpid()}"
    proc = evaluation(["run", "--out", str(out), "--no-profiles", "--jobs", "1"], env, tmp_path)
    until(lambda: any(p.startswith("evfork-") for p in os.listdir(tmp_path / "tmp")), proc)
    proc.send_signal(signal.SIGINT)  # the server is importing pandas and matplotlib now
    rc, stdout, stderr = finished(proc)
    assert rc == 130 and "Traceback" not in stderr and stderr.strip().splitlines()[-1] == "interrupted", stderr
    time.sleep(0.5)  # a server that outlived its caller would now write its status line
    runs = out / ".runs"  # the signal may come before the run makes its work folder (while it starts the server)
    assert os.listdir(tmp_path / "tmp") == [] and (not runs.exists() or os.listdir(runs) == [])
    assert processes_with(marker) == {}


def test_the_next_run_removes_what_a_killed_run_left(tmp_path):
    # SIGKILL cannot be handled: the run, its fork server and its kernels all
    # die at once and leave the work folder and the server's socket folder.
    started, gate = tmp_path / "started", tmp_path / "gate-open"
    notebooks = notebooks_with(tmp_path, gated(started, gate))
    env, out = headless_env(tmp_path), tmp_path / "o"
    env["EVALUATION_TEST_MARK"] = marker = f"killed-{os.getpid()}"
    args = ["run", "--out", str(out), "--no-profiles", "--jobs", "2"]
    proc = evaluation(args, env, tmp_path, notebooks)
    until(started.exists, proc)
    # The server and the kernels first, so that the server cannot clean up after its caller.
    for pid in sorted(processes_with(marker), key=lambda pid: pid == proc.pid):
        os.kill(pid, signal.SIGKILL)
    proc.communicate(timeout=PATIENCE)
    left = os.listdir(out / ".runs")
    assert [name.split(".")[:2] for name in left] == [[PAIR, str(proc.pid)]]
    # The fork server's socket folder, and the kernels' sockets and connection files.
    assert sorted(name.split("-")[:2] for name in os.listdir(tmp_path / "tmp")) == [["evfork", str(proc.pid)],
                                                                                   ["evk", str(proc.pid)]]
    gate.touch()
    rc, _, stderr = finished(evaluation(args, env, tmp_path, notebooks))
    assert rc == 0, stderr
    assert os.listdir(out / ".runs") == [] and os.listdir(tmp_path / "tmp") == []
    assert (out / PAIR / "memo.html").is_file() and processes_with(marker) == {}



def test_a_second_checkout_run_by_this_interpreter_has_kernels_import_its_own_package(tmp_path):
    # The interpreter (and its editable install) belongs to this checkout; the
    # command runs from a copy, which is what the run fingerprints.
    second = tmp_path / "second"
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "private")
    for part in ("evaluation", "notebooks", "data"):
        shutil.copytree(config.PROJECT_ROOT / part, second / part, ignore=ignore)
    notebooks_with(tmp_path, "import pathlib\nfrom evaluation import config\n"
                   "print('own package:', config.PROJECT_ROOT == pathlib.Path.cwd().parent)")
    shutil.rmtree(second / "notebooks")
    shutil.move(tmp_path / "notebooks", second / "notebooks")
    env = headless_env(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "evaluation", "run", "--out", str(tmp_path / "o"), "--no-profiles",
                             "--jobs", "2", "--json"], cwd=second, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    rc, stdout, stderr = finished(proc)
    assert rc == 0, stderr
    nb = json.loads((tmp_path / "o" / PAIR / "notebooks" / "01_introduktion.ipynb").read_text(encoding="utf-8"))
    printed = ["".join(o["text"]) for c in nb["cells"] if "own package" in "".join(c["source"]) for o in c["outputs"]]
    assert printed == ["own package: True\n"]



# ------------------------------------------------------------------ a full disk
def test_a_full_disk_in_a_kernel_is_named_and_leaves_nothing(tmp_path):
    # The cell fails as writing a figure fails on a full disk.
    notebooks = notebooks_with(tmp_path, "raise OSError(28, 'No space left on device', 'figures/figur-1.png')")
    env, out = headless_env(tmp_path), tmp_path / "o"
    rc, stdout, stderr = finished(evaluation(["run", "--out", str(out), "--no-profiles", "--jobs", "2", "--json"],
                                             env, tmp_path, notebooks))
    result = validate(json.loads(stdout))
    assert rc == 1 and result["status"] == "failed" and result["error"]["kind"] == "disk", stderr
    assert stderr.strip().splitlines()[-1].startswith(f"error: no space left on {out}: nothing was published")
    assert "Traceback" not in stderr
    # Nothing kept that would keep the disk full, or be cut off: no failed/, no work folder, no socket.
    # (.cache: the tool's caches, as the home cannot be written to.)
    assert sorted(set(os.listdir(out)) - {".cache"}) == sorted([".runs", f".{PAIR}.lock"]) and os.listdir(out / ".runs") == []
    assert os.listdir(tmp_path / "tmp") == []


def test_a_full_disk_while_exporting_keeps_the_publication_and_leaves_no_cut_off_file(headless, tmp_path, monkeypatch,
                                                                                      capsys):
    from evaluation.cli import main
    from evaluation.run import pipeline

    _, _, published, _, _ = headless
    out = tmp_path / "o"
    shutil.copytree(published, out, ignore=shutil.ignore_patterns(".runs", "failed"))
    before = files(out / PAIR)

    def full(work, final, manifest):  # --docx: the Word export finds the disk full half-way through a file
        (work / "memo.docx").write_bytes(b"PK\x03\x04 cut off")
        raise OSError(28, "No space left on device", str(work / "memo.docx"))

    monkeypatch.setattr(pipeline, "write_word_documents", full)
    assert main(["run", "--out", str(out), "--no-profiles", "--docx"]) == 1  # the notebooks are reused
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1].startswith(f"error: no space left on {out}: ") and "Traceback" not in err
    assert files(out / PAIR) == before  # the publication is untouched
    assert not (out / "failed").exists() and os.listdir(out / ".runs") == []
