"""Import modules in the fork server as a notebook cell would, and note what would show.

The fork server (:mod:`evaluation.run.kernels.loop`) imports the heavy modules once,
before any kernel exists.  A kernel forked from it skips those imports, so
whatever they did that a notebook could see must be the same as when a cell
of a fresh kernel imports them, or the server must refuse to fork.
:class:`Preloaded` imports the modules in two steps:

1. the kernel's own modules (:data:`KERNEL_MODULES`), which every kernel
   imports at start-up before any cell runs;
2. the notebook-facing modules, under the conditions of a notebook cell:
   ``get_ipython()`` answers (a stand-in for the shell that says it belongs
   to a kernel and notes any other use), standard output and error are not
   terminals and have the kernel's encoding, every warning shown and every
   byte printed is noted, and the warnings filters the modules install are
   recorded, taken out and later replayed by each kernel right after its
   shell is initialised, which is where a fresh kernel has them once the
   notebook imported the modules.

A problem is noted (and makes the server refuse every launch) when a module
warned, printed, used the shell, changed ``os.environ``, ``sys.path``, the
import hooks or matplotlib's rcParams, imported the inline backend (whose
activation needs the shell), started a thread or created a ZeroMQ context.
The environment variables read while importing are recorded: a kernel whose
environment differs in one of them (or in one that compiled code may read,
:data:`STARTUP_VARIABLES`) is launched normally.

What a notebook can still tell apart, by looking for it: the preloaded
modules are in ``sys.modules``, and their warnings filters in
``warnings.filters``, from the first cell on rather than from the cell that
imports them (the filters only concern warnings those modules emit); all
kernels of one server share the hash seed of ``str`` (set ``PYTHONHASHSEED``
when set order matters); ``os.getppid()`` is the server; and
``gc.get_freeze_count()`` counts the preloaded objects, which the server
moves out of the collector's reach before it forks.

This module imports only the standard library at module level.
"""
from __future__ import annotations

import builtins
import contextlib
import importlib
import io
import itertools
import os
import re
import sys
import threading
import time
import warnings

__all__ = ["DEFAULT_PRELOAD", "PACKAGE_PRELOAD", "RUN_PRELOAD", "KERNEL_MODULES", "STARTUP_VARIABLES", "Preloaded",
           "env_differences", "thread_names_taken", "set_thread_names_taken"]

#: Modules imported by the server before it forks kernels.
DEFAULT_PRELOAD: tuple[str, ...] = (
    "matplotlib",
    "numpy",
    "pandas",
    "scipy.stats",
    "scipy.signal",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_agg",
    "seaborn",
    "yaml",
    "mistune",
    "nh3",
)


#: The package's modules the notebooks import.  A run's server preloads them
#: too (:data:`RUN_PRELOAD`), so that no kernel spends a fifth of a second on
#: them; ``tests/run/kernels/test_server.py`` checks the list against the notebooks.
PACKAGE_PRELOAD: tuple[str, ...] = (
    "evaluation.config",
    "evaluation.names",
    "evaluation.data",
    "evaluation.analysis.ceiling",
    "evaluation.analysis.codings",
    "evaluation.analysis.compare",
    "evaluation.analysis.distribution",
    "evaluation.analysis.stats",
    "evaluation.analysis.trend",
    "evaluation.memo.context",
    "evaluation.memo.figures",
    "evaluation.memo.listing",
    "evaluation.memo.outline",
    "evaluation.memo.qualitative",
    "evaluation.memo.report",
    "evaluation.memo.text",
)
#: What the server of an ``evaluation run`` preloads.
RUN_PRELOAD: tuple[str, ...] = DEFAULT_PRELOAD + PACKAGE_PRELOAD


#: Modules every kernel imports at start-up; the server imports them first.
#: ``ipykernel.debugger`` (which imports debugpy) is imported by every
#: ``IPythonKernel`` as it is created.  Its import sets
#: ``PYDEVD_USE_FRAME_EVAL`` when unset and takes one default thread name
#: ("Thread-N"); each child repeats both at the point where a fresh kernel
#: would (:attr:`Preloaded.kernel_env`, :attr:`Preloaded.kernel_thread_names`).
KERNEL_MODULES: tuple[str, ...] = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell",
                                   "ipykernel.debugger")
_SHELL_DEPENDENT = ("matplotlib_inline.backend_inline",)

#: Variables the interpreter or compiled libraries may read at start-up or
#: import, where reading ``os.environ`` cannot be seen.
STARTUP_VARIABLES = re.compile(
    r"PYTHON|LC_|LANG$|LANGUAGE$|TZ$|HOME$|PATH$|TMPDIR$|TEMP$|TMP$|XDG_|MPL|MATPLOTLIB"
    r"|OMP_|OPENBLAS|GOTO|MKL_|KMP_|BLIS_|VECLIB|NUMEXPR|NPY_|NUMPY_"
)


