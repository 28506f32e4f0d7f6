"""What a child of the fork server does to become a fresh kernel.

:mod:`evaluation.run.kernels.loop` forks a child per launch request and
calls :func:`become_kernel` in it, which never returns: the child becomes what
:func:`jupyter_client.launcher.launch_kernel` would start (see that module's
docstring) and exits as the interpreter would.

This module imports only the standard library at module level; the fork
server loads it from its file, without importing the package.
"""
from __future__ import annotations

import atexit
import builtins
import contextlib
import importlib
import importlib.machinery
import os
import sys
import threading
import traceback
import types

__all__ = ["PER_KERNEL_MODULES", "LAUNCHER", "become_kernel"]

#: Modules whose body reads the variables jupyter_client sets per kernel
#: (``JPY_PARENT_PID`` and ``JPY_INTERRUPT_EVENT`` give ``IPKernelApp`` its
#: trait defaults); each child imports them again.
PER_KERNEL_MODULES: tuple[str, ...] = ("ipykernel.kernelapp",)
#: The module a kernel command runs (``python -m ipykernel_launcher``).
LAUNCHER = "ipykernel_launcher"


def become_kernel(request: dict, preloaded, preload_module, path0: str | None, *, first=None) -> None:  # pragma: no cover - child only
    """Turn this forked child into the kernel ``request`` asks for; never returns.

    ``preloaded`` is the server's :class:`~evaluation.run.kernels.preload.Preloaded`,
    ``preload_module`` the module it comes from, ``path0`` the server's
    ``sys.path[0]``; ``first`` (closing the server's descriptors) runs before
    anything else.
    """
    code = 1
    try:
        if first is not None:
            first()
        os.setsid()
        read_end, write_end = os.pipe()  # stdin: a pipe closed at the other end
        os.dup2(read_end, 0)
        os.close(read_end)
        os.close(write_end)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        for key, value in preloaded.kernel_env.items():
            os.environ.setdefault(key, value)
        preload_module.set_thread_names_taken(preloaded.thread_names_before)
        for name in PER_KERNEL_MODULES:
            _reimport(name)

        def as_initialized() -> None:
            # What a fresh kernel has once initialised: the thread names its
            # own imports took, then the notebook modules' warnings filters.
            preload_module.set_thread_names_taken(preload_module.thread_names_taken() + preloaded.kernel_thread_names)
            preloaded.replay_filters()

        _after_initialize(as_initialized)
        code = _run_launcher(request["cmd"], path0)
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
        runpy._run_module_as_main(LAUNCHER, alter_argv=True)
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
