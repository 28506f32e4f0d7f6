"""Add a round: append it to ``rounds.yml`` and create its folder from templates.

``evaluation round add KEY --label LABEL --date YYYY-MM-DD [--definite FORM]``
checks everything before it writes anything: the key (letters, digits, ``-``
and ``_``; not already a round, no folder of that name), the date (a real
date, not before the last round's), and the definite form used in running
text (it must differ from every other round's, so that two rounds called
"Opfølgning" read as "opfølgningen 2020" and "opfølgningen 2019").  Then it
appends the round to ``rounds.yml`` (the file's own text and comments are
kept) and writes the round's folder: CSV files with their headers only and a
narrative skeleton that lists every section id with a one-line hint.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from pathlib import Path

from .. import config
from ..exceptions import DataError, Problem
from ..files import write_text_atomically
from .contract import NARRATIVE_ITEM_SECTION, NARRATIVE_SECTIONS, PLACEHOLDERS, ROUND_FILES
from .instrument import load_instrument
from .reading import display_path
from .rounds import load_rounds

__all__ = ["add_round", "narrative_skeleton", "round_templates", "complete_round_folder"]

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_MAX_KEY = 64
_MAX_LABEL = 80


def narrative_skeleton(parameters) -> str:
    """The narrative template: every section id with a one-line hint (as comments)."""
    names = ", ".join(f"{{{{ {n} }}}}" for n in PLACEHOLDERS)
    lines = [
        "<!-- Evaluatorens tekst til memoet for denne måling. Hvert afsnit starter med en linje som",
        "     [[sec:purpose]]; teksten under den er Markdown (ingen HTML). Kommentarer som denne kommer",
        "     ikke med i memoet. Afsnit markeret (krævet) skal udfyldes, før et endeligt memo kan bygges.",
        f"     Pladsholdere, der udfyldes med tal fra data: {names}.",
        "     Et antal skrevet med ord i løbende tekst: tilføj .words (fem), .count (fem kommuner) eller, for",
        "     n_participating, n_interviewed, n_survey og n_not_participating, .of_total (fem af de ti kommuner),",
        "     fx {{ n_interviewed.count }}. Står det først i en sætning, får det stort begyndelsesbogstav. -->",
        "",
    ]
    for section, (required, hint) in NARRATIVE_SECTIONS.items():
        lines += [f"[[{section}]]", f"<!-- {'(krævet) ' if required else ''}{hint} -->", ""]
    for key in parameters:
        lines += [f"[[{NARRATIVE_ITEM_SECTION}{key}]]",
                  f"<!-- Valgfri: hvad interviewene siger om parameteren {key}. -->", ""]
    return "\n".join(lines)


def round_templates(parameters) -> dict[str, str]:
    """File name -> template text of a new round's folder."""
    out = {name: ",".join(header) + "\n" for name, header in ROUND_FILES.items() if header is not None}
    out["narrative.md"] = narrative_skeleton(parameters)
    return out


def complete_round_folder(key: str, data: str | os.PathLike | None = None) -> list[Path]:
    """Write the templates of round ``key``'s files that do not exist yet
    (never overwriting one); return the files written."""
    folder = config.round_dir(key, data)
    parameters = load_instrument(config.data_dir(data)).parameters
    written = []
    for file_name, content in round_templates(parameters).items():
        path = folder / file_name
        if not path.exists():
            written.append(write_text_atomically(path, content))
    return written


def _yaml_scalar(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def add_round(key: str, *, label: str, date: str, definite: str = "", description: str = "",
              data: str | os.PathLike | None = None) -> Path:
    """Append round ``key`` to ``rounds.yml`` and create its folder; return the folder.

    Raises :class:`~evaluation.exceptions.DataError` (nothing written) when
    the key, label, date or definite form is not acceptable.
    """
    folder = config.data_dir(data)
    rounds = load_rounds(folder)
    instrument = load_instrument(folder)
    rounds_file = folder / "rounds.yml"
    name = display_path(rounds_file)
    problems: list[Problem] = []
    if not _KEY.match(key) or len(key) > _MAX_KEY:
        problems.append(Problem(name, f"round key may hold only letters, digits, '-' and '_' (at most {_MAX_KEY}), "
                                "and must start with a letter or digit", column="key", value=key))
    elif key in set(rounds["round"]):
        problems.append(Problem(name, "round key already exists", column="key", value=key))
    target = config.round_dir(key, folder)
    if _KEY.match(key) and target.exists():
        problems.append(Problem(display_path(target), "a folder of that name already exists", value=key))
    label = " ".join(label.split())
    if not label or len(label) > _MAX_LABEL or any(c in label for c in "\n\r"):
        problems.append(Problem(name, f"label must be 1-{_MAX_LABEL} characters on one line", column="label", value=label))
    try:
        day = dt.date.fromisoformat(date)
    except (TypeError, ValueError):
        problems.append(Problem(name, "date must be YYYY-MM-DD", column="date", value=date))
    else:
        last = rounds["date"].max().date()
        if day < last:
            problems.append(Problem(name, f"date is before the last round's ({last.isoformat()}); rounds are "
                                    "appended in chronological order", column="date", value=date))
    definite = " ".join((definite or label.lower()).split())
    taken = {d.casefold(): k for k, d in zip(rounds["round"], rounds["definite"])}
    if definite.casefold() in taken:
        problems.append(Problem(name, f"definite form is that of round {taken[definite.casefold()]!r}; give one that "
                                "tells them apart in running text, e.g. --definite 'opfølgningen 2020'",
                                column="definite", value=definite))
    if problems:
        raise DataError(problems)
    entry = (f"  - key: {key}\n    label: {_yaml_scalar(label)}\n    definite: {_yaml_scalar(definite)}\n"
             f"    date: {day.isoformat()}\n")
    if description:
        entry += f"    description: {_yaml_scalar(' '.join(description.split()))}\n"
    text = rounds_file.read_text(encoding="utf-8")
    staging = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=target.parent if target.parent.is_dir() else folder))
    try:
        for file_name, content in round_templates(instrument.parameters).items():
            (staging / file_name).write_text(content, encoding="utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        write_text_atomically(rounds_file, text + ("" if text.endswith("\n") else "\n") + entry)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # no folder for a round that is not listed
        raise
    return target