def env_differences(request: dict[str, str], server: dict[str, str], read: set[str]) -> list[str]:
    """Return the variables whose difference could make a forked kernel differ.

    Those are the variables read while preloading and those that match
    :data:`STARTUP_VARIABLES`, apart from the ``JPY_*`` ones jupyter_client
    sets per kernel (a child gets the request's environment in full).
    """
    keys = {k for k in request.keys() | server.keys()
            if not k.startswith("JPY_") and (k in read or STARTUP_VARIABLES.match(k))}
    return sorted(k for k in keys if request.get(k) != server.get(k))


class _ShellStub:
    """What ``get_ipython()`` returns while the server preloads.

    A module imported in a notebook sees the kernel's shell.  The stub
    answers the one question modules commonly ask at import (pandas chooses
    its ``display.max_columns`` by whether the shell has a ``kernel``) and
    notes any other use, which makes the server refuse to fork.
    """

    kernel = True

    def __init__(self, used: list[str]):
        self._used = used

    def __getattr__(self, name: str):
        self._used.append(name)
        raise AttributeError(name)


class _Recorder(io.TextIOBase):
    """A standard stream like the kernel's: not a terminal, encoding that of
    ipykernel's ``OutStream``; it notes what is written."""

    def __init__(self, target, written: list[str]):
        self._target = target
        self._written = written

    def write(self, text: str) -> int:
        if text:
            self._written.append(text)
        return self._target.write(text)

    def flush(self) -> None:
        self._target.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._target.fileno()

    @property
    def encoding(self) -> str:
        from ipykernel.iostream import OutStream

        return OutStream.encoding


class _KernelStderr:
    """``sys.stderr`` while the kernel's own modules are preloaded.

    A module that keeps the stream it finds at import (debugpy does, and
    prints a start-up note to it) holds the kernel's output stream in a fresh
    kernel, where start-up text reaches no cell.  Here it holds this object:
    it drops what is written during the server's imports, and afterwards
    writes to whatever ``sys.stderr`` is then, in a child the kernel's stream.
    """

    started = False

    def write(self, text: str) -> int:
        return sys.stderr.write(text) if self.started and sys.stderr is not self else len(text)

    def flush(self) -> None:
        if self.started and sys.stderr is not self:
            sys.stderr.flush()

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:
        return getattr(sys.stderr, "encoding", None) or "utf-8"


def thread_names_taken() -> int:
    """Return how many default thread names ("Thread-N") were handed out so far.

    :mod:`threading` numbers unnamed threads from a counter; a notebook can
    see the numbers in ``threading.enumerate()``.
    """
    return int(re.fullmatch(r"count\((\d+)\)", repr(threading._counter.__self__)).group(1)) - 1


def set_thread_names_taken(n: int) -> None:
    """Make the next default thread name "Thread-<n + 1>"."""
    threading._counter = itertools.count(n + 1).__next__


