"""What one run did: the console lines, ``run.log`` and the machine-readable result.

A :class:`RunReport` goes along with a run.  The pipeline tells it what it
plans, executes, reuses and publishes, and everything it would show on the
console goes through :meth:`RunReport.say`, so the same lines end up in the
run's ``run.log``.  At the end :func:`result_object` turns it into the one
JSON object ``evaluation run --json`` prints; ``result.schema.json`` (next to
this module) documents every field.
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..exceptions import EXIT_CODES, CellTimeout, DataError, DiskFull, EvaluationError, ExecutionError, LockError, Terminated
from .publish import CHANGES

__all__ = ["RunReport", "result_object", "SCHEMA_PATH", "SCHEMA_ID", "LOG_FILE", "load_schema"]

SCHEMA_PATH = Path(__file__).with_name("result.schema.json")
SCHEMA_ID = "evaluation-run-result/1"
LOG_FILE = "run.log"


def load_schema() -> dict:
    """The JSON schema of :func:`result_object`'s output."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@dataclass
class RunReport:
    """The state of one run, filled in as it goes.

    ``quiet`` keeps everything but errors off the console; ``run.log`` gets
    every line anyway.
    """

    quiet: bool = False
    stream: object = None
    started: float = field(default_factory=time.monotonic)
    status: str = "refused"
    pair: str | None = None
    baseline: str | None = None
    followup: str | None = None
    folder: Path | None = None
    draft: bool | None = None
    scope: dict | None = None
    executed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    archive: Path | None = None
    lines: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    # ------------------------------------------------------------ console
    def say(self, text: str, *, error: bool = False) -> None:
        """Show ``text`` on standard error (unless quiet and not an error) and log it."""
        self.lines.append(text)
        if error or not self.quiet:
            print(text, file=self.stream or sys.stderr, flush=True)

    def warn(self, text: str) -> None:
        self.warnings.append(text)
        self.say(f"warning: {text}")

    def event(self, kind: str, name: str, line: str, **info) -> None:
        """A notebook started, finished or failed (``line`` is its log line)."""
        self.lines.append(line)
        if kind in ("finish", "fail") and "seconds" in info:
            self.seconds[name] = round(float(info["seconds"]), 3)

    # ------------------------------------------------------------ run.log
    def log_text(self) -> str:
        """What the console showed, then each notebook's time."""
        out = list(self.lines)
        if self.seconds or self.reused:
            out += ["", "notebook timings (seconds):"]
            width = max(len(n) for n in [*self.seconds, *self.reused])
            out += [f"  {name.ljust(width)}  {secs:8.3f}" for name, secs in self.seconds.items()]
            out += [f"  {name.ljust(width)}    reused" for name in self.reused]
        return "\n".join(out) + "\n"

    def write_log(self, folder: Path) -> Path:
        from ..files import write_text_atomically

        return write_text_atomically(folder / LOG_FILE, self.log_text())

    def duration(self) -> float:
        return round(time.monotonic() - self.started, 3)


def _error(exc: BaseException | None, message: str | None = None) -> dict | None:
    if exc is None:
        return None
    kind = ("terminated" if isinstance(exc, Terminated) else "interrupted" if isinstance(exc, KeyboardInterrupt)
            else "timeout" if isinstance(exc, CellTimeout) else "notebook" if isinstance(exc, ExecutionError)
            else "lock" if isinstance(exc, LockError) else "data" if isinstance(exc, DataError)
            else "disk" if isinstance(exc, DiskFull)
            else "usage" if isinstance(exc, EvaluationError) else "internal")
    return {
        "kind": kind,
        "message": message or str(exc) or type(exc).__name__,
        "notebook": getattr(exc, "notebook", None),
        "cell": getattr(exc, "cell", None),
        "problems": [str(p) for p in getattr(exc, "problems", [])],
    }


def _paths(report: RunReport) -> dict:
    """Every file of the folder the run published (or kept after a failure)."""
    folder = report.folder
    if folder is None or not folder.is_dir():
        return {"folder": None, "memo": {}, "index": None, "manifest": None, "log": None, "changes": None,
                "archive": None, "profiles": [], "tables": [], "figures": [], "notebooks": []}

    def one(name: str) -> str | None:
        return str(folder / name) if (folder / name).is_file() else None

    def many(sub: str, pattern: str) -> list[str]:
        return [str(p) for p in sorted((folder / sub).glob(pattern)) if p.is_file()]

    return {
        "folder": str(folder),
        "memo": {fmt: str(folder / f"memo.{fmt}") for fmt in ("html", "pdf", "docx") if (folder / f"memo.{fmt}").is_file()},
        "index": one("index.html"),
        "manifest": one("manifest.json"),
        "log": one(LOG_FILE),
        "changes": one(CHANGES),
        "archive": str(report.archive) if report.archive else None,
        "profiles": many("profiles", "*.html"),
        "tables": many("tables", "*.csv"),
        "figures": many("figures", "*.*"),
        "notebooks": many("notebooks", "*.ipynb"),
    }


def result_object(report: RunReport, exit_code: int, exc: BaseException | None = None,
                  message: str | None = None) -> dict:
    """The machine-readable result of a run (see ``result.schema.json``).

    ``message``: the error's message as the console showed it (default: the error's text).
    """
    if exit_code not in EXIT_CODES:
        exit_code = 1
    return {
        "schema": SCHEMA_ID,
        "status": report.status,
        "exit_code": exit_code,
        "meaning": EXIT_CODES[exit_code],
        "draft": report.draft,
        "pair": report.pair,
        "baseline": report.baseline,
        "followup": report.followup,
        "scope": report.scope,
        "paths": _paths(report),
        "notebooks": {"executed": list(report.executed), "reused": list(report.reused)},
        "duration_seconds": report.duration(),
        "warnings": list(report.warnings),
        "error": _error(exc, message),
    }
