"""The signals that stop a run, and the one step they do not cut short.

SIGINT (Ctrl-C), SIGTERM (a CI job cancelled) and SIGHUP (a terminal
closed) all stop a run the same way: the first one raises
:class:`KeyboardInterrupt` (SIGINT) or
:class:`~evaluation.exceptions.Terminated` in the main thread, and every
later one is ignored, so that the clean-up that follows is never cut short.

Publishing is the exception (:func:`uninterrupted`): once the new folder
starts to take the old one's place, a signal is held until the publication
is complete and takes effect right after it.  A stopped run has then either
published nothing or published a whole folder, and it says which.
"""
from __future__ import annotations

import contextlib
import signal
import threading

from ..exceptions import Terminated

__all__ = ["SIGNALS", "stopped_by_signals", "uninterrupted"]

#: The signals that stop a run cleanly.
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

#: The signals that arrived inside :func:`uninterrupted` (None: outside it).
_held: list[int] | None = None


def _exception(signum: int) -> KeyboardInterrupt:
    return KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)


def _stop(signum, frame):
    for other in SIGNALS:  # the clean-up that follows is not interrupted
        signal.signal(other, signal.SIG_IGN)
    if _held is not None:
        _held.append(signum)
        return
    raise _exception(signum)


@contextlib.contextmanager
def stopped_by_signals():
    """Within the block, :data:`SIGNALS` stop the run (see the module docstring).

    Only the main thread can handle signals; elsewhere the block changes
    nothing.  A signal ignored before (``nohup`` ignores SIGHUP, a shell's
    background job SIGINT) stays ignored.  The previous handlers come back
    when the block ends.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _stop) for s in SIGNALS if signal.getsignal(s) is not signal.SIG_IGN}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def uninterrupted():
    """A block that a stopping signal does not cut short.

    A signal that arrives inside it is held, and raised as the block ends
    (unless the block raises an error of its own).
    """
    global _held
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    outer, _held = _held, []
    try:
        yield
    finally:
        held, _held = _held, outer
    if held and outer is not None:
        outer.extend(held)  # an enclosing block raises it
    elif held:
        raise _exception(held[0])
