"""Figures for the part "Training deep networks" (the book's figure code, not an API;
one-panel curves are :func:`dlbook_code.plots.plot_curves`).

One section per chapter. Every function returns the matplotlib ``Figure``; colours come
from the book's palette and the figures are opaque white, so they read the same in the
light and dark themes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: F401  (used by the chapters' sections below)

from ..plots import PALETTE  # noqa: F401

# --- validation ---------------------------------------------------------------------------

# --- optimisers ---------------------------------------------------------------------------

# --- initialisation -----------------------------------------------------------------------

# --- normalisation ------------------------------------------------------------------------

# --- regularisation -----------------------------------------------------------------------

# --- losses and transfer ------------------------------------------------------------------
