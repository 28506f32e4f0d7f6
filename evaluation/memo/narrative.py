"""The evaluator's narrative in the memo: placeholders filled in, Markdown made safe HTML.

A round's ``narrative.md`` (read and checked by :mod:`evaluation.data.narrative`)
is Markdown.  Rendering goes in three steps:

1. every ``{{ name }}`` is replaced by its value from :func:`placeholder_values`
   (a value is Markdown-escaped, so data cannot add markup); a count in words
   (``n_interviewed.count``, ``codes.<code>.sources``, ...) that opens a
   sentence is capitalised, or led by ``I alt`` when it is digits;
2. mistune renders the Markdown with raw HTML escaped, never passed through;
3. nh3 (the maintained binding of the ammonia sanitiser) keeps only text
   formatting: paragraphs, emphasis, lists, block quotes, code, line breaks
   and links within the document (``#...``).  No script, style, event
   handler, image or link to another host survives.

>>> render("Vi talte med **{{ n_interviewed }}** kommuner <script>x</script>", {"n_interviewed": "5"})
'<p>Vi talte med <strong>5</strong> kommuner &lt;script&gt;x&lt;/script&gt;</p>'
>>> render("{{ n_survey.count }} svarede. Det gjorde {{ n_survey.words }}.", {"n_survey.count": "fem kommuner", "n_survey.words": "fem"})
'<p>Fem kommuner svarede. Det gjorde fem.</p>'
"""
from __future__ import annotations

import re

import mistune
import nh3

from ..analysis.codings import code_counts
from ..data.contract import CODE_PLACEHOLDER, INTERVIEW_MODES, PART_COUNTS, Dataset
from ..data.narrative import PLACEHOLDER
from . import text as tx

__all__ = ["render", "placeholder_values", "count_words"]

_TAGS = {"p", "em", "strong", "ul", "ol", "li", "a", "blockquote", "code", "br"}
_MARKDOWN = mistune.create_markdown(escape=True, renderer="html", plugins=[])
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~])")


