"""The memo's qualitative blocks, built from the follow-up's codings.

Each theme's counts (:func:`theme_block`), the statements linked to its
codes, the triangulation sentence of a parameter section
(:func:`triangulation_block`), the framework matrix of the appendix
(:func:`matrix_blocks`, one table per theme, never more than
:data:`MATRIX_COLUMNS` marks side by side so it prints on A4), the table
``tables/codings.csv`` (:func:`codings_table`) and a profile's codes
(:func:`profile_codes`).  Numbers come from :mod:`evaluation.analysis.codings`,
words from :mod:`evaluation.memo.text.codings`.
"""
from __future__ import annotations

import pandas as pd

from ..analysis.codings import framework_matrix, triangulation
from ..data.contract import CENTRE_SOURCE
from . import report
from .text import codings as tc
from .text.wording import count, esc, join

__all__ = ["theme_block", "triangulation_block", "matrix_intro", "matrix_blocks", "codings_table", "profile_codes",
           "MATRIX_COLUMNS", "TABLE_COLUMNS", "CODED_MARK"]

#: Marks side by side in one matrix table: up to this many sources are columns;
#: with more sources, they are rows and the codes columns, this many at a time.
MATRIX_COLUMNS = 6
#: Columns of ``tables/codings.csv``.
TABLE_COLUMNS = ["theme", "code", "label", "n_sources", "n_interviewed", "sources"]
#: The mark of a coded cell in the framework matrix.
CODED_MARK = "●"


def _phrases(ctx) -> dict[str, tuple[str, str]]:
    codes = ctx.codebook.codes
    return {c: (p, o) for c, p, o in zip(codes["code"], codes["phrase"], codes["phrase_one"])}


def _definite(ctx) -> str:
    return ctx.definite[ctx.followup]


def theme_block(ctx, theme: str) -> report.Block:
    """The counts of one theme's codes at the follow-up, then the statements linked to them."""
    counts = ctx.code_counts[ctx.code_counts["theme"] == theme]
    parts = []
    if not counts.empty:
        about = set(counts["about"])
        if ctx.codings.empty:
            # Nothing coded yet; or nothing to code, when no municipality was interviewed.
            lacking = ("municipalities" in about and not ctx.interviewed)
            parts.append(report.paragraph((tc.no_interviews_sentence if lacking else tc.uncoded_sentence)(_definite(ctx))))
        else:
            if "municipalities" in about:
                if ctx.interviewed:
                    parts += [report.paragraph("Sådan er interviewene med kommunerne kodet (antal kommuner for hver "
                                               "kode, flest først):"),
                              report.bullets(tc.theme_sentences(counts, _phrases(ctx)))]
                else:
                    parts.append(report.paragraph(tc.no_interviews_sentence(_definite(ctx))))
            if "centre" in about:
                parts.append(report.paragraph(*tc.centre_sentences(counts, _phrases(ctx), definite=_definite(ctx))))
    parts.append(report.quotes(ctx.statements(theme), theme))
    return report.Block('<div class="coded-theme">' + "".join(parts) + "</div>")


def triangulation_block(ctx, item: str, row) -> report.Block:
    """The parameter section's sentence setting the survey beside the interview codes."""
    if ctx.codings.empty or not ctx.interviewed:
        return report.Block("")
    tri = triangulation(ctx.codings, ctx.codebook.codes, ctx.interviewed, [item]).iloc[0]
    labels = dict(zip(ctx.codebook.codes["code"], ctx.codebook.codes["label"]))
    return report.paragraph(tc.triangulation_sentence(row, tri, label=ctx.labels[item], baseline=ctx.definite[ctx.baseline],
                                                      followup=_definite(ctx), labels=labels))


def codings_table(ctx) -> pd.DataFrame:
    """``theme, code, label, n_sources, n_interviewed, sources`` of the follow-up."""
    return ctx.code_counts[TABLE_COLUMNS].reset_index(drop=True)


def _matrix_sources(ctx) -> list[str]:
    coded = set(ctx.codings["source"])
    return list(ctx.interviewed) + ([CENTRE_SOURCE] if CENTRE_SOURCE in coded else [])


