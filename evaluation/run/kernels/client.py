"""Kernel managers for notebook execution: unix-socket transport, forked kernels.

Two jupyter_client kernel managers, used through nbclient's
``kernel_manager_class`` option:

- :class:`IpcKernelManager` starts kernels the usual way (``Popen``) but
  connects to them over unix sockets in a private folder, each kernel under
  its own name.  Kernels started at the same moment therefore never race for
  a TCP port (the "address already in use" failure of parallel runs).  It can
  add variables to the kernel's environment.
- :class:`ForkKernelManager` does the same, and has :class:`ForkProvisioner`
  launch the kernel by asking a fork server (:mod:`evaluation.run.kernels.server`)
  instead of running ``Popen``.  When the server refuses (the kernel could
  differ from a fresh one) or is unreachable, the provisioner launches the
  kernel normally and logs why.

TCP is used instead of unix sockets only where ZeroMQ lacks them.  Both
managers hand out :class:`ReadyKernelClient`, which learns that a new kernel
is ready sooner than jupyter_client's own client (no fixed 0.2 s wait, a 5 ms
instead of 100 ms interval between connection attempts), and notice a
stopped kernel's exit within milliseconds instead of polling every 0.1 s.
"""
from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
import weakref
from queue import Empty
from typing import Any

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.localinterfaces import localhost
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from traitlets import Dict, Unicode, default

from . import server as forkserver

__all__ = [
    "IpcKernelManager",
    "ForkKernelManager",
    "ForkProvisioner",
    "ReadyKernelClient",
    "socket_folder",
    "kill_launched_kernels",
]

log = forkserver.log

_folder: str | None = None
_folder_lock = threading.Lock()


def socket_folder() -> str:
    """Return this process's private folder for kernel sockets (created once)."""
    global _folder
    with _folder_lock:
        if _folder is None:
            # The owner's pid in the name lets a later run remove it after a SIGKILL
            # (evaluation.run.leftovers); the kernels' connection files live here too.
            _folder = tempfile.mkdtemp(prefix=f"evk-{os.getpid()}-")
            atexit.register(shutil.rmtree, _folder, True)
        return _folder


#: The kernels this process launched with ``Popen`` (not forked), each in a session of its own.
_launched: weakref.WeakSet = weakref.WeakSet()
_launched_lock = threading.Lock()


def kill_launched_kernels() -> int:
    """Kill every kernel this process launched normally that still runs; return how many.

    A fork server kills the kernels it forked when it stops.  A kernel
    launched normally (no fork server, or one that refused) runs in a session
    of its own, so a signal that stops the run does not reach it: this kills
    its process group, and a cell that would go on for minutes ends at once.
    """
    with _launched_lock:
        running = [p for p in _launched if p.poll() is None]  # not reaped: its pid is still its own
    for process in running:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # jupyter_client starts it as a session leader
        except OSError:
            with contextlib.suppress(OSError):
                process.kill()
    return len(running)


#: Milliseconds between a client's attempts to connect to a kernel's sockets.
RECONNECT_MS = 5
#: Seconds between checks that a stopped kernel's process has ended.
EXIT_POLL_SECONDS = 0.005


class ReadyKernelClient(AsyncKernelClient):
    """A kernel client that knows sooner that its kernel is ready.

    jupyter_client's client, once the kernel has answered ``kernel_info``,
    reads IOPub until it has been silent for 0.2 s, which adds 0.2 s to every
    kernel start.  This one stops reading when IOPub reports the end (status
    ``idle``) of its ``kernel_info`` request: IOPub is connected then, and
    everything the kernel published before has arrived.

    IOPub is a publish-subscribe channel, so what the kernel publishes before
    the client's subscription has reached it is lost.  A kernel that sends
    ``iopub_welcome`` (ipykernel 7) says when the subscription arrived: if that
    comes before any status of the request, the request's statuses were lost,
    and the client asks again at once instead of waiting 0.2 s for them.
    Nothing else changes; nbclient ignores IOPub messages that answer no cell.
    """

    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        # The client connects before the new kernel has bound its sockets;
        # ZeroMQ then tries again every 100 ms by default, which a kernel
        # forked in a few milliseconds would wait out.
        context = super()._context_default()
        context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
        return context

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            msg_id = self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply" and await self._idle(msg_id):
                self._handle_kernel_info_reply(reply)
                return
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")

    async def _idle(self, msg_id: str) -> bool:
        """Read IOPub until the kernel reports ``msg_id`` done.

        False after 0.2 s of silence, or at once when the kernel welcomes
        the subscription before it reported anything of ``msg_id``.
        """
        seen = False
        while True:
            try:
                msg = await self.iopub_channel.get_msg(timeout=0.2)
            except Empty:
                return False
            mine = msg["parent_header"].get("msg_id") == msg_id
            if msg["msg_type"] == "iopub_welcome" and not seen:
                return False
            if msg["msg_type"] == "status" and mine:
                seen = True
                if msg["content"].get("execution_state") == "idle":
                    return True


