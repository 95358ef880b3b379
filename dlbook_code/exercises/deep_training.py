"""Self-checked exercises of the part "Training deep networks"."""

from __future__ import annotations
