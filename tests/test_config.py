"""Paths as outputs name them (evaluation.config.project_relative / project_path), and
which checkout's package a run's kernels import."""
import os
from pathlib import Path

import pytest

from evaluation import config
from evaluation.exceptions import ParameterError


def test_paths_inside_the_project_are_relative_to_its_root():
    assert config.project_relative(config.DATA_DIR) == "data"
    assert config.project_relative(config.OUTPUTS_DIR / "a_vs_b") == "outputs/a_vs_b"
    assert config.project_relative(config.PROJECT_ROOT) == "."


def test_a_path_outside_climbs_out_of_the_root():
    # A top-level folder the root is not in, from a root at depth d (e.g.
    # /work/main: d = 2), is d times ".." and then the folder.
    depth = len(config.PROJECT_ROOT.parts) - 1
    outside = Path(config.PROJECT_ROOT.anchor) / "not-the-project-root" / "x"
    assert config.project_relative(outside) == "../" * depth + "not-the-project-root/x"


def test_a_relative_path_is_taken_from_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    expected = Path(os.path.relpath(tmp_path / "out", config.PROJECT_ROOT)).as_posix()
    assert config.project_relative("out") == expected


def test_project_path_reads_relative_paths_from_the_root_and_round_trips():
    assert config.project_path("data") == config.DATA_DIR
    assert config.project_path("/abs/olute") == Path("/abs/olute")
    for path in (config.DATA_DIR / "rounds", Path("/tmp/elsewhere/out")):
        assert config.project_path(config.project_relative(path)).resolve() == path.resolve()


def test_kernels_are_pointed_at_this_checkouts_package(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    env = config.kernel_environment()
    assert env["PYTHONPATH"].split(os.pathsep) == [str(config.PROJECT_ROOT), "/elsewhere"]
    assert env[config.ROOT_VARIABLE] == str(config.PROJECT_ROOT)


def test_a_kernel_with_another_checkouts_package_refuses(monkeypatch, tmp_path):
    monkeypatch.setenv(config.ROOT_VARIABLE, str(tmp_path))
    with pytest.raises(ParameterError, match=f"fingerprinted the one of {tmp_path}"):
        config.check_kernel_package()
    monkeypatch.setenv(config.ROOT_VARIABLE, str(config.PROJECT_ROOT))
    config.check_kernel_package()  # the same checkout
    monkeypatch.delenv(config.ROOT_VARIABLE)
    config.check_kernel_package()  # not started by a run (JupyterLab)
