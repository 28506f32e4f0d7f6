"""Counts of the coded interviews: codes over sources, the framework matrix, triangulation.

Numbers only.  Every function takes the tidy frames the loaders return
(``Dataset.codings``, ``Codebook.codes``) for one round and returns a new
tidy frame; wording is :mod:`evaluation.memo.text.codings`.

A code is counted over the sources that can carry it: a code about
municipalities over the municipalities interviewed in the round (never over
more), a code about the centre over the centre (one source, counted as
interviewed when the round has any coding of it).

>>> import pandas as pd
>>> codes = pd.DataFrame({"code": ["a", "b"], "theme": ["t", "t"], "label": ["A", "B"],
...                       "parameter": ["", ""], "direction": ["progress", "problem"],
...                       "sources": ["municipalities", "municipalities"]})
>>> codings = pd.DataFrame({"source": ["K1", "K2", "K2"], "code": ["b", "b", "a"]})
>>> code_counts(codings, codes, ["K1", "K2", "K3"])[["code", "n_sources", "n_interviewed", "sources"]].values.tolist()
[['b', 2, 3, 'K1; K2'], ['a', 1, 3, 'K2']]
"""
from __future__ import annotations

import pandas as pd

from ..checks import check_frame

__all__ = ["code_counts", "framework_matrix", "triangulation", "COUNT_COLUMNS", "SOURCE_SEPARATOR"]

#: Columns of :func:`code_counts` (``tables/codings.csv`` keeps the first six).
COUNT_COLUMNS = ("theme", "code", "label", "n_sources", "n_interviewed", "sources", "direction", "parameter", "about")
#: How the sources of one code are joined in a table cell.
SOURCE_SEPARATOR = "; "
_CODE_COLUMNS = ("code", "theme", "label", "parameter", "direction", "sources")
_CENTRE = "centret"


def _check(codings: pd.DataFrame, codes: pd.DataFrame) -> None:
    check_frame("codings", codings, ("source", "code"))
    check_frame("codes", codes, _CODE_COLUMNS)


def _sources_of(codings: pd.DataFrame, interviewed) -> dict[str, list[str]]:
    """The sources each kind of code is counted over, in a fixed order."""
    centre = [_CENTRE] if (codings["source"] == _CENTRE).any() else []
    return {"municipalities": sorted(set(interviewed)), "centre": centre}


def code_counts(codings: pd.DataFrame, codes: pd.DataFrame, interviewed) -> pd.DataFrame:
    """How many sources were coded with each code in one round.

    Parameters
    ----------
    codings : DataFrame
        One round's codings: ``source``, ``code``.
    codes : DataFrame
        The codebook's codes (:attr:`Codebook.codes`).
    interviewed : list of str
        The municipalities interviewed in the round.

    Returns
    -------
    DataFrame
        One row per code of the codebook: ``theme``, ``code``, ``label``,
        ``n_sources`` (sources coded with it), ``n_interviewed`` (sources it
        is counted over), ``sources`` (the coded sources, sorted, joined by
        ``"; "``), ``direction``, ``parameter``, ``about``
        (``municipalities`` or ``centre``).  Themes keep the codebook's
        order; within a theme the most frequent code comes first, ties in
        codebook order.
    """
    _check(codings, codes)
    over = _sources_of(codings, interviewed)
    rows = []
    for order, code in enumerate(codes.itertuples(index=False)):
        allowed = over[code.sources]
        coded = sorted(set(codings.loc[codings["code"] == code.code, "source"]) & set(allowed))
        rows.append({"theme": code.theme, "code": code.code, "label": code.label, "n_sources": len(coded),
                     "n_interviewed": len(allowed), "sources": SOURCE_SEPARATOR.join(coded),
                     "direction": code.direction, "parameter": code.parameter, "about": code.sources,
                     "_order": order})
    out = pd.DataFrame(rows, columns=[*COUNT_COLUMNS, "_order"])
    theme_order = {t: i for i, t in enumerate(pd.unique(codes["theme"]))}
    out = out.assign(_theme=out["theme"].map(theme_order))
    out = out.sort_values(["_theme", "n_sources", "_order"], ascending=[True, False, True], kind="stable")
    return out.drop(columns=["_theme", "_order"]).astype({"n_sources": "int64", "n_interviewed": "int64"}).reset_index(drop=True)


def framework_matrix(codings: pd.DataFrame, codes: pd.DataFrame, sources) -> pd.DataFrame:
    """The framework matrix in long form: one row per source and code.

    Returns
    -------
    DataFrame
        ``source`` (in the order given), ``theme``, ``code`` (codebook
        order), ``coded`` (bool: the source's interview was coded with it).
    """
    _check(codings, codes)
    pairs = set(zip(codings["source"], codings["code"]))
    rows = [{"source": s, "theme": c.theme, "code": c.code, "coded": (s, c.code) in pairs}
            for s in sources for c in codes.itertuples(index=False)]
    return pd.DataFrame(rows, columns=["source", "theme", "code", "coded"]).astype({"coded": bool})


def triangulation(codings: pd.DataFrame, codes: pd.DataFrame, interviewed, parameters) -> pd.DataFrame:
    """What the interviews say about each parameter, for setting beside the survey.

    Only municipalities' codes count; a code bears on the parameter its
    ``parameter`` names.

    Returns
    -------
    DataFrame
        One row per parameter: ``item``, ``n_interviewed``, ``n_codes``
        (codes of the codebook bearing on it), ``n_progress`` and
        ``n_problem`` (interviewed municipalities coded with at least one
        code of that direction bearing on it), ``top_progress`` and
        ``top_problem`` (the most frequent such code, ties in codebook
        order; "" when none), ``n_top_progress``, ``n_top_problem``.
    """
    _check(codings, codes)
    counts = code_counts(codings, codes, interviewed)
    counts = counts[counts["about"] == "municipalities"]
    interviewed = set(interviewed)
    rows = []
    for item in parameters:
        mine = counts[counts["parameter"] == item]
        row = {"item": item, "n_interviewed": len(interviewed), "n_codes": len(mine)}
        for direction in ("progress", "problem"):
            these = mine[(mine["direction"] == direction) & (mine["n_sources"] > 0)]
            these = these.sort_values("n_sources", ascending=False, kind="stable")
            coded = codings[codings["code"].isin(these["code"]) & codings["source"].isin(interviewed)]
            row[f"n_{direction}"] = int(coded["source"].nunique())
            row[f"top_{direction}"] = these["code"].iloc[0] if len(these) else ""
            row[f"n_top_{direction}"] = int(these["n_sources"].iloc[0]) if len(these) else 0
        rows.append(row)
    columns = ["item", "n_interviewed", "n_codes", "n_progress", "n_problem", "top_progress", "top_problem",
               "n_top_progress", "n_top_problem"]
    return pd.DataFrame(rows, columns=columns)
