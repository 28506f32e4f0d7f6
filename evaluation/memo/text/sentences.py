"""Sentences about change, significance, ceilings and plan status, chosen from the analysis tables.

Nothing here computes a statistic: every function receives numbers (rows of
the analysis tables) and words them.  Each sentence about change is chosen
from the ``direction`` / ``significant`` / ``detectable`` columns of
:func:`evaluation.analysis.compare.compare_rounds`, so the summary and the
sections cannot disagree.
"""
from __future__ import annotations

from .wording import _capital, _names, count, esc, join, number, p_is, p_value, percent, signed

__all__ = [
    "DIRECTION_WORDS",
    "change_sentence",
    "significance_sentence",
    "missing_sentence",
    "ceiling_sentence",
    "summary_sentences",
    "mode_sentence",
    "item_bullet",
    "ceiling_summary",
    "ceiling_municipalities_sentence",
    "plan_status_sentences",
    "distribution_sentence",
    "detectable_sentence",
    "profile_change_sentences",
]


#: How each descriptive direction is worded: (verb for a mean, adverb for a level).
DIRECTION_WORDS = {
    "rose": ("steg", "højere"),
    "held": ("var stort set uændret", "på samme niveau"),
    "fell": ("faldt", "lavere"),
}


# --------------------------------------------------------------- sentences
def change_sentence(row, *, label: str, baseline: str, followup: str) -> str:
    """One sentence on how an item's mean moved between two rounds.

    Parameters
    ----------
    row : mapping
        A row of ``compare_rounds``: ``direction``, ``mean_baseline``,
        ``mean_followup``, ``mean_change``, ``n_pairs``, ``n_up``,
        ``n_same``, ``n_down``, ``municipalities_up``, ``municipalities_down``.
    label : str
        The item's Danish label.
    baseline, followup : str
        The rounds' definite forms ("slutmålingen").
    """
    if row["n_pairs"] == 0:
        return (f"For {esc(label.lower())} er der ingen kommuner med gyldige svar ved både "
                f"{esc(baseline)} og {esc(followup)}, så en udvikling kan ikke opgøres.")
    before = f"{number(row['mean_baseline'])} ved {esc(baseline)}"
    after = f"{number(row['mean_followup'])} ved {esc(followup)}"
    if row["direction"] == "held":
        movement = f"var gennemsnittet stort set uændret: {before} og {after}"
    else:
        movement = f"{DIRECTION_WORDS[row['direction']][0]} gennemsnittet fra {before} til {after}"
    text = (
        f"For {esc(label.lower())} {movement} (ændring {signed(row['mean_change'], 2)}, "
        f"n = {int(row['n_pairs'])} kommuner med gyldige svar begge gange). "
        f"{count(row['n_up'], 'kommune', 'kommuner').capitalize()} svarede højere, "
        f"{int(row['n_same'])} det samme og {count(row['n_down'], 'kommune', 'kommuner') if row['n_down'] else 'ingen'} lavere."
    )
    parts = []
    if row["n_up"]:
        parts.append(f"op: {_names(row['municipalities_up'])}")
    if row["n_down"]:
        parts.append(f"ned: {_names(row['municipalities_down'])}")
    if parts:
        text = text[:-1] + f" ({'; '.join(parts)})."
    return text


