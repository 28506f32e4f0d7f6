"""How a round's narrative is cut into sections, with the standard library only.

A ``narrative.md`` holds sections that each start with a marker line such as
``[[sec:purpose]]``; ``<!-- ... -->`` comments (the skeleton's hints, which may
span lines) are no text, and a marker inside one is no marker.  The data
stage (:mod:`evaluation.data.narrative`) checks and loads narratives with
this; the run's planner (:mod:`evaluation.run.fingerprint`) keys each section
on its own with it, so that it agrees with the loader on where a section
begins and ends without importing pandas.

>>> text = "[[sec:purpose]]\\nOm {{ codes.a }}.\\n<!--\\n[[sec:data]]\\n-->\\n[[sec:centre]]\\n<!-- hint -->\\n"
>>> {k: body for k, (line, body) in split_sections(text).items()}
{'sec:purpose': 'Om {{ codes.a }}.\\n<!--\\n[[sec:data]]\\n-->', 'sec:centre': '<!-- hint -->'}
>>> filled_sections(text), asks_for_code_counts(text)
(['sec:purpose'], True)
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["MARKER", "PLACEHOLDER", "CODE_PLACEHOLDER", "Line", "scan", "split_sections", "strip_comments",
           "code_placeholder", "filled_sections", "asks_for_code_counts"]

#: A section marker: a line holding only ``[[ section ]]``.
MARKER = re.compile(r"^\s*\[\[\s*(.+?)\s*\]\]\s*$")
#: A placeholder: ``{{ name }}``.
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
#: The prefix of a code-count placeholder: ``{{ codes.<code> }}``.
CODE_PLACEHOLDER = "codes."
_COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True)
class Line:
    """One line of a narrative as the section parser sees it."""

    number: int  #: 1-based
    text: str
    marker: str | None  #: the section this line opens, if it is a marker outside a comment
    visible: str  #: the line without its comments ("" inside a comment that spans lines)
    commented: bool  #: whether a comment is still open after this line


def strip_comments(text: str) -> str:
    """Remove ``<!-- ... -->`` comments (the skeleton's hints)."""
    return _COMMENT.sub("", text)


def scan(text: str) -> Iterator[Line]:
    """The lines of ``text``, each with the marker it holds and what of it is visible."""
    in_comment = False
    for number, line in enumerate(text.splitlines(), start=1):
        match = MARKER.match(line)
        if match and not in_comment:
            yield Line(number, line, match.group(1), "", False)
            continue
        visible = strip_comments(line) if not in_comment else ""
        if "<!--" in line and "-->" not in line[line.index("<!--"):]:
            in_comment = True
        elif in_comment and "-->" in line:
            in_comment = False
        yield Line(number, line, None, visible, in_comment)


def split_sections(text: str) -> dict[str, tuple[int, str]]:
    """Section -> (the number of its first line, its lines as written).

    Text before the first marker belongs to no section; a section that
    appears twice keeps its last body (the loader refuses both).
    """
    sections: dict[str, tuple[int, str]] = {}
    current, start, buffer = None, 0, []
    for line in scan(text):
        if line.marker is not None:
            if current is not None:
                sections[current] = (start, "\n".join(buffer))
            current, start, buffer = line.marker, line.number + 1, []
        elif current is not None:
            buffer.append(line.text)
    if current is not None:
        sections[current] = (start, "\n".join(buffer))
    return sections


def code_placeholder(name: str) -> str | None:
    """The code key of a code-count placeholder (``codes.<code>`` or
    ``codes.<code>.sources``), or ``None`` for any other name."""
    if not name.startswith(CODE_PLACEHOLDER):
        return None
    key = name[len(CODE_PLACEHOLDER):]
    return key.removesuffix(".sources") or None


def filled_sections(text: str) -> list[str]:
    """The sections of ``text`` that hold more than comments and blanks."""
    return [key for key, (_, body) in split_sections(text).items() if strip_comments(body).strip()]


def asks_for_code_counts(text: str) -> bool:
    """Whether any section of ``text`` asks for a code count (``{{ codes.<code> }}``)."""
    return any(code_placeholder(m.group(1)) for _, body in split_sections(text).values()
               for m in PLACEHOLDER.finditer(strip_comments(body)))
