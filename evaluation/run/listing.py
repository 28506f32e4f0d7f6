"""Where each profile is published."""
from __future__ import annotations

from pathlib import Path

from ..names import slug
from .plan import Job

__all__ = ["profile_file"]


def profile_file(job: Job) -> str:
    """Where a profile is published: named by the municipality's slug, so a
    name from the data can never leave ``profiles/`` or need escaping."""
    return f"profiles/{slug(job.parameters['municipality'])}.html"
