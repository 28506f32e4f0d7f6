"""Check the speed targets of ``evaluation run`` as ratios from one benchmark run.

Use::

    .venv/bin/python benchmarks/run.py                       # everything (the naive 98 x 5 sequence takes long)
    .venv/bin/python benchmarks/run.py --naive-profiles 10   # the naive 98 x 5 sequence estimated from 10 profiles
    .venv/bin/python benchmarks/run.py --only bundled        # the bundled data only

Every time is the wall time of a whole process (tree), measured one after
another in this run, so the ratios compare runs made under the same load of
the machine.  What is measured, on a copy of the data:

* **naive**: one ``papermill`` CLI and one ``jupyter nbconvert --to html
  --no-input`` CLI process per notebook, in sequence;
* **cold**: ``evaluation run`` into a new output folder with a new cache
  folder (only matplotlib's font list in it, as ``make`` leaves it), so no
  part of the memo and no checked copy of the data is kept from before;
* **statement edited** / **answer changed**: after the cold memo run, one
  interview statement of the follow-up round is reworded, and then one
  answer to one parameter changed, each followed by ``evaluation run``;
* **under watch**: ``evaluation watch --no-profiles`` on the same copy;
  after its first build, the same two edits, each timed from the write to
  the rebuild's line;
* **first run after set-up**: a copy of the project's files as a fresh clone
  has them (no ``__pycache__``), set up as ``make`` does (``compileall``,
  ``python -m evaluation.run.caches``), then ``evaluation run``; compared with
  a second cold run of the same copy;
* **98 x 5**: ``evaluation run`` with profiles on a synthetic folder of 98
  municipalities and 5 rounds, cold; its peak memory (the summed
  proportional set size of the process tree, sampled every 50 ms, from a
  second cold run, since sampling costs CPU), and a no-op rerun.

Targets: memo cold <= 0.08 x naive; statement edited <= 0.2 x
cold; answer changed <= 0.6 x cold; first run <= 1.2 x a second cold run,
without a "launching the kernel normally" line; 98 x 5 <= 30 s and <= 0.05 x
naive, peak memory < 1 GB, no-op < 0.3 s.  The table says which are met.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
SLOW_LAUNCH = "launching the kernel normally"


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


def measure(cmd: list[str], *, env=None, memory: bool = False) -> dict:
    """Run ``cmd``; return its wall seconds, its output and (with ``memory``)
    the peak memory of its process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with PeakMemory(proc.pid) if memory else contextlib.nullcontext() as mem:
        output, _ = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{output[-3000:]}")
    return {"seconds": seconds, "output": output, "peak_mb": mem.peak_kb / 1024 if memory else None,
            "slow_launches": output.count(SLOW_LAUNCH)}


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# ------------------------------------------------------------ the set-up
class Setup:
    """Cache folders as ``make`` leaves them: matplotlib's font list only."""

    def __init__(self, work: Path, pythonpath: Path | None = None):
        self.work, self.count = work, 0
        self.pythonpath = pythonpath
        self.seed = self.fresh_cache()
        subprocess.run([sys.executable, "-m", "evaluation.run.caches"], env=self.env(self.seed), check=True,
                       capture_output=True, cwd=pythonpath or ROOT)

    def fresh_cache(self) -> Path:
        self.count += 1
        folder = self.work / f"cache-{self.count}"
        folder.mkdir(parents=True)
        if self.count > 1:
            for name in ("matplotlib", "ipython"):
                if (self.seed / "evaluation" / name).is_dir():
                    shutil.copytree(self.seed / "evaluation" / name, folder / "evaluation" / name)
        return folder

    def env(self, cache: Path) -> dict:
        env = {k: v for k, v in os.environ.items()
               if k not in ("MPLCONFIGDIR", "IPYTHONDIR", "EVALUATION_DATA_CACHE", "MPLBACKEND")}
        env["XDG_CACHE_HOME"] = str(cache)
        if self.pythonpath:
            env["PYTHONPATH"] = str(self.pythonpath)
        return env


def evaluation(*args) -> list[str]:
    return [str(BIN / "evaluation"), "run", *map(str, args)]


def _jobs(data: Path, out: Path, profiles: bool):
    from evaluation.names import resolve_pair
    from evaluation.run.fingerprint import DataFolder
    from evaluation.run.plan import plan_jobs

    folder = DataFolder(data)
    baseline, followup = resolve_pair(folder.round_keys)
    return plan_jobs(folder, baseline, followup, out, profiles=profiles)


