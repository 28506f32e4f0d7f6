"""Import a survey tool's export (.xlsx or .csv) as one round of the data folder.

Use::

    evaluation import eksport.xlsx --round opfoelgning-2019 [--data DIR] [--replace]

The export may be *wide* (one row per municipality, one column per item;
an item column is headed by the item's key or its Danish question) or *tidy*
(columns ``municipality``, ``item``, ``score``).  The municipality column may
be called ``municipality`` or ``kommune``.  Answers are codes (``3``,
``3.0``) or scale labels in any letter case (``I høj grad``, ``ved ikke``).

Reading the file (:mod:`.sources`), matching headers and labels
(:mod:`.matching`), and checking and writing the round (:mod:`.writing`).
Every problem in the export is collected before one
:class:`~evaluation.exceptions.DataError` is raised; nothing is written then.
"""
from .sources import (
    MAX_BYTES,
    MAX_RATIO,
    RATIO_MIN_BYTES,
    MAX_MEMBERS,
    read_rows,
    check_xlsx_archive,
    decode_text,
)
from .matching import rows_to_responses
from .writing import import_export, read_export, write_responses

__all__ = [
    "MAX_BYTES",
    "MAX_RATIO",
    "RATIO_MIN_BYTES",
    "MAX_MEMBERS",
    "import_export",
    "read_export",
    "read_rows",
    "rows_to_responses",
    "check_xlsx_archive",
    "decode_text",
    "write_responses",
]
