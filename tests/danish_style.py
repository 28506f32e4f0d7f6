"""Danish agreement and typography slips that generated text must never show.

Used by the claim checker (tests/memo/test_text_claims.py) on its corpus of
generated sentences and by the memo tests on the rendered memo.  Each pattern
names one kind of slip; ``style_slips`` returns every hit with its kind.
"""
from __future__ import annotations

import re

SLIPS = [
    (r"\b1 (kommuner|kommune|parametre|parameter|svar|ændringer|ændring)\b", "1 + noun: én/ét"),
    (r"\b0 (kommuner|kommune|op|ned|faldt|steg|af|det samme|svar)\b", "0 + word: ingen"),
    (r"\b(steg|holdt|faldt|var) 0\b", "verb + 0"),
    (r"n = 1 kommuner|de øvrige 0|i alle 2\b|\balle 2 (kommuner|parametre|målinger)", "agreement"),
    (r"\b(\d+) af (de )?\1 kommuner", "k af k: alle"),
    (r"\bén (kommuner|parametre)\b|\bét (kommune|parameter)\b|\bén svar\b", "gender/number"),
    (r"(?:^|[.!?] )\d", "sentence opens with a digit"),
    (r"(?<![\d.,])(?!(?:19|20)\d\d(?!\d))\d{4,}", "thousands without separator (years excepted)"),
    (r"\d\.\d\d?(?!\d)", "decimal point"),
    (r"Kommune [A-Z0-9]+s\b", "genitive of a pseudonym"),
    (r"\bligger kommunernes\b|Ved \S+ ligger", "present tense for a past round"),
    (r"tendens|præcis den samme|uændret, statistisk signifikant|for små til at teste", "misfiring hedge"),
    (r"\bInterviewkommuner \(n = \d+\) var\b|\b1 var uændrede\b", "plural/singular adjective"),
]


def style_slips(text: str) -> list[tuple[str, str]]:
    """Every slip in ``text``: (kind, the text that matched)."""
    return [(why, m.group(0)) for pattern, why in SLIPS for m in re.finditer(pattern, text)]
