"""Where the libraries a run uses keep their caches and configuration.

Matplotlib (its font list) and IPython (its profile and history) write into
the user's home by default.  A run points them at a folder this tool owns:
``$XDG_CACHE_HOME/evaluation`` (default ``~/.cache/evaluation``) when that
can be written, else ``<output folder>/.cache``.  So a read-only home (a
container, a CI runner) costs no warnings, no time and no files in the
temporary folder.  A variable the user has set already is left alone.

Matplotlib builds its font list on first use, with a timer thread that
would keep the kernels from forking off a preloaded server; a fresh cache
folder therefore gets its font list from a short child process first, and
``make`` does that while it sets up (``python -m evaluation.run.caches``),
so that the first run starts as fast as any other.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["cache_dir", "data_cache", "use_tool_caches", "use_tool_caches_outside", "warm_caches", "CACHE_VARIABLES"]

#: The variable each library reads, and the sub-folder it gets
#: (``EVALUATION_DATA_CACHE``: checked copies of data folders, see
#: :mod:`evaluation.data.cache`).
CACHE_VARIABLES = {"MPLCONFIGDIR": "matplotlib", "IPYTHONDIR": "ipython", "EVALUATION_DATA_CACHE": "datasets"}


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def _platform_dir() -> Path | None:
    """The tool's folder under the platform's cache folder, if it can be written."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "evaluation"
    return folder if os.path.isabs(base) and _writable(folder) else None


def cache_dir(out: Path) -> Path:
    """The tool's cache folder: under the platform's cache folder, else ``out/.cache``."""
    return _platform_dir() or out / ".cache"


def data_cache() -> Path | None:
    """Where checked copies of data folders are kept, found before a run
    writes anything: the user's ``EVALUATION_DATA_CACHE``, else the tool's
    folder under the platform's cache folder (None when it cannot be written)."""
    own = os.environ.get("EVALUATION_DATA_CACHE")
    if own:
        return Path(own) if os.path.isabs(own) else None
    folder = _platform_dir()
    return folder / CACHE_VARIABLES["EVALUATION_DATA_CACHE"] if folder else None


def use_tool_caches(out: Path) -> dict[str, str]:
    """Set the cache variables of this process (inherited by its kernels) where unset.

    Returns the variables set.
    """
    unset = [name for name in CACHE_VARIABLES if not os.environ.get(name)]
    if not unset:
        return {}
    root = cache_dir(out)
    chosen = {}
    for name in unset:
        folder = root / CACHE_VARIABLES[name]
        folder.mkdir(parents=True, exist_ok=True)
        os.environ[name] = chosen[name] = str(folder)
    if "MPLCONFIGDIR" in chosen and not any(Path(chosen["MPLCONFIGDIR"]).glob("fontlist-*.json")):
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=os.environ.copy(),
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return chosen


def use_tool_caches_outside(out: Path) -> bool:
    """:func:`use_tool_caches`, when that makes no folder inside ``out`` (every
    variable is set already, or the platform's cache folder can be written);
    returns whether the variables are set.  A run calls it before the data
    has passed validation, when nothing may be written into ``out`` yet."""
    if not (all(os.environ.get(name) for name in CACHE_VARIABLES) or _platform_dir() is not None):
        return False
    use_tool_caches(out)
    return True


def warm_caches(out: Path | None = None) -> dict[str, str]:
    """Create the cache folders of a run into ``out`` (default: ``outputs/``)
    and build matplotlib's font list there; return the folders."""
    from .. import config

    use_tool_caches(out or config.OUTPUTS_DIR)
    return {name: os.environ[name] for name in CACHE_VARIABLES}


if __name__ == "__main__":  # make's set-up
    for name, folder in warm_caches().items():
        print(f"{name}={folder}")
