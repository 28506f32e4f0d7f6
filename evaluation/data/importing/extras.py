"""Plan status and participation carried by the same export, when a mapping names their columns.

A readiness survey often asks, besides the items, how far the action plan has
come (one question per phase) and how the municipality took part.  A mapping
names those columns::

    plan_status:               # phase -> column
      udarbejdet: Q5_1
      godkendt: Q5_2
      udrullet: Q5_3
    participation: Q6          # column

Answers are the contract's values (``gennemfoert``, ``i_proces``,
``ikke_paabegyndt``; ``interview``, ``survey``, ``both``, ``none``) or the
Danish wording below in any letter case; ``statuses:`` and ``modes:`` in the
mapping add other wordings.  A blank cell writes no row (nothing reported).
"""
from __future__ import annotations

import pandas as pd

from ...exceptions import Problem
from ..contract import PARTICIPATION_MODES, PHASES, STATUSES
from .layouts import Column, Table, blank, norm
from .resolve import Row

__all__ = ["STATUS_WORDS", "MODE_WORDS", "extra_columns", "read_extras"]

#: Danish answer options a survey uses for a plan phase's status.
STATUS_WORDS = {"gennemført": "gennemfoert", "i proces": "i_proces", "i gang": "i_proces",
                "ikke påbegyndt": "ikke_paabegyndt", "ikke begyndt": "ikke_paabegyndt"}
#: Danish answer options for how a municipality took part in the round.
MODE_WORDS = {"interview": "interview", "spørgeskema": "survey", "spørgeskemaundersøgelse": "survey",
              "begge": "both", "interview og spørgeskema": "both", "ingen": "none", "deltog ikke": "none"}


def extra_columns(table: Table, phases: dict[str, str], participation: str,
                  problems: list[Problem]) -> tuple[dict[str, Column], Column | None]:
    """The columns a mapping names for plan status (by phase) and participation."""
    where = table.header_rows[0]
    found = {}
    for phase, name in phases.items():
        column = table.column(name)
        if phase not in PHASES:
            problems.append(Problem(table.file, f"the mapping names an unknown plan phase; phases: {', '.join(PHASES)}",
                                    column=name, value=phase))
        elif column is None:
            problems.append(Problem(table.file, f"the mapping's column for plan phase {phase!r} is not in the export",
                                    row=where, value=name))
        else:
            found[phase] = column
    mode = None
    if participation:
        mode = table.column(participation)
        if mode is None:
            problems.append(Problem(table.file, "the mapping's participation column is not in the export",
                                    row=where, value=participation))
    return found, mode


def _value(cell, words: dict[str, str], allowed: tuple[str, ...], what: str, table: Table, row: int, column: Column,
           problems: list[Problem]) -> str | None:
    text = norm(cell)
    value = text if text in allowed else words.get(text)
    if value is None:
        options = ", ".join(list(allowed) + list(words))
        problems.append(Problem(table.file, f"not a {what}; allowed: {options} (or add it under the mapping's "
                                f"{'statuses' if what == 'plan status' else 'modes'}:)", row=row, column=column.key,
                                value=cell))
    return value


def read_extras(table: Table, rows: list[Row], phases: dict[str, Column], mode: Column | None,
                statuses: dict[str, str], modes: dict[str, str],
                problems: list[Problem]) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Plan status rows and participation rows of the rows kept (``None`` for a file the mapping leaves out)."""
    position = {c.index: i for i, c in enumerate(table.columns)}
    status_words = {**STATUS_WORDS, **{norm(k): v for k, v in statuses.items()}}
    mode_words = {**MODE_WORDS, **{norm(k): v for k, v in modes.items()}}
    for what, extra, allowed in (("statuses", statuses, STATUSES), ("modes", modes, PARTICIPATION_MODES)):
        for answer, value in extra.items():
            if value not in allowed:
                problems.append(Problem(table.file, f"the mapping's {what} give a value outside {', '.join(allowed)}",
                                        column=what, value=f"{answer}: {value}"))
    plan, taking_part = [], []
    for row in rows:
        if row.dropped or row.municipality is None:
            continue
        for phase, column in phases.items():
            cell = row.cells[position[column.index]]
            if not blank(cell):
                status = _value(cell, status_words, STATUSES, "plan status", table, row.number, column, problems)
                plan.append((row.municipality, phase, status))
        if mode is not None and not blank(row.cells[position[mode.index]]):
            cell = row.cells[position[mode.index]]
            taking_part.append((row.municipality, _value(cell, mode_words, PARTICIPATION_MODES, "way of taking part",
                                                         table, row.number, mode, problems)))
    order = {p: i for i, p in enumerate(PHASES)}
    plan_frame = None
    if phases:
        plan_frame = pd.DataFrame.from_records(plan, columns=["municipality", "phase", "status"])
        plan_frame = plan_frame.sort_values(["municipality", "phase"], key=lambda s: s.map(order) if s.name == "phase" else s,
                                            kind="stable").reset_index(drop=True)
    mode_frame = None
    if mode is not None:
        mode_frame = pd.DataFrame.from_records(taking_part, columns=["municipality", "mode"]).sort_values(
            "municipality", kind="stable").reset_index(drop=True)
    return plan_frame, mode_frame
