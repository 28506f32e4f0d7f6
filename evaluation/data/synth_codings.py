"""The codebook and the codings of a synthetic data folder (see :mod:`evaluation.data.synth`)."""
from __future__ import annotations

import csv
import io

import numpy as np

from .. import config
from .codebook import load_codebook
from .contract import CENTRE_SOURCE, ROUND_FILES

__all__ = ["codebook_text", "codings_text"]

#: Chance that an interviewed source is coded with a code about it.
MUNICIPALITY_SHARE = 0.4
CENTRE_SHARE = 0.7


def codebook_text() -> str:
    """The bundled codebook, with a note that it was copied."""
    with open(config.codebook_path(), encoding="utf-8-sig") as fh:
        body = fh.read()
    return "# Copied unchanged from the bundled data/codebook.yml.\n" + body


def codings_text(seed: int, interviewed: list[str], parameters: list[str]) -> str:
    """Codings of the interviewed municipalities and the centre, drawn from a
    generator seeded with ``[seed, 1]`` (so the answers do not change)."""
    codes = load_codebook(config.DATA_DIR, parameters=parameters).codes
    rng = np.random.default_rng([seed, 1])
    rows = []
    for source in [*interviewed, CENTRE_SOURCE]:
        about = "centre" if source == CENTRE_SOURCE else "municipalities"
        share = CENTRE_SHARE if about == "centre" else MUNICIPALITY_SHARE
        rows += [(source, code, "") for code in codes.loc[codes["sources"] == about, "code"] if rng.random() < share]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ROUND_FILES["codings.csv"])
    writer.writerows(rows)
    return buffer.getvalue()
