"""Load each round's ``rounds/<key>/codings.csv``: the interviews as coded data.

One row says that a source's interview in that round was coded with a code
of ``codebook.yml``:

| column | allowed values |
|---|---|
| ``source`` | a municipality interviewed in that round (``interview`` or ``both``), or ``centret`` for the centre's own staff |
| ``code`` | a code key of the codebook; a code about the centre only for ``centret``, any other only for a municipality |
| ``quote`` | optional: the ``id`` of a statement of that round's ``quotes.csv`` by the same source and of the code's theme |

A source is coded with a code at most once per round.  Every problem is
reported with its file, row, column and value.
"""
from __future__ import annotations

import os

import pandas as pd

from ..exceptions import Problem
from .contract import CENTRE_SOURCE, INTERVIEW_MODES, Codebook
from .reading import check_unique, raise_problems, read_round_tables

__all__ = ["load_codings", "CODING_COLUMNS"]

#: Columns of the frame :func:`load_codings` returns.
CODING_COLUMNS = ("round", "source", "code", "quote")


def _check_sources(frame, name, municipalities, interviewed, problems) -> None:
    for value, line in zip(frame["source"], frame["_line"]):
        if value == CENTRE_SOURCE:
            continue
        if value not in municipalities:
            problems.append(Problem(name, f"unknown source; allowed: a municipality of municipalities.csv or "
                                    f"{CENTRE_SOURCE!r}", row=line, column="source", value=value))
        elif value not in interviewed:
            problems.append(Problem(name, "a coding of a municipality that was not interviewed in this round "
                                    "(participation.csv: interview or both)", row=line, column="source", value=value))


def _check_codes(frame, name, codebook: Codebook, problems) -> None:
    about = dict(zip(codebook.codes["code"], codebook.codes["sources"]))
    for source, code, line in zip(frame["source"], frame["code"], frame["_line"]):
        if code not in about:
            problems.append(Problem(name, f"unknown code; the codebook has {', '.join(about) or 'no codes'}",
                                    row=line, column="code", value=code))
        elif (about[code] == "centre") != (source == CENTRE_SOURCE):
            whom = f"the centre ({CENTRE_SOURCE!r})" if about[code] == "centre" else "a municipality"
            problems.append(Problem(name, f"code {code!r} is about {whom} in the codebook", row=line, column="code",
                                    value=code))


def _check_quotes(frame, name, quotes: pd.DataFrame, codebook: Codebook, problems) -> None:
    statements = {row.id: row for row in quotes[quotes["id"] != ""].itertuples()}
    theme = dict(zip(codebook.codes["code"], codebook.codes["theme"]))
    for source, code, quote, line in zip(frame["source"], frame["code"], frame["quote"], frame["_line"]):
        if not quote:
            continue
        said = statements.get(quote)
        if said is None:
            problems.append(Problem(name, "no statement of this round's quotes.csv has this id", row=line,
                                    column="quote", value=quote))
            continue
        speaker = said.municipality or CENTRE_SOURCE
        if speaker != source:
            problems.append(Problem(name, f"statement {quote!r} is by {speaker!r}, not by the coded source {source!r}",
                                    row=line, column="quote", value=quote))
        elif code in theme and said.theme != theme[code]:
            problems.append(Problem(name, f"statement {quote!r} has theme {said.theme!r}; code {code!r} belongs to "
                                    f"theme {theme[code]!r}", row=line, column="quote", value=quote))


def load_codings(
    data: str | os.PathLike | None,
    *,
    rounds: pd.DataFrame,
    municipalities: pd.DataFrame,
    participation: pd.DataFrame,
    codebook: Codebook,
    quotes: pd.DataFrame,
) -> pd.DataFrame:
    """Read and check every round's ``codings.csv``.

    Returns
    -------
    DataFrame
        ``round``, ``source`` (a pseudonym or ``centret``), ``code``,
        ``quote`` (a statement id or ""); in file order within each round.
    """
    problems: list[Problem] = []
    known = set(municipalities["municipality"])

    def check(frame, name, key, problems):
        this = participation[participation["round"] == key]
        interviewed = set(this.loc[this["mode"].isin(INTERVIEW_MODES), "municipality"])
        _check_sources(frame, name, known, interviewed, problems)
        _check_codes(frame, name, codebook, problems)
        _check_quotes(frame, name, quotes[quotes["round"] == key], codebook, problems)
        check_unique(frame, ["source", "code"], name, problems, "source and code")
        return frame

    out = read_round_tables(data, rounds, "codings.csv", ["source", "code"], problems, check, optional=("quote",))
    raise_problems(problems)
    return out[list(CODING_COLUMNS)].astype(str).reset_index(drop=True)
