"""Benchmark a full run against the naive papermill/nbconvert sequence and the floor.

Use::

    .venv/bin/python benchmarks/run.py                 # bundled data + synthetic 98 x 5
    .venv/bin/python benchmarks/run.py --only bundled  # quicker
    .venv/bin/python benchmarks/run.py --skip-naive    # leave out (c), the slow one

For each data folder it measures

(a) a cold ``evaluation run`` with profiles (fresh output folder),
(b) a no-op rerun of (a),
(c) the naive sequence: one ``papermill`` CLI process and one
    ``jupyter nbconvert --to html`` CLI process per notebook, one after another,
(d) the floor: the same notebooks' code executed in one plain Python process
    without kernels (each notebook's cells in a fresh namespace), writing the
    same figures, tables and HTML,

and prints wall time, peak memory (sum of the proportional set size of the
whole process tree, sampled every 50 ms) and the ratios a/c, a/d and b/a.
The wall time of (a) is taken from a run without memory sampling, its peak
memory from a second cold run (see :func:`run_a_b`).
Targets on a 2-core machine: a/c <= 0.15, a/d <= 2, b < 1.5 s, the
98-municipality run < 60 s, peak memory < 2 GB.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent


# ----------------------------------------------------------------- memory
def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class PeakMemory:
    """Samples the PSS of a process tree in a background thread."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in _tree(self.pid)))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def measure(cmd: list[str], *, cwd=ROOT, env=None, memory: bool = True) -> dict:
    """Run ``cmd``; return wall seconds and (with ``memory``) the peak memory
    of its process tree (``peak_mb`` is None without)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with PeakMemory(proc.pid) if memory else contextlib.nullcontext() as mem:
        output, _ = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{output[-3000:]}")
    return {"seconds": seconds, "peak_mb": mem.peak_kb / 1024 if memory else None}


# ------------------------------------------------------------- the runs
def run_a_b(data: Path, out: Path) -> tuple[dict, dict]:
    """(a) and (b).  Sampling memory costs CPU (each sample walks the page
    tables of every process in the tree), which a 2-core run feels, so the
    wall time of (a) comes from a cold run without sampling and its peak
    memory from a second cold run into another folder that samples."""
    def command(folder: str) -> list[str]:
        return [str(BIN / "evaluation"), "run", "--data", str(data), "--out", str(out / folder)]

    a = measure(command("timed"), memory=False)
    b = measure(command("timed"))
    a["peak_mb"] = measure(command("sampled"))["peak_mb"]
    return a, b


def _jobs(data: Path, out: Path):
    from evaluation.run.fingerprint import DataFolder
    from evaluation.names import resolve_pair
    from evaluation.run.plan import plan_jobs

    folder = DataFolder(data)
    baseline, followup = resolve_pair(folder.round_keys)
    return plan_jobs(folder, baseline, followup, out)


def run_c(data: Path, out: Path) -> dict:
    """The naive sequence, driven from a shell script so it is measured as one tree."""
    out.mkdir(parents=True)
    lines = ["set -e"]
    for job in _jobs(data, out):
        target = out / f"{job.name}.ipynb"
        params = " ".join(f"-r {k} {json.dumps(str(v))}" if not isinstance(v, bool) else f"-p {k} {v}"
                          for k, v in job.parameters.items())
        lines.append(f"{BIN / 'papermill'} --no-progress-bar --cwd {ROOT / 'notebooks'} {job.source} {target} {params} >/dev/null 2>&1")
        lines.append(f"{BIN / 'jupyter'} nbconvert --to html --no-input {target} --output-dir {out} >/dev/null 2>&1")
    script = out / "naive.sh"
    script.write_text("\n".join(lines) + "\n")
    return measure(["bash", str(script)])


FLOOR = r'''
import sys, time, nbformat
from pathlib import Path
from papermill.parameterize import parameterize_notebook
from papermill.iorw import load_notebook_node
import IPython.display as ipd
sys.path.insert(0, {root!r})
from evaluation.memo import export
from benchmarks.run import _jobs

data, out = Path({data!r}), Path({out!r})
outputs = []
def display(obj, *args, metadata=None, **kw):
    html = obj._repr_html_() if hasattr(obj, "_repr_html_") else None
    outputs.append(nbformat.v4.new_output("display_data", data={{"text/html": html}} if html else {{"text/plain": repr(obj)}},
                                          metadata=metadata or {{}}))
ipd.display = display
docs = {{}}
for job in _jobs(data, out):
    nb = parameterize_notebook(load_notebook_node(str(job.source)), job.parameters)
    namespace = {{"__name__": "__main__"}}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        exec(compile(cell.source, job.name, "exec"), namespace)
        cell.outputs = outputs
    path = out / "notebooks" / f"{{job.name}}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    docs.setdefault(job.document, []).append(path)
for doc, paths in docs.items():
    name = "memo.html" if doc == "memo" else f"profiles/{{doc.split(':', 1)[1]}}.html"
    (out / name).parent.mkdir(parents=True, exist_ok=True)
    export.export_html(export.merge_notebooks(paths, title=doc), out / name, title=doc)
'''


def run_d(data: Path, out: Path) -> dict:
    out.mkdir(parents=True)
    code = FLOOR.format(root=str(ROOT), data=str(data), out=str(out))
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return measure([sys.executable, "-c", code], cwd=ROOT / "notebooks", env=env)


def bench(label: str, data: Path, work: Path, skip_naive: bool) -> dict:
    print(f"\n== {label}: {data}", flush=True)
    a, b = run_a_b(data, work / "a")
    print(f"  (a) cold run      {a['seconds']:7.1f} s  {a['peak_mb']:7.0f} MB", flush=True)
    print(f"  (b) no-op rerun   {b['seconds']:7.2f} s  {b['peak_mb']:7.0f} MB", flush=True)
    d = run_d(data, work / "d")
    print(f"  (d) floor         {d['seconds']:7.1f} s  {d['peak_mb']:7.0f} MB", flush=True)
    c = None if skip_naive else run_c(data, work / "c")
    if c:
        print(f"  (c) naive CLI     {c['seconds']:7.1f} s  {c['peak_mb']:7.0f} MB", flush=True)
    n = len(_jobs(data, work / "a"))
    row = {"label": label, "notebooks": n, "a": a, "b": b, "c": c, "d": d}
    ratios = {"a/d": a["seconds"] / d["seconds"], "b/a": b["seconds"] / a["seconds"]}
    if c:
        ratios["a/c"] = a["seconds"] / c["seconds"]
    row["ratios"] = ratios
    print("  ratios: " + ", ".join(f"{k} = {v:.3f}" for k, v in ratios.items()), flush=True)
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("bundled", "synthetic"))
    parser.add_argument("--skip-naive", action="store_true", help="leave out (c), the naive CLI sequence")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="evaluation-bench-") as tmp:
        tmp = Path(tmp)
        if args.only in (None, "bundled"):
            rows.append(bench("bundled (10 municipalities, 3 rounds)", ROOT / "data", tmp / "bundled", args.skip_naive))
        if args.only in (None, "synthetic"):
            synth = tmp / "synth-data"
            subprocess.run([str(BIN / "evaluation"), "synth", "--municipalities", "98", "--rounds", "5",
                            "--seed", "1", "--out", str(synth)], check=True, capture_output=True)
            rows.append(bench("synthetic (98 municipalities, 5 rounds)", synth, tmp / "synthetic", args.skip_naive))
    print("\n| data | notebooks | (a) cold run | (b) no-op | (c) naive CLI | (d) floor | a/c | a/d | b/a | peak memory (a) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        c = f"{r['c']['seconds']:.1f} s" if r["c"] else "not run"
        ac = f"{r['ratios']['a/c']:.3f}" if "a/c" in r["ratios"] else "-"
        print(f"| {r['label']} | {r['notebooks']} | {r['a']['seconds']:.1f} s | {r['b']['seconds']:.2f} s | {c} | "
              f"{r['d']['seconds']:.1f} s | {ac} | {r['ratios']['a/d']:.2f} | {r['ratios']['b/a']:.3f} | "
              f"{r['a']['peak_mb']:.0f} MB |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
