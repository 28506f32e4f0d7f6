"""Import a survey tool's export as one round of the data folder.

Use::

    evaluation import EXPORT --round KEY [--dry-run] [--mapping FILE] [--save-mapping FILE]
                                         [--municipality-column NAME] [--replace] [--data DIR]

Exports are read as the survey tools write them (:mod:`.layouts`: SurveyXact,
Qualtrics, Microsoft Forms, Google Forms, SurveyMonkey), or in the plain
layout: wide (one row per municipality, one column per item, headed by the
item's key or question) or tidy (``municipality``, ``item``, ``score``).

Reading the file (:mod:`.sources`), recognising its layout
(:mod:`.layouts`), matching columns and answers (:mod:`.matching`),
resolving its rows (:mod:`.resolve`), the plan of the whole import
(:mod:`.planning`), the mapping file (:mod:`.mapping`), and checking and
writing the round with its provenance record (:mod:`.writing`).  Every
problem is collected before one :class:`~evaluation.exceptions.DataError` is
raised; nothing is written then.
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
from .mapping import Mapping, load_mapping, save_mapping
from .planning import ImportPlan, plan_import
from .sources import Source, read_source
from .writing import PROVENANCE_FILE, PreparedImport, commit_import, import_export, prepare_import, read_export, write_responses

__all__ = [
    "MAX_BYTES",
    "MAX_RATIO",
    "RATIO_MIN_BYTES",
    "MAX_MEMBERS",
    "import_export",
    "read_export",
    "read_rows",
    "Mapping", "load_mapping", "save_mapping", "ImportPlan", "plan_import", "Source", "read_source",
    "PROVENANCE_FILE", "PreparedImport", "commit_import", "prepare_import",
    "check_xlsx_archive",
    "decode_text",
    "write_responses",
]
