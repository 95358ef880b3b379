"""Wrong answers to the self-checked exercises of the part "Training"."""

from __future__ import annotations

WRONG: dict = {}
