"""Wrong answers to the self-checked exercises of the part "Tensors"."""

from __future__ import annotations

WRONG: dict = {}
