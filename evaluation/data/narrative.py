"""Load each round's ``rounds/<key>/narrative.md``: the evaluator's own words, by memo section.

A narrative is Markdown cut into sections by marker lines that name a
section of the memo's outline by its id, never by its number::

    [[sec:purpose]]
    <!-- a hint for the evaluator; comments never reach the memo -->
    Opfølgningen skal vise, om de {{ n_interviewed }} interviewede kommuner ...

The ids a narrative may use are :data:`~evaluation.data.contract.NARRATIVE_SECTIONS`
plus ``sec:item:<parameter key>``; the placeholders are
:data:`~evaluation.data.contract.PLACEHOLDERS` and their word forms
(:data:`~evaluation.data.contract.WORD_PLACEHOLDERS`).  An unknown section,
a section given twice, text before the first marker, an unknown or unclosed
placeholder are problems naming the file, the line and the name.  Rendering
(placeholders filled in, Markdown to sanitised HTML) is the memo's job.

>>> n = parse_narrative("[[sec:purpose]]\\nTekst om {{ followup.label }}.\\n", "narrative.md", ["beredskab"], [])
>>> n.text("sec:purpose"), n.line("sec:purpose"), n.text("sec:centre")
('Tekst om {{ followup.label }}.', 2, None)
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import pandas as pd

from .. import config
from ..exceptions import Problem
from ..sections import MARKER, PLACEHOLDER, code_placeholder, scan, split_sections, strip_comments
from .contract import (CODE_PLACEHOLDER, COUNT_FORMS, NARRATIVE_ITEM_SECTION, NARRATIVE_SECTIONS, PART_COUNTS,
                       PLACEHOLDERS, WORD_PLACEHOLDERS)
from .reading import display_path, raise_problems

__all__ = ["Narrative", "parse_narrative", "load_narratives", "PLACEHOLDER", "MARKER", "strip_comments",
           "code_placeholder"]


@dataclass(frozen=True)
class Narrative:
    """The sections of one round's narrative: id -> (first line of text, Markdown)."""

    path: str
    sections: dict = field(default_factory=dict)

    def text(self, section: str) -> str | None:
        """The section's Markdown without comments, or ``None`` when it is absent or empty."""
        entry = self.sections.get(section)
        if entry is None:
            return None
        text = strip_comments(entry[1]).strip()
        return text or None

    def uses_code_counts(self) -> bool:
        """Whether any section asks for a code count (``{{ codes.<code> }}``)."""
        return any(code_placeholder(m.group(1)) for s in self.sections
                   for m in PLACEHOLDER.finditer(self.text(s) or ""))

    def line(self, section: str) -> int | None:
        entry = self.sections.get(section)
        return None if entry is None else entry[0]


def allowed_sections(parameters) -> list[str]:
    return list(NARRATIVE_SECTIONS) + [f"{NARRATIVE_ITEM_SECTION}{p}" for p in parameters]


def parse_narrative(text: str, name: str, parameters, problems: list[Problem], codes=()) -> Narrative:
    """Cut ``text`` into sections, checking markers and placeholders (problems are appended).

    ``codes`` are the codebook's code keys that ``{{ codes.<code> }}`` may name
    (``None``: not checked, e.g. when the codebook itself is broken).
    """
    allowed = allowed_sections(parameters)
    seen: set[str] = set()
    current = None
    for line in scan(text):  # the checks; the cut is split_sections', which the planner's keys use too
        number = line.number
        if line.marker is not None:
            current = line.marker
            if current not in allowed:
                problems.append(Problem(name, f"unknown section; allowed: {', '.join(allowed)}", row=number,
                                        value=current))
            elif current in seen:
                problems.append(Problem(name, "section appears twice", row=number, value=current))
            seen.add(current)
        elif current is None:
            if line.visible.strip() and not line.commented:
                problems.append(Problem(name, "text before the first section marker such as [[sec:purpose]]",
                                        row=number, value=line.text.strip()))
        else:
            _check_placeholders(line.visible, name, number, problems, codes)
    sections = split_sections(text)
    return Narrative(path=name, sections={k: v for k, v in sections.items() if k in allowed})


def _check_placeholders(line: str, name: str, number: int, problems: list[Problem], codes=()) -> None:
    for match in PLACEHOLDER.finditer(line):
        found = match.group(1)
        code = code_placeholder(found)
        if code is not None:
            if codes is not None and code not in codes:
                problems.append(Problem(name, f"unknown code in a code-count placeholder; codebook.yml has "
                                        f"{', '.join(codes) or 'no codes'}", row=number, value=found))
        elif found not in PLACEHOLDERS and found not in WORD_PLACEHOLDERS:
            problems.append(Problem(name, f"unknown placeholder; allowed: {', '.join(PLACEHOLDERS)}, "
                                    f"the word forms <n_...>.{COUNT_FORMS[0]} and <n_...>.{COUNT_FORMS[1]} of every "
                                    f"count, <n_...>.{COUNT_FORMS[2]} of {', '.join(PART_COUNTS)}, "
                                    f"{CODE_PLACEHOLDER}<code> and {CODE_PLACEHOLDER}<code>.sources",
                                    row=number, value=found))
    rest = PLACEHOLDER.sub("", line)
    if "{{" in rest or "}}" in rest:
        problems.append(Problem(name, "unclosed placeholder: write {{ name }}", row=number, value=line.strip()))


def load_narratives(data: str | os.PathLike | None, rounds: pd.DataFrame, parameters, codes=()) -> dict[str, Narrative]:
    """Read the narrative of every listed round that has a folder: round key -> :class:`Narrative`.

    ``codes`` are the codebook's code keys (for code-count placeholders)."""
    problems: list[Problem] = []
    out = {}
    for key in rounds["round"]:
        folder = config.round_dir(key, data)
        if not folder.is_dir():
            continue
        path = folder / "narrative.md"
        name = display_path(path)
        if not path.is_file():
            continue  # reported once by the folder check
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (UnicodeDecodeError, OSError) as exc:
            problems.append(Problem(name, f"not readable as UTF-8 text: {exc}"))
            continue
        out[key] = parse_narrative(text, name, parameters, problems, codes)
    raise_problems(problems)
    return out
