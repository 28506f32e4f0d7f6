"""Reproducible evaluation notebooks: survey rounds in, an evaluation memo out.

The package is a small flat set of modules, one concern each:

- :mod:`evaluation.config` - every path and fixed setting, in one place
- :mod:`evaluation.exceptions` - the project's errors
- :mod:`evaluation.data` - read and validate the data folder
"""
__version__ = "0.1.0"
__all__ = ["__version__"]
