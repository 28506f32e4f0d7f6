"""Names every stage agrees on: the pair of rounds a run compares, and file-safe slugs.

Standard library only, so that planning a run imports nothing heavy.

>>> resolve_pair(["a", "b", "c"])
('b', 'c')
>>> pair_name("b", "c")
'c_vs_b'
"""
from __future__ import annotations

from .exceptions import ParameterError

__all__ = ["resolve_pair", "pair_name", "slug"]


def resolve_pair(round_keys: list[str], baseline: str = "", followup: str = "") -> tuple[str, str]:
    """Resolve the baseline and follow-up round keys (defaults: the last two).

    >>> resolve_pair(["a", "b", "c"], "a", "c")
    ('a', 'c')
    """
    round_keys = list(round_keys)
    if len(round_keys) < 2:
        raise ParameterError(f"at least two rounds are needed; the data has {len(round_keys)}")
    followup = followup or round_keys[-1]
    for name, key in (("baseline", baseline), ("followup", followup)):
        if key and key not in round_keys:
            raise ParameterError(f"unknown {name} round {key!r}; known rounds: {', '.join(round_keys)}")
    if not baseline:
        i = round_keys.index(followup)
        if i == 0:
            raise ParameterError(f"the follow-up round {followup!r} is the first round; name a later one")
        baseline = round_keys[i - 1]
    if round_keys.index(baseline) >= round_keys.index(followup):
        raise ParameterError(f"the baseline {baseline!r} must come before the follow-up {followup!r}")
    return baseline, followup


def pair_name(baseline: str, followup: str) -> str:
    """The output folder name of a pair of rounds."""
    return f"{followup}_vs_{baseline}"


def slug(text: str) -> str:
    """A file-name-safe form of a name: ``Kommune A`` -> ``kommune-a``."""
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(p for p in out.split("-") if p) or "x"
