"""Danish numbers and counts as the memo must write them, written out on their own.

The claim checkers (tests/memo/test_text_claims*.py) compare generated text with
these, not with evaluation.memo.text.wording: rounding half up with the
decimal module, ``.`` between thousands, zero to twelve as words, digits for a
count beside one above twelve.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def half_up(x, decimals):
    """``x`` rounded half up, as Danish text; a Fraction is rounded from its exact value."""
    exact = Decimal(x.numerator) / Decimal(x.denominator) if isinstance(x, Fraction) else Decimal(repr(float(x)))
    text = str(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    if float(text) == 0:
        text = text.lstrip("-")
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-')):,}".replace(",", ".")
    return sign + whole + ("," + frac if frac else "")


WORDS = ["ingen", "én", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti", "elleve", "tolv"]
#: A count as the text may write it: a word (up to twelve) or digits with "." between thousands.
COUNT = "(?:" + "|".join(WORDS) + r"|\d{1,3}(?:\.\d{3})*)"


def amount(n, beside=0):
    """Danish style, written out here on its own: zero to twelve as words, larger
    counts as digits; beside a count above twelve (``beside``), 2 and up as digits too."""
    n = int(n)
    if n <= 1 or max(n, beside) <= 12:
        return WORDS[n] if n <= 12 else half_up(n, 0)
    return half_up(n, 0)


def parse_count(text):
    """The integer a count word or digits stand for."""
    return WORDS.index(text) if text in WORDS else int(text.replace(".", ""))