def naive(data: Path, out: Path, *, profiles: bool, sample: int | None = None) -> dict:
    """The naive sequence, as one shell script (one process tree).  With
    ``sample``, only that many profiles run and their time is scaled up to all."""
    out.mkdir(parents=True)
    jobs = _jobs(data, out, profiles)
    memo = [j for j in jobs if j.document == "memo"]
    profile_jobs = [j for j in jobs if j.document != "memo"]
    chosen = profile_jobs[:sample] if sample else profile_jobs

    def script(name: str, part) -> Path:
        lines = ["set -e"]
        for job in part:
            target = out / f"{job.name}.ipynb"
            params = " ".join(f"-r {k} {json.dumps(str(v))}" if not isinstance(v, bool) else f"-p {k} {v}"
                              for k, v in {**job.parameters, "data_dir": str(data), "output_dir": str(out)}.items())
            lines.append(f"{BIN / 'papermill'} --no-progress-bar --cwd {ROOT / 'notebooks'} {job.source} {target} "
                         f"{params} >/dev/null 2>&1")
            lines.append(f"{BIN / 'jupyter'} nbconvert --to html --no-input {target} --output-dir {out} "
                         ">/dev/null 2>&1")
        path = out / f"{name}.sh"
        path.write_text("\n".join(lines) + "\n")
        return path

    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    seconds = measure(["bash", str(script("memo", memo))], env=env)["seconds"]
    estimated = False
    if chosen:
        part = measure(["bash", str(script("profiles", chosen))], env=env)["seconds"]
        seconds += part * len(profile_jobs) / len(chosen)
        estimated = len(chosen) < len(profile_jobs)
    return {"seconds": seconds, "notebooks": len(jobs), "estimated": estimated,
            "sampled": len(chosen), "profiles": len(profile_jobs)}


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise SystemExit(f"{path}: cannot find {old!r} to edit")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _edit_statement(data: Path, followup: str) -> None:
    """Reword the first statement of the follow-up round (one word more)."""
    import csv

    path = data / "rounds" / followup / "quotes.csv"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        first = next(csv.DictReader(fh))["text"]
    _replace(path, first, first.rstrip(".") + " i praksis.")


def _change_answer(data: Path, followup: str) -> str:
    """Change one answer of the follow-up round to one parameter (by one step)."""
    import csv

    path = data / "rounds" / followup / "responses.csv"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = next(r for r in rows if r["score"].strip() in {"1", "2", "3"})
    new = str(int(row["score"]) + 1)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**r, "score": new} if r is row else r for r in rows)
    return row["item"]


# ------------------------------------------------------------ scenarios
def bundled(work: Path, skip_naive: bool) -> dict:
    from evaluation.names import resolve_pair
    from evaluation.run.fingerprint import DataFolder

    data = work / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("private"))
    followup = resolve_pair(DataFolder(data).round_keys)[1]
    setup = Setup(work / "caches")
    results = {}
    if not skip_naive:
        results["naive"] = naive(data, work / "naive", profiles=False)
        print(f"  naive memo sequence      {results['naive']['seconds']:7.1f} s", flush=True)
    cache = setup.fresh_cache()
    out = work / "out"
    results["cold"] = measure(evaluation("--force", "--no-profiles", "--data", data, "--out", out), env=setup.env(cache))
    print(f"  memo only, cold          {results['cold']['seconds']:7.1f} s", flush=True)
    _edit_statement(data, followup)
    results["statement"] = measure(evaluation("--no-profiles", "--data", data, "--out", out), env=setup.env(cache))
    print(f"  one statement edited     {results['statement']['seconds']:7.2f} s"
          f" ({executed(results['statement'])} notebook(s) executed)", flush=True)
    item = _change_answer(data, followup)
    results["answer"] = measure(evaluation("--no-profiles", "--data", data, "--out", out), env=setup.env(cache))
    print(f"  one answer changed ({item}) {results['answer']['seconds']:7.2f} s"
          f" ({executed(results['answer'])} notebook(s) executed)", flush=True)
    return results


