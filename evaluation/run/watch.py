"""``evaluation watch``: rebuild the publication whenever its inputs change.

The command builds once, as ``evaluation run`` would (reusing what is up to
date), then polls the data folder and the notebooks for changes (file
signatures: inode, size and modification times, every
:data:`POLL_SECONDS`).  Once the files have been left alone for
:data:`QUIET_SECONDS` (an editor that saves in two steps causes one
rebuild), it rebuilds through the same :func:`evaluation.run.pipeline.run`
as ``evaluation run``: the same keys, the same publication, the same atomic
publishing under the same lock (a concurrent ``evaluation run`` of the same
pair is waited for).  One line per rebuild says what was executed, how long
it took and where the memo is; with ``--json``, one JSON object per rebuild
(the fields of ``evaluation run --json``) on one line.

What makes it fast is what it keeps between rebuilds: this interpreter, with
the libraries a run imports loaded once, and one fork server
(:mod:`evaluation.run.kernels.server`), which a run uses instead of starting
its own.  What it keeps must give the bytes a fresh process would:

- the package's own source (``evaluation/``, also the templates) is loaded
  in this process and preloaded by the server, and the run's keys hold its
  digest, computed once per process: when it changes, the server is stopped
  and the command starts again from the beginning (the same process id,
  the same arguments);
- so when the environment changes (a package installed, upgraded or
  removed, the interpreter, a kernel specification, matplotlib's own
  ``matplotlibrc``), whose versions are also computed once per process;
- the server gets the environment the kernels get (the cache folders are
  set first; a kernel whose environment differs would be launched
  normally), and one that died is started again before the next rebuild;
- the notebooks' source and the data are read afresh by every rebuild.

Invalid data publishes nothing and prints the error ``evaluation validate``
gives; watching goes on, and the next change rebuilds.  Ctrl-C (or SIGTERM,
SIGHUP) while waiting stops the command with exit 0 (143, 129), leaving no
server or kernel behind; during a rebuild the signal stops it as it stops
``evaluation run`` (:mod:`evaluation.run.signals`) and the command exits with
that run's code.  When standard output is closed (``evaluation watch | head``)
it stops as after Ctrl-C.  It never reads standard input.
"""
from __future__ import annotations

import atexit
import json
import os
import sys
import time
from pathlib import Path

from .. import config
from ..exceptions import Terminated
from .command import add_run_arguments, build, conclude, run_options
from .signals import stopped_by_signals
from .signatures import Sources, changed

__all__ = ["POLL_SECONDS", "QUIET_SECONDS", "PACKAGE_DIR", "add_watch_arguments", "watch_command", "rebuild_line",
           "settled"]

#: Seconds between two looks at the watched files.
POLL_SECONDS = 0.2
#: Seconds the files must stay unchanged before a rebuild starts.
QUIET_SECONDS = 0.1
#: Seconds a rebuild waits for another run's lock on the same output.
LOCK_WAIT_SECONDS = 3600.0
#: Options of ``evaluation run`` that a watch has no use for.
LEFT_OUT = ("--force", "--wait", "--archive")
#: The package whose source a change of restarts the command.
PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: The exit codes of a run stopped by a signal.
STOPPED = (129, 130, 143)
#: Tells the restarted command why it was restarted (removed from its environment at once).
RESTART_VARIABLE = "EVALUATION_WATCH_RESTARTED"


def add_watch_arguments(p) -> None:
    """The options of ``evaluation run`` that make sense for a watch."""
    add_run_arguments(p, leave_out=LEFT_OUT)
    p.set_defaults(force=False, archive=None, wait=LOCK_WAIT_SECONDS)


def settled(look, before: dict, now: dict) -> dict:
    """The look at the files once those that changed from ``before`` to ``now``
    have been left alone for :data:`QUIET_SECONDS`.

    A file's status change time says when it was last written or renamed:
    one that has been alone long enough needs no waiting; otherwise (or when
    a file was removed, which leaves no time) look again once the rest of
    the quiet time has passed, until a look finds nothing new.
    """
    while True:
        paths = changed(before, now)
        times = [now[p][3] for p in paths if p in now]
        alone = time.time() - max(times) / 1e9 if times and len(times) == len(paths) else 0.0
        if alone >= QUIET_SECONDS:
            return now
        time.sleep(QUIET_SECONDS - max(alone, 0.0))
        again = look()
        if again == now:
            return now
        before, now = now, again


# ------------------------------------------------------------ the server
class KeptServer:
    """The one fork server kept between rebuilds (started again if it died)."""

    def __init__(self, out: Path):
        self.out = out
        self._block = None
        self.server = None

    def ensure(self) -> None:
        """Start the server unless it runs.  It must have the kernels' cache
        folders: when those would be made inside the output folder, only a
        run whose data passed creates them, and until then each run starts a
        server of its own, as ``evaluation run`` does."""
        if self.server is not None and self.server.running:
            return
        from .caches import use_tool_caches_outside
        from .execution import run_kernel_server

        self.stop()
        if not use_tool_caches_outside(self.out):
            return
        block = run_kernel_server()
        self.server = block.__enter__()  # run() uses it (the active server) instead of starting one
        self._block = block

    def stop(self) -> None:
        block, self._block, self.server = self._block, None, None
        if block is not None:
            block.__exit__(None, None, None)


