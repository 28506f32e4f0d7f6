"""Remembered file hashes: read once, read again whenever the file may have changed."""
import hashlib
import json
import os
import time

import pytest

from evaluation.run import hashcache
from evaluation.run.hashcache import FILE_NAME, SETTLED_SECONDS, digest, remembered_hashes

OLD = time.time() - 3600  # an hour ago: long settled


class Reader:
    """A hash function that counts the files it reads."""

    def __init__(self):
        self.read: list[str] = []

    def __call__(self, path) -> str:
        self.read.append(os.path.basename(path))
        return hashlib.sha256(open(path, "rb").read()).hexdigest()


def settled_file(path, text: str, when: float = OLD):
    path.write_text(text, encoding="utf-8")
    os.utime(path, (when, when))
    return path


def test_without_a_block_every_file_is_read(tmp_path):
    reader, path = Reader(), settled_file(tmp_path / "a.csv", "1,2\n")
    assert digest(path, reader) == digest(path, reader) == hashlib.sha256(b"1,2\n").hexdigest()
    assert reader.read == ["a.csv", "a.csv"]


def test_a_settled_file_is_read_once_and_remembered_in_the_next_run(tmp_path):
    reader, path, cache = Reader(), settled_file(tmp_path / "a.csv", "1,2\n"), tmp_path / "cache"
    with remembered_hashes(cache):
        first = digest(path, reader)
        assert digest(path, reader) == first
    assert (cache / FILE_NAME).is_file()
    with remembered_hashes(cache):
        assert digest(path, reader) == first
    assert reader.read == ["a.csv"]


def test_a_file_edited_in_place_with_the_same_size_is_read_again(tmp_path):
    reader, path, cache = Reader(), settled_file(tmp_path / "a.csv", "1,2\n"), tmp_path / "cache"
    with remembered_hashes(cache):
        digest(path, reader)
    with open(path, "r+", encoding="utf-8") as fh:  # the same inode and size, a new modification time
        fh.write("3")
    with remembered_hashes(cache):
        assert digest(path, reader) == hashlib.sha256(b"3,2\n").hexdigest()
    assert reader.read == ["a.csv", "a.csv"]


def test_a_file_replaced_by_another_with_the_same_size_and_time_is_read_again(tmp_path):
    reader, path, cache = Reader(), settled_file(tmp_path / "a.csv", "1,2\n"), tmp_path / "cache"
    with remembered_hashes(cache):
        digest(path, reader)
    other = settled_file(tmp_path / "b.csv", "9,9\n")  # the same size and time, another inode
    os.replace(other, path)
    with remembered_hashes(cache):
        assert digest(path, reader) == hashlib.sha256(b"9,9\n").hexdigest()
    assert reader.read == ["a.csv", "a.csv"]


def test_a_new_file_on_a_reused_inode_with_the_same_size_and_time_is_read_again(tmp_path):
    reader, cache = Reader(), tmp_path / "cache"
    path = settled_file(tmp_path / "a.csv", "1,2\n")
    with remembered_hashes(cache):
        digest(path, reader)
    inode = path.stat().st_ino
    for attempt in range(50):  # file systems commonly hand the freed inode number to the next file
        path.unlink()
        settled_file(path, "9,9\n")
        if path.stat().st_ino == inode:
            break
    with remembered_hashes(cache):
        assert digest(path, reader) == hashlib.sha256(b"9,9\n").hexdigest()
    assert reader.read == ["a.csv", "a.csv"]


def test_a_file_modified_just_before_it_was_read_is_not_remembered(tmp_path):
    reader, cache = Reader(), tmp_path / "cache"
    path = settled_file(tmp_path / "a.csv", "1,2\n", when=time.time() - SETTLED_SECONDS / 4)
    with remembered_hashes(cache):
        digest(path, reader)
    with remembered_hashes(cache):
        digest(path, reader)
    assert reader.read == ["a.csv", "a.csv"]
    assert not (cache / FILE_NAME).exists()  # nothing was remembered, so nothing was written


def test_a_block_that_fails_keeps_nothing(tmp_path):
    reader, path, cache = Reader(), settled_file(tmp_path / "a.csv", "1,2\n"), tmp_path / "cache"
    with pytest.raises(RuntimeError), remembered_hashes(cache):
        digest(path, reader)
        raise RuntimeError("bad input")
    assert not (cache / FILE_NAME).exists()


def test_files_gone_or_changed_are_pruned_and_others_kept(tmp_path):
    reader, cache = Reader(), tmp_path / "cache"
    a, b, c = (settled_file(tmp_path / f"{n}.csv", n) for n in "abc")
    with remembered_hashes(cache):
        for path in (a, b, c):
            digest(path, reader)
    a.unlink()
    settled_file(b, "B", when=OLD + 1)
    d = settled_file(tmp_path / "d.csv", "d")
    with remembered_hashes(cache):  # reads d only: the others stay out of this run
        digest(d, reader)
    kept = json.loads((cache / FILE_NAME).read_text(encoding="utf-8"))["files"]
    assert sorted(os.path.basename(entry[4]) for entry in kept.values()) == ["c.csv", "d.csv"]


@pytest.mark.parametrize("damage", ["", "{", '{"version": 2, "files": []}', '{"version": 99, "files": {}}'])
def test_a_damaged_or_foreign_cache_file_is_ignored(tmp_path, damage):
    reader, path, cache = Reader(), settled_file(tmp_path / "a.csv", "1,2\n"), tmp_path / "cache"
    cache.mkdir()
    (cache / FILE_NAME).write_text(damage, encoding="utf-8")
    with remembered_hashes(cache):
        assert digest(path, reader) == hashlib.sha256(b"1,2\n").hexdigest()
    assert reader.read == ["a.csv"]


def test_blocks_nest_and_none_remembers_nothing(tmp_path):
    reader, path = Reader(), settled_file(tmp_path / "a.csv", "1,2\n")
    with remembered_hashes(None):
        digest(path, reader)
        digest(path, reader)
    assert reader.read == ["a.csv", "a.csv"] and hashcache._active == []
