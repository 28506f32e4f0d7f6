"""``evaluation watch`` (evaluation.run.watch): a real watching process on a copy
of the bundled data, edited the way an evaluator edits it."""
from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from evaluation import config
from evaluation.run.publish import pair_lock
from evaluation.run.watch import settled
from run_processes import PATIENCE, files, finished, headless_env, processes_with, validate
from test_reliability import PAIR, WITH_NOTEBOOKS, _without_timing, notebooks_with

#: Runs the command line with the watched package source at argv[1] (a stand-in
#: for evaluation/, which a test must not edit) and the notebooks of argv[2].
WITH_SOURCES = (
    "import sys\n"
    "from pathlib import Path\n"
    "from evaluation import config\n"
    "from evaluation.run import watch\n"
    "watch.PACKAGE_DIR = Path(sys.argv[1])\n"
    "config.NOTEBOOKS_DIR = Path(sys.argv[2])\n"
    "from evaluation.cli import main\n"
    "sys.exit(main(sys.argv[3:]))\n"
)
FOLLOWUP = "opfoelgning-2019"


class Watching:
    """A running ``evaluation watch``: its JSON lines and its standard error, read as they come."""

    def __init__(self, cmd: list[str], env: dict, cwd: Path):
        self.env = env
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.results: list[dict] = []
        self.errors: list[str] = []
        self.readers = [threading.Thread(target=self._read, args=(self.proc.stdout, self.results, json.loads)),
                        threading.Thread(target=self._read, args=(self.proc.stderr, self.errors, str.rstrip))]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _read(stream, into: list, parse) -> None:
        for line in stream:
            into.append(parse(line))

    def until(self, condition, what: str):
        deadline = time.monotonic() + PATIENCE
        while not (found := condition()):
            assert self.proc.poll() is None, (what, self.errors)
            assert time.monotonic() < deadline, (what, self.errors)
            time.sleep(0.02)
        return found

    def result(self, index: int) -> dict:
        """The ``index``-th rebuild's JSON object (waits for it)."""
        self.until(lambda: len(self.results) > index, f"rebuild {index}")
        return validate(self.results[index])

    def settled(self) -> int:
        """How many rebuilds have reported (at least one: the first build)."""
        self.result(0)
        return len(self.results)

    def stop(self, signum=signal.SIGINT) -> int:
        self.proc.send_signal(signum)
        code = self.proc.wait(timeout=PATIENCE)
        for reader in self.readers:
            reader.join(timeout=PATIENCE)
        return code

    def server_pid(self) -> int:
        """The fork server: the watch's child that runs the server's loop."""
        return self.until(lambda: next((pid for pid, cmd in _children(self.proc.pid).items() if "loop.py" in cmd), None),
                          "the fork server")


def _children(pid: int) -> dict[int, str]:
    found = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found[int(entry)] = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            pass
    return found


def _reword_first_statement(data: Path, words: str) -> None:
    """Append ``words`` to the first statement of the follow-up round, written as csv writes it."""
    path = data / "rounds" / FOLLOWUP / "quotes.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][-1] = rows[1][-1].rstrip(".") + f" {words}."
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)



