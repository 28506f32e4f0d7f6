"""A document assembled from parts is the document rendered whole, byte for byte.

The reference is always :func:`export_html` of the notebook holding every
part's cells, as the memo was written before it was assembled from parts.
"""
from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from evaluation.exceptions import ParameterError
from evaluation.memo.export import assemble_html, export_html, merge_notebooks, render_part
from evaluation.run.linking import add_source_links

from .test_export import _part

LINKS = [("Oversigt <alle>", "index.html"), ("Tabeller", "tables/")]


def _split_by_part(merged: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The parts of a merged notebook, by the ``p<part>-`` of their cell ids."""
    parts: dict[str, nbformat.NotebookNode] = {}
    for cell in merged.cells:
        part = parts.setdefault(cell.id.split("-")[0], nbformat.v4.new_notebook(metadata=merged.metadata))
        part.cells.append(cell)
    return list(parts.values())


def _both_ways(merged, tmp_path, **options) -> tuple[bytes, bytes]:
    whole = export_html(merged, tmp_path / "whole.html", title="Notat: æøå & <b>", links=LINKS, **options)
    code = options.get("code", False)
    parts = [render_part(part, code=code, **({"drop_tags": options["drop_tags"]} if "drop_tags" in options else {}))
             for part in _split_by_part(merged)]
    assembled = assemble_html(parts, tmp_path / "assembled.html", title="Notat: æøå & <b>", links=LINKS, code=code)
    return whole.read_bytes(), assembled.read_bytes()


def test_parts_of_hostile_notebooks_assemble_to_the_whole(tmp_path):
    paths = []
    for n in (1, 2, 3):
        path = tmp_path / f"0{n}.ipynb"
        nb = _part(n)
        # The same heading text in every part: ids are made unique over the whole document.
        nb.cells.append(new_markdown_cell("## Samme overskrift\n\nTekst med `</main>` som kode og &lt;/main&gt;."))
        nb.cells.append(new_code_cell("x", execution_count=9, outputs=[
            new_output("display_data", data={"text/html": "<h2>Samme overskrift</h2><p>&lt;/main&gt;</p>"})]))
        nbformat.write(nb, path)
        paths.append(path)
    merged = merge_notebooks(paths, title="Notat")
    merged = add_source_links(merged, [(f"notebooks/0{n}.ipynb", f"notebook 0{n}") for n in (1, 2, 3)])
    whole, assembled = _both_ways(merged, tmp_path)
    assert assembled == whole
    assert whole.count(b'id="samme-overskrift') == 6  # the ids really are made over the whole


def test_a_reviewers_page_assembles_too(tmp_path):
    merged = merge_notebooks([_write(tmp_path, _part(1))], title="Notat")
    whole, assembled = _both_ways(merged, tmp_path, code=True, drop_tags=())
    assert assembled == whole and b"SECRET_CODE" in whole


def test_an_empty_list_of_parts_is_the_empty_document(tmp_path):
    empty = export_html(new_notebook(), tmp_path / "whole.html", title="Tom")
    assert assemble_html([], tmp_path / "parts.html", title="Tom").read_bytes() == empty.read_bytes()


def test_a_part_that_loads_a_file_is_refused(tmp_path):
    nb = new_notebook(cells=[new_code_cell("x", execution_count=1, outputs=[
        new_output("display_data", data={"text/html": '<img src="figures/a.png" alt="a">'})])])
    with pytest.raises(ParameterError, match="figures/a.png"):
        assemble_html([render_part(nb)], tmp_path / "memo.html", title="Notat")
    assert not (tmp_path / "memo.html").exists()


def test_parts_must_be_rendered_text(tmp_path):
    with pytest.raises(ParameterError):
        assemble_html("<p>a</p>", tmp_path / "memo.html", title="Notat")
    with pytest.raises(ParameterError):
        assemble_html([b"<p>a</p>"], tmp_path / "memo.html", title="Notat")


def test_the_published_memo_is_the_memo_rendered_whole(bundled_run, tmp_path):
    """The run assembles memo.html from parts; rendering its notebooks whole
    (as the memo was made before) gives the same bytes."""
    from evaluation import config
    from evaluation.memo.outline import MEMO_TITLE
    from evaluation.run.fingerprint import DataFolder
    from evaluation.run.plan import Job, describe_job

    manifest = json.loads((bundled_run / "manifest.json").read_text(encoding="utf-8"))
    names = manifest["documents"]["memo.html"]
    entries = manifest["notebooks"]
    labels = DataFolder(config.DATA_DIR).item_labels()
    jobs = [Job(n, entries[n]["notebook"], entries[n]["parameters"], ()) for n in names]
    merged = merge_notebooks([bundled_run / "notebooks" / f"{n}.ipynb" for n in names], title=MEMO_TITLE)
    merged = add_source_links(merged, [(f"notebooks/{j.name}.ipynb", describe_job(j, labels)) for j in jobs])
    whole = export_html(merged, tmp_path / "memo.html", title=MEMO_TITLE,
                        links=[("Oversigt: kørte notesbøger, tabeller, profiler og manifest", "index.html")])
    assert (bundled_run / "memo.html").read_bytes() == whole.read_bytes()


def _write(tmp_path, nb) -> str:
    path = tmp_path / "part.ipynb"
    nbformat.write(nb, path)
    return path
