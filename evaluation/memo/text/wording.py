"""Danish numbers, counts, lists and dates: the words every sentence is built from.

Numbers follow Danish typography (decimal comma, ``.`` between thousands,
a minus sign only when the rounded value is below zero) and are rounded half
up, away from zero, the way a reader rounds by hand (``3,25`` -> ``3,3``),
so text and tables agree.

Counts follow one rule, the usual one of Danish style guides:

- in running text a count from zero to twelve is a word (``ingen``,
  ``én``/``ét``, ``to`` ... ``tolv``), a larger count is digits
  (``13``, ``1.200``); ordinals likewise (``tredje``, ``13.``);
- counts set side by side (``k`` of ``total``, an up/same/down split) are
  all words or all digits: when one of them is above twelve, the others
  above one are digits too (``3 af de 40 kommuner``; ``ingen`` and ``én``
  stay words);
- digits always where a number is data rather than prose: ``n = 10``, means,
  changes, scale points and codes, percentages, p-values, years, figure and
  section numbers, tables, axis labels;
- no sentence opens with digits: :func:`sentence_start` puts ``I alt``
  before a subject that would.

``count`` agrees with its number (``ingen kommuner``, ``én kommune``,
``tre kommuner``); ``of_total`` says ``alle ti kommuner`` and ``begge
kommuner`` where a count is the whole.

The functions return HTML-safe text: every string that comes from data
(labels, names, question texts) is escaped where it enters the text.

>>> number(3.25, 1), number(1234.5, 1), signed(-0.222), percent(0.6)
('3,3', '1.234,5', '-0,2', '60 %')
>>> count(0, "kommune", "kommuner"), count(1, "svar", "svar", neuter=True), count(7, "kommune", "kommuner")
('ingen kommuner', 'ét svar', 'syv kommuner')
>>> count(13, "kommune", "kommuner"), count(1200, "kommune", "kommuner")
('13 kommuner', '1.200 kommuner')
>>> of_total(10, 10, "kommune", "kommuner"), of_total(2, 2, "kommune", "kommuner"), of_total(3, 10, "kommune", "kommuner")
('alle ti kommuner', 'begge kommuner', 'tre af de ti kommuner')
>>> of_total(3, 40, "kommune", "kommuner"), of_total(1, 40, "kommune", "kommuner"), ordinal(3), ordinal(14)
('3 af de 40 kommuner', 'én af de 40 kommuner', 'tredje', '14.')
>>> how_many(2, 2), how_many(10, 10), how_many(3, 10), how_many(3, 40)
('begge', 'alle', 'tre', '3')
>>> sentence_start("tre af de ti kommuner"), sentence_start("40 af de 98 kommuner")
('Tre af de ti kommuner', 'I alt 40 af de 98 kommuner')
>>> join(["beredskab", "indsatser", "kompetencer"])
'beredskab, indsatser og kompetencer'
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from html import escape

__all__ = [
    "DASH", "number", "integer", "signed", "percent", "p_value", "p_is", "join", "count", "of_total",
    "amount", "number_word", "ordinal", "in_words", "how_many", "sentence_start", "WORDS_UP_TO", "capital", "genitive",
    "names_or_count", "esc", "month_year",
]


DASH = "–"
#: Counts up to this are words in running text; larger ones are digits.
WORDS_UP_TO = 12
#: Danish words for small counts (common gender; ``én``/``ét`` for one).
_WORDS = ("nul", "én", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti", "elleve", "tolv")
_ORDINALS = ("nulte", "første", "anden", "tredje", "fjerde", "femte", "sjette", "syvende", "ottende", "niende",
             "tiende", "ellevte", "tolvte")
#: Lists of names longer than this are not spelled out in running text.
NAME_LIMIT = 10


def esc(value) -> str:
    """HTML-escape a value that comes from data."""
    return escape(str(value), quote=True)


def _missing(x) -> bool:
    """None, NaN of any float type (numpy's too) or pandas' NA."""
    if x is None:
        return True
    try:
        return math.isnan(x)
    except TypeError:
        return type(x).__name__ in ("NAType", "NaTType")


def capital(text: str) -> str:
    """Upper-case the first letter only (``str.capitalize`` would lower the
    rest, names and labels included)."""
    return text[:1].upper() + text[1:]


_capital = capital


def genitive(name: str) -> str:
    """Danish genitive of a name: ``Aarhus'``, ``Kommune A's``, ``Vejles``.

    A name ending in s, x or z takes an apostrophe only; one ending in a
    capital letter or a digit (an abbreviation, a pseudonym: ``KL's``)
    takes ``'s``; any other name takes ``s``.
    """
    last = name[-1:]
    if last.lower() in ("s", "x", "z"):
        return name + "'"
    return name + ("'s" if last.isupper() or last.isdigit() else "s")


_genitive = genitive


def _rounded(x, decimals: int) -> Decimal:
    """``x`` rounded half up (away from zero) to ``decimals`` places."""
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number(x, decimals: int = 1) -> str:
    """A number with a decimal comma and a ``.`` between thousands; an en
    dash for a missing value.  Rounded half up: ``3,25`` -> ``3,3``."""
    if _missing(x):
        return DASH
    value = _rounded(x, decimals)
    if value == 0:
        value = abs(value)
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def integer(n) -> str:
    """A whole number with ``.`` between thousands: ``1.200``."""
    return number(int(n), 0)


def signed(x, decimals: int = 1) -> str:
    """A change with its sign: ``+0,3``, ``-0,2``, ``0,0``."""
    if _missing(x):
        return DASH
    text = number(x, decimals)
    return text if text.startswith("-") or _rounded(x, decimals) == 0 else "+" + text


def percent(share, decimals: int = 0) -> str:
    """A share (0-1) as a Danish percentage: ``60 %``."""
    return DASH if _missing(share) else f"{number(100 * share, decimals)} %"


def p_value(p) -> str:
    """A p-value: three decimals, ``< 0,001`` below that (rounded half up,
    so ``0,0005`` reads ``0,001``)."""
    if _missing(p):
        return "kan ikke beregnes"
    return "< 0,001" if p < 0.0005 else number(p, 3)


def p_is(p) -> str:
    """``p = 0,508``, ``p < 0,001`` (not ``p = < 0,001``)."""
    if _missing(p):
        return "p kan ikke beregnes"
    text = p_value(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def join(words, last: str = "og") -> str:
    """Join words the Danish way: ``a, b og c`` (``last="eller"``: ``a, b eller c``)."""
    words = [str(w) for w in words]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {last} " + words[-1]


def in_words(*counts) -> bool:
    """Whether counts set side by side are written as words: all of them
    are at most :data:`WORDS_UP_TO` (see the module docstring)."""
    return all(int(n) <= WORDS_UP_TO for n in counts)


def number_word(n: int, *, neuter: bool = False) -> str:
    """A count from 0 to 12 as a word (``én``/``ét``, ``tre``); larger counts as digits."""
    n = int(n)
    if n == 1:
        return "ét" if neuter else "én"
    return _WORDS[n] if 0 <= n <= WORDS_UP_TO else integer(n)


def ordinal(n: int) -> str:
    """An ordinal: ``første`` ... ``tolvte`` as words, larger ones as ``13.``."""
    n = int(n)
    return _ORDINALS[n] if 0 <= n <= WORDS_UP_TO else f"{integer(n)}."


def amount(n, *, neuter: bool = False, digits: bool = False) -> str:
    """A count standing alone, without its noun: ``ingen``, ``én``/``ét``,
    ``syv``, ``1.200``.  ``digits=True`` writes 2 and above as digits (a
    count beside a larger one, see :func:`in_words`)."""
    n = int(n)
    if n == 0:
        return "ingen"
    if n == 1 or not digits:
        return number_word(n, neuter=neuter)
    return integer(n)


def count(n, singular: str, plural: str, *, neuter: bool = False, digits: bool = False) -> str:
    """``ingen kommuner``, ``én kommune``, ``ét svar``, ``tre kommuner``, ``1.200 kommuner``."""
    n = int(n)
    return f"{amount(n, neuter=neuter, digits=digits)} {singular if n == 1 else plural}"


def of_total(k, total, singular: str, plural: str, *, neuter: bool = False) -> str:
    """``k`` of ``total`` with the noun: ``alle ti kommuner``, ``begge kommuner``,
    ``den ene kommune``, ``ingen af de ti kommuner``, ``én af de ti kommuner``,
    ``tre af de ti kommuner``, ``3 af de 40 kommuner``."""
    k, total = int(k), int(total)
    digits = not in_words(total)
    if total == 1 and k == 1:
        return f"{'det' if neuter else 'den'} ene {singular}"
    if k == total == 2:
        return f"begge {plural}"
    if k == total:
        return f"alle {amount(total, digits=digits)} {plural}"
    if total == 1:
        return f"ingen {plural}"
    return f"{amount(k, neuter=neuter, digits=digits)} af de {amount(total, digits=digits)} {plural}"


def how_many(k, total) -> str:
    """How many of ``total`` did something, said without the noun: ``den``
    (the only one), ``begge``, ``alle``, else :func:`amount` (digits when
    ``total`` is above twelve): ``og begge havde rullet den fuldt ud``."""
    k, total = int(k), int(total)
    if k == total:
        return {1: "den", 2: "begge"}.get(total, "alle")
    return amount(k, digits=not in_words(total))


def sentence_start(phrase: str) -> str:
    """``phrase`` made fit to open a sentence: its first letter upper-cased,
    or ``I alt`` put before it when it opens with digits."""
    return f"I alt {phrase}" if phrase[:1].isdigit() else capital(phrase)


def names_or_count(names: str, limit: int = NAME_LIMIT) -> str:
    """Escaped ``", "``-joined names, or an empty string when there are more
    than ``limit`` (long lists belong in a table, not in a sentence)."""
    if not isinstance(names, str) or not names:
        return ""
    return esc(names) if names.count(", ") < limit else ""


def _names(text) -> str:
    return esc(text) if isinstance(text, str) and text else ""


# ------------------------------------------------------ section sentences
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
          "september", "oktober", "november", "december")


def month_year(date) -> str:
    """``november 2018`` for a date."""
    return f"{MONTHS[date.month - 1]} {date.year}"