class IpcKernelManager(AsyncKernelManager):
    """An asynchronous kernel manager with unix-socket transport and extra environment.

    Its clients are :class:`ReadyKernelClient`.
    """

    kernel_env = Dict(
        default_value={}, config=True,
        help="Variables added to the environment the kernel inherits.",
    )

    @default("client_class")
    def _client_class_default(self) -> str:
        return "evaluation.run.kernels.client.ReadyKernelClient"

    @default("client_factory")
    def _client_factory_default(self) -> type:
        return ReadyKernelClient

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc" if zmq.has("ipc") else "tcp"

    @default("connection_file")
    def _connection_file_default(self) -> str:
        return os.path.join(socket_folder(), f"kernel-{uuid.uuid4().hex[:16]}.json")

    @default("ip")
    def _ip_default(self) -> str:
        if self.transport == "ipc":
            return os.path.join(socket_folder(), uuid.uuid4().hex[:16])
        return localhost()

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # jupyter_client checks every 0.1 s whether a stopped kernel's
        # process has ended; a killed kernel ends within milliseconds.
        await super()._async_wait(pollinterval=min(pollinterval, EXIT_POLL_SECONDS))

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client interrupts a kernel before it shuts it down.  Ours
        # are stopped once their last cell has replied, so the interrupt only
        # made some kernels log "KeyboardInterrupt caught in kernel" as an
        # ERROR on a successful run.  Interrupts at any other time (a cell
        # timeout) go through.
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        await super()._async_launch_kernel(kernel_cmd, **kw)
        process = getattr(self.provisioner, "process", None)  # None for a forked kernel
        if process is not None:
            with _launched_lock:
                _launched.add(process)

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.kernel_env:
            kw["env"] = {**kw.get("env", os.environ), **self.kernel_env}
        return await super()._async_pre_start_kernel(**kw)


class ForkKernelManager(IpcKernelManager):
    """A kernel manager whose kernels are forked by a fork server."""

    fork_server_address = Unicode(
        "", config=True,
        help="Unix socket of the fork server; empty to launch kernels normally.",
    )

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ForkProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)


class ForkProvisioner(LocalProvisioner):
    """A provisioner that has the fork server start the kernel process.

    It mirrors :class:`~jupyter_client.provisioning.LocalProvisioner` (and is
    one when it has to fall back): the kernel gets the environment, working
    directory, ``JPY_PARENT_PID`` and new session that
    :func:`jupyter_client.launcher.launch_kernel` gives; poll, wait, signals,
    kill and terminate act on the forked process through the server.
    """

    kernel: forkserver.KernelProcess | None = None

    @property
    def has_process(self) -> bool:
        return self.kernel is not None or super().has_process

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        address = getattr(self.parent, "fork_server_address", "")
        redirected = any(kwargs.get(k) is not None for k in ("stdin", "stdout", "stderr"))
        if not address or redirected:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        if not kwargs.get("independent", False):
            env["JPY_PARENT_PID"] = str(os.getpid())
        cwd = os.fspath(kwargs.get("cwd") or os.getcwd())
        cmd = [os.path.expanduser(s) for s in cmd]
        try:
            result = forkserver.launch(address, cmd, env, cwd)
        except forkserver.ForkServerUnavailable as exc:
            result = str(exc)
        if isinstance(result, str):
            log.warning("launching the kernel normally: %s", result)
            return await super().launch_kernel(cmd, **kwargs)
        self.kernel = result
        self.pid = self.pgid = result.pid
        self.cwd = cwd
        return self.connection_info

    async def poll(self) -> int | None:
        if self.kernel is not None:
            return self.kernel.poll()
        return await super().poll()

    async def wait(self) -> int | None:
        if self.kernel is None:
            return await super().wait()
        while (code := self.kernel.poll()) is None:
            await asyncio.sleep(0.1)
        self.kernel.close()
        self.kernel = None
        return code

    async def send_signal(self, signum: int) -> None:
        if self.kernel is not None:
            self.kernel.send_signal(signum)
            return
        await super().send_signal(signum)

    async def kill(self, restart: bool = False) -> None:
        if self.kernel is not None:
            self.kernel.send_signal(signal.SIGKILL)
            return
        await super().kill(restart)

    async def terminate(self, restart: bool = False) -> None:
        if self.kernel is not None:
            self.kernel.send_signal(signal.SIGTERM)
            return
        await super().terminate(restart)
