"""Signals that stop a run (evaluation.run.signals): handled alike, never cutting
publishing short, and stopping kernels that were launched without the fork server."""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

from evaluation.exceptions import Terminated
from evaluation.run.signals import SIGNALS, stopped_by_signals, uninterrupted
from run_processes import finished, headless_env, processes_with, until, validate
from test_reliability import PAIR, notebooks_with


# ------------------------------------------------------------- the handlers
def test_each_signal_stops_with_its_exit_code_and_later_ones_are_ignored():
    before = {s: signal.getsignal(s) for s in SIGNALS}
    for signum, kind, code in [(signal.SIGINT, KeyboardInterrupt, 130), (signal.SIGTERM, Terminated, 143),
                               (signal.SIGHUP, Terminated, 129)]:
        with pytest.raises(KeyboardInterrupt) as info, stopped_by_signals():
            os.kill(os.getpid(), signum)
            pytest.fail("the signal did not stop the block")
        assert type(info.value) is kind and getattr(info.value, "exit_code", 130) == code
        assert {s: signal.getsignal(s) for s in SIGNALS} == before  # given back
    with stopped_by_signals():
        with pytest.raises(Terminated):
            os.kill(os.getpid(), signal.SIGTERM)
        # The clean-up after the first signal is not cut short by a second one.
        assert all(signal.getsignal(s) is signal.SIG_IGN for s in SIGNALS)
        os.kill(os.getpid(), signal.SIGINT)


def test_a_signal_ignored_before_stays_ignored():
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    try:
        with stopped_by_signals():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGHUP)
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_a_signal_inside_an_uninterrupted_block_takes_effect_when_it_ends():
    steps = []
    with pytest.raises(Terminated) as info, stopped_by_signals():
        with uninterrupted():
            steps.append("begun")
            os.kill(os.getpid(), signal.SIGTERM)
            steps.append("finished")  # still runs
        steps.append("after")  # does not
    assert steps == ["begun", "finished"] and info.value.exit_code == 143
    with pytest.raises(KeyboardInterrupt), stopped_by_signals():
        with uninterrupted():
            with uninterrupted():  # held by the outer block, raised as that ends
                os.kill(os.getpid(), signal.SIGINT)
            steps.append("outer finished")
    assert steps[-1] == "outer finished"


def test_an_error_inside_an_uninterrupted_block_is_not_hidden_by_a_held_signal():
    with pytest.raises(OSError, match="disk"), stopped_by_signals():
        with uninterrupted():
            os.kill(os.getpid(), signal.SIGTERM)
            raise OSError("disk")


# ------------------------------------------- a signal while publishing
@pytest.fixture(scope="module")
def stopped_while_publishing(tmp_path_factory):
    """A first run that receives SIGTERM the moment its folder is in place."""
    from evaluation.cli import main
    from evaluation.run import pipeline

    tmp = tmp_path_factory.mktemp("publishing")
    out, real = tmp / "o", pipeline.publish_folder

    def publish_folder(work, final):
        real(work, final)
        os.kill(os.getpid(), signal.SIGTERM)

    with pytest.MonkeyPatch.context() as mp, _captured() as streams:
        mp.setattr(pipeline, "publish_folder", publish_folder)
        code = main(["run", "--out", str(out), "--no-profiles", "--json"])
    return out, code, streams["out"].getvalue(), streams["err"].getvalue()


@contextlib.contextmanager
def _captured():
    """Standard output and error of an in-process run: read them as ``streams["out"].getvalue()``."""
    streams = {"out": io.StringIO(), "err": io.StringIO()}
    with contextlib.redirect_stdout(streams["out"]), contextlib.redirect_stderr(streams["err"]):
        yield streams


def _verified(folder) -> None:
    from evaluation.cli import main

    with _captured():
        assert main(["verify", str(folder)]) == 0  # every file is the one its manifest names


def test_a_signal_once_publishing_began_reports_the_whole_publication(stopped_while_publishing):
    out, code, stdout, stderr = stopped_while_publishing
    final = out / PAIR
    assert code == 143, stderr
    line = f"terminated (SIGTERM) after publishing {final}: the publication is complete"
    assert stderr.strip().splitlines()[-1] == line and "Traceback" not in stderr
    result = validate(json.loads(stdout))
    assert result["status"] == "built" and result["exit_code"] == 143 and result["paths"]["folder"] == str(final)
    assert result["error"]["kind"] == "terminated" and result["error"]["message"] == line
    _verified(final)
    assert os.listdir(out / ".runs") == [] and not (out / "failed").exists()


