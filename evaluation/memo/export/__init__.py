"""Export executed notebooks as self-contained Danish HTML documents.

Use::

    nb = merge_notebooks([out / "01_indledning.ipynb", out / "02_resultater.ipynb"],
                         title="Opfølgning på handlingsplaner")
    export_html(nb, out / "memo.html", title=nb.metadata.title,
                links=[("Kørte notebooks", "notebooks/")])
    external_urls((out / "memo.html").read_text(encoding="utf-8"))  # -> []

Merging the memo's notebooks (:mod:`.merging`), assembling a document
(:mod:`.document`), URL and link safety (:mod:`.links`), the index page
(:mod:`.index`), reviewer pages of the executed notebooks (:mod:`.review`),
the change report (:mod:`.changes`), documents assembled from parts rendered
one at a time (:mod:`.parts`) and Word copies through pandoc (:mod:`.word`).

Outputs are inserted as they are.  The notebooks escape every text that comes
from data before it reaches an output; nothing here un-escapes, and nothing
here sanitises either (nbconvert's sanitiser breaks tables).  A cell that
loads a resource not embedded as a ``data:`` URI (from another host or from
a file) makes the export fail.
"""
from .merging import PARAMETER_TAGS, REVIEW_TAGS, merge_notebooks
from .links import external_urls, external_links
from .document import TEMPLATES_DIR, TEMPLATE_NAME, export_html, export_notebook_html
from .parts import assemble_html, render_part
from .index import render_index
from .word import DOCX_LANGUAGE, export_docx, reference_docx
from .review import export_review_page, review_notebook
from .changes import render_changes

__all__ = [
    "TEMPLATES_DIR",
    "TEMPLATE_NAME",
    "PARAMETER_TAGS",
    "REVIEW_TAGS",
    "merge_notebooks",
    "export_review_page",
    "render_changes",
    "review_notebook",
    "DOCX_LANGUAGE",
    "export_docx",
    "reference_docx",
    "export_html",
    "render_part",
    "assemble_html",
    "export_notebook_html",
    "render_index",
    "external_urls",
    "external_links",
]
