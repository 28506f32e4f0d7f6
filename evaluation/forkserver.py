"""A fork server that starts IPython kernels from a parent that has the heavy imports done.

A fresh kernel spends most of its start-up importing pandas, seaborn and
matplotlib.  The fork server is a helper process, started once per run with
:func:`subprocess.Popen` (so it inherits no ZeroMQ context or thread of the
caller), that imports those modules once, creates no thread and no ZeroMQ
context, and then waits on a unix socket.  For each launch request it forks a
child that becomes an ordinary kernel: the same command line, environment,
working directory, ``sys.argv``, ``sys.path``, a new ``__main__`` module, a new
session, a stdin pipe closed at the other end and freshly seeded random
generators, exactly as :func:`jupyter_client.launcher.launch_kernel` would give
a new ``python -m ipykernel_launcher`` process.

A child differs from a fresh kernel only in what the preloaded modules did at
import time, so the server refuses (and the caller falls back to a normal
launch) whenever that could show in a notebook:

- a preloaded module emitted a warning a fresh kernel would print in the cell
  that imports it, changed matplotlib's rcParams after matplotlib's own
  import, imported the inline backend (whose activation needs the kernel's
  shell), started a thread or created a ZeroMQ context;
- the request's interpreter or ``matplotlibrc`` differ from the server's, or
  its environment differs in a variable that preloading read (or that the
  interpreter and compiled libraries may read at start-up, such as
  ``PYTHON*``, ``LC_*`` and ``OMP_*``).  Other variables may differ: the
  child gets the request's environment in full before the kernel starts.

The package's own modules are not preloaded by default: notebooks then always
import the current source, and any import-time side effect of the package
happens inside the kernel as it would in a fresh one.

Use::

    with fork_server() as server:
        ...  # kernels started through evaluation.kernels.ForkKernelManager
        print(server.stats())

Run ``python -m evaluation.forkserver SOCKET STATUS_FD MODULE...`` only through
:class:`ForkServer`.  This module imports nothing beyond the standard library
at module level, so the server process starts clean.
"""
from __future__ import annotations

import atexit
import builtins
import contextlib
import importlib
import importlib.machinery
import io
import json
import logging
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import types
import warnings
from typing import Iterator

__all__ = [
    "DEFAULT_PRELOAD",
    "KERNEL_MODULES",
    "PER_KERNEL_MODULES",
    "INLINE_BACKEND",
    "ForkServer",
    "KernelProcess",
    "ForkServerUnavailable",
    "fork_server",
    "active_server",
    "default_server",
]

log = logging.getLogger(__name__)

#: Modules imported by the server before it forks kernels.
DEFAULT_PRELOAD: tuple[str, ...] = (
    "matplotlib",
    "numpy",
    "pandas",
    "scipy.stats",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_agg",
    "seaborn",
)
#: Modules every kernel imports at start-up; the server imports them first.
KERNEL_MODULES: tuple[str, ...] = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell")
#: Modules whose body reads the variables jupyter_client sets per kernel
#: (``JPY_PARENT_PID`` and ``JPY_INTERRUPT_EVENT`` give ``IPKernelApp`` its
#: trait defaults); each child imports them again.
PER_KERNEL_MODULES: tuple[str, ...] = ("ipykernel.kernelapp",)
#: The matplotlib backend ipykernel selects when ``MPLBACKEND`` is not set.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

_LAUNCHER = "ipykernel_launcher"
_SHELL_DEPENDENT = ("matplotlib_inline.backend_inline",)
_READ_SIZE = 65536


class ForkServerUnavailable(RuntimeError):
    """The fork server cannot be reached; the caller launches normally."""


#: Variables the interpreter or compiled libraries may read at start-up or
#: import, where reading ``os.environ`` cannot be seen.
_STARTUP_VARIABLES = re.compile(
    r"PYTHON|LC_|LANG$|LANGUAGE$|TZ$|HOME$|PATH$|TMPDIR$|TEMP$|TMP$|XDG_|MPL|MATPLOTLIB"
    r"|OMP_|OPENBLAS|GOTO|MKL_|KMP_|BLIS_|VECLIB|NUMEXPR|NPY_|NUMPY_"
)


