"""Self-checked exercises of the part "Tensors"."""

from __future__ import annotations
