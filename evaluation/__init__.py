"""Reproducible evaluation notebooks: survey rounds in, an evaluation memo out.

The package is a small flat set of modules, one concern each:

Data
    :mod:`~evaluation.config` (every path and fixed setting),
    :mod:`~evaluation.exceptions`, :mod:`~evaluation.data` (read and validate
    the data folder), :mod:`~evaluation.importer` (survey exports),
    :mod:`~evaluation.synth` (synthetic data folders), :mod:`~evaluation.summary`,
    :mod:`~evaluation.files` (atomic writes of every output).
Numbers
    :mod:`~evaluation.checks` (argument checks), :mod:`~evaluation.stats`,
    :mod:`~evaluation.compare`, :mod:`~evaluation.ceiling`, :mod:`~evaluation.trend`.
Words and pictures
    :mod:`~evaluation.text` (Danish sentences from verdicts),
    :mod:`~evaluation.refs` (numbered outline), :mod:`~evaluation.report`
    (escaped HTML blocks), :mod:`~evaluation.tables` (formula-safe CSV),
    :mod:`~evaluation.figures`, :mod:`~evaluation.context` (what a notebook
    opens with).
The run
    :mod:`~evaluation.plan`, :mod:`~evaluation.fingerprint`,
    :mod:`~evaluation.pipeline`, :mod:`~evaluation.progress`,
    :mod:`~evaluation.engine` / :mod:`~evaluation.parallel` /
    :mod:`~evaluation.forkserver` / :mod:`~evaluation.forkloop` /
    :mod:`~evaluation.preload` / :mod:`~evaluation.kernels` (papermill execution),
    :mod:`~evaluation.nbnormalize`, :mod:`~evaluation.export` (nbconvert),
    :mod:`~evaluation.browser` (Chromium: PDF and screenshots),
    :mod:`~evaluation.cli`.
"""
__version__ = "0.1.0"
__all__ = ["__version__"]