def _env_differences(request: dict[str, str], server: dict[str, str], read: set[str]) -> list[str]:
    """Return the variables whose difference could make a forked kernel differ.

    Those are the variables read while preloading and those that match
    :data:`_STARTUP_VARIABLES`, apart from the ``JPY_*`` ones jupyter_client
    sets per kernel (a child gets the request's environment in full).
    """
    keys = {k for k in request.keys() | server.keys()
            if not k.startswith("JPY_") and (k in read or _STARTUP_VARIABLES.match(k))}
    return sorted(k for k in keys if request.get(k) != server.get(k))


def _send(sock: socket.socket, message: dict) -> None:
    sock.sendall(json.dumps(message).encode() + b"\n")


# --------------------------------------------------------------------------
# The server process
# --------------------------------------------------------------------------


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


class _Preloaded:
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
        for name in KERNEL_MODULES:
            self._import(name)
        filters = list(warnings.filters)
        before = (environ(), list(sys.path), list(sys.meta_path), list(sys.path_hooks))
        rc_before = None
        with self._as_in_a_kernel():
            for name in sorted(self.modules, key=lambda m: m != "matplotlib"):
                self._import(name)
                if rc_before is None and "matplotlib" in sys.modules:
                    rc_before = dict(sys.modules["matplotlib"].rcParams)
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


class _Server:
    """The select loop of the server: launch requests in, exit statuses out."""

    def __init__(self, path: str, preloaded: _Preloaded, base_env: dict[str, str]):
        self.preloaded = preloaded
        self.base_env = base_env
        self.path0 = sys.path[0] if sys.path else None
        self.forked = 0
        self.refused: list[str] = []
        self.children: dict[int, socket.socket | None] = {}
        self.buffers: dict[socket.socket, bytes] = {}
        self.pid_of: dict[socket.socket, int] = {}
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        self.listener.listen(64)
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGTERM, self._on_term)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.listener, selectors.EVENT_READ, "accept")
        self.sel.register(self.wake_r, selectors.EVENT_READ, "wake")
        self.sel.register(0, selectors.EVENT_READ, "lifeline")

    @staticmethod
    def _on_term(signum, frame):
        raise SystemExit(0)

    def run(self) -> None:
        try:
            while True:
                for key, _ in self.sel.select(timeout=1.0):
                    if key.data == "accept":
                        conn, _ = self.listener.accept()
                        self.buffers[conn] = b""
                        self.sel.register(conn, selectors.EVENT_READ, "conn")
                    elif key.data == "wake":
                        with contextlib.suppress(BlockingIOError):
                            os.read(self.wake_r, 4096)
                    elif key.data == "lifeline":
                        if not os.read(0, 4096):
                            return
                    else:
                        self._on_readable(key.fileobj)
                self._reap()
        finally:
            self._kill_all()

    def _on_readable(self, conn: socket.socket) -> None:
        try:
            data = conn.recv(_READ_SIZE)
        except OSError:
            data = b""
        if not data:
            self._drop(conn, kill=True)
            return
        self.buffers[conn] += data
        while b"\n" in self.buffers.get(conn, b""):
            line, _, rest = self.buffers[conn].partition(b"\n")
            self.buffers[conn] = rest
            self._handle(conn, json.loads(line))

    def _handle(self, conn: socket.socket, request: dict) -> None:
        op = request.get("op")
        if op == "stats":
            _send(conn, {"forked": self.forked, "refused": self.refused, "running": len(self.children),
                         "pid": os.getpid(), "problems": self.preloaded.problems})
        elif op == "signal":
            pid = self.pid_of.get(conn)
            if pid is not None and pid in self.children:
                with contextlib.suppress(OSError):
                    os.killpg(pid, request["signum"])
        elif op == "launch":
            self._launch(conn, request)
        else:
            _send(conn, {"error": f"unknown request {op!r}"})

    def _incompatible(self, request: dict) -> str | None:
        """Return why a forked child could differ from a fresh kernel, or None."""
        if self.preloaded.problems:
            return "; ".join(self.preloaded.problems)
        cmd = request["cmd"]
        if len(cmd) < 3 or cmd[0] != sys.executable or cmd[1:3] != ["-m", _LAUNCHER]:
            return f"the kernel command is not '{sys.executable} -m {_LAUNCHER}': {cmd[:3]}"
        differ = _env_differences(request["env"], self.base_env, self.preloaded.env_read)
        if differ:
            return f"the kernel environment differs from the server's in {differ}"
        if self.preloaded.matplotlibrc is not None:
            local = os.path.join(request["cwd"], "matplotlibrc")
            if os.path.exists(local) and os.path.abspath(local) != self.preloaded.matplotlibrc:
                return f"the working directory has its own matplotlibrc: {local}"
        return None

    def _launch(self, conn: socket.socket, request: dict) -> None:
        if not os.path.isdir(request["cwd"]):
            _send(conn, {"error": f"no such working directory: {request['cwd']}"})
            return self._drop(conn, kill=False)
        reason = self._incompatible(request)
        if reason is not None:
            self.refused.append(reason)
            _send(conn, {"fallback": reason})
            return self._drop(conn, kill=False)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which never returns
            self._become_kernel(request)
        self.forked += 1
        self.children[pid] = conn
        self.pid_of[conn] = pid
        _send(conn, {"pid": pid})

    def _reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            conn = self.children.pop(pid, None)
            if conn is not None:
                with contextlib.suppress(OSError):
                    _send(conn, {"exit": code})
                self._drop(conn, kill=False)

    def _drop(self, conn: socket.socket, *, kill: bool) -> None:
        """Forget a connection; a kernel whose manager went away is killed."""
        pid = self.pid_of.pop(conn, None)
        if pid is not None and pid in self.children:
            self.children[pid] = None
            if kill:
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)
        self.buffers.pop(conn, None)
        with contextlib.suppress(KeyError, ValueError):
            self.sel.unregister(conn)
        conn.close()

    def _kill_all(self) -> None:
        for pid in list(self.children):
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while self.children and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.02)

    def _close_inherited(self) -> None:
        """In a child: drop every descriptor and handler of the server."""
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        self.sel.close()
        self.listener.close()
        for conn in list(self.buffers):
            conn.close()
        os.close(self.wake_r)
        os.close(self.wake_w)

    def _become_kernel(self, request: dict) -> None:  # pragma: no cover - child only
        code = 1
        try:
            self._close_inherited()
            os.setsid()
            read_end, write_end = os.pipe()  # stdin: a pipe closed at the other end
            os.dup2(read_end, 0)
            os.close(read_end)
            os.close(write_end)
            os.chdir(request["cwd"])
            os.environ.clear()
            os.environ.update(request["env"])
            for name in PER_KERNEL_MODULES:
                _reimport(name)
            _after_initialize(self.preloaded.replay_filters)
            code = _run_launcher(request["cmd"], self.path0)
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)