@pytest.fixture(scope="module")
def session(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("watch")
    data, out, package = tmp / "data", tmp / "out", tmp / "package"
    shutil.copytree(config.DATA_DIR, data, ignore=shutil.ignore_patterns("private"))
    package.mkdir()
    (package / "module.py").write_text("VALUE = 1\n", encoding="utf-8")
    env = headless_env(tmp)  # a home that cannot be written to; the tool's caches are given their own folder
    env["XDG_CACHE_HOME"] = str(tmp / "cache")  # (test_a_signal_during... runs with them in the output folder)
    env["EVALUATION_TEST_MARK"] = marker = f"watch-{os.getpid()}"
    notebooks = tmp / "notebooks"
    shutil.copytree(config.NOTEBOOKS_DIR, notebooks, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    cmd = [sys.executable, "-c", WITH_SOURCES, str(package), str(notebooks), "watch", "--no-profiles", "--data",
           str(data), "--out", str(out), "--json"]
    watching = Watching(cmd, env, tmp)
    watching.notebooks = notebooks
    yield watching, tmp, data, out, package, marker
    if watching.proc.poll() is None:
        watching.stop(signal.SIGTERM)


def test_watch_builds_then_rebuilds_one_statement_with_the_same_server_and_the_bytes_of_a_run(session):
    watching, tmp, data, out, _, _ = session
    first = watching.result(0)
    assert first["status"] == "built" and first["exit_code"] == 0 and first["error"] is None
    assert len(first["notebooks"]["executed"]) == 11 and first["paths"]["folder"] == str(out / PAIR)
    server = watching.server_pid()
    before = tmp / "before"
    shutil.copytree(out / PAIR, before)  # the publication the rebuild replaces

    _reword_first_statement(data, "i det daglige")
    second = watching.result(1)
    assert second["status"] == "built" and second["exit_code"] == 0
    assert len(second["notebooks"]["executed"]) == 1 and len(second["notebooks"]["reused"]) == 10
    line = watching.until(lambda: [e for e in watching.errors if " rebuilt in " in e], "the rebuild's line")[-1]
    assert f"executed {second['notebooks']['executed'][0]}; 10 reused" in line and str(out / PAIR / "memo.html") in line
    assert watching.server_pid() == server  # the same warm server, which forked every kernel
    assert not [e for e in watching.errors if "launching the kernel normally" in e or "start normally" in e]

    # 'evaluation run --force' replaces the same publication on the same data, in the same place.
    os.rename(out / PAIR, tmp / "watched")
    shutil.copytree(before, out / PAIR)
    rc = subprocess.run([sys.executable, "-c", WITH_NOTEBOOKS, str(watching.notebooks), "run", "--force", "--no-profiles", "--quiet", "--data",
                         str(data), "--out", str(out)], env=watching.env, cwd=tmp, stdin=subprocess.DEVNULL,
                        capture_output=True, text=True, timeout=PATIENCE)
    assert rc.returncode == 0, rc.stderr
    watched, forced = files(tmp / "watched"), files(out / PAIR)
    assert sorted(watched) == sorted(forced)
    assert [p for p in watched if p not in ("manifest.json", "run.log") and watched[p] != forced[p]] == []
    m1, m2 = json.loads(watched["manifest.json"]), json.loads(forced["manifest.json"])
    m1["files"].pop("run.log"), m2["files"].pop("run.log")
    assert _without_timing(m1) == _without_timing(m2)
    assert "Intet er ændret" not in watched["changes.html"].decode("utf-8")  # the edit shows in the change report


def test_invalid_data_publishes_nothing_prints_the_validate_error_and_a_fix_rebuilds(session):
    watching, tmp, data, out, _, _ = session
    before = files(out / PAIR)
    count = watching.settled()
    quotes = data / "rounds" / FOLLOWUP / "quotes.csv"
    good = quotes.read_text(encoding="utf-8")
    quotes.write_text(good + "L99,ledelsesforankring,Koordinator,Kommune Ø,Et udsagn fra en ukendt kommune.\n",
                      encoding="utf-8")
    refused = watching.result(count)
    assert refused["exit_code"] == 2 and refused["error"]["kind"] == "data"
    validate_cli = subprocess.run([sys.executable, "-m", "evaluation", "validate", "--data", str(data)], cwd=tmp,
                                  env=watching.env, capture_output=True, text=True, timeout=PATIENCE)
    assert validate_cli.returncode == 2 and "Kommune Ø" in validate_cli.stderr
    problem = validate_cli.stderr.strip().splitlines()[-1]  # file, row, column and value
    assert "quotes.csv" in problem and problem in watching.errors
    assert files(out / PAIR) == before  # nothing published
    assert not list((out / ".runs").iterdir())

    quotes.write_text(good, encoding="utf-8")
    _reword_first_statement(data, "hver uge")
    fixed = watching.result(count + 1)
    assert fixed["status"] == "built" and fixed["exit_code"] == 0 and len(fixed["notebooks"]["executed"]) == 1


def test_a_saved_notebook_is_rebuilt_and_a_failing_one_publishes_nothing(session):
    watching, tmp, data, out, _, _ = session
    count = watching.settled()
    before = files(out / PAIR)
    path = watching.notebooks / "06_centret.ipynb"
    good = path.read_text(encoding="utf-8")
    nb = nbformat.reads(good, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('a slip while editing')"))
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    failed = watching.result(count)
    assert failed["exit_code"] == 1 and failed["error"]["kind"] == "notebook"
    assert failed["error"]["notebook"] == str(path) and "a slip while editing" in failed["error"]["message"]
    assert files(out / PAIR) == before  # nothing published
    path.write_text(good, encoding="utf-8")
    back = watching.result(count + 1)  # the notebook as published: nothing to execute
    assert back["status"] == "up-to-date" and back["exit_code"] == 0


def test_a_rebuild_waits_for_the_lock_of_a_concurrent_run(session):
    watching, tmp, data, out, _, _ = session
    count = watching.settled()
    with pair_lock(out / f".{PAIR}.lock"):
        _reword_first_statement(data, "om morgenen")
        time.sleep(1.0)  # long enough to see a rebuild that did not wait
        assert len(watching.results) == count
    done = watching.result(count)
    assert done["status"] == "built" and len(done["notebooks"]["executed"]) == 1


def test_a_server_that_died_is_started_again_for_the_next_rebuild(session):
    watching, tmp, data, out, _, _ = session
    count = watching.settled()
    server = watching.server_pid()
    os.kill(server, signal.SIGKILL)
    _reword_first_statement(data, "hver gang")
    done = watching.result(count)
    assert done["status"] == "built" and len(done["notebooks"]["executed"]) == 1
    assert watching.server_pid() != server


def test_a_change_of_the_package_source_restarts_with_a_new_server(session):
    watching, tmp, data, out, package, _ = session
    count = watching.settled()
    server = watching.server_pid()
    (package / "module.py").write_text("VALUE = 2\n", encoding="utf-8")
    again = watching.result(count)  # the restarted command's first build: nothing changed in the data
    assert again["status"] == "up-to-date" and again["exit_code"] == 0
    assert any("module.py changed: starting again" in e for e in watching.errors)
    watching.until(lambda: any("restarted (" in e and "watching" in e for e in watching.errors), "the restarted line")
    assert watching.server_pid() != server
    assert watching.proc.poll() is None  # the same process, started again


def test_ctrl_c_stops_the_watch_cleanly(session):
    watching, tmp, data, out, _, marker = session
    watching.result(0)
    code = watching.stop(signal.SIGINT)  # after its last rebuild, whatever it does: warming up or waiting
    assert code == 0, watching.errors
    assert watching.errors[-1].endswith("stopped watching") and not any("Traceback" in e for e in watching.errors)
    assert processes_with(marker) == {}  # no server, no kernel
    assert os.listdir(tmp / "tmp") == []  # no socket folder, no connection file
    # (the failed notebook's partial run was removed by the next publication)
    assert os.listdir(out / ".runs") == [] and not (out / "failed" / PAIR).exists()


# ------------------------------------------------------------ small processes
def test_a_missing_data_folder_exits_2_as_run_does(tmp_path):
    env = headless_env(tmp_path)
    args = ["--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o"), "--json"]
    watched = subprocess.run([sys.executable, "-m", "evaluation", "watch", *args], env=env, cwd=tmp_path,
                             stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=PATIENCE)
    ran = subprocess.run([sys.executable, "-m", "evaluation", "run", *args], env=env, cwd=tmp_path,
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=PATIENCE)
    assert watched.returncode == ran.returncode == 2
    assert watched.stderr.splitlines()[0] == ran.stderr.splitlines()[0] and "nowhere" in watched.stderr
    result = validate(json.loads(watched.stdout))
    assert result["exit_code"] == 2 and result["error"]["problems"] == json.loads(ran.stdout)["error"]["problems"]


def test_a_signal_during_a_rebuild_stops_it_as_it_stops_a_run(tmp_path):
    started = tmp_path / "started"
    notebooks = notebooks_with(tmp_path, f"import pathlib, time\npathlib.Path({str(started)!r}).touch()\ntime.sleep(600)\n")
    env, out = headless_env(tmp_path), tmp_path / "o"
    env["EVALUATION_TEST_MARK"] = marker = f"watch-signal-{os.getpid()}"
    proc = subprocess.Popen([sys.executable, "-c", WITH_NOTEBOOKS, str(notebooks), "watch", "--out", str(out),
                             "--no-profiles"], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + PATIENCE
    while not started.exists():
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    rc, stdout, stderr = finished(proc)
    assert rc == 143, stderr
    lines = stderr.strip().splitlines()
    assert "terminated (SIGTERM)" in lines and lines[-1].endswith("stopped watching") and "Traceback" not in stderr
    assert "not rebuilt (exit 143)" in stdout
    assert (out / "failed" / PAIR / "run.log").is_file() and not (out / PAIR).exists()
    assert os.listdir(out / ".runs") == [] and os.listdir(tmp_path / "tmp") == []
    assert processes_with(marker) == {}


def test_a_closed_standard_output_stops_the_watch_as_ctrl_c_does(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, data, ignore=shutil.ignore_patterns("private"))
    env = headless_env(tmp_path)
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["EVALUATION_TEST_MARK"] = marker = f"watch-pipe-{os.getpid()}"
    proc = subprocess.Popen([sys.executable, "-m", "evaluation", "watch", "--no-profiles", "--data", str(data),
                             "--out", str(tmp_path / "o")], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert " rebuilt in " in proc.stdout.readline()  # the first build's line
    while "watching" not in proc.stderr.readline():
        assert proc.poll() is None
    proc.stdout.close()  # as `| head -1` does once it has its line
    _reword_first_statement(data, "i praksis")
    code = proc.wait(timeout=PATIENCE)
    stderr = proc.stderr.read()
    assert code == 0 and stderr.rstrip().endswith("stopped watching") and "Traceback" not in stderr, stderr
    assert processes_with(marker) == {} and os.listdir(tmp_path / "tmp") == []


# ------------------------------------------------------------ waiting for quiet
def _looks(signatures: list[dict]):
    """A ``look`` that returns the given signatures in turn (the last one from then on), and counts."""
    calls = []

    def look():
        calls.append(1)
        return signatures[min(len(calls) - 1, len(signatures) - 1)]
    return look, calls


def _signature(path: str, seconds_ago: float, size: int = 1) -> dict:
    touched = int((time.time() - seconds_ago) * 1e9)
    return {path: (1, size, touched, touched)}


def test_a_file_left_alone_long_enough_is_rebuilt_without_waiting():
    look, calls = _looks([])
    now = _signature("quotes.csv", seconds_ago=5)
    assert settled(look, {}, now) is now and calls == []


def test_a_file_written_again_while_waiting_is_waited_for_until_a_look_finds_nothing_new():
    # The second write's time lies ahead (a clock set back), so only a look can end the wait.
    first, second = _signature("quotes.csv", 0), _signature("quotes.csv", -10, size=2)
    look, calls = _looks([second, second])
    assert settled(look, {}, first) == second and len(calls) == 2


def test_a_removed_file_leaves_no_time_and_is_looked_at_again():
    before = _signature("old.csv", 5)
    look, calls = _looks([{}])
    assert settled(look, before, {}) == {} and calls == [1]


# ------------------------------------------------------------ the command line
def test_watch_refuses_the_options_it_has_no_use_for_and_answers_json_on_one_line(capsys):
    from evaluation.cli import main

    for args in (["--force"], ["--archive", "memo.zip"], ["--wait", "5"]):
        with pytest.raises(SystemExit) as info:
            main(["watch", *args])
        assert info.value.code == 2 and "unrecognized arguments" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["watch", "--json", "--jobs", "two"])
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 1 and validate(json.loads(out))["exit_code"] == 2
