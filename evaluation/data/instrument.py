"""Load ``instrument.yml``: the answer scale and the items."""
from __future__ import annotations

import os

import pandas as pd

from .. import config
from ..exceptions import Problem
from .contract import Instrument
from .reading import display_path as _rel, raise_problems as _raise, read_yaml as _read_yaml

__all__ = ["load_instrument"]


def load_instrument(data: str | os.PathLike | None = None) -> Instrument:
    """Read ``instrument.yml``: the scale and the items."""
    path = config.data_dir(data) / "instrument.yml"
    problems: list[Problem] = []
    content = _read_yaml(path, problems)
    _raise(problems)
    name = _rel(path)
    scale, items = content.get("scale"), content.get("items")
    if not isinstance(scale, list) or not scale:
        problems.append(Problem(name, "'scale' must be a non-empty list", column="scale"))
    if not isinstance(items, list) or not items:
        problems.append(Problem(name, "'items' must be a non-empty list", column="items"))
    _raise(problems)
    scale_rows = []
    for i, entry in enumerate(scale, start=1):
        code = entry.get("code") if isinstance(entry, dict) else None
        if not isinstance(code, int) or isinstance(code, bool) or not entry.get("label"):
            problems.append(Problem(name, f"scale entry {i} needs an integer 'code' and a 'label'", column="scale", value=entry))
            continue
        scale_rows.append({"code": entry["code"], "label": str(entry["label"]), "missing": bool(entry.get("missing", False))})
    item_rows = []
    fields = ("key", "label", "kind", "definition", "question")
    for i, entry in enumerate(items, start=1):
        if not isinstance(entry, dict) or any(not entry.get(f) for f in fields):
            problems.append(Problem(name, f"item {i} needs {', '.join(fields)}", column="items", value=entry))
            continue
        if entry["kind"] not in ("parameter", "context"):
            problems.append(Problem(name, "item kind must be 'parameter' or 'context'", column="kind", value=entry["kind"]))
        item_rows.append(
            {
                "item": str(entry["key"]),
                "label": str(entry["label"]),
                "figure_title": str(entry.get("figure_title") or entry["label"]),
                "kind": entry["kind"],
                "definition": " ".join(str(entry["definition"]).split()),
                "question": " ".join(str(entry["question"]).split()),
            }
        )
    _raise(problems)
    scale_df = pd.DataFrame(scale_rows)
    items_df = pd.DataFrame(item_rows)
    for frame, col, what in ((scale_df, "code", "scale code"), (items_df, "item", "item key")):
        for value in frame.loc[frame[col].duplicated(), col]:
            problems.append(Problem(name, f"{what} appears twice", column=col, value=value))
    if not scale_df.loc[scale_df["code"] == config.DONT_KNOW_CODE, "missing"].any():
        problems.append(Problem(name, f"the scale must mark code {config.DONT_KNOW_CODE} ('ved ikke') as missing", column="scale"))
    _raise(problems)
    return Instrument(scale=scale_df, items=items_df)
