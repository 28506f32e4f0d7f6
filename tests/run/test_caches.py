"""The libraries' caches go to a folder the tool owns."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from evaluation.run import caches
from evaluation.data.cache import CACHE_VARIABLE
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
    monkeypatch.delenv("EVALUATION_DATA_CACHE", raising=False)
    calls = []
    monkeypatch.setattr(caches.subprocess, "run", lambda *a, **k: calls.append(a))
    chosen = use_tool_caches(tmp_path / "out")
    assert chosen == {"MPLCONFIGDIR": str(tmp_path / "xdg" / "evaluation" / "matplotlib"),
                      "EVALUATION_DATA_CACHE": str(tmp_path / "xdg" / "evaluation" / "datasets")}
    assert os.environ["MPLCONFIGDIR"] == chosen["MPLCONFIGDIR"] and os.path.isdir(chosen["MPLCONFIGDIR"])
    assert os.environ["IPYTHONDIR"] == str(tmp_path / "mine")
    assert len(calls) == 1  # a fresh matplotlib folder gets its font list first
    assert set(CACHE_VARIABLES) == {"MPLCONFIGDIR", "IPYTHONDIR", CACHE_VARIABLE}


def test_a_warm_cache_starts_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("MPLCONFIGDIR", raising=False)
    monkeypatch.delenv("IPYTHONDIR", raising=False)
    monkeypatch.delenv("EVALUATION_DATA_CACHE", raising=False)
    folder = tmp_path / "xdg" / "evaluation" / "matplotlib"
    folder.mkdir(parents=True)
    (folder / "fontlist-v390.json").write_text("{}", encoding="utf-8")
    calls = []
    monkeypatch.setattr(caches.subprocess, "run", lambda *a, **k: calls.append(a))
    assert set(use_tool_caches(tmp_path / "out")) == set(CACHE_VARIABLES)
    assert calls == []


def test_the_data_cache_is_found_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.delenv("EVALUATION_DATA_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert caches.data_cache() == tmp_path / "xdg" / "evaluation" / "datasets"
    assert not (tmp_path / "xdg" / "evaluation" / "datasets").exists()  # made only when a copy is kept
    monkeypatch.setenv("EVALUATION_DATA_CACHE", str(tmp_path / "mine"))
    assert caches.data_cache() == tmp_path / "mine"
    monkeypatch.setenv("EVALUATION_DATA_CACHE", "relative")
    assert caches.data_cache() is None
    monkeypatch.delenv("EVALUATION_DATA_CACHE")
    home = tmp_path / "home"
    home.write_text("", encoding="utf-8")  # no folder can be made under a file
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(home))
    assert caches.data_cache() is None  # the run's kernels keep it under the output folder instead


def test_set_up_warms_the_font_list_where_runs_look_for_it(tmp_path):
    """``make`` runs ``python -m evaluation.run.caches``: afterwards a run
    finds matplotlib's font list and starts no child process for it."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    for name in CACHE_VARIABLES:
        env.pop(name, None)
    done = subprocess.run([sys.executable, "-m", "evaluation.run.caches"], env=env, capture_output=True,
                          text=True, check=True)
    folder = tmp_path / "xdg" / "evaluation" / "matplotlib"
    assert f"MPLCONFIGDIR={folder}" in done.stdout.splitlines()
    assert list(folder.glob("fontlist-*.json"))



def test_make_warms_the_caches_while_it_sets_up():
    from evaluation import config

    dry = subprocess.run(["make", "-n", "-B", "-C", str(config.PROJECT_ROOT), ".venv/.installed"],
                         capture_output=True, text=True, check=True)
    commands = dry.stdout.splitlines()
    install = next(i for i, line in enumerate(commands) if "pip install" in line and " -e ." in line)
    assert any("-m evaluation.run.caches" in line for line in commands[install:])
    assert any("-m compileall" in line and "evaluation" in line for line in commands[install:])
