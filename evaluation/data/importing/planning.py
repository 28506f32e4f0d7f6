"""Work out everything an import would do, before anything is written: the plan.

:func:`plan_import` reads the export, recognises its layout, finds the
municipality and the items, resolves the rows and converts the answers; every
problem is collected before one :class:`~evaluation.exceptions.DataError` is
raised.  :meth:`ImportPlan.report` is what ``--dry-run`` prints, and
:meth:`ImportPlan.provenance` what the round keeps beside its answers.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ...exceptions import DataError, Problem
from ..contract import Instrument
from .layouts import Table, detect_table, norm
from .mapping import Mapping
from .matching import MUNICIPALITY_HEADERS, Answers, Municipalities, item_columns, municipality_column, tidy_responses
from .extras import extra_columns, read_extras
from .resolve import Row, pick_latest, screen_rows
from .sources import Source, read_source

__all__ = ["ImportPlan", "plan_import"]


@dataclass
class ImportPlan:
    """What an import of one export does (see the module)."""

    source: Source
    table: Table
    mapping: Mapping
    responses: pd.DataFrame  # municipality, item, score (Int64; <NA> = not answered)
    rows: list[Row] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)
    by_real_name: int = 0
    plan_status: pd.DataFrame | None = None  # municipality, phase, status; None when the mapping names no phase
    participation: pd.DataFrame | None = None  # municipality, mode; None when the mapping names no column

    @property
    def file_name(self) -> str:
        return Path(self.source.name).name

    def counts(self) -> dict[str, int]:
        score = self.responses["score"]
        return {
            "municipalities": int(self.responses["municipality"].nunique()),
            "answers": int(score.notna().sum()),
            "ved_ikke": int((score == 0).sum()),
            "not_answered": int(score.isna().sum()),
        }

    def report(self, target: str, others: dict[str, str] | None = None) -> str:
        """The plan in words: what ``--dry-run`` prints and an import prints before it writes."""
        t, m = self.table, self.mapping
        lines = [f"export: {self.source.name} ({self.source.describe()}; sha256 {self.source.sha256[:12]}...)",
                 f"layout: {t.tool.label}" + (f", sheet {t.sheet!r}" if t.sheet else "")
                 + f", header row(s) {', '.join(map(str, t.header_rows))}, answers from row {t.header_rows[-1] + 1}"]
        if m.municipality:
            how = f"; {self.by_real_name} row(s) by real name through private/names.csv" if self.by_real_name else ""
            lines.append(f"municipality: column {m.municipality!r}{how}")
        if m.time:
            lines.append(f"time stamp: column {m.time!r}")
        lines.append("items:")
        lines += [f"  {item} <- column {column!r}" for item, column in m.items.items()]
        if m.values:
            lines.append("values: " + "; ".join(f"{answer!r} -> {code}" for answer, code in m.values.items()))
        lines += [f"plan status: {phase} <- column {column!r}" for phase, column in m.plan_status.items()]
        if m.participation:
            lines.append(f"participation <- column {m.participation!r}")
        lines.append(f"ignored columns ({len(self.ignored)}):")
        lines += [f"  {key!r}: {why}" for key, why in self.ignored]
        lines.append(f"rows ({len(self.rows)}):")
        for row in self.rows:
            lines.append(f"  row {row.number}: " + (f"dropped: {row.dropped}" if row.dropped else f"kept: {row.municipality}"))
        c = self.counts()
        lines.append(f"{target}: {c['municipalities']} municipalities, {c['answers']} answers "
                     f"(of them {c['ved_ikke']} 'ved ikke'), {c['not_answered']} not answered (blank cells)")
        others = others or {}
        if self.plan_status is not None:
            lines.append(f"{others.get('plan_status', 'plan status')}: {len(self.plan_status)} phase status(es) of "
                         f"{self.plan_status['municipality'].nunique()} municipalities")
        if self.participation is not None:
            counts = self.participation["mode"].value_counts()
            lines.append(f"{others.get('participation', 'participation')}: "
                         + (", ".join(f"{n} {mode}" for mode, n in counts.items()) or "no municipality"))
        return "\n".join(lines)

    def provenance(self, round_key: str) -> dict:
        """What the round keeps about its import: the source, its hash, the layout, the mapping and every row's fate."""
        return {
            "round": round_key,
            "source": {"file": self.file_name, "sha256": self.source.sha256, "read_as": self.source.describe()},
            "tool": self.table.tool.key,
            "sheet": self.table.sheet,
            "header_rows": self.table.header_rows,
            "mapping": {k: v for k, v in self.mapping.__dict__.items()},
            "ignored_columns": [{"column": k, "reason": why} for k, why in self.ignored],
            "rows": [{"row": r.number, "municipality": r.municipality, "kept": not r.dropped,
                      **({"reason": r.dropped} if r.dropped else {})} for r in self.rows],
            "counts": self.counts(),
            **({"plan_status_rows": len(self.plan_status)} if self.plan_status is not None else {}),
            **({"participation_rows": len(self.participation)} if self.participation is not None else {}),
        }


