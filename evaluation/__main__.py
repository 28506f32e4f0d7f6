"""Allow ``python -m evaluation``."""
from .cli import console

console()
