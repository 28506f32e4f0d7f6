"""Many notebooks at once: no start-up race, every failure reported, progress events."""
from pathlib import Path

import nbformat
import pytest

from evaluation.run.engine import fork_server
from evaluation.run.parallel import Job, execute_many
from evaluation.exceptions import ExecutionError, ParameterError

FIXTURES = Path(__file__).parents[1] / "notebooks"
LIGHT = FIXTURES / "light.ipynb"


def _printed(path) -> str:
    return nbformat.read(path, 4).cells[-1].outputs[0].text


def _light_jobs(tmp_path, n) -> list[Job]:
    return [Job(LIGHT, tmp_path / f"light-{i}.ipynb", {"index": i}, name=f"light-{i}") for i in range(n)]


@pytest.mark.parametrize("engine", ["fastfork", "papermill"])
def test_twelve_notebooks_with_four_workers_all_succeed(engine, tmp_path):
    jobs = _light_jobs(tmp_path, 12)
    events = []
    results = execute_many(jobs, workers=4, engine=engine, timeout=120,
                           on_event=lambda kind, name, **info: events.append((kind, name, info["index"])))
    assert [r.status for r in results] == ["ok"] * 12
    assert [r.name for r in results] == [f"light-{i}" for i in range(12)]
    for i in range(12):
        # the notebook prints sum(range(index + 1)) = index * (index + 1) / 2
        assert _printed(tmp_path / f"light-{i}.ipynb") == f"{i * (i + 1) // 2}\n"
    assert sorted(e for e in events if e[0] == "start") == sorted(("start", f"light-{i}", i) for i in range(12))
    assert sorted(e for e in events if e[0] == "finish") == sorted(("finish", f"light-{i}", i) for i in range(12))
    for i in range(12):  # every job starts before it finishes
        assert events.index(("start", f"light-{i}", i)) < events.index(("finish", f"light-{i}", i))


def test_results_carry_timing_and_seconds(tmp_path):
    [result] = execute_many(_light_jobs(tmp_path, 1), workers=1)
    assert result.ok and result.error is None and result.seconds > 0
    assert set(result.timing) == {"start_time", "end_time", "duration", "cells"}
    assert result.timing["duration"] > 0
    # parameters, injected parameters and the print cell all ran
    assert [c["index"] for c in result.timing["cells"]] == [0, 1, 2]


def test_a_failure_stops_the_run_and_is_reported(tmp_path):
    failing = Job(FIXTURES / "raises.ipynb", tmp_path / "raises.ipynb", {"divisor": 0}, name="raises")
    events = []
    results = execute_many([failing, *_light_jobs(tmp_path, 3)], workers=1,
                           on_event=lambda kind, name, **info: events.append((kind, name)))
    assert [r.status for r in results] == ["failed", "skipped", "skipped", "skipped"]
    error = results[0].error
    assert isinstance(error, ExecutionError)
    assert (error.notebook, error.cell, error.error) == (str(FIXTURES / "raises.ipynb"), 4,
                                                         "ValueError: cannot divide by 0")
    assert events == [("start", "raises"), ("fail", "raises")]
    assert not (tmp_path / "light-0.ipynb").exists()


def test_without_fail_fast_every_job_runs(tmp_path):
    failing = Job(FIXTURES / "dies.ipynb", tmp_path / "dies.ipynb", name="dies")
    results = execute_many([failing, *_light_jobs(tmp_path, 2)], workers=2, timeout=60, fail_fast=False)
    assert [r.status for r in results] == ["failed", "ok", "ok"]
    assert results[0].error.error == "kernel died"


def test_a_failing_progress_callback_does_not_stop_the_run(tmp_path):
    def broken(kind, name, **info):
        raise RuntimeError("the bar broke")

    results = execute_many(_light_jobs(tmp_path, 2), workers=2, on_event=broken)
    assert [r.status for r in results] == ["ok", "ok"]


def test_uses_a_running_server_and_the_default_cwd(tmp_path):
    job = Job(FIXTURES / "environment.ipynb", tmp_path / "env.ipynb")
    with fork_server() as server:
        [result] = execute_many([job], workers=1, cwd=tmp_path)
        assert server.stats()["forked"] == 1
    assert result.ok
    assert nbformat.read(tmp_path / "env.ipynb", 4).cells[0].outputs[0].text == f"{tmp_path.resolve()}\nNone\n"


def test_bad_jobs_are_refused_before_anything_runs(tmp_path):
    good = Job(LIGHT, tmp_path / "a.ipynb")
    with pytest.raises(ParameterError, match="workers must be a positive integer"):
        execute_many([good], workers=0)
    with pytest.raises(ParameterError, match="engine must be one of"):
        execute_many([good], workers=1, engine="nbclient")
    with pytest.raises(ParameterError, match="no such notebook"):
        execute_many([good, Job(tmp_path / "missing.ipynb", tmp_path / "b.ipynb")], workers=1)
    with pytest.raises(ParameterError, match="same output notebook"):
        execute_many([good, Job(LIGHT, tmp_path / "a.ipynb")], workers=1)
    with pytest.raises(ParameterError, match="working directory does not exist"):
        execute_many([good], workers=1, cwd=tmp_path / "nowhere")
    assert not (tmp_path / "a.ipynb").exists()


def test_no_jobs_no_results():
    assert execute_many([], workers=2) == []
