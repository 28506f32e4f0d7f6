"""Measure a large panel: peak memory of the run's process tree and the memo's size.

Use::

    .venv/bin/python benchmarks/scale.py                          # 1,000 municipalities x 3 rounds, no profiles
    .venv/bin/python benchmarks/scale.py --municipalities 300 --profiles

Generates a synthetic data folder (``evaluation synth``), runs ``evaluation
run --json`` on it into a fresh output folder, and prints the wall time, the
machine's load average, the size of ``memo.html`` and the run's peak memory:

- *tree PSS*: the largest sum, over the run process and all its descendants
  (the kernel fork server and every kernel), of each process's proportional
  set size, sampled every 50 ms from ``/proc/<pid>/smaps_rollup``. Pages a
  forked kernel still shares with the fork server count once, so this is the
  memory the run takes from the machine;
- *tree RSS*: the same sum of resident set sizes, counting shared pages once
  per process (an upper bound);
- *largest process*: the peak resident set size of the single largest
  process, from ``getrusage(RUSAGE_CHILDREN)`` after the run (exact, not
  sampled: the kernel records it for every descendant that was waited for),
  and which process it was as far as the sampling saw.

Targets (1,000 municipalities x 3 rounds without profiles): tree PSS within
1.5 GB, ``memo.html`` under 5 MB.  The sampling costs CPU, so the wall time
is indicative only; on a shared machine compare ratios between runs made
under similar load.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BIN, PeakMemory, _tree  # noqa: E402  (benchmarks/run.py)


def _sizes_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB, (0, 0) once it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def _label(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            words = fh.read().split(b"\0")
    except OSError:
        return "?"
    text = " ".join(w.decode(errors="replace") for w in words if w)
    return text[-120:]


class PeakTree(PeakMemory):
    """Peak summed PSS and RSS of a process tree, and its largest process."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(pid, interval)
        self.rss_kb = 0
        self.single_kb = 0
        self.single_label = ""
        self.processes = 0

    def _run(self):
        while not self._stop.is_set():
            sizes = {p: _sizes_kb(p) for p in _tree(self.pid)}
            self.processes = max(self.processes, len(sizes))
            self.peak_kb = max(self.peak_kb, sum(pss for _, pss in sizes.values()))
            self.rss_kb = max(self.rss_kb, sum(rss for rss, _ in sizes.values()))
            for p, (rss, _) in sizes.items():
                if rss > self.single_kb:
                    self.single_kb, self.single_label = rss, _label(p)
            self._stop.wait(self.interval)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--municipalities", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profiles", action="store_true", help="build the profiles too")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="copy the publication to this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="evaluation-scale-") as tmp:
        tmp = Path(tmp)
        subprocess.run([str(BIN / "evaluation"), "synth", "--municipalities", str(args.municipalities),
                        "--rounds", str(args.rounds), "--seed", "1", "--out", str(tmp / "data")],
                       check=True, capture_output=True)
        cmd = [str(BIN / "evaluation"), "run", "--data", str(tmp / "data"), "--out", str(tmp / "out"), "--json",
               "--quiet", *([] if args.profiles else ["--no-profiles"]),
               *(["--jobs", str(args.jobs)] if args.jobs else [])]
        load_before = os.getloadavg()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with PeakTree(proc.pid) as mem:
            out, err = proc.communicate()
        seconds = time.perf_counter() - start
        load_after = os.getloadavg()
        largest_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if proc.returncode != 0:
            raise SystemExit(f"the run failed ({proc.returncode}):\n{err[-3000:]}")
        result = json.loads(out)
        memo = Path(result["paths"]["memo"]["html"])
        size = memo.stat().st_size
        if args.keep:
            import shutil
            shutil.copytree(memo.parent, args.keep, dirs_exist_ok=True)
        print(f"{args.municipalities} municipalities x {args.rounds} rounds, "
              f"{'with' if args.profiles else 'without'} profiles: "
              f"{len(result['notebooks']['executed'])} notebooks in {seconds:.1f} s "
              f"(load average {load_before[0]:.1f} before, {load_after[0]:.1f} after, {os.cpu_count()} cores)")
        print(f"peak memory: tree PSS {mem.peak_kb / 1024:.0f} MB, tree RSS {mem.rss_kb / 1024:.0f} MB "
              f"({mem.processes} processes at most); largest process {largest_kb / 1024:.0f} MB RSS "
              f"(getrusage; sampled {mem.single_kb / 1024:.0f} MB: {mem.single_label})")
        print(f"memo.html {size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
