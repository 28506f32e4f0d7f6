"""Danish numbers, counts, lists and dates: the words every sentence is built from.

The functions return HTML-safe text: every string that comes from data
(labels, names, question texts) is escaped where it enters the text.

>>> number(3.25, 2), number(3.0), signed(-0.222), percent(0.6)
('3,25', '3,0', '-0,2', '60 %')
>>> join(["beredskab", "indsatser", "kompetencer"])
'beredskab, indsatser og kompetencer'
"""
from __future__ import annotations

import math
from html import escape

__all__ = ["number", "signed", "percent", "p_value", "p_is", "join", "count", "esc", "month_year"]


DASH = "–"


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


def _capital(text: str) -> str:
    """Upper-case the first letter only (``str.capitalize`` would lower the
    rest, names and labels included)."""
    return text[:1].upper() + text[1:]


def _genitive(name: str) -> str:
    """Danish genitive of a name: ``Kommune As``, but ``Aarhus'``."""
    return name + ("'" if name[-1:].lower() in ("s", "x", "z") else "s")


def number(x, decimals: int = 1) -> str:
    """A number with a decimal comma; an en dash for a missing value."""
    if _missing(x):
        return DASH
    text = f"{float(x):.{decimals}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text.replace(".", ",")


def signed(x, decimals: int = 1) -> str:
    """A change with its sign: ``+0,3``, ``-0,2``, ``0,0``."""
    if _missing(x):
        return DASH
    text = number(x, decimals)
    return text if text.startswith("-") or float(text.replace(",", ".")) == 0 else "+" + text


def percent(share, decimals: int = 0) -> str:
    """A share (0-1) as a Danish percentage: ``60 %``."""
    return DASH if _missing(share) else f"{number(100 * share, decimals)} %"


def p_value(p) -> str:
    """A p-value: three decimals, ``< 0,001`` below that."""
    if _missing(p):
        return "kan ikke beregnes"
    return "< 0,001" if p < 0.001 else number(p, 3)


def p_is(p) -> str:
    """``p = 0,508``, ``p < 0,001`` (not ``p = < 0,001``)."""
    if _missing(p):
        return "p kan ikke beregnes"
    text = p_value(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def join(words) -> str:
    """Join words the Danish way: ``a, b og c``."""
    words = [str(w) for w in words]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " og " + words[-1]


def count(n: int, singular: str, plural: str) -> str:
    """``1 kommune``, ``3 kommuner``, ``ingen kommuner``."""
    n = int(n)
    if n == 0:
        return f"ingen {plural}"
    return f"{n} {singular if n == 1 else plural}"


def _names(text) -> str:
    return esc(text) if isinstance(text, str) and text else ""


# ------------------------------------------------------ section sentences
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
          "september", "oktober", "november", "december")


def month_year(date) -> str:
    """``november 2018`` for a date."""
    return f"{MONTHS[date.month - 1]} {date.year}"
