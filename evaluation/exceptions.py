"""The project's exceptions: one base class, specific subclasses.

Every error the command line reports derives from :class:`EvaluationError`
and carries the exit code the command line uses for it.
"""
from __future__ import annotations

import errno
import signal
from dataclasses import dataclass

__all__ = [
    "EvaluationError",
    "Problem",
    "DataError",
    "ParameterError",
    "ExecutionError",
    "LockError",
    "CellTimeout",
    "Terminated",
    "DiskFull",
    "is_disk_full",
    "EXIT_CODES",
]

#: Every exit code of the command line and what it means (``--help`` and the
#: README show this table).
EXIT_CODES = {
    0: "success: built, or already up to date",
    1: "a notebook failed (the message names the notebook, the cell and the error), or the disk is full",
    2: "bad input or arguments (the message names file, row, column and value); nothing written",
    3: "another run holds the lock on the same output (see --wait)",
    124: "a cell ran longer than --timeout",
    129: "hung up (SIGHUP: the terminal closed)",
    130: "interrupted (Ctrl-C, SIGINT)",
    143: "terminated (SIGTERM: e.g. a cancelled CI job)",
}


class EvaluationError(Exception):
    """Base class of every error raised on purpose by the package."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    ``row`` is the 1-based line number in the file as a spreadsheet or text
    editor shows it (the header is line 1), or ``None`` when the problem
    concerns the whole file.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: object = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (value: {self.value!r})"
        return text


class DataError(EvaluationError):
    """Input data that breaks the data contract; lists every problem found."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in the input:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class ParameterError(EvaluationError, ValueError):
    """An argument or notebook parameter that is not allowed."""


class ExecutionError(EvaluationError):
    """A notebook failed: a cell raised, timed out, or the kernel died."""

    exit_code = 1

    def __init__(self, notebook: str, cell: int | None, error: str):
        self.notebook = notebook
        self.cell = cell
        self.error = error
        where = notebook if cell is None else f"{notebook}, cell {cell}"
        super().__init__(f"notebook failed: {where}: {error}")


class LockError(EvaluationError):
    """Another run holds the lock on the same output folder."""

    exit_code = 3


class CellTimeout(ExecutionError):
    """A notebook failed because one of its cells ran longer than the timeout."""

    exit_code = 124


class Terminated(KeyboardInterrupt):
    """The run received SIGTERM (or SIGHUP); handled like an interrupt, with
    its own exit code, 128 + the signal's number as a shell reports it."""

    exit_code = 143

    def __init__(self, signum: int = signal.SIGTERM):
        self.signum = int(signum)
        self.exit_code = 128 + self.signum
        what = "hung up" if self.signum == signal.SIGHUP else "terminated"
        super().__init__(f"{what} ({signal.Signals(self.signum).name})")


#: The errors of a file system that has no room left (full, or over quota).
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


class DiskFull(EvaluationError):
    """A file could not be written because the file system holding it is full."""

    exit_code = 1

    def __init__(self, folder):
        self.folder = str(folder)
        super().__init__(f"no space left on {folder}: nothing was published, and the partial run was "
                         "removed to free the space; make room and run again")


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` says that a file system is full: an :class:`OSError`
    with that error number, or a notebook that failed with one."""
    if isinstance(exc, DiskFull):
        return True
    if isinstance(exc, OSError):
        return exc.errno in _NO_SPACE
    if isinstance(exc, ExecutionError):
        return any(f"[Errno {number}]" in exc.error for number in _NO_SPACE)
    return False
