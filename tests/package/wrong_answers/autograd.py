"""Wrong answers to the self-checked exercises of the part "Autograd"."""

from __future__ import annotations

WRONG: dict = {}
