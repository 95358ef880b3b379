"""Wrong answers to the self-checked exercises of the part "Training deep networks"."""

from __future__ import annotations

WRONG: dict = {}
