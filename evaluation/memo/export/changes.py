"""The change report ``changes.html``: what differs from the previous publication of a pair.

It renders the tables of :func:`evaluation.run.changes.compare_publications`
(inputs, table cells, sentences) as one small self-contained Danish page, old
beside new.  Every text is HTML-escaped.
"""
from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from .index import _write_page
from .links import _check_links, _check_text

__all__ = ["render_changes"]

_SECTIONS = (
    ("inputs", "Ændrede inputfiler", {"file": "Fil", "old_sha256": "Før (SHA-256)", "new_sha256": "Nu (SHA-256)"},
     "Ingen inputfil er ændret."),
    ("cells", "Ændrede tal i tabellerne", {"table": "Tabel", "row": "Række", "column": "Kolonne", "old": "Før", "new": "Nu"},
     "Ingen celle i tabellerne er ændret."),
    ("sentences", "Ændrede sætninger", {"document": "Dokument", "old": "Før", "new": "Nu"},
     "Ingen sætning i notatet eller profilerne er ændret."),
)


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return "–"
    text = str(value)
    return html.escape(text[:12] + "…" if len(text) == 64 and all(c in "0123456789abcdef" for c in text) else text)


def _table(frame: pd.DataFrame, columns: Mapping[str, str], caption: str) -> str:
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in columns.values())
    rows = "".join("<tr>" + "".join(f"<td>{_cell(row[c])}</td>" for c in columns) + "</tr>"
                   for _, row in frame.iterrows())
    return (f'<div class="table-wrap"><table><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>")


def render_changes(report: Mapping[str, pd.DataFrame], output_path: str | os.PathLike, *, title: str,
                   links: Sequence[tuple[str, str]] = (), profiles: bool = True) -> Path:
    """Write ``changes.html``.

    Parameters
    ----------
    report : mapping
        ``inputs``, ``cells`` and ``sentences`` frames as
        :func:`evaluation.run.changes.compare_publications` returns them.
    output_path : path-like
        The page to write (atomically).
    title : str
        Its title and ``<h1>``.
    links : sequence of (label, relative href)
        Listed first (e.g. the index and the memo).
    profiles : bool
        Whether the profiles' sentences were compared; when not (one of the
        runs showed real names), the page says so.

    Returns
    -------
    Path
        ``output_path``.
    """
    _check_text("title", title)
    checked = _check_links("links", links)
    total = sum(len(report[key]) for key, *_ in _SECTIONS)
    sections = []
    if checked:
        items = "".join(f'<li><a href="{html.escape(href)}">{html.escape(label)}</a></li>' for label, href in checked)
        sections.append(f'<nav aria-label="Tilhørende filer"><ul>{items}</ul></nav>')
    where = "i notatet og profilerne" if profiles else "i notatet"
    summary = (f"Intet er ændret siden den forrige offentliggørelse: samme inputfiler, samme tal og samme sætninger {where}."
               if total == 0 else
               "Siden den forrige offentliggørelse af de samme to målinger er følgende ændret. "
               "»Før« er den forrige udgave, »Nu« denne; en streg betyder, at der ikke var noget.")
    sections.append(f"<p>{html.escape(summary)}</p>")
    if not profiles:
        sections.append("<p>Profilerne er ikke sammenlignet, fordi en af de to kørsler viste kommunernes rigtige navne, "
                        "og de navne hører kun hjemme i hver kommunes egen profil.</p>")
    if total:
        for key, heading, columns, nothing in _SECTIONS:
            frame = report[key]
            if key == "sentences" and not profiles:
                nothing = "Ingen sætning i notatet er ændret."
            body = _table(frame, columns, heading) if len(frame) else f"<p>{html.escape(nothing)}</p>"
            sections.append(f'<section>\n<h2 id="{key}">{html.escape(heading)} ({len(frame)})</h2>\n{body}\n</section>')
    return _write_page(output_path, title=title, sections=sections)
