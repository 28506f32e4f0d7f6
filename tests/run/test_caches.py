"""The libraries' caches go to a folder the tool owns."""
from __future__ import annotations

import os

import pytest

from evaluation.run import caches
from evaluation.run.caches import CACHE_VARIABLES, cache_dir, use_tool_caches


@pytest.fixture(autouse=True)
def own_environment(monkeypatch):
    """use_tool_caches sets variables of this process: give each test a copy to set them in."""
    monkeypatch.setattr(os, "environ", os.environ.copy())


def test_the_platform_cache_folder_when_it_can_be_written(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir(tmp_path / "out") == tmp_path / "xdg" / "evaluation"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir(tmp_path / "out") == tmp_path / "home" / ".cache" / "evaluation"


def test_the_output_folder_when_the_home_cannot_be_written(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.write_text("", encoding="utf-8")  # a file: no folder can be made under it, not even by root
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(home))
    assert cache_dir(tmp_path / "out") == tmp_path / "out" / ".cache"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored, as the XDG spec says
    assert cache_dir(tmp_path / "out") == tmp_path / "out" / ".cache"


def test_unset_variables_are_set_and_the_users_own_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "mine"))
    monkeypatch.delenv("MPLCONFIGDIR", raising=False)
    calls = []
    monkeypatch.setattr(caches.subprocess, "run", lambda *a, **k: calls.append(a))
    chosen = use_tool_caches(tmp_path / "out")
    assert chosen == {"MPLCONFIGDIR": str(tmp_path / "xdg" / "evaluation" / "matplotlib")}
    assert os.environ["MPLCONFIGDIR"] == chosen["MPLCONFIGDIR"] and os.path.isdir(chosen["MPLCONFIGDIR"])
    assert os.environ["IPYTHONDIR"] == str(tmp_path / "mine")
    assert len(calls) == 1  # a fresh matplotlib folder gets its font list first
    assert set(CACHE_VARIABLES) == {"MPLCONFIGDIR", "IPYTHONDIR"}


def test_a_warm_cache_starts_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("MPLCONFIGDIR", raising=False)
    monkeypatch.delenv("IPYTHONDIR", raising=False)
    folder = tmp_path / "xdg" / "evaluation" / "matplotlib"
    folder.mkdir(parents=True)
    (folder / "fontlist-v390.json").write_text("{}", encoding="utf-8")
    calls = []
    monkeypatch.setattr(caches.subprocess, "run", lambda *a, **k: calls.append(a))
    assert set(use_tool_caches(tmp_path / "out")) == {"MPLCONFIGDIR", "IPYTHONDIR"}
    assert calls == []
