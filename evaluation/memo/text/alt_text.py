"""Text alternatives of the figures: each says in words what its figure shows.
"""
from __future__ import annotations

from .wording import DASH, _genitive, _missing, esc, integer, join, number

__all__ = [
    "alt_means",
    "alt_item",
    "alt_plan_status",
    "alt_distribution",
    "alt_trend",
    "alt_profile",
]


# -------------------------------------------------------------- alt texts
def alt_means(comparison, *, labels: dict, baseline: str, followup: str) -> str:
    """Alt text of the figure of means."""
    parts = [
        f"{esc(labels[r['item']])} fra {number(r['mean_baseline'])} til {number(r['mean_followup'])}"
        for _, r in comparison.iterrows()
    ]
    return f"Søjlediagram over gennemsnit ved {esc(baseline)} og {esc(followup)}: {join(parts)}."


def alt_item(paired, *, label: str, baseline: str, followup: str) -> str:
    """Alt text of a parameter figure: each municipality's two answers."""
    def answer(score, dont_know):
        return "ved ikke" if dont_know else (DASH if _missing(score) else number(score, 0))

    parts = [
        f"{esc(r['municipality'])} {answer(r['score_baseline'], r['dont_know_baseline'])} til "
        f"{answer(r['score_followup'], r['dont_know_followup'])}"
        for _, r in paired.iterrows()
    ]
    return f"{esc(label)}: hver kommunes svar ved {esc(baseline)} og {esc(followup)} på skalaen 1-4: {'; '.join(parts)}."


def alt_plan_status(summary, *, round_labels: dict, phase_labels: dict, status_labels: dict) -> str:
    """Alt text of the plan status grid, from ``plan_status_summary``."""
    parts = []
    for (rnd, phase), group in summary.groupby(["round", "phase"], sort=False):
        counts = [f"{integer(n)} {esc(status_labels[s].lower())}" for s, n in zip(group["status"], group["n"]) if n]
        parts.append(f"{esc(round_labels[rnd])}, {esc(phase_labels[phase].lower())}: {join(counts)}")
    return "Kommunernes status på handlingsplanen fordelt på faser: " + "; ".join(parts) + "."


def alt_distribution(distribution, *, label: str, round_labels: dict, scale_labels: dict) -> str:
    """Alt text of a distribution figure (``score_distribution`` rows)."""
    parts = []
    for rnd, group in distribution.groupby("round", sort=False):
        counts = [f"{integer(n)} {esc(scale_labels[int(c)].lower())}" for c, n in zip(group["code"], group["n"]) if n]
        parts.append(f"{esc(round_labels[rnd])}: {join(counts)}")
    return f"{esc(label)}, antal svar i hver kategori. " + "; ".join(parts) + "."


def alt_trend(trend, *, labels: dict, round_labels: dict) -> str:
    """Alt text of the trend figure (``trend`` rows)."""
    parts = []
    for item, group in trend.groupby("item", sort=False):
        values = " → ".join(number(m) for m in group["mean"])
        parts.append(f"{esc(labels[item])}: {values}")
    rounds = join(esc(round_labels[r]) for r in dict.fromkeys(trend["round"]))
    return f"Gennemsnit for hver parameter ved {rounds}: " + "; ".join(parts) + "."


def alt_profile(profile, *, labels: dict, municipality: str) -> str:
    """Alt text of a municipality's profile figure (``group_profile`` rows)."""
    parts = []
    for item, group in profile.groupby("item", sort=False):
        present = group["present"] if "present" in group else [False] * len(group)  # absent: a dash
        answers = ", ".join("ved ikke" if dk else ("ikke besvaret" if here and _missing(s) else number(s, 0))
                            for s, dk, here in zip(group["score"], group["dont_know"], present))
        parts.append(f"{esc(labels[item])}: {answers}")
    return (f"{esc(_genitive(municipality))} svar over målingerne sammenholdt med de øvrige kommuners median og spænd: "
            + "; ".join(parts) + ".")
