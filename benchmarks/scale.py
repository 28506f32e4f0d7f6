"""Measure a large panel: peak memory of the run's process tree and the memo's size.

Use::

    .venv/bin/python benchmarks/scale.py                          # 1,000 municipalities x 3 rounds, no profiles
    .venv/bin/python benchmarks/scale.py --municipalities 300 --profiles

Generates a synthetic data folder (``evaluation synth``), runs ``evaluation
run --json`` on it into a fresh output folder, and prints the wall time,
the peak memory of the whole process tree and of its largest single process
(summed and single proportional set size, sampled every 50 ms, as
``benchmarks/run.py`` does), and the size of ``memo.html``.
Targets (issue: 1,000 municipalities x 3 rounds without profiles): peak
memory of the tree within 1.5 GB, ``memo.html`` under 5 MB.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BIN, PeakMemory, _pss_kb, _tree  # noqa: E402  (benchmarks/run.py)


class PeakPerProcess(PeakMemory):
    """Also keeps the largest proportional set size of any one process in the tree."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(pid, interval)
        self.single_kb = 0

    def _run(self):
        while not self._stop.is_set():
            sizes = [_pss_kb(p) for p in _tree(self.pid)]
            self.peak_kb = max(self.peak_kb, sum(sizes))
            self.single_kb = max(self.single_kb, max(sizes, default=0))
            self._stop.wait(self.interval)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--municipalities", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profiles", action="store_true", help="build the profiles too")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="evaluation-scale-") as tmp:
        tmp = Path(tmp)
        subprocess.run([str(BIN / "evaluation"), "synth", "--municipalities", str(args.municipalities),
                        "--rounds", str(args.rounds), "--seed", "1", "--out", str(tmp / "data")],
                       check=True, capture_output=True)
        cmd = [str(BIN / "evaluation"), "run", "--data", str(tmp / "data"), "--out", str(tmp / "out"), "--json",
               "--quiet", *([] if args.profiles else ["--no-profiles"]),
               *(["--jobs", str(args.jobs)] if args.jobs else [])]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with PeakPerProcess(proc.pid) as mem:
            out, err = proc.communicate()
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"the run failed ({proc.returncode}):\n{err[-3000:]}")
        result = json.loads(out)
        memo = Path(result["paths"]["memo"]["html"]).stat().st_size
        print(f"{args.municipalities} municipalities x {args.rounds} rounds, "
              f"{'with' if args.profiles else 'without'} profiles: "
              f"{len(result['notebooks']['executed'])} notebooks in {seconds:.1f} s; peak memory "
              f"{mem.peak_kb / 1024:.0f} MB (tree), {mem.single_kb / 1024:.0f} MB (largest process); "
              f"memo.html {memo / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