def _matrix_table(wide: pd.DataFrame, rows_head: str, caption: str) -> report.Block:
    """One matrix table: ``wide`` holds booleans, its index the row names, its columns the column names."""
    frame = pd.DataFrame({rows_head: list(wide.index)})
    for column in wide.columns:
        frame[column] = [CODED_MARK if v else "" for v in wide[column]]
    return report.table(frame, caption=caption)


def matrix_intro(ctx) -> report.Block:
    """The paragraph before the framework matrix: what it shows, or that the
    follow-up's interviews are not coded (then there is no matrix)."""
    if ctx.codings.empty:
        return report.paragraph(tc.uncoded_sentence(_definite(ctx)))
    return report.paragraph(tc.matrix_sentence(_definite(ctx), CODED_MARK))


def matrix_blocks(ctx) -> list[report.Block]:
    """The framework matrix, one table per theme, a mark where a source was coded with a code.

    With at most :data:`MATRIX_COLUMNS` sources, the codes are the rows and
    the sources the columns; with more, the sources are the rows and a theme
    with more than :data:`MATRIX_COLUMNS` codes is split into further tables,
    so that no table is wider than the page, however many were interviewed.
    """
    sources = _matrix_sources(ctx)
    if ctx.codings.empty or not sources:
        return []
    long = framework_matrix(ctx.codings, ctx.codebook.codes, sources)
    codes = ctx.codebook.codes.set_index("code")
    themes = dict(zip(ctx.codebook.themes["theme"], ctx.codebook.themes["label"]))
    names = {s: ("Centret" if s == CENTRE_SOURCE else s) for s in sources}
    blocks = []
    for theme, rows in long.groupby("theme", sort=False):
        kinds = set(codes.loc[rows["code"].unique(), "sources"])
        shown = [s for s in sources if ("centre" if s == CENTRE_SOURCE else "municipalities") in kinds]
        if not shown:
            continue
        order = list(pd.unique(rows["code"]))
        wide = (rows[rows["source"].isin(shown)].pivot(index="source", columns="code", values="coded")
                .reindex(index=shown, columns=order))
        wide = wide.rename(index=names, columns=lambda c: codes.loc[c, "label"])
        caption = f"{themes[theme]}: kodede interview"
        if len(shown) <= MATRIX_COLUMNS:
            blocks.append(_matrix_table(wide.T, "Kode", caption))
            continue
        parts = -(-len(order) // MATRIX_COLUMNS)
        for part in range(parts):
            chunk = wide.iloc[:, part * MATRIX_COLUMNS:(part + 1) * MATRIX_COLUMNS]
            blocks.append(_matrix_table(chunk, "Kilde", caption + (f" ({part + 1} af {parts})" if parts > 1 else "")))
    return blocks


def profile_codes(ctx, municipality: str) -> report.Block:
    """The codes recorded for one municipality at the follow-up, by theme."""
    definite = esc(_definite(ctx))
    if municipality not in ctx.interviewed:
        return report.paragraph(f"Kommunen blev ikke interviewet ved {definite}, så der er ingen kodede udsagn.")
    if ctx.codings.empty:
        return report.paragraph(tc.uncoded_sentence(_definite(ctx)))
    mine = ctx.codings.loc[ctx.codings["source"] == municipality, "code"]
    codes = ctx.codebook.codes[ctx.codebook.codes["code"].isin(set(mine))]
    if codes.empty:
        return report.paragraph(f"Interviewet med kommunen ved {definite} er ikke kodet med nogen kode fra kodebogen.")
    themes = dict(zip(ctx.codebook.themes["theme"], ctx.codebook.themes["label"]))
    items = [f"<strong>{esc(themes[t])}</strong>: {join(f'»{esc(label)}«' for label in rows['label'])}"
             for t, rows in codes.groupby("theme", sort=False)]
    return report.Block(report.paragraph(f"Interviewet med kommunen ved {definite} er kodet med "
                                         f"{count(len(codes), 'kode', 'koder')}:") + report.bullets(items))
