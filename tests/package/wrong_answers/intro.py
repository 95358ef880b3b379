"""Wrong answers to the self-checked exercises of the part "Introduction"."""

from __future__ import annotations

WRONG: dict = {}