def under_watch(work: Path) -> dict:
    """``evaluation watch --no-profiles`` on the bundled data's copy: seconds from
    the write of one edited statement, then of one changed answer, to the
    rebuild's JSON line (its first build is waited for, not measured)."""
    from evaluation.names import resolve_pair
    from evaluation.run.fingerprint import DataFolder

    data, setup = work / "data", Setup(work / "watch-caches")
    followup = resolve_pair(DataFolder(data).round_keys)[1]
    proc = subprocess.Popen([str(BIN / "evaluation"), "watch", "--no-profiles", "--json", "--data", str(data),
                             "--out", str(work / "watched")], env=setup.env(setup.seed), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = {}
    try:
        while " watching " not in proc.stderr.readline():  # said once the first build is done and warmed up
            assert proc.poll() is None, "evaluation watch stopped"
        json.loads(proc.stdout.readline())  # the first build's
        for key, what, edit in (("watch_statement", "statement, under watch", _edit_statement),
                                ("watch_answer", "answer, under watch  ", _change_answer)):
            start = time.monotonic()
            edit(data, followup)
            line = json.loads(proc.stdout.readline())
            if line["exit_code"] != 0:
                raise SystemExit(f"evaluation watch did not rebuild: {line['error']}")
            results[key] = {"seconds": time.monotonic() - start, "executed": len(line["notebooks"]["executed"])}
            print(f"  {what}   {results[key]['seconds']:7.2f} s ({results[key]['executed']} notebook(s) executed)",
                  flush=True)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait()
    return results


def executed(result: dict) -> str:
    """How many notebooks a measured run executed, from its last line."""
    found = re.search(r"\((\d+) notebook\(s\) executed", result["output"])
    return found.group(1) if found else "?"


def first_run(work: Path) -> dict:
    """A fresh clone's files, set up as make does; its first run and a second cold run."""
    clone = work / "clone"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(clone / "evaluation")], check=True)
    setup = Setup(work / "caches", pythonpath=clone)
    first = measure(evaluation("--data", clone / "data", "--out", clone / "outputs"), env=setup.env(setup.seed))
    print(f"  first run after set-up   {first['seconds']:7.1f} s ({first['slow_launches']} slow launches)", flush=True)
    second = measure(evaluation("--data", clone / "data", "--out", work / "second"), env=setup.env(setup.fresh_cache()))
    print(f"  a second cold run        {second['seconds']:7.1f} s", flush=True)
    return {"first": first, "second": second}


def synthetic(work: Path, skip_naive: bool, sample: int | None) -> dict:
    data = work / "synth"
    subprocess.run([str(BIN / "evaluation"), "synth", "--municipalities", "98", "--rounds", "5", "--seed", "1",
                    "--out", str(data)], check=True, capture_output=True)
    setup = Setup(work / "caches")
    cache = setup.fresh_cache()
    results = {"cold": measure(evaluation("--data", data, "--out", work / "timed"), env=setup.env(cache))}
    print(f"  98 x 5, cold             {results['cold']['seconds']:7.1f} s", flush=True)
    results["noop"] = measure(evaluation("--data", data, "--out", work / "timed"), env=setup.env(cache))
    print(f"  98 x 5, no-op            {results['noop']['seconds']:7.2f} s", flush=True)
    sampled = measure(evaluation("--data", data, "--out", work / "sampled"), env=setup.env(setup.fresh_cache()),
                      memory=True)
    results["peak_mb"] = sampled["peak_mb"]
    print(f"  98 x 5, peak memory      {results['peak_mb']:7.0f} MB", flush=True)
    if not skip_naive:
        results["naive"] = naive(data, work / "naive", profiles=True, sample=sample)
        note = f" (estimated from {sample} profiles)" if results["naive"]["estimated"] else ""
        print(f"  98 x 5, naive sequence   {results['naive']['seconds']:7.1f} s{note}", flush=True)
    return results


# ---------------------------------------------------------------- table
def table(rows: list[tuple[str, str, str, bool | None]]) -> str:
    lines = ["| measurement | measured | target | met |", "|---|---|---|---|"]
    for what, value, target, met in rows:
        lines.append(f"| {what} | {value} | {target} | {'-' if met is None else 'yes' if met else 'NO'} |")
    return "\n".join(lines)