class Preloaded:
    """What the server imported, and why forking from it could change outputs.

    The kernel's own modules are imported first, as a kernel does at start-up.
    The notebook-facing modules follow; the warnings filters they install are
    recorded and taken out again, and each child replays them once its
    kernel is initialised, which leaves ``warnings.filters`` in the order a
    fresh kernel has after the notebook imported those modules.
    """

    def __init__(self, modules: list[str]):
        self.modules = modules
        self.problems: list[str] = []
        self.filter_ops: list[tuple[tuple, bool]] = []
        self.env_read: set[str] = set()
        #: Variables the kernel's own modules added to ``os.environ`` while
        #: imported; a child sets them where its environment lacks them, as
        #: those imports do in a fresh kernel.
        self.kernel_env: dict[str, str] = {}
        #: Default thread names handed out before the kernel's modules were
        #: imported, and how many those imports took.
        self.thread_names_before = 0
        self.kernel_thread_names = 0
        self.matplotlibrc: str | None = None
        self.seconds = 0.0

    def _import(self, name: str) -> None:
        try:
            importlib.import_module(name)
        except Exception as exc:
            self.problems.append(f"preloading {name} failed: {type(exc).__name__}: {exc}")

    def load(self) -> None:
        start = time.perf_counter()
        getitem = os._Environ.__getitem__

        def recording_getitem(environ, key):
            self.env_read.add(key)
            return getitem(environ, key)

        os._Environ.__getitem__ = recording_getitem
        try:
            self._load(lambda: {key: getitem(os.environ, key) for key in list(os.environ)})
        finally:
            os._Environ.__getitem__ = getitem
        self.seconds = time.perf_counter() - start

    def _load(self, environ) -> None:
        start_env = environ()
        self.thread_names_before = thread_names_taken()
        saved = sys.stderr
        sys.stderr = quiet = _KernelStderr()
        try:
            for name in KERNEL_MODULES:
                self._import(name)
        finally:
            quiet.started = True
            sys.stderr = saved
        self.kernel_thread_names = thread_names_taken() - self.thread_names_before
        kernel_env = environ()
        changed = sorted(k for k in start_env if kernel_env.get(k) != start_env[k])
        if changed:
            self.problems.append(f"the kernel's modules changed or removed environment variables: {changed}")
        self.kernel_env = {k: v for k, v in kernel_env.items() if k not in start_env}
        filters = list(warnings.filters)
        before = (environ(), list(sys.path), list(sys.meta_path), list(sys.path_hooks))
        rc_before = None
        names_before = thread_names_taken()
        with self._as_in_a_kernel():
            for name in sorted(self.modules, key=lambda m: m != "matplotlib"):
                self._import(name)
                if rc_before is None and "matplotlib" in sys.modules:
                    rc_before = dict(sys.modules["matplotlib"].rcParams)
        if thread_names_taken() != names_before:
            self.problems.append("a preloaded module created a thread object (it takes a default thread name)")
        if before != (environ(), list(sys.path), list(sys.meta_path), list(sys.path_hooks)):
            self.problems.append("a preloaded module changed os.environ, sys.path or the import hooks")
        self._separate_filters(filters)
        self._check_side_effects(rc_before)

    @contextlib.contextmanager
    def _as_in_a_kernel(self):
        """Import as a notebook cell would, and note whatever would show.

        ``get_ipython()`` returns a :class:`_ShellStub` (a module that asks
        whether it runs in a kernel is told yes; one that uses the shell is
        noted), standard output and error are not terminals and writes to
        them are noted, shown warnings are noted, and the warnings filters
        installed are recorded.
        """
        import IPython
        import IPython.core.getipython as getipython

        used: list[str] = []
        stub = _ShellStub(used)
        written: list[str] = []
        caught: list = []
        filters_object = warnings.filters
        add_filter, show = warnings._add_filter, warnings._showwarnmsg_impl

        def recording_add_filter(*item, append):
            if warnings.filters is filters_object:  # not inside catch_warnings()
                self.filter_ops.append((item, append))
            add_filter(*item, append=append)

        saved = (IPython.get_ipython, getipython.get_ipython, sys.stdout, sys.stderr)
        IPython.get_ipython = getipython.get_ipython = builtins.get_ipython = lambda: stub
        sys.stdout, sys.stderr = _Recorder(sys.stdout, written), _Recorder(sys.stderr, written)
        warnings._add_filter, warnings._showwarnmsg_impl = recording_add_filter, caught.append
        try:
            yield
        finally:
            warnings._add_filter, warnings._showwarnmsg_impl = add_filter, show
            IPython.get_ipython, getipython.get_ipython, sys.stdout, sys.stderr = saved
            del builtins.get_ipython
        self.problems += [f"a preloaded module used the kernel's shell: {name}" for name in used]
        if written:
            self.problems.append(f"a preloaded module printed: {''.join(written)[:200]!r}")
        for w in caught:
            self.problems.append(f"a preloaded module warned: {w.category.__name__}: {w.message}")

    def _separate_filters(self, filters: list) -> None:
        """Take the recorded filters out, checking that replaying them is exact."""
        after = list(warnings.filters)
        warnings.filters[:] = filters
        self.replay_filters()
        if warnings.filters != after:
            self.problems.append("a preloaded module changed warnings.filters directly")
        warnings.filters[:] = filters
        warnings._filters_mutated()

    def replay_filters(self) -> None:
        for item, append in self.filter_ops:
            warnings._add_filter(*item, append=append)

    def _check_side_effects(self, rc_before: dict | None) -> None:
        mpl = sys.modules.get("matplotlib")
        if mpl is not None:
            self.matplotlibrc = mpl.matplotlib_fname()
            if rc_before is not None and dict(mpl.rcParams) != rc_before:
                self.problems.append("a preloaded module changed matplotlib.rcParams")
        for name in _SHELL_DEPENDENT:
            if name in sys.modules:
                self.problems.append(f"{name} was imported, but it needs the kernel's shell")
        if threading.active_count() != 1:
            self.problems.append(f"preloading started threads: {[t.name for t in threading.enumerate()]}")
        zmq = sys.modules.get("zmq")
        if zmq is not None and getattr(zmq.Context, "_instance", None) is not None:
            self.problems.append("preloading created a ZeroMQ context")