def _reimport(name: str) -> None:  # pragma: no cover - child only
    """Import module ``name`` again, so that its body runs in this kernel's environment."""
    sys.modules.pop(name, None)
    package, _, attribute = name.rpartition(".")
    if package in sys.modules and hasattr(sys.modules[package], attribute):
        delattr(sys.modules[package], attribute)
    importlib.import_module(name)


def _after_initialize(action) -> None:  # pragma: no cover - child only
    """Run ``action`` once, right after the kernel application is initialised.

    The original ``IPKernelApp.initialize`` is put back before it runs, so the
    kernel keeps no trace of the hook.
    """
    from ipykernel.kernelapp import IPKernelApp

    own = "initialize" in IPKernelApp.__dict__
    original = IPKernelApp.initialize

    def initialize(self, argv=None):
        if own:
            IPKernelApp.initialize = original
        else:
            del IPKernelApp.initialize
        original(self, argv)
        action()

    IPKernelApp.initialize = initialize


def _run_launcher(cmd: list[str], path0: str | None) -> int:  # pragma: no cover - child only
    """Run ``python -m ipykernel_launcher`` in this process; return its exit code."""
    import runpy

    if not sys.flags.safe_path and sys.path and sys.path[0] == path0:
        sys.path[0] = os.getcwd()  # what ``python -m`` puts first
    importlib.invalidate_caches()
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()  # the stdlib's random reseeds itself after a fork
    main = types.ModuleType("__main__")
    main.__loader__ = importlib.machinery.BuiltinImporter
    main.__annotations__ = {}
    main.__builtins__ = builtins
    sys.modules["__main__"] = main
    sys.orig_argv = list(cmd)
    sys.argv = ["-m", *cmd[3:]]
    code = 0
    try:
        runpy._run_module_as_main(_LAUNCHER, alter_argv=True)
    except SystemExit as exc:
        code = _exit_code(exc.code)
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    with contextlib.suppress(Exception):
        threading._shutdown()
    with contextlib.suppress(Exception):
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    return code


