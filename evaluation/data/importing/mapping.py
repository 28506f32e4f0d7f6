"""The mapping of an export onto a round: which sheet, header rows, columns and values.

An import works one out from the export itself (:mod:`.layouts`,
:mod:`.matching`); ``--save-mapping FILE`` writes it as YAML, and
``--mapping FILE`` reads it back, so that the next round's export of the same
survey imports with one command, or an evaluator can say what the export
cannot (which column is which item, what a numeric code means)::

    tool: qualtrics            # plain, qualtrics, surveymonkey, msforms, googleforms, surveyxact
    sheet: ''                  # a workbook's sheet ('' = recognised)
    header_rows: 3             # 0 = the tool's own number
    municipality: Q1           # a column, by its name in the first header row
    time: RecordedDate         # the time stamp that picks the latest of two responses
    items:                     # item key -> column
      beredskab: Q2_1
    values:                    # answer as exported -> code of the scale (0 = ved ikke)
      '1': 4
      Ved ikke: 0
    plan_status:               # optional: phase -> column asking for that phase's status
      udarbejdet: Q5_1
    participation: Q6          # optional: column asking how the municipality took part
    statuses: {Færdig: gennemfoert}   # optional: more wordings of a status (see .extras)
    modes: {Online: survey}           # optional: more wordings of a way of taking part

Every key is optional; what a mapping leaves out is recognised as without one.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ...exceptions import DataError, Problem
from ...files import write_text_atomically

__all__ = ["Mapping", "load_mapping", "save_mapping"]


@dataclass
class Mapping:
    """How an export maps onto a round (see the module)."""

    tool: str = ""
    sheet: str = ""
    header_rows: int = 0
    municipality: str = ""
    time: str = ""
    items: dict[str, str] = field(default_factory=dict)
    values: dict[str, int] = field(default_factory=dict)
    plan_status: dict[str, str] = field(default_factory=dict)
    participation: str = ""
    statuses: dict[str, str] = field(default_factory=dict)
    modes: dict[str, str] = field(default_factory=dict)

    def as_yaml(self) -> str:
        import yaml

        head = "# How an export maps onto a round; reuse it with 'evaluation import FILE --round KEY --mapping THIS'.\n"
        return head + yaml.safe_dump(asdict(self), allow_unicode=True, sort_keys=False, width=1000)


def _text_map(raw, name: str, key: str, problems: list[Problem]) -> dict[str, str]:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in raw.values()):
        problems.append(Problem(name, f"{key!r} must map names to column names", column=key, value=raw))
        return {}
    return {str(k): str(v) for k, v in raw.items()}


def load_mapping(path: str | os.PathLike, tools: tuple[str, ...]) -> Mapping:
    """Read a mapping file; every problem of it at once.

    Raises
    ------
    DataError
        Missing file, not YAML, unknown keys, values of the wrong kind.
    """
    import yaml

    name = os.fspath(path)
    if not Path(path).is_file():
        raise DataError(Problem(name, "mapping file is missing"))
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DataError(Problem(name, f"mapping file is not valid YAML: {exc}")) from exc
    raw = raw or {}
    if not isinstance(raw, dict):
        raise DataError(Problem(name, "a mapping file is a YAML mapping of keys to values", value=raw))
    problems: list[Problem] = []
    known = set(Mapping.__dataclass_fields__)
    for key in raw:
        if key not in known:
            problems.append(Problem(name, f"unknown key; a mapping has {', '.join(Mapping.__dataclass_fields__)}", column=str(key), value=key))
    out = Mapping()
    for key in ("tool", "sheet", "municipality", "time", "participation"):
        value = raw.get(key) or ""
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            problems.append(Problem(name, f"{key!r} must be a text", column=key, value=value))
            continue
        setattr(out, key, str(value))
    if out.tool and out.tool not in tools:
        problems.append(Problem(name, f"unknown tool; one of {', '.join(tools)}", column="tool", value=out.tool))
    rows = raw.get("header_rows") or 0
    if not isinstance(rows, int) or isinstance(rows, bool) or not 0 <= rows <= 10:
        problems.append(Problem(name, "'header_rows' must be a whole number from 0 to 10", column="header_rows", value=rows))
    else:
        out.header_rows = rows
    out.items = _text_map(raw.get("items"), name, "items", problems)
    for key in ("plan_status", "statuses", "modes"):
        setattr(out, key, _text_map(raw.get(key), name, key, problems))
    values = raw.get("values") or {}
    if not isinstance(values, dict):
        problems.append(Problem(name, "'values' must map exported answers to codes of the scale", column="values", value=values))
        values = {}
    for answer, code in values.items():
        if not isinstance(code, int) or isinstance(code, bool):
            problems.append(Problem(name, "a value must map to a code of the scale (a whole number)", column="values", value=f"{answer}: {code}"))
        else:
            out.values[" ".join(str(answer).split())] = code
    if problems:
        raise DataError(problems)
    return out


def save_mapping(mapping: Mapping, path: str | os.PathLike) -> Path:
    """Write ``mapping`` as YAML to ``path`` atomically."""
    return write_text_atomically(path, mapping.as_yaml())
