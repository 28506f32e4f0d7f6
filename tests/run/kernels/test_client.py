"""Kernel managers and client: readiness without fixed waits, prompt exit checks."""
import asyncio
import signal
from queue import Empty

import zmq
from jupyter_client import manager as jc_manager

from evaluation.run.kernels.client import (EXIT_POLL_SECONDS, RECONNECT_MS, IpcKernelManager, ReadyKernelClient,
                                          kill_launched_kernels)


class _Channel:
    """An IOPub stand-in that hands out prepared messages, then times out."""

    def __init__(self, messages):
        self.messages = list(messages)
        self.timeouts = []

    async def get_msg(self, timeout=None):
        self.timeouts.append(timeout)
        if not self.messages:
            raise Empty
        return self.messages.pop(0)


def _status(state, parent):
    return {"msg_type": "status", "parent_header": {"msg_id": parent}, "content": {"execution_state": state}}


WELCOME = {"msg_type": "iopub_welcome", "parent_header": {}, "content": {"subscription": ""}}


def _idle(messages):
    client = ReadyKernelClient()
    channel = _Channel(messages)
    client._iopub_channel = channel
    return asyncio.run(client._idle("mine")), channel


def test_idle_of_the_request_means_ready():
    ready, channel = _idle([_status("busy", "mine"), _status("idle", "mine")])
    assert ready is True and channel.messages == []


def test_a_welcome_before_any_status_of_the_request_means_ask_again_at_once():
    # The statuses went out before the subscription reached the kernel: they
    # are lost, so waiting for them would only run into the 0.2 s timeout.
    ready, channel = _idle([WELCOME, _status("busy", "mine"), _status("idle", "mine")])
    assert ready is False
    assert len(channel.timeouts) == 1


def test_a_welcome_after_the_busy_status_is_read_past():
    ready, _ = _idle([_status("busy", "mine"), WELCOME, _status("idle", "mine")])
    assert ready is True


def test_statuses_of_other_requests_do_not_count_and_silence_means_not_ready():
    ready, channel = _idle([_status("busy", "other"), _status("idle", "other")])
    assert ready is False
    assert channel.timeouts == [0.2, 0.2, 0.2]


def test_client_sockets_retry_their_connection_every_few_milliseconds():
    client = ReadyKernelClient()
    try:
        assert client.context.getsockopt(zmq.RECONNECT_IVL) == RECONNECT_MS
        with client.context.socket(zmq.DEALER) as sock:
            assert sock.getsockopt(zmq.RECONNECT_IVL) == RECONNECT_MS
    finally:
        client.context.destroy(linger=0)


def test_waiting_for_a_stopped_kernel_checks_often(monkeypatch):
    manager = IpcKernelManager()
    answers = iter([True, True, True, False])
    sleeps = []

    async def is_alive():
        return next(answers)

    async def sleep(seconds):
        sleeps.append(seconds)

    monkeypatch.setattr(manager, "_async_is_alive", is_alive)
    monkeypatch.setattr(jc_manager.asyncio, "sleep", sleep)
    asyncio.run(manager._async_wait())
    assert sleeps == [EXIT_POLL_SECONDS] * 3


def test_shutting_down_sends_no_interrupt_but_a_timeout_still_may(monkeypatch):
    """jupyter_client interrupts before every shutdown; the kernel then logged
    "KeyboardInterrupt caught in kernel" on successful runs."""
    manager = IpcKernelManager()
    interrupts, killed = [], []

    async def interrupt(self):
        interrupts.append(self.shutting_down)

    async def kill(*args, **kwargs):
        killed.append(True)

    monkeypatch.setattr(jc_manager.KernelManager, "_async_interrupt_kernel", interrupt)
    monkeypatch.setattr(IpcKernelManager, "has_kernel", property(lambda self: True))
    monkeypatch.setattr(manager, "_async_kill_kernel", kill)
    monkeypatch.setattr(manager, "_async_wait", lambda *a, **k: asyncio.sleep(0))
    monkeypatch.setattr(manager, "cleanup_resources", lambda *a, **k: None)
    monkeypatch.setattr(manager, "_async_cleanup_resources", lambda *a, **k: asyncio.sleep(0), raising=False)
    asyncio.run(manager._async_interrupt_kernel())  # as after a cell timeout
    assert interrupts == [False]
    asyncio.run(manager._async_shutdown_kernel(now=True))
    assert killed == [True] and interrupts == [False]


def test_a_kernel_launched_normally_can_be_killed_with_its_process_group():
    """An interrupted run kills the kernels it launched without a fork server
    (they run in sessions of their own, out of reach of the run's signal)."""
    async def scenario():
        manager = IpcKernelManager()
        await manager.start_kernel()
        process = manager.provisioner.process
        try:
            assert process.poll() is None
            assert kill_launched_kernels() == 1
            assert await asyncio.to_thread(process.wait, 60) == -signal.SIGKILL
            assert kill_launched_kernels() == 0  # a dead kernel is not signalled again
        finally:
            await manager.shutdown_kernel(now=True)

    asyncio.run(scenario())
