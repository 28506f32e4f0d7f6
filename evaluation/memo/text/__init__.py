"""Danish text generated from analysis results.

Numbers, counts, lists and dates (:mod:`.wording`), sentences about change
chosen from the comparison table (:mod:`.sentences`), sentences about levels,
ceilings, plan status and distributions (:mod:`.levels`), who took part in a
round (:mod:`.participation`), counts of the coded interviews and
triangulation (:mod:`.codings`), and the figures' text alternatives
(:mod:`.alt_text`).  Nothing here computes a
statistic.  Every function returns HTML-safe text: strings that come from
data are escaped where they enter the text.
"""
from .wording import (
    DASH, number, integer, signed, percent, p_value, p_is, join, count, of_total, amount, number_word, ordinal,
    in_words, how_many, sentence_start, capital, genitive, names_or_count, esc, month_year,
)
from .sentences import (
    DIRECTION_WORDS,
    held_kind,
    change_sentence,
    significance_sentence,
    missing_sentence,
    summary_sentences,
    mode_sentence,
    item_bullet,
    interval_text,
)
from .method import detectable_sentence, step_caveat
from .levels import (
    ceiling_sentence,
    ceiling_summary,
    ceiling_municipalities_sentence,
    plan_status_sentences,
    friedman_sentence,
    distribution_sentence,
    level_sentence,
    profile_change_sentences,
)
from .participation import (background_sentence, municipality_mode_sentence, participation_counts,
                            participation_sentence)
from .alt_text import scale_text, question_note, alt_means, alt_item, alt_plan_status, alt_distribution, alt_trend, alt_profile

__all__ = [
    "participation_counts",
    "participation_sentence",
    "background_sentence",
    "friedman_sentence",
    "DASH",
    "number",
    "signed",
    "percent",
    "p_value",
    "p_is",
    "join",
    "count",
    "integer",
    "of_total",
    "amount",
    "number_word",
    "ordinal",
    "in_words",
    "how_many",
    "sentence_start",
    "capital",
    "genitive",
    "names_or_count",
    "held_kind",
    "level_sentence",
    "step_caveat",
    "municipality_mode_sentence",
    "esc",
    "DIRECTION_WORDS",
    "change_sentence",
    "significance_sentence",
    "missing_sentence",
    "ceiling_sentence",
    "summary_sentences",
    "mode_sentence",
    "scale_text",
    "question_note",
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
    "interval_text",
]
