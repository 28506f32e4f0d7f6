"""``evaluation run`` on the command line: its options, console, exit codes and ``--json``.

Standard output carries the result: one line saying what was written (or
nothing with ``--quiet``), or with ``--json`` exactly one JSON object (see
:mod:`evaluation.run.result`) for every outcome.  Progress, warnings and
errors go to standard error; ``--quiet`` leaves only errors there.
SIGTERM and SIGHUP are handled like Ctrl-C: the kernels are stopped, the
partial work is kept in ``failed/``, one line says what happened, and the
exit code is 143, 129 or 130 (128 + the signal).  A second signal during
that clean-up is ignored, so it is never cut short.  A signal that comes
once publishing has begun lets the publication complete; the line then
says the run was stopped after publishing, and the result's status is
``built`` (:mod:`evaluation.run.signals`).
"""
from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

from .. import config
from ..exceptions import EXIT_CODES, DiskFull, EvaluationError, ExecutionError, ParameterError, Terminated, is_disk_full
from .signals import stopped_by_signals

__all__ = ["add_run_arguments", "build", "conclude", "exit_code_epilog", "run_command", "run_options",
           "usage_error_result"]


def exit_code_epilog() -> str:
    """The exit-code table shown at the end of ``--help``."""
    width = max(len(str(code)) for code in EXIT_CODES)
    return "exit codes:\n" + "\n".join(f"  {str(code).rjust(width)}  {text}" for code, text in EXIT_CODES.items())


def add_run_arguments(p: argparse.ArgumentParser, leave_out: tuple[str, ...] = ()) -> None:
    """The options of ``evaluation run``, but those named in ``leave_out`` (e.g. ``"--force"``)."""
    p = _Leaving(p, leave_out) if leave_out else p
    p.add_argument("--data", help="data folder (default: the bundled data/)")
    p.add_argument("--baseline", help="baseline round key (default: the second-to-last round)")
    p.add_argument("--followup", help="follow-up round key (default: the last round)")
    p.add_argument("--out", help="output folder (default: outputs/)")
    p.add_argument("--jobs", type=int, default=None, help="notebooks executed at once (default: number of cores)")
    p.add_argument("--force", action="store_true", help="re-execute every notebook even if its inputs are unchanged")
    p.add_argument("--no-profiles", action="store_true",
                   help="skip the municipality profiles (profiles already published are kept)")
    p.add_argument("--municipality", action="append",
                   help="build the profile of this municipality only (repeatable; the other published "
                   "profiles are kept)")
    p.add_argument("--timeout", type=float, default=300,
                   help="seconds a cell may run (default: 300); exceeding it exits 124")
    p.add_argument("--pdf", action="store_true", help="also print the memo to memo.pdf with Chromium")
    p.add_argument("--docx", action="store_true",
                   help="also write the memo (memo.docx) and each profile as Word documents, through pandoc")
    p.add_argument("--draft", action="store_true",
                   help="build even when plan status, participation or narrative is missing: each missing part "
                   "becomes a 'Mangler:' box and the memo, index and manifest say it is a draft")
    p.add_argument("--show-names", action="store_true",
                   help="profiles show real names from data/private/names.csv (the memo, index and tables never do)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object describing the outcome on standard output, and nothing else there")
    p.add_argument("--quiet", action="store_true", help="print only errors")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="wait up to SECONDS for another run's lock on the same output (default: 0, exit 3 at once)")
    p.add_argument("--archive", metavar="FILE.zip",
                   help="also write the published folder as one zip file (e.g. for an artifact upload)")


class _Leaving:
    """A parser that adds every option but some."""

    def __init__(self, parser: argparse.ArgumentParser, leave_out: tuple[str, ...]):
        self.parser, self.leave_out = parser, leave_out

    def add_argument(self, *flags, **kw):
        if flags[0] not in self.leave_out:
            self.parser.add_argument(*flags, **kw)