def significance_sentence(row, *, alpha: float = 0.05, n_tests: int = 5) -> str:
    """Whether the change is statistically detectable, worded plainly.

    Uses ``detectable``, ``min_p``, ``significant``, ``p_wilcoxon``,
    ``p_holm``, ``n_up``, ``n_down`` and (if present) ``n_pairs`` of a
    ``compare_rounds`` row.  A p-value below 0,001 reads ``p < 0,001``.
    """
    if row.get("n_pairs", None) == 0:
        return "Ingen kommuner har gyldige svar begge gange, så der er intet at teste."
    changed = int(row["n_up"]) + int(row["n_down"])
    if changed == 0:
        return "Ingen kommuner ændrede svar, så der er ingen ændring at teste."
    if not bool(row["detectable"]):
        return (
            f"Kun {count(changed, 'kommune', 'kommuner')} ændrede svar; med så få kan ingen test påvise en "
            f"ændring på {percent(alpha)}-niveau (den mindst mulige p-værdi er {p_value(row['min_p'])}), "
            "så udviklingen kan kun læses som en tendens."
        )
    holm = f"Holm-justeret for {n_tests} sammenligninger: {p_is(row['p_holm'])}"
    if bool(row["significant"]):
        return (f"Ændringen er statistisk signifikant (Wilcoxon-test, {p_is(row['p_wilcoxon'])}; "
                f"{holm}).")
    return (f"Ændringen er ikke statistisk signifikant (Wilcoxon-test, {p_is(row['p_wilcoxon'])}; "
            f"{holm}) og kan skyldes tilfældig variation.")


def missing_sentence(row, *, baseline: str, followup: str, left_out_of: str = "gennemsnit og test") -> str:
    """Which "ved ikke" answers and which questions left blank (not answered) were left out; empty when none.

    The two are counted apart: "ved ikke" is an answer, a blank is none.
    ``row`` holds ``n_dont_know_baseline``, ``n_dont_know_followup``,
    ``n_not_answered_baseline``, ``n_not_answered_followup`` (a count left out
    is 0); ``left_out_of`` names what the missing answers are left out of.
    """
    parts, kinds = [], set()
    for kind, verb in (("dont_know", "svarede »ved ikke«"), ("not_answered", "besvarede ikke spørgsmålet")):
        for when, name in (("baseline", baseline), ("followup", followup)):
            n = int(row.get(f"n_{kind}_{when}", 0))
            if n:
                parts.append(f"{count(n, 'kommune', 'kommuner')} {verb} ved {esc(name)}")
                kinds.add(kind)
    if not parts:
        return ""
    if kinds == {"dont_know"}:
        tail = f"»ved ikke« er et manglende svar og indgår ikke i {left_out_of}."
    elif kinds == {"not_answered"}:
        tail = f"et ubesvaret spørgsmål er et manglende svar og indgår ikke i {left_out_of}."
    else:
        tail = f"både »ved ikke« og et ubesvaret spørgsmål er manglende svar og indgår ikke i {left_out_of}."
    return _capital(join(parts)) + "; " + tail


def ceiling_sentence(head, ceil, *, baseline: str, threshold: float) -> str:
    """The ceiling note of an item; empty when no ceiling applies.

    Parameters
    ----------
    head : mapping
        A ``headroom`` row: ``n_at_top``, ``n_top_kept``, ``n_top_fell``,
        ``n_below_top``, ``n_below_rose``, ``n_below_held``, ``n_below_fell``.
    ceil : mapping
        The baseline row of ``ceiling_table``: ``ceiling``, ``share_top``,
        ``n_valid``, ``n_top``.  Answers at the top counted there but not
        followed by a valid answer (so not in ``head``) are named as such.
    """
    if not bool(ceil["ceiling"]):
        return ""
    text = (
        f"Lofteffekt: {int(ceil['n_top'])} af {int(ceil['n_valid'])} kommuner ({percent(ceil['share_top'])}) "
        f"svarede allerede »i høj grad« ved {esc(baseline)} og kunne derfor ikke vise fremgang "
        f"(grænsen for en lofteffekt er {percent(threshold)} i toppen). "
    )
    kept, fell = int(head["n_top_kept"]), int(head["n_top_fell"])
    # n_top counts every valid baseline answer, the headroom only complete
    # pairs: a municipality at the top without a valid later answer is neither
    # kept nor fallen, and is said so rather than left unaccounted for.
    lost = int(ceil["n_top"]) - kept - fell
    clauses = [f"holdt {kept} det højeste niveau"]
    if fell:
        clauses.append(f"{fell} faldt")
    if lost > 0:
        clauses.append(f"{lost} kan ikke følges, fordi et gyldigt svar mangler ved den anden måling")
    text += f"Af dem {join(clauses)}. "
    below = int(head["n_below_top"])
    rose, held, fell_below = int(head["n_below_rose"]), int(head["n_below_held"]), int(head["n_below_fell"])
    if below == 1:
        verb = "steg" if rose else ("var uændret" if held else "faldt")
        text += f"Den ene kommune med plads til forbedring {verb}."
    elif below:
        text += (
            f"Blandt de {below} kommuner med plads til forbedring steg {rose}, "
            f"{held} var uændrede og {fell_below} faldt."
        )
    return text.strip()


