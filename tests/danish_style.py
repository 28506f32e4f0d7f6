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
    (r"(?<![\d.,])(?<!Kommune )(?!(?:19|20)\d\d(?!\d))\d{4,}", "thousands without separator (years and names excepted)"),
    (r"\d\.\d\d?(?!\d)", "decimal point"),
    (r"Kommune [A-Z0-9]+s\b", "genitive of a pseudonym"),
    (r"\bligger kommunernes\b|Ved \S+ ligger", "present tense for a past round"),
    (r"tendens|præcis den samme|uændret, statistisk signifikant|for små til at teste", "misfiring hedge"),
    (r"\bInterviewkommuner \(n = \d+\) var\b|\b1 var uændrede\b", "plural/singular adjective"),
    (r"med ([-+]?\d[\d.]*,\d+) til \1 skalapoint", "a range from a value to itself"),
    (r"\bsvarede kommunerne ved [^:.]+: én »[^«]*«\.", "plural subject of one answer"),
]


#: A count from two to twelve written in digits before what it counts (``3 kommuner``,
#: ``Af de 10 svarede``): Danish style writes it as a word in running text, unless it
#: stands beside a count above twelve (``3 af de 40``).  Names that end in a number
#: (``Kommune 7``, ``runde 2``) are no counts.
_SMALL_COUNT = re.compile(
    r"(?<![\d,.=/+\-§])(?<!n = )(?<!Kommune )(?<![Rr]unde )(?<!måling )\b([2-9]|1[0-2])\b(?= (?:kommuner|af de|svarede|højere|lavere|det samme|"
    r"sammenligninger|parametre|målinger|ændringer|interviewede|blev interviewet|besvarede|gennemført|i proces|"
    r"op,|uændret,|var uændrede|faldt|steg|i toppen|»))")
#: A whole number in a sentence that is not a decimal, a year or a part of a name.
_WHOLE = re.compile(r"(?<![\d,.])(?<!Kommune )\b\d{1,3}(?:\.\d{3})*\b(?![,.]\d)")


def _small_counts(text: str) -> list[tuple[str, str]]:
    out = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        big = [m for m in _WHOLE.finditer(sentence) if int(m.group(0).replace(".", "")) > 12
               and not re.fullmatch(r"(19|20)\d\d", m.group(0))]
        if not big:
            out += [("small count as digits: a word", m.group(0) + " …") for m in _SMALL_COUNT.finditer(sentence)]
    return out


def style_slips(text: str) -> list[tuple[str, str]]:
    """Every slip in ``text``: (kind, the text that matched)."""
    return [(why, m.group(0)) for pattern, why in SLIPS for m in re.finditer(pattern, text)] + _small_counts(text)
