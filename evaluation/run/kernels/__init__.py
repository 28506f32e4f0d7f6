"""Kernels for the run: a fork server with the heavy libraries imported
(:mod:`.server`, whose child process runs :mod:`.loop` and checks its
imports with :mod:`.preload`) and a kernel manager and client that start
kernels from it without fixed delays (:mod:`.client`).

:mod:`.loop` and :mod:`.preload` run inside the server process without the
``evaluation`` package, so they import nothing from it but each other.
"""
