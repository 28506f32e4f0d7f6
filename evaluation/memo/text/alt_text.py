"""Text alternatives of the figures: each says in words what its figure shows.
"""
from __future__ import annotations

from .wording import DASH, _genitive, _missing, amount, esc, in_words, integer, join, number, signed

__all__ = [
    "scale_text",
    "question_note",
    "alt_means",
    "alt_item",
    "alt_plan_status",
    "alt_distribution",
    "alt_trend",
    "alt_profile",
]


# -------------------------------------------------------------- alt texts
def alt_means(comparison, *, labels: dict, baseline: str, followup: str, scale_labels: dict) -> str:
    """Alt text of the figure of means: the scale, and each parameter's two
    means with the number of municipalities behind them."""
    parts = [
        f"{esc(labels[r['item']])} fra {number(r['mean_baseline'])} til {number(r['mean_followup'])} "
        f"(n = {integer(r['n_pairs'])})"
        for _, r in comparison.iterrows()
    ]
    text = (f"Gennemsnit for hver parameter ved {esc(baseline)} og {esc(followup)} på skalaen "
            f"{scale_text(scale_labels)}; n er antallet af kommuner med et gyldigt svar i begge målinger: "
            f"{join(parts)}.")
    if {"mean_change", "ci_low", "ci_high"} <= set(comparison.columns):
        changes = [
            f"{esc(labels[r['item']])} {signed(r['mean_change'], 2)} ({signed(r['ci_low'], 2)} til {signed(r['ci_high'], 2)})"
            for _, r in comparison.iterrows()
        ]
        text += f" Ved siden af: ændringen i skalapoint med 95 %-interval: {join(changes)}."
    return text


def scale_text(scale_labels: dict) -> str:
    """The answer scale in words, from the lowest code to the highest; "ved ikke" (code 0) left out.

    >>> scale_text({0: "Ved ikke", 1: "Slet ikke", 2: "Lidt", 3: "Noget", 4: "Meget"})
    '1 = Slet ikke, 2 = Lidt, 3 = Noget, 4 = Meget'
    """
    return ", ".join(f"{int(c)} = {esc(scale_labels[c])}" for c in sorted(scale_labels) if int(c) != 0)


def question_note(question: str, scale_labels: dict, *, extra: str = "") -> str:
    """The visible note under a figure of one survey question: the question,
    the scale and what else a reader needs to read the figure (``extra``,
    already HTML-safe).

    >>> question_note("Hvor godt?", {1: "Dårligt", 2: "Godt"}, extra="Ved ikke vises for sig.")
    'Spørgsmål: »Hvor godt?« Skala: 1 = Dårligt, 2 = Godt. Ved ikke vises for sig.'
    """
    text = f"Spørgsmål: »{esc(question.strip())}« Skala: {scale_text(scale_labels)}."
    return f"{text} {extra}" if extra else text


def alt_item(paired, *, label: str, baseline: str, followup: str, question: str, scale_labels: dict) -> str:
    """Alt text of a parameter figure: the question, the scale and each municipality's two answers."""
    def answer(score, dont_know):
        return "ved ikke" if dont_know else (DASH if _missing(score) else number(score, 0))

    parts = [
        f"{esc(r['municipality'])} {answer(r['score_baseline'], r['dont_know_baseline'])} til "
        f"{answer(r['score_followup'], r['dont_know_followup'])}"
        for _, r in paired.iterrows()
    ]
    return (f"{esc(label)}. Spørgsmål: »{esc(question.strip())}« Skala: {scale_text(scale_labels)}. "
            f"Hver kommunes svar ved {esc(baseline)} og {esc(followup)}: {'; '.join(parts)}.")


def alt_plan_status(summary, *, status, round_labels: dict, phase_labels: dict, status_labels: dict) -> str:
    """Alt text of the plan status grid: for each round and phase, how many
    municipalities have each status (``plan_status_summary`` rows) and which
    they are (``status``: ``round``, ``municipality``, ``phase``,
    ``status`` rows, in the figure's order).  With ``status=None`` (the
    figure of counts of a large panel, whose table names them) the counts only."""
    names = ({} if status is None else
             {key: list(group["municipality"]) for key, group in status.groupby(["round", "phase", "status"], sort=False)})

    def which(key) -> str:
        return "" if status is None else f" ({join(esc(m) for m in names.get(key, []))})"

    parts = []
    for (rnd, phase), group in summary.groupby(["round", "phase"], sort=False):
        digits = not in_words(*group["n"])
        counts = [f"{amount(n, digits=digits)} {esc(status_labels[s].lower())}{which((rnd, phase, s))}"
                  for s, n in zip(group["status"], group["n"]) if n]
        parts.append(f"{esc(round_labels[rnd])}, {esc(phase_labels[phase].lower())}: {join(counts)}")
    return "Kommunernes status på handlingsplanen fordelt på faser: " + "; ".join(parts) + "."


def alt_distribution(distribution, *, label: str, round_labels: dict, scale_labels: dict, question: str) -> str:
    """Alt text of a distribution figure (``score_distribution`` rows): the
    question and the number of answers in each category of each round."""
    parts = []
    for rnd, group in distribution.groupby("round", sort=False):
        digits = not in_words(*group["n"])
        counts = [f"{amount(n, digits=digits)} {esc(scale_labels[int(c)].lower())}"
                  for c, n in zip(group["code"], group["n"]) if n]
        parts.append(f"{esc(round_labels[rnd])}: {join(counts) if counts else 'ingen svar'}")
    return (f"{esc(label)}. Spørgsmål: »{esc(question.strip())}« Antal kommuner i hver svarkategori. "
            + "; ".join(parts) + ".")


def alt_trend(trend, *, labels: dict, round_labels: dict) -> str:
    """Alt text of the trend figure (``trend`` rows)."""
    parts = []
    for item, group in trend.groupby("item", sort=False):
        values = " → ".join(number(m) for m in group["mean"])
        parts.append(f"{esc(labels[item])}: {values}")
    rounds = join(esc(round_labels[r]) for r in dict.fromkeys(trend["round"]))
    return f"Gennemsnit for hver parameter ved {rounds}: " + "; ".join(parts) + "."


def alt_profile(profile, *, labels: dict, round_labels: dict, municipality: str) -> str:
    """Alt text of a municipality's profile figure (``group_profile`` rows):
    for each item and round the municipality's answer beside the other
    municipalities' median and range, as a sighted reader takes them from
    the figure."""
    def value(x) -> str:
        return number(x, 0) if float(x).is_integer() else number(x, 1)

    def own(r) -> str:
        if r["dont_know"]:
            return "ved ikke"
        if _missing(r["score"]):
            # Took part but left it blank, or absent from the round.
            return "ikke besvaret" if r.get("present", False) else "intet svar"
        return value(r["score"])

    def group(r) -> str:
        if _missing(r["group_median"]):
            return "ingen svar fra de øvrige"
        low, high = value(r["group_min"]), value(r["group_max"])
        span = low if low == high else f"{low}-{high}"
        return f"median {value(r['group_median'])}, spænd {span}"

    parts = []
    for item, rows in profile.groupby("item", sort=False):
        rounds = "; ".join(f"{esc(round_labels[r['round']])} {own(r)} ({group(r)})" for _, r in rows.iterrows())
        parts.append(f"{esc(labels[item])}: {rounds}")
    return (f"{esc(_genitive(municipality))} svar i hver måling på skalaen 1-4, i parentes de øvrige kommuners "
            "median og spænd. " + ". ".join(parts) + ".")
