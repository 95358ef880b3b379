"""Self-checked exercises of the part "Training"."""

from __future__ import annotations