def _tidy(table: Table) -> bool:
    folded = {norm(c.key) for c in table.columns}
    return table.tool.key == "plain" and {"item", "score"} <= folded and bool(folded & set(MUNICIPALITY_HEADERS))


def plan_import(path: str | os.PathLike, instrument: Instrument, municipalities: pd.DataFrame, names: dict[str, str], *,
                mapping: Mapping | None = None, municipality: str = "") -> ImportPlan:
    """Work out the import of one export; see the module.

    Parameters
    ----------
    path : path-like
        The export (``.xlsx``, ``.csv``, ``.tsv``, ``.txt``).
    instrument, municipalities
        The data folder's instrument and municipalities.
    names : dict
        The private name map (pseudonym -> real name), possibly empty.
    mapping : Mapping, optional
        What to use instead of recognising it.
    municipality : str
        The municipality column, overriding the mapping's.

    Raises
    ------
    DataError
        Listing every problem of the export (and of the mapping against it).
    """
    mapping = mapping or Mapping()
    source = read_source(path)
    table = detect_table(source, mapping.tool, mapping.sheet, mapping.header_rows)
    finder = Municipalities(municipalities, names)
    if _tidy(table) and not mapping.items:
        frame = tidy_responses(table, instrument, finder)
        return _finish(ImportPlan(source, table, Mapping(tool="plain"), frame, by_real_name=finder.by_real_name), instrument)
    problems: list[Problem] = []
    muni = municipality_column(table, municipality or mapping.municipality, problems)
    time = table.column(mapping.time) if mapping.time else table.time_column()
    if mapping.time and time is None:
        problems.append(Problem(table.file, "the mapping's time stamp column is not in the export", row=table.header_rows[0], value=mapping.time))
    phases, mode = extra_columns(table, mapping.plan_status, mapping.participation, problems)
    skip = {c.index for c in (muni, time, mode, *phases.values()) if c is not None}
    items, ignored = item_columns(table, instrument, mapping.items, skip, problems)
    rows = screen_rows(table, list(items.values()))
    position = {c.index: i for i, c in enumerate(table.columns)}
    if muni is not None:
        for row in rows:
            if row.dropped:
                continue
            value = row.cells[position[muni.index]]
            row.municipality = finder.find(value)
            if row.municipality is None:
                problems.append(finder.problem(table.file, row.number, muni.key, value))
        pick_latest(rows, table, time, muni.key, problems)
    answers = Answers(instrument, table, mapping.values)
    records = []
    for row in rows:
        if row.dropped:
            continue
        for key, column in items.items():
            code = answers.code(row.cells[position[column.index]], row.number, column, problems)
            records.append((row.municipality, key, code))
    plan_status, participation = read_extras(table, rows, phases, mode, mapping.statuses, mapping.modes, problems)
    if problems:
        order = {c.key: i for i, c in enumerate(table.columns)}
        raise DataError(sorted(problems, key=lambda p: (p.row or 0, order.get(p.column, -1))))
    values = {**answers.labelled(list(items.values())), **answers.used}
    used = Mapping(tool=table.tool.key, sheet=table.sheet, header_rows=len(table.header_rows),
                   municipality=muni.key, time=time.key if time is not None else "",
                   items={k: c.key for k, c in items.items()}, values=_value_order(values, instrument),
                   plan_status={p: c.key for p, c in phases.items()}, participation=mode.key if mode else "",
                   statuses=dict(mapping.statuses), modes=dict(mapping.modes))
    frame = pd.DataFrame.from_records(records, columns=["municipality", "item", "score"])
    plan = ImportPlan(source, table, used, frame, rows, ignored, finder.by_real_name, plan_status, participation)
    return _finish(plan, instrument)


def _value_order(used: dict[str, int], instrument: Instrument) -> dict[str, int]:
    """The values used, from the top of the scale down, "ved ikke" last (a stable order for the mapping file)."""
    rank = {code: -code if code not in instrument.missing_codes else 1 for code in instrument.codes}
    return dict(sorted(used.items(), key=lambda kv: (rank.get(kv[1], 2), kv[0])))


def _finish(plan: ImportPlan, instrument: Instrument) -> ImportPlan:
    frame = plan.responses
    order = {k: i for i, k in enumerate(instrument.items["item"])}
    frame = frame.assign(_order=frame["item"].map(order)).sort_values(["municipality", "_order"], kind="stable")
    plan.responses = frame.drop(columns="_order").astype({"score": "Int64"}).reset_index(drop=True)
    return plan



