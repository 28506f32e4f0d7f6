"""Tables that list every municipality when a panel is too large for figures with a row each.

Above :data:`evaluation.config.FIGURE_ROWS_MAX` municipalities, figure 2
shows how many municipalities have each plan status and figures 3-7 how
many gave each answer (:attr:`evaluation.memo.context.Context.listed_in_tables`);
what the small panel's figures show per municipality is then listed in
these tables, one row per municipality with its name as the row header,
under the figure.  The frames are turned into text here and rendered by
:func:`evaluation.memo.report.table` (caption, ``scope`` on every header).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from ..exceptions import ParameterError
from . import report
from . import text as tx

__all__ = ["item_answers_table", "plan_status_table"]


def _answer(score, dont_know) -> str:
    """One answer in a cell: the scale code, "ved ikke", or a dash for none."""
    if bool(dont_know):
        return "ved ikke"
    return tx.DASH if pd.isna(score) else tx.number(score, 0)


def item_answers_table(paired: pd.DataFrame, *, label: str, baseline_label: str, followup_label: str) -> report.Block:
    """Each municipality's answer to one parameter in the two rounds, and the change.

    Parameters
    ----------
    paired : DataFrame
        One row per municipality with an answer (or a blank) in both rounds,
        in the order listed: ``municipality``,
        ``score_baseline``, ``score_followup`` (1-4 or NaN),
        ``dont_know_baseline``, ``dont_know_followup`` (bool), as
        :func:`evaluation.analysis.compare.paired_scores` gives them.
    label : str
        The parameter's Danish label (caption).
    baseline_label, followup_label : str
        Danish names of the two rounds (column headers).

    Returns
    -------
    Block
        A table: Kommune, the answer at each round (1-4, "ved ikke", or
        "–" for no answer), and Ændring (follow-up minus baseline, in scale
        points; "–" unless both answers are on the scale).
    """
    columns = ["municipality", "score_baseline", "score_followup", "dont_know_baseline", "dont_know_followup"]
    missing = [c for c in columns if c not in paired.columns]
    if missing:
        raise ParameterError(f"item_answers_table: paired lacks column(s) {', '.join(missing)}")
    if baseline_label == followup_label:
        raise ParameterError("item_answers_table: the two rounds need different labels (they head the columns)")
    frame = pd.DataFrame({
        "municipality": paired["municipality"].astype(str),
        "baseline": [_answer(s, d) for s, d in zip(paired["score_baseline"], paired["dont_know_baseline"])],
        "followup": [_answer(s, d) for s, d in zip(paired["score_followup"], paired["dont_know_followup"])],
        "change": [tx.signed(after - before, 0) for before, after in
                   zip(paired["score_baseline"].astype(float), paired["score_followup"].astype(float))],
    })
    return report.table(
        frame,
        caption=f"{label}: svarene fra hver kommune, der deltog i begge målinger, og ændringen i skalapoint",
        columns={"municipality": "Kommune", "baseline": baseline_label, "followup": followup_label,
                 "change": "Ændring"},
    )


def plan_status_table(status: pd.DataFrame, *, municipalities: Sequence[str], phase_labels: Mapping[str, str],
                      status_labels: Mapping[str, str], round_labels: Mapping[str, str]) -> report.Block:
    """Each municipality's status in each phase of the action plan, per round.

    Parameters
    ----------
    status : DataFrame
        ``round``, ``municipality``, ``phase``, ``status`` (one row per
        municipality, round and phase with a status).
    municipalities : sequence of str
        The rows, in this order.
    phase_labels, status_labels : mapping
        Phase and status key -> Danish label.
    round_labels : mapping
        Round key -> Danish label; the rounds shown, in this order.

    Returns
    -------
    Block
        A table: Kommune, then one column per round and phase (``Fase
        (måling)``) with the status in words, "–" where none is given.
    """
    missing = [c for c in ("round", "municipality", "phase", "status") if c not in status.columns]
    if missing:
        raise ParameterError(f"plan_status_table: status lacks column(s) {', '.join(missing)}")
    unknown = sorted(set(status["status"]) - set(status_labels))
    if unknown:
        raise ParameterError(f"plan_status_table: no label for status {unknown[0]!r}")
    wide = status.drop_duplicates(["round", "municipality", "phase"], keep="last").pivot(
        index="municipality", columns=["round", "phase"], values="status")
    frame = pd.DataFrame({"municipality": list(municipalities)})
    headers = {"municipality": "Kommune"}
    for rnd, round_label in round_labels.items():
        for phase, phase_label in phase_labels.items():
            column = f"{rnd}:{phase}"
            codes = frame["municipality"].map(wide[(rnd, phase)]) if (rnd, phase) in wide.columns else [None] * len(frame)
            frame[column] = [tx.DASH if pd.isna(c) else status_labels[c].lower() for c in codes]
            headers[column] = f"{phase_label} ({round_label})"
    return report.table(frame, caption="Hver kommunes status på handlingsplanen i hver fase", columns=headers)
