"""Natural order for names people number: C1, C2, C10 (not C1, C10, C2)."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    """A sort key comparing runs of digits as numbers and the rest case-insensitively."""
    parts = _DIGITS.split(text or "")
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.casefold()) for part in parts if part)