def summary_sentences(comparison, *, labels: dict, baseline: str, followup: str, alpha: float = 0.05) -> list[str]:
    """The conclusion's sentences about change, from all items' verdicts.

    ``comparison`` is the ``compare_rounds`` frame of the parameters.  Items
    without complete pairs are left out; "Fremgangen gælder ikke alle" is
    said only when some items rose and some fell.
    """
    groups = {d: [] for d in DIRECTION_WORDS}
    for _, row in comparison.iterrows():
        if row["n_pairs"] > 0:
            groups[row["direction"]].append(esc(labels[row["item"]].lower()))
    n_items = int((comparison["n_pairs"] > 0).sum())
    if n_items == 0:
        return [f"Ingen kommuner har gyldige svar ved både {esc(baseline)} og {esc(followup)}, så en udvikling "
                "kan ikke opgøres."]
    parts = [f"{DIRECTION_WORDS[d][1]} på {join(groups[d])}" for d in DIRECTION_WORDS if groups[d]]
    sentences = [f"Ved {esc(followup)} ligger kommunernes gennemsnit {join(parts)} sammenlignet med {esc(baseline)}."]
    if groups["fell"] and groups["rose"]:
        sentences.append(
            f"Fremgangen gælder altså ikke alle {n_items} parametre: {join(groups['fell'])} ligger lavere end før."
        )
    compared = comparison[comparison["n_pairs"] > 0]
    significant = [esc(labels[i].lower()) for i, s in zip(compared["item"], compared["significant"]) if bool(s)]
    undetectable = [esc(labels[i].lower()) for i, d in zip(compared["item"], compared["detectable"]) if not bool(d)]
    if significant:
        sentences.append(f"Efter Holm-korrektion er ændringen statistisk signifikant for {join(significant)}.")
    else:
        sentences.append(
            f"Ingen af ændringerne er statistisk signifikante på {percent(alpha)}-niveau efter Holm-korrektion for "
            f"{n_items} sammenligninger; med {int(comparison['n_pairs'].max())} kommuner er forskellene små i forhold "
            "til usikkerheden, og de skal læses som tendenser."
        )
    if undetectable:
        sentences.append(
            f"For {join(undetectable)} ændrede så få kommuner svar, at ingen test kunne have påvist en ændring."
        )
    return sentences


def mode_sentence(by_mode, *, item: str, label: str, mode_labels: dict) -> str:
    """How interview and survey municipalities moved on one item.

    ``by_mode`` is the ``compare_by_mode`` frame; empty text when the item
    has no rows there.
    """
    rows = by_mode[by_mode["item"] == item]
    parts = []
    for _, row in rows.iterrows():
        if row["n_pairs"] == 0:
            continue
        parts.append(
            f"{esc(mode_labels[row['mode']])} (n = {int(row['n_pairs'])}) {DIRECTION_WORDS[row['direction']][0]} "
            f"fra {number(row['mean_baseline'])} til {number(row['mean_followup'])}"
        )
    if not parts:
        return ""
    return (f"Opdelt efter dataindsamling: {join(parts)}. Grupperne er for små til at teste forskellen "
            "mellem dem.")