def rows_of(results: dict) -> list:
    rows = []
    b = results.get("bundled")
    if b:
        cold = b["cold"]["seconds"]
        if "naive" in b:
            rows.append(("naive memo sequence (11 notebooks)", f"{b['naive']['seconds']:.1f} s", "", None))
            rows.append(("memo only, cold / naive", f"{cold:.1f} s = {cold / b['naive']['seconds']:.3f}", "<= 0.08",
                         cold / b["naive"]["seconds"] <= 0.08))
        else:
            rows.append(("memo only, cold", f"{cold:.1f} s", "", None))
        rows.append(("one statement edited / cold", f"{b['statement']['seconds']:.2f} s = "
                     f"{b['statement']['seconds'] / cold:.3f}", "<= 0.2", b["statement"]["seconds"] / cold <= 0.2))
        rows.append(("one answer changed / cold", f"{b['answer']['seconds']:.2f} s = {b['answer']['seconds'] / cold:.3f}",
                     "<= 0.6", b["answer"]["seconds"] / cold <= 0.6))
        for key, what, target in (("watch_statement", "statement edited, under watch / cold", 0.2),
                                  ("watch_answer", "answer changed, under watch / cold", 0.6)):
            if key in b:
                ratio = b[key]["seconds"] / cold
                rows.append((what, f"{b[key]['seconds']:.2f} s = {ratio:.3f}", f"<= {target}", ratio <= target))
    f = results.get("first")
    if f:
        ratio = f["first"]["seconds"] / f["second"]["seconds"]
        rows.append(("first run after set-up / second cold run",
                     f"{f['first']['seconds']:.1f} s / {f['second']['seconds']:.1f} s = {ratio:.2f}", "<= 1.2",
                     ratio <= 1.2))
        rows.append(("'launching the kernel normally' lines in the first run", str(f["first"]["slow_launches"]), "0",
                     f["first"]["slow_launches"] == 0))
    s = results.get("synthetic")
    if s:
        cold = s["cold"]["seconds"]
        rows.append(("98 x 5 with profiles, cold", f"{cold:.1f} s", "<= 30 s", cold <= 30))
        if "naive" in s:
            note = f" (estimated from {s['naive']['sampled']} of {s['naive']['profiles']} profiles)" \
                if s["naive"]["estimated"] else ""
            rows.append((f"98 x 5, cold / naive{note}", f"{cold:.1f} s / {s['naive']['seconds']:.0f} s = "
                         f"{cold / s['naive']['seconds']:.3f}", "<= 0.05", cold / s["naive"]["seconds"] <= 0.05))
        rows.append(("98 x 5, peak memory", f"{s['peak_mb']:.0f} MB", "< 1024 MB", s["peak_mb"] < 1024))
        rows.append(("98 x 5, no-op rerun", f"{s['noop']['seconds']:.2f} s", "< 0.3 s", s["noop"]["seconds"] < 0.3))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("bundled", "first", "synthetic"))
    parser.add_argument("--skip-naive", action="store_true", help="leave out the naive sequences")
    parser.add_argument("--naive-profiles", type=int, metavar="K",
                        help="run K profiles of the naive 98 x 5 sequence and scale their time to all")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    results = {"load_before": load()}
    print(f"load average (1, 5, 15 min) before: {results['load_before']}", flush=True)
    with tempfile.TemporaryDirectory(prefix="evaluation-bench-") as tmp:
        tmp = Path(tmp)
        if args.only in (None, "bundled"):
            print("\n== bundled data (10 municipalities, 3 rounds), memo only", flush=True)
            results["bundled"] = bundled(tmp / "bundled", args.skip_naive)
            results["bundled"].update(under_watch(tmp / "bundled"))
        if args.only in (None, "first"):
            print("\n== a fresh clone's first run (bundled data, with profiles)", flush=True)
            results["first"] = first_run(tmp / "first")
        if args.only in (None, "synthetic"):
            print("\n== synthetic data (98 municipalities, 5 rounds), with profiles", flush=True)
            results["synthetic"] = synthetic(tmp / "synthetic", args.skip_naive, args.naive_profiles)
    results["load_after"] = load()
    print(f"\nload average (1, 5, 15 min) after: {results['load_after']}\n")
    rows = rows_of(results)
    print(table(rows))
    if args.json:
        for part in results.values():
            if isinstance(part, dict):
                for value in part.values():
                    if isinstance(value, dict):
                        value.pop("output", None)
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0 if all(met is not False for *_, met in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