def test_a_signal_while_a_publication_is_replaced_lets_the_exchange_finish(stopped_while_publishing, tmp_path):
    from evaluation.cli import main
    from evaluation.run import publish

    out = tmp_path / "o"
    shutil.copytree(stopped_while_publishing[0], out, ignore=shutil.ignore_patterns(".runs", "failed"))
    real = publish._remove

    def remove(path, link_target):  # the new folder has taken the old one's place; the old one goes now
        os.kill(os.getpid(), signal.SIGINT)
        real(path, link_target)

    with pytest.MonkeyPatch.context() as mp, _captured() as streams:
        mp.setattr(publish, "_remove", remove)
        code = main(["run", "--out", str(out), "--no-profiles", "--docx"])  # the notebooks are reused
    stderr = streams["err"].getvalue()
    assert code == 130, stderr
    assert stderr.strip().splitlines()[-1] == f"interrupted after publishing {out / PAIR}: the publication is complete"
    assert (out / PAIR / "memo.docx").is_file()  # the new version
    _verified(out / PAIR)
    assert os.listdir(out / ".runs") == [] and not (out / "failed").exists()  # the old version is gone


# --------------------------------------- kernels launched without the fork server
#: Runs the command line with the notebooks of argv[1]; argv[2] chooses how the
#: kernels start without the fork server: "papermill" (papermill's own engine),
#: or "no-server" (a fork server that exits at once, so every kernel is launched normally).
WITHOUT_FORK_SERVER = (
    "import dataclasses, sys\n"
    "from pathlib import Path\n"
    "from evaluation import config\n"
    "config.NOTEBOOKS_DIR = Path(sys.argv[1])\n"
    "from evaluation.run import pipeline\n"
    "from evaluation.run.kernels import server\n"
    "if sys.argv[2] == 'papermill':\n"
    "    run = pipeline.run\n"
    "    pipeline.run = lambda opts, report=None: run(dataclasses.replace(opts, engine='papermill'), report)\n"
    "else:\n"
    "    server._BOOTSTRAP = 'import sys; sys.exit(1)'\n"
    "from evaluation.cli import main\n"
    "sys.exit(main(sys.argv[3:]))\n"
)


@pytest.mark.parametrize("kernels, signum, code, line", [
    ("papermill", signal.SIGINT, 130, "interrupted"),
    ("no-server", signal.SIGTERM, 143, "terminated (SIGTERM)"),
])
def test_a_signal_stops_kernels_launched_without_the_fork_server_at_once(kernels, signum, code, line, tmp_path):
    started = tmp_path / "started"
    # 01's cell would sleep ten minutes; 02 runs beside it.
    notebooks = notebooks_with(tmp_path, f"import pathlib, time\npathlib.Path({str(started)!r}).touch()\ntime.sleep(600)\n")
    env, out = headless_env(tmp_path), tmp_path / "o"
    env["EVALUATION_TEST_MARK"] = marker = f"fallback-{kernels}-{os.getpid()}"
    proc = subprocess.Popen([sys.executable, "-c", WITHOUT_FORK_SERVER, str(notebooks), kernels, "run", "--out", str(out),
                             "--no-profiles", "--jobs", "2", "--json"], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    until(started.exists, proc)
    kernels_running = {pid: cmd for pid, cmd in processes_with(marker).items() if "ipykernel" in cmd}
    assert kernels_running and not any("evfork" in cmd for cmd in processes_with(marker).values())
    proc.send_signal(signum)
    rc, stdout, stderr = finished(proc)  # within PATIENCE, far less than the cell's ten minutes
    result = validate(json.loads(stdout))
    assert rc == code and result["exit_code"] == code and result["status"] == "failed", stderr
    assert "Traceback" not in stderr and "Kernel died" not in stderr
    assert stderr.strip().splitlines()[-1] == line, stderr
    failed = out / "failed" / PAIR
    assert not (out / PAIR).exists() and (failed / "run.log").is_file()
    for notebook in (failed / "notebooks").glob("*.ipynb"):  # whatever was saved is whole
        json.loads(notebook.read_text(encoding="utf-8"))
    assert os.listdir(out / ".runs") == []  # no work folder
    assert os.listdir(tmp_path / "tmp") == []  # no kernel sockets or connection files
    assert processes_with(marker) == {}  # no kernel
