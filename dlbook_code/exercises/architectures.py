"""Self-checked exercises of the part "Architectures"."""

from __future__ import annotations
