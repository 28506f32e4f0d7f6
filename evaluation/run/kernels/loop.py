"""The fork server process: fork a kernel per request, report its exit.

Started by :class:`evaluation.run.kernels.server.ForkServer`, from this file and
without importing the ``evaluation`` package (it imports only the modules it
is asked to preload, see :mod:`evaluation.run.kernels.server`), in a private empty working
directory, with the arguments ``SOCKET STATUS_FD MODULE...``.  It preloads the modules
(:mod:`evaluation.run.kernels.preload`), writes one status line, and then serves a unix
socket with a single-threaded select loop.  Requests and replies are JSON
lines; each launch request keeps its connection for the kernel's lifetime:

- ``{"op": "launch", "cmd", "env", "cwd"}`` -> ``{"pid"}``, or
  ``{"fallback": reason}`` when a forked kernel could differ from a fresh
  one (see :mod:`evaluation.run.kernels.preload`; also when the kernel's working
  directory holds a ``matplotlibrc`` or a module named like a preloaded
  one), or ``{"error": message}``; later ``{"exit": code}`` when the kernel
  has exited (``-N`` for signal N, as :class:`subprocess.Popen` reports it);
- ``{"op": "signal", "signum"}`` on a launch connection signals the kernel's
  process group, if the kernel has not been reaped;
- ``{"op": "stats"}`` -> the server's counters.

A kernel whose connection closes is killed; when the caller goes away (its
end of the server's stdin closes) or the server gets SIGTERM, every kernel
is killed.

A forked child becomes what :func:`jupyter_client.launcher.launch_kernel`
would start: it closes the server's descriptors and handlers, starts a new
session, gets a stdin pipe closed at the other end, the request's working
directory and environment, ``sys.path`` with that directory first,
``sys.argv`` and ``sys.orig_argv`` of ``python -m ipykernel_launcher``, a new
``__main__`` module, a reseeded numpy generator (the standard library's
reseeds itself after a fork) and a fresh import of the modules that read the
per-kernel ``JPY_*`` variables; then it runs ``ipykernel_launcher`` as
``python -m`` does, and exits as the interpreter would.

This module imports only the standard library at module level.
"""
from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import selectors
import signal
import socket
import sys
import time

if __package__:
    from . import child as _child
    from . import preload as _preload
else:  # run from its file by ForkServer, without importing the package
    import importlib.util

    def _sibling(name: str):
        """Load the module ``name`` of this folder from its file."""
        spec = importlib.util.spec_from_file_location(
            f"_evaluation_{name}", os.path.join(os.path.dirname(os.path.abspath(__file__)), f"{name}.py"))
        module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    _preload, _child = _sibling("preload"), _sibling("child")
Preloaded, env_differences = _preload.Preloaded, _preload.env_differences
PER_KERNEL_MODULES = _child.PER_KERNEL_MODULES

__all__ = ["PER_KERNEL_MODULES", "INLINE_BACKEND", "READ_SIZE", "send"]

#: The matplotlib backend ipykernel selects when ``MPLBACKEND`` is not set.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: Bytes read from a socket at a time.
READ_SIZE = 65536


def send(sock: socket.socket, message: dict) -> None:
    """Send ``message`` as one JSON line."""
    sock.sendall(json.dumps(message).encode() + b"\n")


