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
import time.  The server imports them as a notebook cell would and refuses to
fork (the kernel manager then launches the kernel normally, and says why)
whenever a difference could show in a notebook: see :mod:`evaluation.run.kernels.preload`
for what is checked while preloading and :mod:`evaluation.run.kernels.loop` for what
is checked per kernel (interpreter, environment, working directory).

The server itself never imports the ``evaluation`` package, and does not
preload it by default.  A run's server preloads the package's modules the
notebooks import (:data:`RUN_PRELOAD`), under the same checks as any other
module: the server is started once per run, after the run has fingerprinted
the package's source, so its kernels see the source the run's keys were
made from.  Start one server per run, so that the preloaded modules are
those on disk.

Use::

    with fork_server() as server:
        ...  # kernels started through evaluation.run.kernels.client.ForkKernelManager
        print(server.stats())
"""
from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from typing import Iterator

from ..leftovers import SOCKET_FOLDER_PREFIX, remove_orphaned_sockets
from .launch import ForkServerUnavailable, KernelProcess, connect, launch, read_message  # noqa: F401 (re-exported)
from .loop import send
from .preload import DEFAULT_PRELOAD, PACKAGE_PRELOAD, RUN_PRELOAD

__all__ = [
    "DEFAULT_PRELOAD",
    "PACKAGE_PRELOAD",
    "RUN_PRELOAD",
    "ForkServer",
    "KernelProcess",
    "ForkServerUnavailable",
    "fork_server",
    "active_server",
    "default_server",
    "launch",
]

log = logging.getLogger(__name__)

#: Runs the server from its file, without importing the ``evaluation`` package.
_BOOTSTRAP = "import runpy, sys; runpy.run_path(sys.argv.pop(1), run_name='__main__')"
_LOOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "loop.py")


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
    startup_timeout : float
        Seconds to wait for the preloading.
    """

    def __init__(self, preload=DEFAULT_PRELOAD, *, env: dict | None = None,
                 startup_timeout: float = 120.0):
        if isinstance(preload, str):
            raise TypeError("preload must be a sequence of module names, not a string")
        self.preload = [str(m) for m in preload]
        self.env = {**os.environ, **{str(k): str(v) for k, v in (env or {}).items()}}
        self.startup_timeout = float(startup_timeout)
        self.folder: str | None = None
        self.process: subprocess.Popen | None = None
        self.info: dict = {}
        self._status = None
        self._started = 0.0
        self._ready_lock = threading.Lock()

    @property
    def address(self) -> str:
        """Path of the server's unix socket."""
        if self.folder is None:
            raise ForkServerUnavailable("the fork server is not running")
        return os.path.join(self.folder, "server.sock")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, *, wait: bool = True) -> "ForkServer":
        """Start the server and (with ``wait``) wait until its imports are done.

        With ``wait=False`` the server preloads while the caller goes on (a
        run plans, validates and imports its own libraries meanwhile);
        :meth:`wait_ready` then waits for it, and every use of the server
        calls that first.
        """
        if self.process is not None:
            raise RuntimeError("the fork server is already running")
        remove_orphaned_sockets()
        # The owner's pid in the name lets a later run remove the folder once the owner is gone.
        self.folder = tempfile.mkdtemp(prefix=f"{SOCKET_FOLDER_PREFIX}{os.getpid()}-")
        status_r, status_w = os.pipe()
        cmd = [sys.executable, "-c", _BOOTSTRAP, _LOOP, self.address, str(status_w), *self.preload]
        try:
            self.process = subprocess.Popen(cmd, stdin=subprocess.PIPE, pass_fds=(status_w,),
                                            env=self.env, cwd=self.folder, start_new_session=True)
        except BaseException:
            os.close(status_r)
            self.stop()
            raise
        finally:
            os.close(status_w)
        self._status = os.fdopen(status_r)
        self._started = time.monotonic()
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self) -> "ForkServer":
        """Wait until the server has preloaded its modules and listens.

        An interrupt while it waits stops the server (no socket is left).

        Raises
        ------
        ForkServerUnavailable
            If it did not start within ``startup_timeout`` seconds of
            :meth:`start` (it is then stopped).
        """
        if self.info:
            return self
        status = getattr(self, "_status", None)
        if status is None:
            raise ForkServerUnavailable("the fork server is not running")
        with self._ready_lock:
            if self.info:
                return self
            try:
                selector = selectors.DefaultSelector()
                selector.register(status, selectors.EVENT_READ)
                left = max(0.0, self.startup_timeout - (time.monotonic() - self._started))
                ready = selector.select(timeout=left)
                selector.close()
                line = status.readline() if ready else ""
            except BaseException:  # interrupted while the server imports: stop it, leave no socket
                self.stop()
                raise
            status.close()
            self._status = None
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
        status, self._status = self._status, None
        if status is not None:
            status.close()
        if process is not None:
            if not self.info:  # still importing: nothing to wait for
                process.kill()
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
        self.wait_ready()
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
            send(sock, {"op": "stats"})
            return read_message(sock)

    def __enter__(self) -> "ForkServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --------------------------------------------------------------------------
# Which server a kernel uses
# --------------------------------------------------------------------------

_active: list[ForkServer] = []
_defaults: dict[frozenset, ForkServer] = {}
_lock = threading.Lock()


@contextlib.contextmanager
def fork_server(preload=DEFAULT_PRELOAD, *, env: dict | None = None, wait: bool = True) -> Iterator[ForkServer]:
    """Run a fork server for the duration of a ``with`` block.

    Kernels started by the ``fastfork`` engine inside the block (from any
    thread) use it.  Start one per run: the server imports the modules as
    they are on disk when it starts.

    Parameters
    ----------
    preload, env
        As for :class:`ForkServer`.
    wait : bool
        Wait for the preloading before the block starts (else the server's
        first use waits, see :meth:`ForkServer.wait_ready`).

    Yields
    ------
    ForkServer
        The running server.
    """
    server = ForkServer(preload, env=env).start(wait=wait)
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
            if not _defaults:
                atexit.register(_stop_defaults)
            server = _defaults[key] = ForkServer(env=env).start()
        return server


def _stop_defaults() -> None:
    atexit.unregister(_stop_defaults)
    with _lock:
        servers = list(_defaults.values())
        _defaults.clear()
    for server in servers:
        server.stop()
