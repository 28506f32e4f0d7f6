"""Reviewer pages: an executed notebook as a readable, self-contained HTML page.

Use::

    export_review_page(out / "notebooks" / "02_konklusion.ipynb",
                       out / "notebooks" / "02_konklusion.html",
                       links=[("Oversigt", "../index.html")])

A reviewer without JupyterLab sees in a browser what the notebook computed:
the parameters the run injected first, then every cell in order with its code
and its outputs, the cells tagged ``review`` (raw tables) included.  The
page loads nothing from anywhere (same template and checks as the memo,
:func:`evaluation.memo.export.export_html`); code is coloured by Pygments
with an inlined stylesheet.
"""
from __future__ import annotations

import copy
import html
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import nbformat

from ...checks import fail
from .document import export_html
from .merging import _has_tag

__all__ = ["review_notebook", "export_review_page"]

_INJECTED = "injected-parameters"
_DEFAULTS = "parameters"
#: The tag the injected cell carries on a reviewer page (documents drop
#: papermill's own tags, a reviewer must see the values).
_SHOWN_PARAMETERS = "run-parameters"


@lru_cache(maxsize=1)
def _code_css() -> str:
    from pygments.formatters import HtmlFormatter

    css = HtmlFormatter(style="default").get_style_defs(".highlight")
    return css + """
/* Pygments' default colours reach 4.5:1 on white, not on a grey panel. */
.highlight, .input_area pre { background: #fff; }
.input_area pre { padding: 0.5em; overflow-x: auto; border: 1px solid var(--rule); border-left: 4px solid var(--rule); }
.cell-label { margin: 1.25rem 0 0.25rem; color: var(--muted); font-size: 0.9rem; font-weight: 600; }
/* The cell a memo's link leads to stands out. */
.cell { scroll-margin-top: 1rem; }
.cell:target { outline: 3px solid var(--accent); outline-offset: 4px; }
"""


def review_notebook(nb: nbformat.NotebookNode, *, name: str) -> nbformat.NotebookNode:
    """Return a copy of an executed notebook arranged for a reviewer.

    A heading naming the notebook comes first, then the cell papermill
    injected (the parameters this run used), then every other cell in order.
    The cell with the notebook's default parameters is left out: the
    injected values replace them.  A notebook run without injected
    parameters keeps its defaults cell, moved to the top.  ``nb`` is not
    changed.
    """
    if not isinstance(nb, nbformat.NotebookNode) or "cells" not in nb:
        fail("nb", type(nb).__name__, "an nbformat NotebookNode")
    out = copy.deepcopy(nb)
    injected = [c for c in out.cells if _has_tag(c, {_INJECTED})]
    shown = injected or [c for c in out.cells if _has_tag(c, {_DEFAULTS})]
    rest = [c for c in out.cells if not _has_tag(c, {_INJECTED, _DEFAULTS})]
    for cell in shown:
        cell.metadata["tags"] = [_SHOWN_PARAMETERS]
    for cell in [*shown, *rest]:
        cell.metadata["anchor"] = True  # the page gives the cell its id: links lead to it
        for output in cell.get("outputs", []):
            _wrap_table(output, cell.get("execution_count"))
    intro = (f'<h1 id="top">Notesbog: {html.escape(name)}</h1>'
             '<p class="subtitle">Kode og resultater fra kørslen; først de parametre, kørslen brugte.</p>')
    commands = rerun_commands(nb, name)
    if commands is not None:
        intro += ('<p>Kør notesbogen igen fra projektets mappe med de samme parametre, og sammenlign hvert '
                  f'resultat med det offentliggjorte:</p><pre class="command"><code>{html.escape(commands[0])}</code></pre>'
                  '<p>Det samme med papermill alene. Papermill erstatter alle indsatte parametre, så hver parameter '
                  'skal angives; en parameter, der udelades, får notesbogens standardværdi:</p>'
                  f'<pre class="command"><code>{html.escape(commands[1])}</code></pre>')
    out.cells = [nbformat.v4.new_markdown_cell(intro, id="review-title"), *shown, *rest]
    return out