class _Server:
    """The select loop of the server: launch requests in, exit statuses out."""

    def __init__(self, path: str, preloaded: Preloaded, base_env: dict[str, str]):
        self.preloaded = preloaded
        self.base_env = base_env
        self.path0 = sys.path[0] if sys.path else None
        self.preloaded_names = _preloaded_names()
        self.forked = 0
        self.refused: list[str] = []
        self.children: dict[int, socket.socket | None] = {}
        self.buffers: dict[socket.socket, bytes] = {}
        self.pid_of: dict[socket.socket, int] = {}
        self.path = path
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
            self.close()

    def close(self) -> None:
        """Kill every kernel, remove the socket and its folder: a caller that died leaves nothing."""
        self._kill_all()
        with contextlib.suppress(OSError):
            os.unlink(self.path)
            os.rmdir(os.path.dirname(self.path))

    def _on_readable(self, conn: socket.socket) -> None:
        try:
            data = conn.recv(READ_SIZE)
        except OSError:
            data = b""
        if not data:
            self._drop(conn, kill=True)
            return
        self.buffers[conn] += data
        while b"\n" in self.buffers.get(conn, b""):
            line, _, rest = self.buffers[conn].partition(b"\n")
            self.buffers[conn] = rest
            try:
                self._handle(conn, json.loads(line))
            except Exception as exc:  # a bad request must not stop the server
                with contextlib.suppress(OSError):
                    send(conn, {"error": f"{type(exc).__name__}: {exc}"})
                self._drop(conn, kill=True)
                return

    def _handle(self, conn: socket.socket, request: dict) -> None:
        op = request.get("op")
        if op == "stats":
            send(conn, {"forked": self.forked, "refused": self.refused, "running": len(self.children),
                         "pid": os.getpid(), "problems": self.preloaded.problems})
        elif op == "signal":
            pid = self.pid_of.get(conn)
            if pid is not None and pid in self.children:
                with contextlib.suppress(OSError):
                    os.killpg(pid, request["signum"])
        elif op == "launch":
            self._launch(conn, request)
        else:
            send(conn, {"error": f"unknown request {op!r}"})

    def _incompatible(self, request: dict) -> str | None:
        """Return why a forked child could differ from a fresh kernel, or None."""
        if self.preloaded.problems:
            return "; ".join(self.preloaded.problems)
        cmd = request["cmd"]
        if len(cmd) < 3 or cmd[0] != sys.executable or cmd[1:3] != ["-m", _child.LAUNCHER]:
            return f"the kernel command is not '{sys.executable} -m {_child.LAUNCHER}': {cmd[:3]}"
        differ = env_differences(request["env"], self.base_env, self.preloaded.env_read)
        if differ:
            return f"the kernel environment differs from the server's in {differ}"
        if self.preloaded.matplotlibrc is not None:
            local = os.path.join(request["cwd"], "matplotlibrc")
            if os.path.exists(local) and os.path.abspath(local) != self.preloaded.matplotlibrc:
                return f"the working directory has its own matplotlibrc: {local}"
        shadowing = sorted(_modules_in(request["cwd"]) & self.preloaded_names)
        if shadowing:
            return f"the working directory has modules named like preloaded ones: {shadowing}"
        return None

    def _launch(self, conn: socket.socket, request: dict) -> None:
        if not os.path.isdir(request["cwd"]):
            send(conn, {"error": f"no such working directory: {request['cwd']}"})
            return self._drop(conn, kill=False)
        reason = self._incompatible(request)
        if reason is not None:
            self.refused.append(reason)
            send(conn, {"fallback": reason})
            return self._drop(conn, kill=False)
        try:
            pid = os.fork()
        except OSError as exc:
            self.refused.append(f"fork failed: {exc}")
            send(conn, {"fallback": f"fork failed: {exc}"})
            return self._drop(conn, kill=False)
        if pid == 0:  # pragma: no cover - runs in the child, which never returns
            self._become_kernel(request)
        self.forked += 1
        self.children[pid] = conn
        self.pid_of[conn] = pid
        send(conn, {"pid": pid})

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
                    send(conn, {"exit": code})
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
        try:
            self._close_inherited()
        finally:
            _child.become_kernel(request, self.preloaded, _preload, self.path0)


def _preloaded_names() -> set[str]:
    """Return the top-level names of the modules imported, standard library aside."""
    names = {name.partition(".")[0] for name in list(sys.modules)}
    return {n for n in names if n not in sys.stdlib_module_names and not n.startswith("_")}


def _modules_in(folder: str) -> set[str]:
    """Return the names of the modules and regular packages in ``folder``.

    A kernel finds them before site-packages (IPython puts the working
    directory there on ``sys.path``); folders without ``__init__.py`` are left
    out, since a module found later on the path wins over them.
    """
    names = set()
    for entry in os.scandir(folder):
        if entry.is_file() and entry.name.endswith((".py", ".pyc", ".so", ".pyd")):
            names.add(entry.name.partition(".")[0])
        elif entry.is_dir() and os.path.exists(os.path.join(entry.path, "__init__.py")):
            names.add(entry.name)
    return names


def _caller_gone() -> bool:
    """Whether the caller has closed its end of this server's standard input (its lifeline)."""
    readable, _, _ = select.select([0], [], [], 0)
    return bool(readable) and not os.read(0, READ_SIZE)


def _serve(path: str, status_fd: int, modules: list[str]) -> None:
    """Entry point of the server process."""
    base_env = dict(os.environ)
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = INLINE_BACKEND  # as ipykernel sets it before any import
    preloaded = Preloaded(modules)
    preloaded.load()
    # Out of the garbage collector's reach: a kernel's collections then never
    # walk (and so never copy on write) the preloaded modules' objects.
    gc.freeze()
    try:
        if _caller_gone():
            raise FileNotFoundError(path)
        server = _Server(path, preloaded, base_env)
    except FileNotFoundError:
        # The caller was interrupted while this server preloaded (even before
        # it knew the server's pid) and removed the socket's folder: nobody
        # waits for this server, so it leaves quietly.
        os._exit(0)
    try:
        with os.fdopen(status_fd, "w") as status:
            status.write(json.dumps({"pid": os.getpid(), "problems": preloaded.problems,
                                     "seconds": preloaded.seconds}) + "\n")
    except BrokenPipeError:  # the caller stopped waiting (interrupted): leave quietly
        return server.close()
    try:
        server.run()  # kills and reaps every kernel before it returns
    finally:  # nothing left to save: skip tearing down the preloaded modules (a second or more)
        with contextlib.suppress(Exception):
            sys.stdout.flush(), sys.stderr.flush()
        os._exit(0)


if __name__ == "__main__":  # pragma: no cover - the server process
    _serve(sys.argv[1], int(sys.argv[2]), sys.argv[3:])
