"""Danish text generated from analysis results.

Numbers, counts, lists and dates (:mod:`.wording`), sentences about change
and ceilings chosen from the analysis tables (:mod:`.sentences`), who took part in a
round (:mod:`.participation`), counts of the coded interviews and
triangulation (:mod:`.codings`), and the figures' text alternatives
(:mod:`.alt_text`).  Nothing here computes a
statistic.  Every function returns HTML-safe text: strings that come from
data are escaped where they enter the text.
"""
from .wording import DASH, number, signed, percent, p_value, p_is, join, count, esc, month_year
from .sentences import (
    DIRECTION_WORDS,
    change_sentence,
    significance_sentence,
    missing_sentence,
    ceiling_sentence,
    summary_sentences,
    mode_sentence,
    item_bullet,
    ceiling_summary,
    ceiling_municipalities_sentence,
    plan_status_sentences,
    distribution_sentence,
    detectable_sentence,
    profile_change_sentences,
)
from .participation import participation_counts, participation_sentence
from .alt_text import alt_means, alt_item, alt_plan_status, alt_distribution, alt_trend, alt_profile

__all__ = [
    "participation_counts",
    "participation_sentence",
    "DASH",
    "number",
    "signed",
    "percent",
    "p_value",
    "p_is",
    "join",
    "count",
    "esc",
    "DIRECTION_WORDS",
    "change_sentence",
    "significance_sentence",
    "missing_sentence",
    "ceiling_sentence",
    "summary_sentences",
    "mode_sentence",
    "alt_means",
    "alt_item",
    "alt_plan_status",
    "alt_distribution",
    "alt_trend",
    "alt_profile",
    "month_year",
    "item_bullet",
    "ceiling_summary",
    "ceiling_municipalities_sentence",
    "plan_status_sentences",
    "distribution_sentence",
    "detectable_sentence",
    "profile_change_sentences",
]
