"""The kernel a notebook records: exactly what the installed kernel reports.

JupyterLab compares a notebook's ``kernelspec`` and ``language_info`` with
those of the kernel it starts, and writes the kernel's values into the
notebook when they differ, which marks the notebook as changed and makes
autosave rewrite it.  Executed notebooks (and the source drivers) therefore
record the kernelspec of the installed kernel (name, display name and
language, as JupyterLab writes them) and the ``language_info`` its kernel
sends in its ``kernel_info`` reply.
"""
from __future__ import annotations

import copy
from functools import lru_cache

__all__ = ["KERNEL_NAME", "installed_kernel", "record_installed_kernel"]

#: The kernel every notebook of the project runs on.
KERNEL_NAME = "python3"


@lru_cache(maxsize=None)
def _installed(name: str) -> tuple[tuple, tuple]:
    from ipykernel.ipkernel import IPythonKernel
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(name)
    kernelspec = {"display_name": spec.display_name, "language": spec.language, "name": name}
    # ipykernel's reply to kernel_info_request carries this class attribute
    # as language_info (the version is that of the kernel's Python, ours).
    return tuple(kernelspec.items()), tuple(IPythonKernel.language_info.items())


def installed_kernel(name: str = KERNEL_NAME) -> dict:
    """Return ``{"kernelspec": ..., "language_info": ...}`` of the installed kernel ``name``.

    Raises ``jupyter_client.kernelspec.NoSuchKernel`` when it is not installed.
    """
    kernelspec, language_info = _installed(name)
    return {"kernelspec": dict(kernelspec), "language_info": copy.deepcopy(dict(language_info))}


def record_installed_kernel(nb, name: str = KERNEL_NAME):
    """Set ``nb``'s kernelspec and language_info to the installed kernel's; return ``nb``."""
    import nbformat

    for key, value in installed_kernel(name).items():
        nb.metadata[key] = nbformat.from_dict(value)
    return nb
