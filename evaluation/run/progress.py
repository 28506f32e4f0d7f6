"""Progress of a run: a one-line bar on a terminal, plain log lines elsewhere.

The bar shows notebooks done / total, the ones running now and the time
elapsed.  When standard error is not a terminal (CI, a log file), each start
and finish is one line, so logs stay readable.
"""
from __future__ import annotations

import sys
import threading
import time

from ..exceptions import ParameterError

__all__ = ["Progress"]

_WORDS = {"start": "started", "finish": "done", "fail": "FAILED"}


class Progress:
    """Receives ``event(kind, name, **info)`` calls from the executor.

    ``kind`` is ``"start"``, ``"finish"`` or ``"fail"``.  ``record``, if
    given, is called as ``record(kind, name, line, **info)`` with the plain
    log line of every event, also when quiet or drawing a bar.
    """

    def __init__(self, total: int, *, stream=None, quiet: bool = False, width: int = 24, record=None):
        self.total = total
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.width = width
        self.done = 0
        self.running: list[str] = []
        self.start = time.monotonic()
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.record = record
        self._lock = threading.Lock()

    def elapsed(self) -> str:
        return f"{time.monotonic() - self.start:5.1f}s"

    def event(self, kind: str, name: str, **info) -> None:
        if kind not in _WORDS:
            raise ParameterError(f"progress event kind must be one of {', '.join(_WORDS)}; got {kind!r}")
        with self._lock:
            if kind == "start":
                self.running.append(name)
            else:
                if name in self.running:
                    self.running.remove(name)
                self.done += 1
            line = f"[{self.done}/{self.total} {self.elapsed()}] {_WORDS[kind]}: {name}"
            if self.record is not None:
                self.record(kind, name, line, **info)
            if self.quiet:
                return
            if self.tty:
                self._draw()
            else:
                print(line, file=self.stream, flush=True)

    def _draw(self) -> None:
        filled = int(self.width * self.done / max(self.total, 1))
        bar = "#" * filled + "-" * (self.width - filled)
        now = ", ".join(self.running)[:60]
        line = f"\r[{bar}] {self.done}/{self.total} {self.elapsed()} {now}"
        print(line.ljust(110), end="", file=self.stream, flush=True)

    def close(self) -> None:
        if self.tty and not self.quiet:
            print(file=self.stream, flush=True)
