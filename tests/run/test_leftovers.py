"""What killed runs leave behind (evaluation.run.leftovers): removed by the next run,
unless the run that made it is still alive.  The end-to-end case (a run killed
with SIGKILL, then the next run) is in tests/run/test_command.py."""
from __future__ import annotations

import os
import subprocess
import sys

from evaluation.run import leftovers


def dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def folder_with_a_file(path):
    path.mkdir(parents=True)
    (path / "file").write_text("x", encoding="utf-8")
    return path


def test_orphaned_work_is_removed_and_a_live_runs_work_kept(tmp_path):
    runs = tmp_path / leftovers.RUNS_SUBDIR
    dead = dead_pid()
    mine = [runs / f"b_vs_a.{dead}.aaaaaaaaaaaa", runs / f"b_vs_a.{os.getpid()}.eeeeeeeeeeee",
            runs / "b_vs_a.bbbbbbbbbbbb"]  # the held pair's: all orphans, whoever made them
    other_dead = runs / f"c_vs_b.{dead}.cccccccccccc"
    other_alive = runs / f"c_vs_b.{os.getpid()}.dddddddddddd"  # another pair's run that is still going
    other_unknown = runs / "c_vs_b.ffffffffffff"  # another pair's, of the earlier layout: only its lock could tell
    aside = tmp_path / ".b_vs_a.old-1234abcd"  # an old version set aside while publishing
    for folder in [*mine, other_dead, other_alive, other_unknown, aside]:
        folder_with_a_file(folder)
    removed = leftovers.remove_orphaned_work(tmp_path, "b_vs_a")
    assert sorted(removed) == sorted([*mine, other_dead, aside])
    assert sorted(p.name for p in runs.iterdir()) == sorted([other_alive.name, other_unknown.name])
    assert not aside.exists()
    assert leftovers.remove_orphaned_work(tmp_path / "nothing-here", "b_vs_a") == []


def test_the_socket_folders_of_dead_owners_are_removed(tmp_path):
    dead = folder_with_a_file(tmp_path / f"evfork-{dead_pid()}-abc_12")
    alive = folder_with_a_file(tmp_path / f"evfork-{os.getpid()}-def34")
    kernels = folder_with_a_file(tmp_path / f"evk-{dead_pid()}-x9")
    other = folder_with_a_file(tmp_path / "evfork-k85259dz")  # no owner in the name: not ours to judge
    assert sorted(leftovers.remove_orphaned_sockets(tmp_path)) == sorted([str(dead), str(kernels)])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, other.name])
    assert leftovers.remove_orphaned_sockets(tmp_path / "nothing-here") == []


def test_a_live_process_is_alive_and_a_reaped_one_is_not():
    assert leftovers.alive(os.getpid()) and not leftovers.alive(dead_pid())
