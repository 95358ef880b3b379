"""Self-checked exercises of the part "Autograd"."""

from __future__ import annotations