# ------------------------------------------------------------ the command
def _say(text: str, args, *, result: bool = False) -> None:
    """A rebuild's line (``result``) on standard output, other lines on standard
    error; nothing with ``--quiet``, and only JSON on standard output with ``--json``."""
    if not args.quiet:
        print(text, file=sys.stdout if result and not args.json else sys.stderr, flush=True)


def _shown(path: Path) -> str:
    """A path as the console shows it: relative to the project when inside it."""
    path = Path(path).absolute()
    return config.project_relative(path) if path.is_relative_to(config.PROJECT_ROOT) else str(path)


def _stamp() -> str:
    return time.strftime("%H:%M:%S")


def _names(names: list[str], shown: int = 4) -> str:
    return ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")


def rebuild_line(report, code: int, seconds: float) -> str:
    """The line that says what one rebuild did."""
    memo = report.folder / "memo.html" if report.folder is not None else None
    if code == 0 and report.status == "built":
        executed = f"executed {_names(report.executed)}" if report.executed else "nothing executed"
        return f"{_stamp()} rebuilt in {seconds:.2f} s ({executed}; {len(report.reused)} reused): {memo}"
    if code == 0:
        return f"{_stamp()} up to date ({seconds:.2f} s, nothing executed): {memo}"
    return f"{_stamp()} not rebuilt (exit {code}): nothing published; watching for the next change"


def _rebuild(args, *, line: bool = True) -> int:
    """One run, as ``evaluation run`` does it; prints its JSON object with
    ``--json`` and (with ``line``) its line.  Returns its exit code."""
    from .fingerprint import DataFolder
    from .result import RunReport, result_object

    report = RunReport(quiet=True)  # the console gets one line per rebuild, run.log every line
    started = time.monotonic()
    error, message = build(args, report)
    code, stopped = conclude(args, report, error)
    for warning in report.warnings:
        _say(f"warning: {warning}", args)
    if args.json:
        if message:
            report.say(message)
        print(json.dumps(result_object(report, code, error, message=stopped), ensure_ascii=False), flush=True)
    if line:
        _say(rebuild_line(report, code, time.monotonic() - started), args, result=True)
    for method in vars(DataFolder).values():  # a DataFolder's cached readings are of this rebuild only
        if hasattr(method, "cache_clear"):
            method.cache_clear()
    return code


def _warm_up() -> None:
    """Import what a rebuild needs and render a page once, so that the first
    change is as fast as the next; then keep what this process holds now out
    of the garbage collector's way: a full collection over the objects of
    every module a run imports took a third of a second of a rebuild every
    few rebuilds, and these objects stay for the life of the process."""
    import gc
    import tempfile

    from . import changes, parallel  # noqa: F401 (papermill, nbclient, jupyter_client)
    from ..data import cache  # noqa: F401 (pandas)
    from .documents import warm_exporters

    with tempfile.TemporaryDirectory(prefix="evaluation-watch-") as tmp:
        warm_exporters(Path(tmp))
    gc.collect()  # the first build's garbage goes now, not frozen with the rest
    gc.freeze()


def _watch(args, sources: Sources, server: KeptServer, restarted: str) -> int | str:
    """Build, then rebuild on every change.  Returns the exit code of a rebuild
    stopped by a signal, or why the command must start again."""
    inputs, code = sources.input_signature(), sources.code_signature()
    server.ensure()
    result = _rebuild(args)
    if result in STOPPED:
        return result
    server.ensure()  # now, if the caches were not known before
    _warm_up()
    where = " and ".join(_shown(p) for p in sources.inputs)
    _say(f"{_stamp()} {'restarted (' + restarted + '); ' if restarted else ''}watching {where} for changes; "
         "Ctrl-C stops", args)
    while True:
        time.sleep(POLL_SECONDS)
        touched = changed(code, sources.code_signature())  # (a path that appears absent is no change)
        if touched:
            return f"{_shown(Path(touched[0]))} changed"
        new_inputs = sources.input_signature()
        if new_inputs == inputs:
            continue
        inputs = settled(sources.input_signature, inputs, new_inputs)
        server.ensure()
        result = _rebuild(args)
        if result in STOPPED:  # by a signal during the rebuild
            return result
        server.ensure()


def watch_command(args) -> int:
    """Entry point of ``evaluation watch``: returns the exit code."""
    restarted = os.environ.pop(RESTART_VARIABLE, "")
    opts = run_options(args)
    if not opts.data.is_dir():  # exits as 'evaluation run' does
        with stopped_by_signals():
            return _rebuild(args, line=False)
    sources = Sources(inputs=(opts.data, config.NOTEBOOKS_DIR), package=PACKAGE_DIR, skip=(opts.out,))
    server = KeptServer(opts.out)
    with stopped_by_signals():
        try:
            outcome = _watch(args, sources, server, restarted)
        except KeyboardInterrupt as exc:  # a signal while waiting for changes
            outcome = 0 if not isinstance(exc, Terminated) else exc.exit_code
        except BrokenPipeError:  # whoever read standard output is gone (``| head``): nobody left to tell
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, sys.stdout.fileno())  # so that flushing it at exit fails no more
            os.close(null)
            outcome = 0
        finally:
            server.stop()
    if isinstance(outcome, str):
        _say(f"{_stamp()} {outcome}: starting again", args)
        os.environ[RESTART_VARIABLE] = outcome
        atexit._run_exitfuncs()  # what this process would do at its exit (remove its kernels' socket folder)
        os.execv(sys.executable, sys.orig_argv)
    _say(f"{_stamp()} stopped watching", args)
    return outcome