def item_bullet(row, *, label: str, ceiling: bool) -> str:
    """A one-line summary of an item's change for the conclusion's list."""
    if row["n_pairs"] == 0:
        return f"<strong>{esc(label)}</strong>: ingen kommuner med gyldige svar begge gange."
    text = (
        f"<strong>{esc(label)}</strong>: {number(row['mean_baseline'])} → {number(row['mean_followup'])} "
        f"({signed(row['mean_change'], 2)}; n = {int(row['n_pairs'])}; {int(row['n_up'])} op, "
        f"{int(row['n_same'])} uændret, {int(row['n_down'])} ned) – {DIRECTION_WORDS[row['direction']][0]}"
    )
    if bool(row["significant"]):
        text += ", statistisk signifikant"
    if ceiling:
        text += "; lofteffekt ved udgangspunktet"
    return text + "."


def ceiling_summary(ceil, *, labels: dict, baseline: str, threshold: float) -> str:
    """Which items had a ceiling at the baseline (``ceiling_table`` rows of
    the baseline round)."""
    flagged = ceil[ceil["ceiling"].astype(bool)]
    if flagged.empty:
        return f"Ingen af parametrene havde en lofteffekt ved {esc(baseline)} (over {percent(threshold)} i toppen)."
    parts = [f"{esc(labels[r['item']].lower())} ({int(r['n_top'])} af {int(r['n_valid'])})" for _, r in flagged.iterrows()]
    return (
        f"Ved {esc(baseline)} svarede mere end {percent(threshold)} af kommunerne allerede »i høj grad« på "
        f"{join(parts)}. Her kan en del af kommunerne ikke vise fremgang (lofteffekt), og et uændret eller "
        "faldende gennemsnit skal læses med det for øje."
    )


def ceiling_municipalities_sentence(frame, *, baseline: str, n_total: int, min_items: int = 2) -> str:
    """Who sat at the top on several parameters at the baseline
    (``ceiling_municipalities`` rows)."""
    if frame.empty:
        return f"Ingen kommuner svarede »i høj grad« på {min_items} eller flere parametre ved {esc(baseline)}."
    names = join(f"{esc(m)} ({int(n)})" for m, n in zip(frame["municipality"], frame["n_items_at_top"]))
    return (
        f"{_capital(count(len(frame), 'kommune', 'kommuner'))} af {n_total} svarede allerede »i høj grad« på "
        f"{min_items} eller flere af parametrene ved {esc(baseline)}: {names}. For dem kan fremgang på "
        "de parametre ikke vises; det påpeges under hver parameter, hvor det gælder."
    )


def plan_status_sentences(summary, *, rounds: list[str], definite: dict, n_total: int, phase_labels: dict) -> list[str]:
    """Sentences on how far the municipalities are with their plans
    (``plan_status_summary`` rows)."""
    def n(rnd, phase, status):
        rows = summary[(summary["round"] == rnd) & (summary["phase"] == phase) & (summary["status"] == status)]
        return (int(rows["n"].iloc[0]), rows["municipalities"].iloc[0]) if len(rows) else (0, "")

    out = []
    for rnd in rounds:
        done, _ = n(rnd, "udarbejdet", "gennemfoert")
        doing, who = n(rnd, "udarbejdet", "i_proces")
        rolled, _ = n(rnd, "udrullet", "gennemfoert")
        text = (f"Ved {esc(definite[rnd])} havde {done} af {n_total} kommuner udarbejdet deres handlingsplan, "
                f"og {rolled} havde rullet den fuldt ud")
        if doing:
            text += f"; {count(doing, 'kommune', 'kommuner')} var stadig i gang med at udarbejde den ({_names(who)})"
        out.append(text + ".")
    return out


