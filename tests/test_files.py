"""Atomic writes: the target is replaced in one step or left as it was."""
import stat

import pytest

from evaluation.files import write_atomically, write_text_atomically


def test_text_is_written_byte_for_byte_and_the_folder_made(tmp_path):
    target = tmp_path / "new" / "note.txt"
    assert write_text_atomically(target, "æ\r\nb\n") == target
    assert target.read_bytes() == "æ\r\nb\n".encode("utf-8")
    assert [p.name for p in target.parent.iterdir()] == ["note.txt"]


def test_a_failed_write_leaves_the_target_and_no_temporary_file(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("old\n", encoding="utf-8")

    def half(tmp):
        tmp.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, half)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_the_file_gets_the_mode_of_a_plain_new_file(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("x", encoding="utf-8")
    written = write_text_atomically(tmp_path / "written.txt", "x")
    assert stat.S_IMODE(written.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
