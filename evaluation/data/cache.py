"""A checked copy of a data folder, shared by the notebooks of one run.

Every notebook starts by loading and validating the whole data folder, which
costs each of them a quarter of a second or more.  :func:`load_checked`
validates a folder once and keeps the result; the notebooks of a run then
read that checked copy instead of validating the same files again.

The copy is a pickle in a folder of the tool's cache: the one the variable
:data:`CACHE_VARIABLE` names, which ``evaluation run`` sets for its kernels
(see :mod:`evaluation.run.caches`).  Without it nothing is read or written,
as in JupyterLab or a plain papermill run.  Its name is
:func:`dataset_key`: a digest of the folder's path, the relative path and
bytes of every file under it, the source of the code that loads it (this
stage and the plumbing), and the versions of Python, pandas and numpy.  Any
edit to a data file or to the loaders gives another key, so a copy is only
ever read for exactly the files and code that were validated; a copy that
cannot be read is ignored and the folder is loaded again.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from functools import lru_cache
from pathlib import Path

from .. import config
from ..files import write_atomically
from .contract import Dataset
from .dataset import load_dataset

__all__ = ["CACHE_VARIABLE", "KEPT", "dataset_key", "load_checked"]

#: The environment variable naming the folder of checked copies.
CACHE_VARIABLE = "EVALUATION_DATA_CACHE"
#: How many copies the folder keeps (the most recently written).
KEPT = 16
_PACKAGE = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=None)
def _loader_digest() -> str:
    """Digest of the source that loads a data folder: this stage and the plumbing."""
    h = hashlib.sha256()
    paths = sorted([*_PACKAGE.glob("*.py"), *(_PACKAGE / "data").rglob("*.py")])
    for path in paths:
        h.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    import numpy
    import pandas

    h.update(f"{sys.version}|{pandas.__version__}|{numpy.__version__}".encode())
    return h.hexdigest()


def dataset_key(data: str | os.PathLike | None = None) -> str:
    """The name of the checked copy of a data folder (see the module docstring)."""
    folder = config.data_dir(data).resolve()
    h = hashlib.sha256(_loader_digest().encode() + b"\0" + os.fsencode(folder) + b"\0")
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in [*dirs, *sorted(files)]:
            path = Path(root, name)
            h.update(os.fsencode(path.relative_to(folder)) + b"\0")
            if name in files:
                h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _cache_folder() -> Path | None:
    value = os.environ.get(CACHE_VARIABLE)
    return Path(value) if value and os.path.isabs(value) else None


def load_checked(data: str | os.PathLike | None = None, *, cache: str | os.PathLike | None = None) -> Dataset:
    """Return the validated data folder: its checked copy when there is one,
    else :func:`~evaluation.data.load_dataset`, whose result is then kept.

    Parameters
    ----------
    data : path-like, optional
        The data folder (default: the bundled one).
    cache : path-like, optional
        The folder of checked copies (default: the one :data:`CACHE_VARIABLE`
        names; without either, this is ``load_dataset``).

    Raises
    ------
    DataError
        As ``load_dataset`` does; nothing is kept then.
    """
    cache = Path(cache) if cache is not None else _cache_folder()
    if cache is None:
        return load_dataset(data)
    key = dataset_key(data)
    try:
        ds = pickle.loads((cache / f"{key}.pickle").read_bytes())
    except Exception:  # none yet, or unreadable: load and check again
        ds = None
    if isinstance(ds, Dataset):
        return ds
    ds = load_dataset(data)
    if dataset_key(data) == key:  # not kept when a file changed while it was read
        _store(ds, cache, key)
    return ds


def _store(ds: Dataset, cache: Path, key: str) -> None:
    """Write the copy; a cache that cannot be written costs only time."""
    try:
        write_atomically(cache / f"{key}.pickle", lambda tmp: tmp.write_bytes(pickle.dumps(ds, protocol=5)))
        copies = sorted(cache.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in copies[KEPT:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
