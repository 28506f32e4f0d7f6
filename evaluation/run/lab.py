"""JupyterLab on the project: published files open read-only, whoever runs it.

``make lab`` starts JupyterLab at the project root (``notebooks/`` and
``outputs/`` both reachable) with :class:`ReadOnlyAwareContentsManager`.
Jupyter Server asks the operating system whether a file may be written, and
root may write any file; this manager also calls a file without any write
permission bit read-only, as every published file is
(:func:`evaluation.run.verify.seal`).  JupyterLab then opens such a file
read-only: no autosave, no checkpoint beside it, and a save is refused (403).
"""
from __future__ import annotations

import os
import stat

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado import web

__all__ = ["ReadOnlyAwareContentsManager"]


def _without_write_bits(os_path: str) -> bool:
    try:
        st = os.stat(os_path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and not st.st_mode & 0o222


class ReadOnlyAwareContentsManager(AsyncLargeFileManager):
    """Jupyter Server's file manager; a file without write bits is read-only, for root too."""

    def is_writable(self, path):
        return super().is_writable(path) and not _without_write_bits(self._get_os_path(path=path.strip("/")))

    def _refuse_read_only(self, path: str) -> None:
        if _without_write_bits(self._get_os_path(path=path.strip("/"))):
            raise web.HTTPError(403, f"read-only file (a published file is never changed): {path}")

    async def save(self, model, path=""):
        self._refuse_read_only(path)
        return await super().save(model, path)

    async def create_checkpoint(self, path):
        self._refuse_read_only(path)
        return await super().create_checkpoint(path)

    async def rename_file(self, old_path, new_path):
        self._refuse_read_only(old_path)
        return await super().rename_file(old_path, new_path)

    async def delete_file(self, path):
        self._refuse_read_only(path)
        return await super().delete_file(path)
