"""Reproducible evaluation notebooks: survey rounds in, an evaluation memo out.

One subpackage per stage, in the order a run goes; imports run downward
only (run -> memo -> analysis -> data -> plumbing):

:mod:`evaluation.data`
    the data contract, one loader per kind of file, survey-export import and
    synthetic data folders.
:mod:`evaluation.analysis`
    numbers only: paired comparisons, exact tests, ceilings, trends.
:mod:`evaluation.memo`
    what a reader sees: outline, Danish text, HTML blocks, figures, tables,
    the notebook context, export to HTML and PDF.
:mod:`evaluation.run`
    plan, fingerprint, papermill execution (with the fork-server kernels of
    :mod:`evaluation.run.kernels`), publishing.

Plumbing every stage uses sits at the top: :mod:`~evaluation.cli`,
:mod:`~evaluation.config` (every path and fixed setting),
:mod:`~evaluation.exceptions`, :mod:`~evaluation.checks` (argument checks),
:mod:`~evaluation.files` (atomic writes), :mod:`~evaluation.names` (round
pairs and slugs).
"""
__version__ = "0.1.0"
__all__ = ["__version__"]
