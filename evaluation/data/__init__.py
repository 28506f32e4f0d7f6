"""Stage 1, data: the data contract, its loaders, survey-export import and synthetic data.

Owns everything that reads or writes ``data/``: one loader per kind of file
(:mod:`.instrument`, :mod:`.rounds`, :mod:`.municipalities`,
:mod:`.codebook`, and per round :mod:`.responses`, :mod:`.plan_status`,
:mod:`.participation`, :mod:`.quotes`, :mod:`.codings`, :mod:`.narrative`), what a round still lacks
(:mod:`.material`), the whole folder at
once (:mod:`.dataset`), the import of survey exports (:mod:`.importing`),
synthetic data folders (:mod:`.synth`) and the answer summary
(:mod:`.summary`).  It may import only the plumbing at the package's top
(``config``, ``exceptions``, ``checks``, ``files``), never a later stage.
"""
from .contract import (
    INTERVIEW_MODES,
    NARRATIVE_SECTIONS,
    PARTICIPATION_MODES,
    PHASES,
    PLACEHOLDERS,
    QUOTE_THEMES,
    ROUND_FILES,
    STATUSES,
    CENTRE_SOURCE,
    Codebook,
    Dataset,
    Instrument,
)
from .codebook import load_codebook
from .codings import load_codings
from .dataset import load_dataset
from .instrument import load_instrument
from .municipalities import load_municipalities, load_names
from .narrative import Narrative, load_narratives
from .participation import load_participation
from .plan_status import load_plan_status
from .quotes import load_quotes
from .reading import read_csv_strict
from .responses import load_responses, not_answered, parse_response_rows, sort_responses
from .rounds import load_rounds

__all__ = [
    "CENTRE_SOURCE",
    "Codebook",
    "load_codebook",
    "load_codings",
    "Instrument",
    "Dataset",
    "PHASES",
    "STATUSES",
    "PARTICIPATION_MODES",
    "INTERVIEW_MODES",
    "ROUND_FILES",
    "NARRATIVE_SECTIONS",
    "PLACEHOLDERS",
    "Narrative",
    "load_narratives",
    "load_participation",
    "QUOTE_THEMES",
    "load_instrument",
    "load_rounds",
    "load_municipalities",
    "load_responses",
    "not_answered",
    "load_plan_status",
    "load_quotes",
    "load_names",
    "load_dataset",
    "read_csv_strict",
    "parse_response_rows",
    "sort_responses",
]
