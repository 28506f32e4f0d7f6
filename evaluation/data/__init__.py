"""Stage 1, data: the data contract, its loaders, survey-export import and synthetic data.

Owns everything that reads or writes ``data/``: one loader per kind of file
(:mod:`.instrument`, :mod:`.rounds`, :mod:`.municipalities`,
:mod:`.responses`, :mod:`.plan_status`, :mod:`.quotes`), the whole folder at
once (:mod:`.dataset`), the import of survey exports (:mod:`.importing`),
synthetic data folders (:mod:`.synth`) and the answer summary
(:mod:`.summary`).  It may import only the plumbing at the package's top
(``config``, ``exceptions``, ``checks``, ``files``), never a later stage.
"""
from .contract import FOLLOWUP_MODES, PHASES, QUOTE_THEMES, STATUSES, Dataset, Instrument
from .dataset import load_dataset
from .instrument import load_instrument
from .municipalities import load_municipalities, load_names
from .plan_status import load_plan_status
from .quotes import load_quotes
from .reading import read_csv_strict
from .responses import load_responses, parse_response_rows, sort_responses
from .rounds import load_rounds

__all__ = [
    "Instrument",
    "Dataset",
    "PHASES",
    "STATUSES",
    "FOLLOWUP_MODES",
    "QUOTE_THEMES",
    "load_instrument",
    "load_rounds",
    "load_municipalities",
    "load_responses",
    "load_plan_status",
    "load_quotes",
    "load_names",
    "load_dataset",
    "read_csv_strict",
    "parse_response_rows",
    "sort_responses",
]
