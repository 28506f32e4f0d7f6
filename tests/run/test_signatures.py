"""File signatures of what ``evaluation watch`` watches (evaluation.run.signatures)."""
from __future__ import annotations

import os
import sys

from evaluation.run.signatures import Sources, changed, environment_signature, tree_signature


def test_tree_signature_sees_an_edit_of_the_same_size_and_ignores_editor_files(tmp_path):
    (tmp_path / "rounds" / "r").mkdir(parents=True)
    (tmp_path / "out").mkdir()
    quotes = tmp_path / "rounds" / "r" / "quotes.csv"
    quotes.write_text("a,b\n", encoding="utf-8")
    before = tree_signature(tmp_path, skip=(tmp_path / "out",))
    assert list(before) == [str(quotes)]
    for noise in (".quotes.csv.swp", "quotes.csv~", "#quotes.csv#"):
        (quotes.parent / noise).write_text("x", encoding="utf-8")
    (tmp_path / "out" / "memo.html").write_text("x", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "index").write_text("x", encoding="utf-8")
    assert tree_signature(tmp_path, skip=(tmp_path / "out",)) == before
    stamp = quotes.stat().st_mtime_ns
    quotes.write_text("a,c\n", encoding="utf-8")  # the same size
    os.utime(quotes, ns=(stamp + 1_000_000, stamp + 1_000_000))
    assert changed(before, tree_signature(tmp_path, skip=(tmp_path / "out",))) == [str(quotes)]
    quotes.unlink()
    assert changed(before, tree_signature(tmp_path, skip=(tmp_path / "out",))) == [str(quotes)]
    assert tree_signature(tmp_path / "missing") == {}


def test_the_environment_signature_sees_a_kernel_specification_added(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    (tmp_path / "kernels").mkdir()
    before = environment_signature()
    assert sys.executable in before and str(tmp_path / "kernels") in before
    (tmp_path / "kernels" / "other").mkdir()
    (tmp_path / "kernels" / "other" / "kernel.json").write_text("{}", encoding="utf-8")
    assert str(tmp_path / "kernels") in changed(before, environment_signature())


def test_sources_tell_inputs_from_code(tmp_path):
    data, package, out = tmp_path / "data", tmp_path / "package", tmp_path / "data" / "out"
    for folder in (data, package, out):
        folder.mkdir()
    (data / "rounds.yml").write_text("rounds: []\n", encoding="utf-8")
    (package / "module.py").write_text("X = 1\n", encoding="utf-8")
    (out / "memo.html").write_text("x", encoding="utf-8")
    sources = Sources(inputs=(data,), package=package, skip=(out,))
    assert list(sources.input_signature()) == [str(data / "rounds.yml")]  # not the output inside it
    code = sources.code_signature()
    assert str(package / "module.py") in code and sys.executable in code
    (package / "module.py").write_text("X = 22\n", encoding="utf-8")
    assert changed(code, sources.code_signature()) == [str(package / "module.py")]
    os.remove(package / "module.py")
    assert str(package / "module.py") not in sources.code_signature()
