"""Allow ``python -m evaluation``."""
from .cli import main

raise SystemExit(main())
