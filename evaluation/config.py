"""All paths and fixed settings of the project, defined once.

Every other module asks this one where things are.  Paths are resolved from
the project root (the folder that holds ``pyproject.toml``), so the package
works from any current directory.  Notebooks receive their data and output
folders as parameters; the defaults they show come from here.
"""
from __future__ import annotations

import os
from pathlib import Path, PurePath

__all__ = [
    "PROJECT_ROOT",
    "DATA_DIR",
    "OUTPUTS_DIR",
    "NOTEBOOKS_DIR",
    "PRIVATE_SUBDIR",
    "DONT_KNOW_CODE",
    "CEILING_THRESHOLD",
    "FIGURE_ROWS_MAX",
    "data_dir",
    "round_file",
    "ROUNDS_SUBDIR",
    "round_dir",
    "project_path",
    "project_relative",
    "CODEBOOK_FILE",
    "codebook_path",
]

PROJECT_ROOT: Path = Path(__file__).resolve().parent.parent
DATA_DIR: Path = PROJECT_ROOT / "data"
OUTPUTS_DIR: Path = PROJECT_ROOT / "outputs"
NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"

#: One folder per round holds everything that belongs to that round.
ROUNDS_SUBDIR = "rounds"
PRIVATE_SUBDIR = "private"
#: The codebook of the interview codings, at the top of the data folder.
CODEBOOK_FILE = "codebook.yml"

#: The answer code that means "ved ikke" (don't know): a missing answer.
DONT_KNOW_CODE = 0
#: Share of valid answers at the top of the scale above which an item is
#: flagged for a ceiling effect (Terwee et al. 2007 use 15 %).
CEILING_THRESHOLD = 0.15
#: The most municipalities that the plan status figure and the parameter
#: figures draw one row each for.  At 25 rows such a figure, with its title,
#: legend and caption, is still under 25 cm high at its printed width of
#: 16 cm: one A4 page.  A larger panel gets figures of counts instead, and
#: each municipality's answers and statuses in a table under the figure.
FIGURE_ROWS_MAX = 25


def data_dir(path: str | os.PathLike | None = None) -> Path:
    """Return the data folder: ``path`` if given, else the bundled ``data/``."""
    return Path(path).resolve() if path is not None else DATA_DIR


def round_file(round_key: str, data: str | os.PathLike | None = None, name: str = "responses.csv") -> Path:
    """Return the path of one file of round ``round_key`` (default: its answers)."""
    return round_dir(round_key, data) / name


def round_dir(round_key: str, data: str | os.PathLike | None = None) -> Path:
    """Return the folder that holds everything of round ``round_key``."""
    return data_dir(data) / ROUNDS_SUBDIR / round_key


def codebook_path(data: str | os.PathLike | None = None) -> Path:
    """Return the path of the codebook (themes and codes of the interview codings)."""
    return data_dir(data) / CODEBOOK_FILE


def project_path(path: str | os.PathLike) -> Path:
    """Return ``path`` as an absolute path; a relative one is read from the project root.

    Notebook parameters name folders this way (``data``, ``outputs/...``),
    so an executed notebook does not depend on where the project lives.
    """
    path = Path(path)
    return path if path.is_absolute() else PROJECT_ROOT / path


def project_relative(path: str | os.PathLike) -> str:
    """Return ``path`` relative to the project root, with ``/`` separators.

    What outputs (manifest, notebook parameters) say instead of an absolute
    path, so that two copies of the project in different folders write the
    same bytes.  A path outside the project gets ``..`` steps.

    >>> project_relative(PROJECT_ROOT / "data")
    'data'
    >>> project_path(project_relative(OUTPUTS_DIR / "x")) == OUTPUTS_DIR / "x"
    True
    """
    return PurePath(os.path.relpath(Path(path).absolute(), PROJECT_ROOT)).as_posix()
