"""Self-checked exercises of the part "Introduction"."""

from __future__ import annotations