def _keep_internal_links(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return value if value.startswith("#") and len(value) > 1 else None
    return value


def _markdown_text(value: str) -> str:
    """``value`` as literal Markdown text (every special character escaped)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


#: Placeholders whose value is words in running text (capitalised where they open a sentence).
_WORDED = (".words", ".count", ".of_total", ".sources")
#: A block's start before a placeholder: a block quote or list marker, emphasis markers, spaces.
_OPENS_BLOCK = re.compile(r"(?:\A|\n)[ \t>]*(?:(?:[-+*]|\d+[.)])[ \t]+)?[*_]*\Z")
#: The end of a sentence before a placeholder: its last word, the mark, spaces and emphasis markers.
_AFTER_SENTENCE = re.compile(r"(\S*)([.!?])[ \t]+[*_]*\Z")
#: Abbreviations whose full stop ends no sentence (``fx. fem kommuner``).
_ABBREVIATIONS = {"fx", "ca", "jf", "mv", "osv", "dvs", "nr", "pkt", "kap", "evt", "inkl", "ekskl", "vedr", "mht"}
#: The noun of a count placeholder (``n_...``); municipalities unless named here.
_NOUNS = {"n_parameters": ("parameter", "parametre"), "n_rounds": ("måling", "målinger")}


def _fill(match: re.Match, values: dict[str, str]) -> str:
    name = match.group(1)
    value = values[name]
    if name.endswith(_WORDED) and _opens_sentence(match.string[:match.start()]):
        value = tx.sentence_start(value)
    return _markdown_text(value)


def _opens_sentence(before: str) -> bool:
    """Whether text placed after ``before`` opens a sentence: it starts a
    paragraph or list item, or follows a ``.``, ``!`` or ``?`` that is no
    ordinal's (``2. maj``) and no abbreviation's (``bl.a.``, ``fx.``)."""
    if _OPENS_BLOCK.search(before):
        return True
    end = _AFTER_SENTENCE.search(before)
    if end is None:
        return False
    word = end.group(1).lstrip("(»\"'*_")
    if end.group(2) != ".":
        return True
    return not (word[-1:].isdigit() or "." in word or len(word) == 1 or word.lower() in _ABBREVIATIONS)


def render(markdown: str, values: dict[str, str]) -> str:
    """Sanitised HTML of a narrative section with its placeholders filled in.

    A placeholder not in ``values`` is an error of the data folder that
    validation reports first; here it raises ``KeyError`` naming it.
    """
    filled = PLACEHOLDER.sub(lambda m: _fill(m, values), markdown)
    html = _MARKDOWN(filled)
    clean = nh3.clean(html, tags=_TAGS, attributes={"a": {"href"}}, attribute_filter=_keep_internal_links,
                      url_schemes=set(), link_rel=None, strip_comments=True)
    return clean.strip()


def placeholder_values(ds: Dataset, baseline: str, followup: str) -> dict[str, str]:
    """The value of every placeholder for the pair ``baseline`` -> ``followup`` (Danish text)."""
    rounds = ds.rounds.set_index("round")
    out = {}
    for role, key in (("baseline", baseline), ("followup", followup)):
        row = rounds.loc[key]
        out[f"{role}.label"] = str(row["label"])
        out[f"{role}.definite"] = str(row["definite"])
        out[f"{role}.date"] = tx.month_year(row["date"])
    modes = ds.participation_of(followup).set_index("municipality")["mode"]
    listed = ds.municipalities["municipality"]
    mode = listed.map(modes).fillna("none")
    numbers = {
        "n_municipalities": len(listed),
        "n_participating": int((mode != "none").sum()),
        "n_interviewed": int(mode.isin(["interview", "both"]).sum()),
        "n_survey": int(mode.isin(["survey", "both"]).sum()),
        "n_not_participating": int((mode == "none").sum()),
        "n_parameters": len(ds.instrument.parameters),
        "n_rounds": len(ds.rounds),
    }
    out.update({k: tx.number(v, 0) for k, v in numbers.items()})
    out.update(count_words(numbers))
    out.update(_code_values(ds, followup, listed[mode.isin(INTERVIEW_MODES)].tolist()))
    return out


def count_words(numbers: dict[str, int]) -> dict[str, str]:
    """The word forms of the counts (see :data:`evaluation.data.contract.COUNT_FORMS`).

    >>> words = count_words({"n_municipalities": 10, "n_interviewed": 1, "n_survey": 10, "n_parameters": 5})
    >>> words["n_interviewed.count"], words["n_interviewed.of_total"], words["n_survey.of_total"]
    ('én kommune', 'én af de ti kommuner', 'alle ti kommuner')
    >>> words["n_parameters.count"], words["n_parameters.words"]
    ('fem parametre', 'fem')
    """
    out = {}
    for name, n in numbers.items():
        singular, plural = _NOUNS.get(name, ("kommune", "kommuner"))
        out[f"{name}.words"] = tx.amount(n)
        out[f"{name}.count"] = tx.count(n, singular, plural)
        if name in PART_COUNTS:
            out[f"{name}.of_total"] = tx.of_total(n, numbers["n_municipalities"], singular, plural)
    return out


def _code_values(ds: Dataset, followup: str, interviewed: list[str]) -> dict[str, str]:
    """``codes.<code>`` and ``codes.<code>.sources`` of every code; an en dash
    while the round has no codings (a draft's box says what is missing)."""
    if ds.codebook is None or ds.codings is None:
        return {}
    codings = ds.codings[ds.codings["round"] == followup]
    out = {}
    for row in code_counts(codings, ds.codebook.codes, interviewed).itertuples(index=False):
        name = f"{CODE_PLACEHOLDER}{row.code}"
        if codings.empty:
            out[name] = out[f"{name}.sources"] = tx.DASH
            continue
        out[name] = tx.number(row.n_sources, 0)
        if row.about == "centre":
            out[f"{name}.sources"] = "centret" if row.n_sources else "ingen"
        elif row.n_interviewed == 0:
            out[f"{name}.sources"] = "ingen interviewede kommuner"
        else:
            out[f"{name}.sources"] = tx.of_total(row.n_sources, row.n_interviewed, "interviewede kommune",
                                                 "interviewede kommuner")
    return out
