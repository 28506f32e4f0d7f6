"""Publishing: the folder exchange, the archive, the lock and its wait."""
from __future__ import annotations

import fcntl
import os
import threading
import time
import zipfile

import pytest

from evaluation.exceptions import LockError
from evaluation.run import publish
from evaluation.run.publish import pair_lock, publish_folder, write_archive


def folder_with(path, files: dict[str, str]):
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text, encoding="utf-8")
    return path


def contents(path) -> dict[str, str]:
    return {p.relative_to(path).as_posix(): p.read_text(encoding="utf-8") for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture(params=["exchange", "rename"])
def how(request, monkeypatch):
    """Both ways of publishing: one atomic exchange, and the two renames where a file system has none."""
    if request.param == "rename":
        monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    return request.param


def test_the_first_publication_is_a_plain_folder(tmp_path, how):
    work = folder_with(tmp_path / ".runs" / "pair.1", {"memo.html": "one"})
    publish_folder(work, tmp_path / "pair")
    assert (tmp_path / "pair").is_dir() and not (tmp_path / "pair").is_symlink()
    assert contents(tmp_path / "pair") == {"memo.html": "one"} and not work.exists()


def test_a_new_version_replaces_the_old_one_whole(tmp_path, how):
    final = tmp_path / "pair"
    publish_folder(folder_with(tmp_path / ".runs" / "pair.1", {"memo.html": "one", "old.csv": "x"}), final)
    publish_folder(folder_with(tmp_path / ".runs" / "pair.2", {"memo.html": "two"}), final)
    assert contents(final) == {"memo.html": "two"}
    assert sorted(os.listdir(tmp_path / ".runs")) == [] and sorted(os.listdir(tmp_path)) == [".runs", "pair"]


def test_a_link_of_the_earlier_layout_is_replaced_by_a_folder(tmp_path, how):
    old = folder_with(tmp_path / ".runs" / "pair.old", {"memo.html": "old"})
    os.symlink(os.path.relpath(old, tmp_path), tmp_path / "pair")
    publish_folder(folder_with(tmp_path / ".runs" / "pair.new", {"memo.html": "new"}), tmp_path / "pair")
    assert not (tmp_path / "pair").is_symlink() and contents(tmp_path / "pair") == {"memo.html": "new"}
    assert sorted(os.listdir(tmp_path / ".runs")) == []


def test_the_exchange_is_one_step(tmp_path):
    a, b = folder_with(tmp_path / "a", {"f": "a"}), folder_with(tmp_path / "b", {"f": "b"})
    if not publish._exchange(a, b):
        pytest.skip("this file system cannot exchange two names")
    assert contents(a) == {"f": "b"} and contents(b) == {"f": "a"}


def test_the_archive_holds_every_file_under_the_folders_name_and_is_reproducible(tmp_path):
    folder = folder_with(tmp_path / "pair", {"memo.html": "m", "profiles/kommune-a.html": "p", "tables/t.csv": "1"})
    first = write_archive(folder, tmp_path / "a.zip").read_bytes()
    os.utime(folder / "memo.html", (1e9, 1e9))
    assert write_archive(folder, tmp_path / "b.zip").read_bytes() == first
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        assert zf.namelist() == ["pair/memo.html", "pair/profiles/kommune-a.html", "pair/tables/t.csv"]
        assert zf.read("pair/profiles/kommune-a.html") == b"p"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.zip", "b.zip", "pair"]


def test_a_held_lock_is_refused_at_once_or_after_the_wait(tmp_path):
    path = tmp_path / ".pair.lock"
    with open(path, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(LockError, match="--wait SECONDS"):
            with pair_lock(path):
                pass
        said = []
        start = time.monotonic()
        with pytest.raises(LockError, match="waited 0.3 s"):
            with pair_lock(path, wait=0.3, on_wait=said.append):
                pass
        assert time.monotonic() - start >= 0.3  # it did wait (a lower bound, not a speed target)
        assert len(said) == 1 and "waiting up to 0.3 s" in said[0]


def test_a_lock_released_while_waiting_is_taken(tmp_path):
    path = tmp_path / ".pair.lock"
    held = open(path, "a+")
    fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    release = threading.Timer(0.3, held.close)
    release.start()
    try:
        with pair_lock(path, wait=600):
            assert path.read_text() == str(os.getpid())
    finally:
        release.cancel()
        held.close()


# ------------------------------------------------------ orphans of killed runs
def test_a_work_folder_names_its_owner(tmp_path):
    work = publish.new_work_folder(tmp_path, "b_vs_a")
    pair, pid, token = work.name.split(".")
    assert (pair, int(pid)) == ("b_vs_a", os.getpid()) and len(token) == 12
    assert (work / "notebooks").is_dir() and work.parent == tmp_path / publish.RUNS_SUBDIR


