"""Load ``codebook.yml``: the themes and codes the interviews are coded with.

A theme is one of the memo's qualitative places (:data:`QUOTE_THEMES`:
leadership anchoring, the five parameters, the centre's work); each code
belongs to one theme and carries the Danish words a count sentence is built
from::

    themes:
      - key: ledelsesforankring
        label: Ledelsesforankring
        codes:
          - key: styregruppe
            label: Fast styregruppe
            phrase: har nu en fast styregruppe      # "4 af de 5 interviewede kommuner har nu ..."
            phrase_one: har nu en fast styregruppe  # optional: "én kommune ..." (default: phrase)
            parameter: internt_samarbejde          # optional: the parameter it bears on
            direction: progress                    # progress, problem or neutral (default)
            sources: municipalities                # or centre (default: municipalities)

A code of a parameter's theme bears on that parameter unless it names
another.  Keys are unique across the codebook.

>>> book = load_codebook()
>>> book.codes_of("ledelsesforankring")["code"].iloc[0]
'ledelsesansvar'
"""
from __future__ import annotations

import os
import re

import pandas as pd

from .. import config
from ..exceptions import Problem
from .contract import CODE_DIRECTIONS, CODE_SOURCES, QUOTE_THEMES, Codebook
from .reading import display_path, raise_problems, read_yaml

__all__ = ["load_codebook", "CODE_COLUMNS"]

#: Columns of :attr:`Codebook.codes`.
CODE_COLUMNS = ("code", "theme", "label", "phrase", "phrase_one", "parameter", "direction", "sources")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_TEXT_FIELDS = ("label", "phrase")


def _text(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _code_row(entry, theme: str, name: str, parameters, problems: list[Problem]) -> dict | None:
    where = f"theme {theme!r}"
    if not isinstance(entry, dict):
        problems.append(Problem(name, f"a code of {where} must be a mapping with key, label and phrase",
                                column="codes", value=entry))
        return None
    key = _text(entry.get("key"))
    if not _KEY.match(key):
        problems.append(Problem(name, f"code key of {where} must be lower-case letters, digits and '_'",
                                column="key", value=entry.get("key")))
        return None
    for field in _TEXT_FIELDS:
        if not _text(entry.get(field)):
            problems.append(Problem(name, f"code {key!r} needs a non-empty '{field}'", column=field, value=entry.get(field)))
    default_parameter = theme if theme in parameters else ""
    row = {
        "code": key,
        "theme": theme,
        "label": _text(entry.get("label")),
        "phrase": _text(entry.get("phrase")),
        "phrase_one": _text(entry.get("phrase_one")) or _text(entry.get("phrase")),
        "parameter": _text(entry.get("parameter")) or default_parameter,
        "direction": _text(entry.get("direction")) or "neutral",
        "sources": _text(entry.get("sources")) or "municipalities",
    }
    checks = (("parameter", ("", *parameters), "parameter (an item of kind 'parameter')"),
              ("direction", CODE_DIRECTIONS, "direction"), ("sources", CODE_SOURCES, "sources"))
    for field, allowed, what in checks:
        if row[field] not in allowed:
            problems.append(Problem(name, f"code {key!r}: unknown {what}; allowed: {', '.join(a for a in allowed if a)}",
                                    column=field, value=row[field]))
    return row


def load_codebook(data: str | os.PathLike | None = None, *, parameters=None) -> Codebook:
    """Read and check ``codebook.yml``.

    ``parameters`` are the instrument's parameter keys (read from
    ``instrument.yml`` when not given).  Every problem found is reported at
    once, each naming the file, the field and the value.
    """
    if parameters is None:
        from .instrument import load_instrument

        parameters = load_instrument(data).parameters
    path = config.codebook_path(data)
    problems: list[Problem] = []
    content = read_yaml(path, problems)
    raise_problems(problems)
    name = display_path(path)
    themes = content.get("themes")
    if not isinstance(themes, list):
        raise_problems([Problem(name, "'themes' must be a list (it may be empty)", column="themes")])
    theme_rows, code_rows = [], []
    for i, entry in enumerate(themes, start=1):
        if not isinstance(entry, dict) or not entry.get("key") or not _text(entry.get("label")):
            problems.append(Problem(name, f"theme {i} needs key and label", column="themes", value=entry))
            continue
        theme = str(entry["key"])
        if theme not in QUOTE_THEMES:
            problems.append(Problem(name, f"unknown theme; allowed: {', '.join(QUOTE_THEMES)}", column="key", value=theme))
            continue
        theme_rows.append({"theme": theme, "label": _text(entry["label"])})
        codes = entry.get("codes") or []
        if not isinstance(codes, list):
            problems.append(Problem(name, f"'codes' of theme {theme!r} must be a list", column="codes", value=codes))
            continue
        code_rows += [r for r in (_code_row(c, theme, name, parameters, problems) for c in codes) if r is not None]
    themes_df = pd.DataFrame(theme_rows, columns=["theme", "label"])
    codes_df = pd.DataFrame(code_rows, columns=list(CODE_COLUMNS))
    for value in themes_df.loc[themes_df["theme"].duplicated(), "theme"]:
        problems.append(Problem(name, "theme appears twice", column="key", value=value))
    for value in codes_df.loc[codes_df["code"].duplicated(), "code"]:
        problems.append(Problem(name, "code key appears twice (keys are unique across themes)", column="key", value=value))
    raise_problems(problems)
    return Codebook(themes=themes_df.astype(str), codes=codes_df.astype(str))
