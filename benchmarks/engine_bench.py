"""Wall time of notebook execution: fresh papermill kernels against the fastfork engine.

Use::

    .venv/bin/python benchmarks/engine_bench.py            # 12 notebooks
    .venv/bin/python benchmarks/engine_bench.py -n 24 --workers 2

Executes ``-n`` copies of ``tests/notebooks/plot.ipynb`` (imports pandas and
seaborn, prints, shows two tables and draws two figures), each with its own
parameter, three ways:

(a) plain ``papermill.execute_notebook``, one after the other, each in a
    fresh kernel (the baseline);
(b) :func:`evaluation.run.parallel.execute_many` with the ``fastfork`` engine and
    ``--workers`` workers, including the start of the fork server;
(c) the same with one worker, to separate the gain of forking from the gain
    of running notebooks side by side.

It prints the wall time of each, notebooks per second and the ratio (a)/(b).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import papermill

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluation.run.parallel import Job, execute_many  # noqa: E402

NOTEBOOK = ROOT / "tests" / "notebooks" / "plot.ipynb"


def plain_papermill(n: int, out: Path) -> float:
    start = time.perf_counter()
    for i in range(n):
        papermill.execute_notebook(
            str(NOTEBOOK), str(out / f"plain-{i}.ipynb"), parameters={"code": f"{i:03d}"},
            kernel_name="python3", progress_bar=False, cwd=str(ROOT),
        )
    return time.perf_counter() - start


def fastfork(n: int, out: Path, workers: int) -> float:
    jobs = [Job(NOTEBOOK, out / f"fork{workers}-{i}.ipynb", {"code": f"{i:03d}"}, ROOT) for i in range(n)]
    start = time.perf_counter()
    results = execute_many(jobs, workers=workers, engine="fastfork", timeout=120)
    seconds = time.perf_counter() - start
    failed = [r for r in results if not r.ok]
    if failed:
        raise SystemExit(f"{len(failed)} notebook(s) failed: {failed[0].error}")
    return seconds


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=12, help="notebooks per variant (default: 12)")
    parser.add_argument("--workers", type=int, default=2, help="workers of variant (b) (default: 2)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        plain = plain_papermill(args.n, out)
        fork = fastfork(args.n, out, args.workers)
        fork1 = fastfork(args.n, out, 1)
    rows = [
        ("(a) papermill, fresh kernels, sequential", plain),
        (f"(b) fastfork, {args.workers} workers", fork),
        ("(c) fastfork, 1 worker", fork1),
    ]
    print(f"{args.n} copies of {NOTEBOOK.relative_to(ROOT)}")
    for label, seconds in rows:
        print(f"{label:<44} {seconds:7.2f} s  {args.n / seconds:6.2f} notebooks/s")
    print(f"speed-up (a)/(b): {plain / fork:.2f}x   (a)/(c): {plain / fork1:.2f}x")


if __name__ == "__main__":
    main()