def run_options(args):
    from .pipeline import RunOptions

    if not args.wait >= 0:
        raise ParameterError(f"--wait must be a number of seconds of at least 0; got {args.wait!r}")
    if args.archive is not None:
        archive = Path(args.archive)
        if archive.suffix.lower() != ".zip":
            raise ParameterError(f"--archive must name a .zip file; got {args.archive!r}")
        if not archive.resolve().parent.is_dir():
            raise ParameterError(f"--archive: the folder {archive.resolve().parent} does not exist")
    return RunOptions(
        data=config.data_dir(args.data),
        out=Path(args.out).resolve() if args.out else config.OUTPUTS_DIR,
        baseline=args.baseline or "",
        followup=args.followup or "",
        jobs=args.jobs,
        force=args.force,
        profiles=not args.no_profiles,
        municipalities=tuple(args.municipality or ()),
        timeout=args.timeout,
        pdf=args.pdf,
        docx=args.docx,
        quiet=args.quiet,
        show_names=args.show_names,
        draft=args.draft,
        wait=args.wait,
    )


def _exit_code(exc: BaseException) -> int:
    if isinstance(exc, KeyboardInterrupt):
        return getattr(exc, "exit_code", 130)
    if isinstance(exc, EvaluationError):
        return exc.exit_code
    return 1


def run_command(args) -> int:
    """Entry point of ``evaluation run``: returns the exit code."""
    from .result import RunReport, result_object

    report = RunReport(quiet=args.quiet)
    with stopped_by_signals():
        error, message = build(args, report)
    code, stopped = conclude(args, report, error)
    if args.json:
        if message:
            report.say(message)
        print(json.dumps(result_object(report, code, error, message=stopped),
                         ensure_ascii=False, indent=2), flush=True)
    elif message and not args.quiet:
        print(message, flush=True)
    return code


def build(args, report) -> tuple[BaseException | None, str]:
    """One run as the command line asks for it: (its error or None, its message).

    Signals are not handled here: the caller wraps this in
    :func:`~evaluation.run.signals.stopped_by_signals`.
    """
    try:
        opts = run_options(args)
        from .pipeline import run

        message = run(opts, report)["message"]
        if getattr(args, "archive", None):
            from .publish import write_archive

            report.archive = write_archive(report.folder, Path(args.archive).resolve())
        return None, message
    except BaseException as exc:  # every outcome ends in an exit code and, with --json, a result
        if isinstance(exc, SystemExit):
            raise
        return (exc if not is_disk_full(exc) or isinstance(exc, DiskFull) else
                DiskFull(Path(args.out).resolve() if args.out else config.OUTPUTS_DIR)), ""


def conclude(args, report, error: BaseException | None) -> tuple[int, str | None]:
    """The exit code of a run that ended with ``error`` (None: success), after
    printing its error line on standard error; and that line when the run was
    stopped after publishing (the result's message), else None."""
    code = 0 if error is None else _exit_code(error)
    stopped = None
    if error is not None:
        published = report.status == "built"  # a signal that came once publishing had begun
        if (isinstance(error, (KeyboardInterrupt, ExecutionError)) or code == 1) and not published:
            report.status = "failed"
        if not isinstance(error, (EvaluationError, KeyboardInterrupt)):
            traceback.print_exception(error, file=sys.stderr)
        text = str(error) if isinstance(error, Terminated) else \
            "interrupted" if isinstance(error, KeyboardInterrupt) else f"error: {error}"
        if published and isinstance(error, KeyboardInterrupt):
            text += f" after publishing {report.folder}: the publication is complete"
            if getattr(args, "archive", None) and report.archive is None:
                text += f"; {args.archive} was not written"
            stopped = text
        print(text, file=sys.stderr, flush=True)
    return code, stopped


def usage_error_result() -> str:
    """The ``--json`` result of a command line argparse refused (exit 2)."""
    from .result import RunReport, result_object

    return json.dumps(result_object(RunReport(), 2, ParameterError("invalid arguments (the message is on standard error)")),
                      ensure_ascii=False, indent=2)
