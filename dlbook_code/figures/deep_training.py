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


def plot_split_sizes(parts: dict[str, int], roles: dict[str, str] | None = None):
    """One horizontal bar cut into ``parts = {name: number of samples}`` (train, validation,
    test...), each segment labelled with its name and size, and ``roles[name]`` written
    under it."""
    fig, ax = plt.subplots(figsize=(7.0, 1.3))
    left = 0
    for i, (name, n) in enumerate(parts.items()):
        ax.barh(0, n, left=left, height=0.6, color=PALETTE[i % len(PALETTE)],
                edgecolor="white")
        ax.text(left + n / 2, 0, f"{name}\n{n:,}", ha="center", va="center", color="white",
                fontsize=9, fontweight="bold")
        if roles and name in roles:
            ax.text(left + n / 2, -0.45, roles[name], ha="center", va="top", fontsize=8)
        left += n
    ax.set_xlim(0, left)
    ax.set_ylim(-0.7, 0.35)
    ax.axis("off")
    fig.tight_layout()
    return fig


def plot_selection_bias(errors: dict[str, list[float]], xlabel: str,
                        step: float | None = None):
    """Histograms of how far a reported accuracy lies from the chosen model's accuracy on
    fresh data, one per way of choosing (``errors = {label: values in points}``), on shared
    bins, with each mean marked by a vertical line. Errors measured on a few images move in
    a ``step`` (one image more or less): given it, each bin spans two steps and its edges
    fall half-way between steps, so no bin catches more steps than another (no stripes);
    without it, 40 bins span the range."""
    from ..plots import _values

    all_values = [v for vs in errors.values() for v in _values(vs)]
    lo, hi = min(all_values), max(all_values)
    width = 2 * step if step else (hi - lo) / 40 or 1.0
    start = lo - (step / 2 if step else 0.0)
    bins = [start + width * i for i in range(int((hi - start) / width) + 2)]
    fig, ax = plt.subplots(figsize=(5.6, 3.3))
    for i, (label, vs) in enumerate(errors.items()):
        vs = _values(vs)
        color = PALETTE[i % len(PALETTE)]
        mean = sum(vs) / len(vs)
        ax.hist(vs, bins=bins, alpha=0.55, color=color, label=f"{label} (mean {mean:+.2f})")
        ax.axvline(mean, color=color, linewidth=2)
    ax.axvline(0, color="black", linewidth=0.8, linestyle=":")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("draws")
    ax.set_ylim(top=1.3 * ax.get_ylim()[1])  # room for the legend above the bars
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def plot_early_stopping(train_loss: list[float], val_loss: list[float],
                        best_epoch: int, stop_epoch: int):
    """Training and validation loss against the epoch (epochs counted from 1), with the epoch
    of lowest validation loss (whose weights are restored) and the stopping epoch marked."""
    from matplotlib.ticker import MaxNLocator

    from ..plots import _values

    epochs = list(range(1, len(_values(train_loss)) + 1))
    fig, ax = plt.subplots(figsize=(5.6, 3.4))
    ax.plot(epochs, _values(train_loss), "-", color=PALETTE[0], label="train")
    ax.plot(epochs, _values(val_loss), "--", color=PALETTE[1], label="validation")
    ax.plot([best_epoch], [_values(val_loss)[best_epoch - 1]], "o", color=PALETTE[1],
            markersize=7, label=f"lowest validation loss (epoch {best_epoch})")
    ax.axvline(stop_epoch, color=PALETTE[2], linewidth=1.5,
               label=f"stopped (epoch {stop_epoch})")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy loss")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# --- optimisers ---------------------------------------------------------------------------


def plot_quadratic_paths(kappa: float, paths: dict, xlim: tuple[float, float] = (-4.5, 1.0),
                         ylim: tuple[float, float] = (-1.4, 1.4), floor: float = 1e-12):
    """Optimisers on the quadratic ``f(w) = (w₁² + κ w₂²) / 2``.

    ``paths`` maps a name to the iterates ``(T + 1, 2)`` of one optimiser. Left: the paths
    over contour lines of ``f`` (equal scales on both axes, so the valley looks as narrow
    as it is). Right: ``f`` along each path against the step, on a log scale clipped below
    at ``floor``.
    """
    import torch

    fig, (ax, ax_f) = plt.subplots(1, 2, figsize=(10.0, 3.6),
                                   gridspec_kw={"width_ratios": [1.7, 1.0]})
    w1, w2 = torch.meshgrid(torch.linspace(*xlim, 300), torch.linspace(*ylim, 200),
                            indexing="xy")
    f = 0.5 * (w1**2 + kappa * w2**2)
    levels = torch.logspace(-2, 2, 9).tolist()
    ax.contour(w1.numpy(), w2.numpy(), f.numpy(), levels=levels, colors="#999999",
               linewidths=0.7)
    ax.plot([0], [0], marker="*", color="black", markersize=10, linestyle="none")
    for i, (name, path) in enumerate(paths.items()):
        path = torch.as_tensor(path, dtype=torch.float64).cpu()
        color = PALETTE[i % len(PALETTE)]
        ax.plot(path[:, 0].numpy(), path[:, 1].numpy(), "-o", color=color, markersize=2.5,
                linewidth=1.1, label=name)
        loss = 0.5 * (path[:, 0]**2 + kappa * path[:, 1]**2)
        ax_f.plot(range(len(loss)), loss.clamp_min(floor).numpy(), color=color, label=name)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.legend(loc="lower right", fontsize=8)
    ax_f.set_yscale("log")
    ax_f.set_xlabel("step")
    ax_f.set_ylabel("$f(w)$")
    fig.tight_layout()
    return fig

# --- initialisation -----------------------------------------------------------------------


def plot_signal_scales(activations: dict[str, list[float]],
                       gradients: dict[str, list[float]]):
    """Two log-scale panels against the layer index (1 = input side): the scale of each
    layer's activations (left) and the norm of each layer's weight gradient (right), one
    line per initialisation, e.g. ``{"default": [...], "He": [...]}``."""
    from ..plots import plot_curves

    fig, axes = plt.subplots(1, 2, figsize=(9.0, 3.4))
    for ax, curves, ylabel in ((axes[0], activations, "activation std"),
                               (axes[1], gradients, "weight-gradient norm")):
        plot_curves({k: (range(1, len(v) + 1), v) for k, v in curves.items()},
                    "layer (input side → output side)", ylabel, logy=True, ax=ax,
                    marker="o")
    fig.tight_layout()
    return fig


# --- normalisation ------------------------------------------------------------------------

# --- regularisation -----------------------------------------------------------------------

# --- losses and transfer ------------------------------------------------------------------