def _exit_code(value) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    print(value, file=sys.stderr)
    return 1


def _serve(path: str, status_fd: int, modules: list[str]) -> None:
    """Entry point of the server process."""
    base_env = dict(os.environ)
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = INLINE_BACKEND  # as ipykernel sets it before any import
    preloaded = _Preloaded(modules)
    preloaded.load()
    server = _Server(path, preloaded, base_env)
    with os.fdopen(status_fd, "w") as status:
        status.write(json.dumps({"pid": os.getpid(), "problems": preloaded.problems,
                                 "seconds": preloaded.seconds}) + "\n")
    server.run()


# --------------------------------------------------------------------------
# The caller's side
# --------------------------------------------------------------------------


class KernelProcess:
    """A kernel forked by the server, seen from the kernel manager.

    The connection to the server stays open for the kernel's lifetime: the
    server sends the exit status on it and forwards signals to the kernel's
    process group, so a reaped pid is never signalled.
    """

    def __init__(self, sock: socket.socket, pid: int):
        self.sock = sock
        self.pid = pid
        self.returncode: int | None = None
        self._buffer = b""
        self._server_gone = False

    def poll(self) -> int | None:
        """Return the exit code if the kernel has exited, else None."""
        if self.returncode is not None:
            return self.returncode
        if not self._server_gone:
            self.sock.setblocking(False)
            try:
                data = self.sock.recv(_READ_SIZE)
                if not data:
                    self._server_gone = True
                self._buffer += data
            except BlockingIOError:
                pass
            except OSError:
                self._server_gone = True
            if b"\n" in self._buffer:
                self.returncode = json.loads(self._buffer.partition(b"\n")[0])["exit"]
                return self.returncode
        if self._server_gone:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -signal.SIGKILL
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """Signal the kernel's process group (through the server while it runs)."""
        if self.poll() is not None:
            return
        if not self._server_gone:
            try:
                self.sock.setblocking(True)
                _send(self.sock, {"op": "signal", "signum": int(signum)})
                return
            except OSError:
                self._server_gone = True
        os.killpg(self.pid, signum)

    def close(self) -> None:
        self.sock.close()


