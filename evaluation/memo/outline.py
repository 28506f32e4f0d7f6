"""The memo's outline: every section and figure, numbered from one source.

Numbers are never typed into a notebook.  Each notebook asks the outline for
the entry it renders (``outline.get("fig:means")``) and for the entries it
refers to, so a reference cannot point at the wrong figure or section: if the
order changes here, every number and every link changes with it.

>>> o = memo_outline(["beredskab", "indsatser"], ["radikalisering_udfordring"])
>>> o.get("fig:means").number, o.get("fig:item:indsatser").number
(1, 4)
>>> o.ref("fig:plan_status")
'<a class="xref" href="#fig-2">figur 2</a>'
>>> o.get("sec:item:indsatser").label
'3.3'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from ..exceptions import ParameterError

__all__ = ["Entry", "Outline", "memo_outline", "instrument_outline", "FIGURE_TITLES", "MEMO_TITLE"]

#: The memo's title: its ``h1``, the page title of the HTML and the PDF, and
#: the name the index and the profiles link it by.
MEMO_TITLE = "Opfølgning på kommunernes handlingsplaner mod ekstremisme"

#: Danish titles of the memo's fixed figures (the parameter figures take
#: their titles from the instrument).
FIGURE_TITLES = {
    "fig:means": "Udvikling i udvalgte områder",
    "fig:plan_status": "Status over hvor kommunen befinder sig ift. handlingsplanen",
    "fig:trend": "Udvikling over alle målinger",
}


@dataclass(frozen=True)
class Entry:
    """One numbered section or figure.

    ``label`` is what the reader sees ("3.2", "2", "A"); ``anchor`` the HTML id.
    """

    key: str
    kind: str  # "section" or "figure"
    label: str
    title: str
    level: int = 1

    @property
    def number(self) -> int:
        return int(self.label.split(".")[-1]) if self.label.split(".")[-1].isdigit() else 0

    @property
    def anchor(self) -> str:
        """``fig-3``, ``sec-3-2``, ``sec-A``: only letters, digits and ``-``,
        so it is safe in an ``id`` and an ``href`` without escaping."""
        prefix = "fig" if self.kind == "figure" else "sec"
        return f"{prefix}-{re.sub(r'[^0-9A-Za-z]+', '-', self.label).strip('-')}"

    @property
    def caption(self) -> str:
        """The figure caption or section heading text, numbered."""
        if self.kind == "figure":
            return f"Figur {self.label}. {self.title}"
        return f"{self.label} {self.title}" if self.label else self.title


class Outline:
    """An ordered collection of :class:`Entry`, looked up by key."""

    def __init__(self, entries: list[Entry]):
        self.entries = list(entries)
        self._by_key = {e.key: e for e in self.entries}
        if len(self._by_key) != len(self.entries):
            raise ParameterError("outline keys must be unique")

    def get(self, key: str) -> Entry:
        try:
            return self._by_key[key]
        except KeyError:
            raise ParameterError(f"no outline entry {key!r}; known: {', '.join(self._by_key)}") from None

    def figures(self) -> list[Entry]:
        return [e for e in self.entries if e.kind == "figure"]

    def sections(self) -> list[Entry]:
        return [e for e in self.entries if e.kind == "section"]

    def ref(self, key: str, *, capital: bool = False) -> str:
        """An HTML link to an entry, worded the Danish way ("figur 3",
        "afsnit 3.2")."""
        entry = self.get(key)
        word = "figur" if entry.kind == "figure" else ("bilag" if entry.label.isalpha() else "afsnit")
        if capital:
            word = word.capitalize()
        return f'<a class="xref" href="#{entry.anchor}">{word} {escape(entry.label)}</a>'


def memo_outline(parameters: list[str], context: list[str], *, titles: dict[str, str] | None = None) -> Outline:
    """Build the outline of the memo for an instrument.

    Parameters
    ----------
    parameters : list of str
        Keys of the parameter items, in instrument order; each gets a
        section 3.k and a figure.
    context : list of str
        Keys of the context items; each gets a figure right after the last
        parameter's figure (within that parameter's section, as in the
        reference memo).
    titles : dict, optional
        Figure title per item key (the instrument's ``figure_title``) and
        section title per item key under ``"sec:" + key``; defaults to the key.

    Returns
    -------
    Outline
        Sections ``sec:intro`` (1) with ``sec:background`` (1.1),
        ``sec:purpose`` (1.2), ``sec:data`` (1.3); ``sec:conclusion`` (2);
        ``sec:results`` (3) with ``sec:leadership`` (3.1) and
        ``sec:item:<key>`` (3.2 ...); ``sec:centre`` (4); ``sec:methods``
        (appendix A).  Figures ``fig:means`` (1), ``fig:plan_status`` (2),
        ``fig:item:<key>`` per parameter and context item, then
        ``fig:trend``.
    """
    titles = titles or {}
    entries: list[Entry] = []
    figure_no = 0

    def section(key, label, title, level=1):
        entries.append(Entry(key, "section", label, title, level))

    def figure(key, title):
        nonlocal figure_no
        figure_no += 1
        entries.append(Entry(key, "figure", str(figure_no), title))

    section("sec:intro", "1", "Indledning")
    section("sec:background", "1.1", "Udgangspunktet", 2)
    section("sec:purpose", "1.2", "Formålet med opfølgningen", 2)
    section("sec:data", "1.3", "Datagrundlag", 2)
    section("sec:conclusion", "2", "Konklusion på opfølgningen")
    figure("fig:means", FIGURE_TITLES["fig:means"])
    section("sec:results", "3", "Resultater")
    figure("fig:plan_status", FIGURE_TITLES["fig:plan_status"])
    section("sec:leadership", "3.1", "Ledelsesforankring", 2)
    for i, key in enumerate(parameters, start=2):
        section(f"sec:item:{key}", f"3.{i}", titles.get(f"sec:{key}", key), 2)
        figure(f"fig:item:{key}", titles.get(key, key))
    for key in context:
        figure(f"fig:item:{key}", titles.get(key, key))
    section("sec:centre", "4", "Centrets videre arbejde med konceptet")
    section("sec:methods", "A", "Metode og forbehold")
    figure("fig:trend", FIGURE_TITLES["fig:trend"])
    return Outline(entries)


def instrument_outline(instrument) -> Outline:
    """The memo outline for an :class:`~evaluation.data.Instrument`."""
    items = instrument.items
    titles = dict(zip(items["item"], items["figure_title"]))
    titles.update({f"sec:{k}": v for k, v in zip(items["item"], items["label"])})
    return memo_outline(instrument.parameters, instrument.context_items, titles=titles)
