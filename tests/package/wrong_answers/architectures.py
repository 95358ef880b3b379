"""Wrong answers to the self-checked exercises of the part "Architectures"."""

from __future__ import annotations

WRONG: dict = {}
