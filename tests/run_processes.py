"""Running ``evaluation`` as a separate process, as automation starts it, and
finding what it leaves behind (processes, files)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import jsonschema

from evaluation.run.result import load_schema
from test_reliability import WITH_NOTEBOOKS

#: Upper bound on waiting for a run to end (not a timing assertion).
PATIENCE = 600


def validate(obj: dict) -> dict:
    jsonschema.Draft202012Validator(load_schema()).validate(obj)
    return obj


def headless_env(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", "MPLCONFIGDIR", "IPYTHONDIR")}
    home = tmp / "home-is-a-file"
    home.write_text("", encoding="utf-8")
    (tmp / "tmp").mkdir(exist_ok=True)
    env.update(HOME=str(home), TMPDIR=str(tmp / "tmp"), CI="true")
    return env


def evaluation(args: list[str], env: dict, cwd: Path, notebooks: Path | None = None, **kw):
    """Start ``evaluation`` as a separate process (with other notebooks if given)."""
    if notebooks is None:
        cmd = [sys.executable, "-m", "evaluation", *args]
    else:
        cmd = [sys.executable, "-c", WITH_NOTEBOOKS, str(notebooks), *args]
    return subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def finished(proc) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=PATIENCE)
    return proc.returncode, out, err


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def processes_with(marker: str) -> dict[int, str]:
    """pid -> command line of the processes whose environment holds ``marker``
    (the run, its fork server, its kernels and anything else it started)."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if marker.encode() in Path(f"/proc/{pid}/environ").read_bytes():
                found[int(pid)] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile, or not ours
            pass
    return found


def until(condition, proc) -> None:
    while not condition():
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