def _wrap_table(output, number) -> None:
    """Put a raw frame's HTML table (a ``review`` cell's) in a scroll box of its
    own that a keyboard can reach, as the memo's tables are; the memo's own
    tables are in such a box already."""
    data = output.get("data", {})
    table = data.get("text/html")
    if isinstance(table, list):
        table = "".join(table)
    if not table or "<table" not in table or 'class="table-wrap"' in table:
        return
    label = f"Tabel i celle {number}" if number else "Tabel"
    data["text/html"] = f'<div class="table-wrap" role="region" tabindex="0" aria-label="{label}">{table}</div>'


def rerun_commands(nb: nbformat.NotebookNode, name: str) -> tuple[str, str] | None:
    """The shell commands, run from the project root, that rerun the executed notebook ``name``.

    Returns (``evaluation rerun ...``, the plain papermill command), or None
    for a notebook papermill did not run.  The papermill command passes every
    recorded parameter (papermill replaces all injected parameters of a
    notebook it reruns), one a line, and writes into ``outputs/rerun/<name>/``,
    never into the publication: text with ``-r`` (kept as text), anything
    else with ``-p`` or ``-y``.

    >>> nb = nbformat.v4.new_notebook(metadata={"papermill": {"parameters": {
    ...     "output_dir": "outputs/p", "municipality": "Kommune A", "show_name": False}}})
    >>> print(rerun_commands(nb, "profil-kommune-a")[1])
    mkdir -p outputs/rerun/profil-kommune-a && .venv/bin/papermill \\
      outputs/p/notebooks/profil-kommune-a.ipynb outputs/rerun/profil-kommune-a/profil-kommune-a.ipynb -k python3 \\
      -r municipality 'Kommune A' \\
      -r output_dir outputs/rerun/profil-kommune-a \\
      -p show_name False
    """
    import json
    import shlex

    parameters = nb.metadata.get("papermill", {}).get("parameters")
    if not isinstance(parameters, dict) or not isinstance(parameters.get("output_dir"), str):
        return None
    executed = f"{parameters['output_dir']}/notebooks/{name}.ipynb"
    scratch = f"outputs/rerun/{name}"
    lines = [["mkdir", "-p", scratch, "&&", ".venv/bin/papermill"],
             [executed, f"{scratch}/{name}.ipynb", "-k", "python3"]]
    for key, value in sorted({**parameters, "output_dir": scratch}.items()):
        if isinstance(value, str):
            lines.append(["-r", key, value])
        elif value is None or isinstance(value, (bool, int, float)):
            lines.append(["-p", key, str(value)])
        else:
            lines.append(["-y", key, json.dumps(value)])
    quoted = [" ".join(a if a == "&&" else shlex.quote(a) for a in line) for line in lines]
    return f".venv/bin/evaluation rerun {shlex.quote(executed)}", " \\\n  ".join(quoted)


def export_review_page(
    path: str | os.PathLike,
    output_path: str | os.PathLike,
    *,
    links: Sequence[tuple[str, str]] = (),
) -> Path:
    """Write the reviewer page of one executed notebook.

    Parameters
    ----------
    path : path-like
        The executed notebook.
    output_path : path-like
        The HTML page to write (atomically).
    links : sequence of (label, relative href)
        Listed at the top of the page, e.g. the index and the notebook file.

    Returns
    -------
    Path
        ``output_path``.  The same notebook gives the same bytes.
    """
    path = Path(path)
    if not path.is_file():
        fail("path", str(path), "an existing executed notebook")
    nb = review_notebook(nbformat.read(path, as_version=4), name=path.stem)
    return export_html(nb, output_path, title=f"Notesbog: {path.stem}", links=links, drop_tags=(),
                       code=True, css_extra=_code_css())