def distribution_sentence(distribution, *, label: str, baseline: str, followup: str, base_key: str,
                          follow_key: str, scale_labels: dict) -> str:
    """How a context item's answers were spread, and whether the spread
    changed (``score_distribution`` rows for two rounds)."""
    def counts(key):
        rows = distribution[distribution["round"] == key].sort_values("code", ascending=False)
        return {int(c): int(v) for c, v in zip(rows["code"], rows["n"])}

    after, before = counts(follow_key), counts(base_key)
    parts = [f"{n} »{esc(scale_labels[c].lower())}«" for c, n in after.items() if n]
    if not parts:  # every municipality left the question blank
        both = f" eller ved {esc(baseline)}" if not any(before.values()) else ""
        return f"Ingen kommuner besvarede spørgsmålet om {esc(label.lower())} ved {esc(followup)}{both}."
    text = f"På spørgsmålet om {esc(label.lower())} svarede kommunerne ved {esc(followup)}: {join(parts)}."
    if not any(before.values()):
        text += f" Ved {esc(baseline)} besvarede ingen kommuner spørgsmålet."
    elif after == before:
        text += f" Fordelingen er præcis den samme som ved {esc(baseline)}."
    else:
        moved = sum(abs(after.get(c, 0) - before.get(c, 0)) for c in set(after) | set(before)) // 2
        text += f" Sammenlignet med {esc(baseline)} ligger {count(moved, 'svar', 'svar')} i en anden kategori."
    return text


def detectable_sentence(n_pairs: int, min_changed: int, *, alpha: float) -> str:
    """What the smallest detectable change is with ``n_pairs`` municipalities.

    ``min_changed`` is the fewest municipalities that must change in the same
    direction before a two-sided exact test can reach ``alpha``.
    """
    if min_changed > n_pairs:
        return (f"Med {n_pairs} kommuner kan ingen tosidet eksakt test nå et signifikansniveau på "
                f"{percent(alpha)}, uanset hvordan svarene ændrer sig.")
    return (
        f"Med {n_pairs} kommuner skal mindst {min_changed} kommuner ændre svar i samme retning (og ingen i den "
        f"modsatte), før en tosidet eksakt test kan nå et signifikansniveau på {percent(alpha)}. Mindre "
        "ændringer kan være reelle, men kan ikke skelnes fra tilfældig variation."
    )


def profile_change_sentences(paired, *, labels: dict, municipality: str, baseline: str, followup: str) -> list[str]:
    """What changed for one municipality between two rounds.

    ``paired`` is ``paired_scores`` restricted to the municipality.
    """
    def fmt(score, dont_know):
        return "»ved ikke«" if dont_know else number(score, 0)

    up, down, same, missing = [], [], [], []
    for _, r in paired.iterrows():
        name = esc(labels[r["item"]].lower())
        if not r["complete"]:
            missing.append(name)
        elif r["direction"] == "up":
            up.append(f"{name} ({fmt(r['score_baseline'], False)} → {fmt(r['score_followup'], False)})")
        elif r["direction"] == "down":
            down.append(f"{name} ({fmt(r['score_baseline'], False)} → {fmt(r['score_followup'], False)})")
        else:
            same.append(name)
    who = esc(municipality)
    out = []
    if up:
        out.append(f"Fra {esc(baseline)} til {esc(followup)} vurderer {who} sig højere på {join(up)}.")
    if down:
        lead = "Kommunen ligger til gengæld lavere" if up else (
            f"Fra {esc(baseline)} til {esc(followup)} vurderer {who} sig lavere")
        out.append(f"{lead} på {join(down)}.")
    if same:
        out.append(f"Uændret: {join(same)}.")
    if missing:
        out.append(f"Ingen sammenligning for {join(missing)}, fordi et af svarene er »ved ikke« eller mangler.")
    if not (up or down):
        out.insert(0, f"{who} har ikke ændret vurdering på nogen af parametrene fra {esc(baseline)} til {esc(followup)}.")
    return out