class ForkServer:
    """Handle on a fork server process.

    Parameters
    ----------
    preload : sequence of str
        Modules the server imports before forking (default
        :data:`DEFAULT_PRELOAD`).
    env : dict, optional
        Variables added to this process's environment for the server.  Pass
        the same ones to the kernels: a kernel whose environment differs is
        launched normally.
    cwd : path, optional
        Working directory of the server (kernels get their own).
    startup_timeout : float
        Seconds to wait for the preloading.
    """

    def __init__(self, preload=DEFAULT_PRELOAD, *, env: dict | None = None, cwd=None,
                 startup_timeout: float = 120.0):
        if isinstance(preload, str):
            raise TypeError("preload must be a sequence of module names, not a string")
        self.preload = [str(m) for m in preload]
        self.env = {**os.environ, **{str(k): str(v) for k, v in (env or {}).items()}}
        self.cwd = os.fspath(cwd) if cwd is not None else None
        self.startup_timeout = float(startup_timeout)
        self.folder: str | None = None
        self.process: subprocess.Popen | None = None
        self.info: dict = {}

    @property
    def address(self) -> str:
        """Path of the server's unix socket."""
        if self.folder is None:
            raise ForkServerUnavailable("the fork server is not running")
        return os.path.join(self.folder, "server.sock")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> "ForkServer":
        """Start the server and wait until its imports are done."""
        if self.process is not None:
            raise RuntimeError("the fork server is already running")
        self.folder = tempfile.mkdtemp(prefix="evfork-")
        status_r, status_w = os.pipe()
        cmd = [sys.executable, "-m", "evaluation.forkserver", self.address, str(status_w), *self.preload]
        try:
            self.process = subprocess.Popen(cmd, stdin=subprocess.PIPE, pass_fds=(status_w,),
                                            env=self.env, cwd=self.cwd, start_new_session=True)
        finally:
            os.close(status_w)
        with os.fdopen(status_r) as status:
            selector = selectors.DefaultSelector()
            selector.register(status, selectors.EVENT_READ)
            ready = selector.select(timeout=self.startup_timeout)
            selector.close()
            line = status.readline() if ready else ""
        if not line:
            self.stop()
            raise ForkServerUnavailable("the fork server did not start (see its output above)")
        self.info = json.loads(line)
        for problem in self.info["problems"]:
            log.warning("fork server: kernels will start normally: %s", problem)
        return self

    def stop(self) -> None:
        """Stop the server; it kills kernels that are still running."""
        process, self.process = self.process, None
        if process is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def _connect(self) -> socket.socket:
        if not self.running:
            raise ForkServerUnavailable("the fork server is not running")
        return connect(self.address)

    def stats(self) -> dict:
        """Return the server's counters.

        Returns
        -------
        dict
            ``forked`` (kernels forked so far), ``refused`` (the reason for
            each launch it refused), ``running`` (forked kernels not yet
            exited), ``pid`` (of the server) and ``problems`` (what makes it
            refuse every launch).
        """
        with self._connect() as sock:
            _send(sock, {"op": "stats"})
            return _read_message(sock)

    def __enter__(self) -> "ForkServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def connect(address: str) -> socket.socket:
    """Open a connection to the server at ``address``."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(address)
    except OSError as exc:
        sock.close()
        raise ForkServerUnavailable(f"cannot reach the fork server at {address}: {exc}") from exc
    return sock


def _read_message(sock: socket.socket, timeout: float = 30.0) -> dict:
    sock.settimeout(timeout)
    data = b""
    while b"\n" not in data:
        chunk = sock.recv(_READ_SIZE)
        if not chunk:
            raise ForkServerUnavailable("the fork server closed the connection")
        data += chunk
    return json.loads(data.partition(b"\n")[0])


def launch(address: str, cmd: list[str], env: dict[str, str], cwd: str) -> KernelProcess | str:
    """Ask the server at ``address`` to fork a kernel.

    Returns
    -------
    KernelProcess or str
        The forked kernel, or the reason why it must be launched normally.

    Raises
    ------
    ForkServerUnavailable
        If the server cannot be reached.
    OSError
        If the server reports that the kernel cannot be started (as
        :class:`subprocess.Popen` would).
    """
    sock = connect(address)
    try:
        _send(sock, {"op": "launch", "cmd": list(cmd), "env": dict(env), "cwd": cwd})
        reply = _read_message(sock)
    except BaseException:
        sock.close()
        raise
    if "pid" in reply:
        return KernelProcess(sock, reply["pid"])
    sock.close()
    if "fallback" in reply:
        return reply["fallback"]
    raise OSError(reply.get("error", f"unexpected reply {reply!r}"))


# --------------------------------------------------------------------------
# Which server a kernel uses
# --------------------------------------------------------------------------

_active: list[ForkServer] = []
_defaults: dict[frozenset, ForkServer] = {}
_lock = threading.Lock()


@contextlib.contextmanager
def fork_server(preload=DEFAULT_PRELOAD, *, env: dict | None = None, cwd=None) -> Iterator[ForkServer]:
    """Run a fork server for the duration of a ``with`` block.

    Kernels started by the ``fastfork`` engine inside the block (from any
    thread) use it.  Start one per run: the server imports the modules as
    they are on disk when it starts.

    Parameters
    ----------
    preload, env, cwd
        As for :class:`ForkServer`.

    Yields
    ------
    ForkServer
        The running server.
    """
    server = ForkServer(preload, env=env, cwd=cwd).start()
    with _lock:
        _active.append(server)
    try:
        yield server
    finally:
        with _lock:
            _active.remove(server)
        server.stop()


def active_server() -> ForkServer | None:
    """Return the innermost server started by :func:`fork_server`, or None."""
    with _lock:
        return _active[-1] if _active else None


def default_server(env: dict | None = None) -> ForkServer:
    """Return a process-wide server for ``env``, started on first use."""
    key = frozenset((env or {}).items())
    with _lock:
        server = _defaults.get(key)
        if server is None or not server.running:
            server = _defaults[key] = ForkServer(env=env).start()
            if len(_defaults) == 1:
                atexit.register(_stop_defaults)
        return server


def _stop_defaults() -> None:
    with _lock:
        servers = list(_defaults.values())
        _defaults.clear()
    for server in servers:
        server.stop()


if __name__ == "__main__":  # pragma: no cover - the server process
    _serve(sys.argv[1], int(sys.argv[2]), sys.argv[3:])
