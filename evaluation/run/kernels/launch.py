"""Ask a fork server for a kernel, and watch the kernel it forked.

The client side of the protocol of :mod:`evaluation.run.kernels.loop`: one
connection per launch request, kept open for the kernel's lifetime, on which
the server reports the kernel's exit status and through which signals reach
the kernel.  :mod:`evaluation.run.kernels.server` starts and stops servers;
:class:`evaluation.run.kernels.client.ForkProvisioner` calls :func:`launch`.

This module imports only the standard library at module level.
"""
from __future__ import annotations

import json
import os
import signal
import socket

from .loop import READ_SIZE, send

__all__ = ["ForkServerUnavailable", "KernelProcess", "connect", "launch", "read_message"]


class ForkServerUnavailable(RuntimeError):
    """The fork server cannot be reached; the caller launches normally."""


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
                data = self.sock.recv(READ_SIZE)
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
                send(self.sock, {"op": "signal", "signum": int(signum)})
                return
            except OSError:
                self._server_gone = True
        os.killpg(self.pid, signum)

    def close(self) -> None:
        self.sock.close()


def connect(address: str) -> socket.socket:
    """Open a connection to the server at ``address``."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(address)
    except OSError as exc:
        sock.close()
        raise ForkServerUnavailable(f"cannot reach the fork server at {address}: {exc}") from exc
    return sock


def read_message(sock: socket.socket, timeout: float = 30.0) -> dict:
    sock.settimeout(timeout)
    data = b""
    while b"\n" not in data:
        chunk = sock.recv(READ_SIZE)
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
        send(sock, {"op": "launch", "cmd": list(cmd), "env": dict(env), "cwd": cwd})
        reply = read_message(sock)
    except BaseException:
        sock.close()
        raise
    if "pid" in reply:
        return KernelProcess(sock, reply["pid"])
    sock.close()
    if "fallback" in reply:
        return reply["fallback"]
    raise OSError(reply.get("error", f"unexpected reply {reply!r}"))
