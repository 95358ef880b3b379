"""Figures the chapters share: image grids, training curves, kernels and feature maps,
per-sample loss histograms.

Figures are drawn on an opaque white background with dark ink, so they read the same in the
book theme's light and dark modes (the theme frames images in dark mode) and in the PDF.
Every function returns the matplotlib ``Figure`` so a chapter can glue or save it.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import torch

# A colour-blind-safe cycle (Okabe and Ito) that stays legible on white in both themes.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


def use_book_style() -> None:
    """Matplotlib settings for the book: white opaque figures, readable fonts, PNG output."""
    mpl.rcParams.update({
        "figure.figsize": (6.0, 3.6),
        "figure.dpi": 110,
        "savefig.dpi": 150,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "savefig.bbox": "tight",
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": mpl.cycler(color=PALETTE),
        "font.size": 10,
        "legend.frameon": False,
        "image.cmap": "gray",
    })
    try:  # crisp figures in Jupyter and the built HTML; plain PNG keeps the PDF simple
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
    except ImportError:
        pass


def _to_hwc(img: torch.Tensor):
    """A ``(C, H, W)`` or ``(H, W)`` tensor as something ``imshow`` takes."""
    img = img.detach().float().cpu()
    if img.dim() == 3:
        img = img.squeeze(0) if img.shape[0] == 1 else img.permute(1, 2, 0)
    return img.numpy()


def show_images(images: torch.Tensor, titles: Sequence[str] | None = None, ncols: int = 8,
                scale: float = 1.3, colors: Sequence[str] | None = None, cmap: str = "gray",
                suptitle: str | None = None):
    """A grid of images ``(N, C, H, W)`` or ``(N, H, W)`` with optional titles (for example
    ``"pred / true"``); ``colors`` colours each title (say red for a wrong prediction)."""
    n = images.shape[0]
    ncols = min(ncols, n)
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(scale * ncols, scale * nrows + 0.3 *
                                                    (titles is not None)), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        img = _to_hwc(images[i])
        ax.imshow(img.clip(0, 1) if img.ndim == 3 else img, cmap=cmap)
        if titles is not None:
            # matplotlib rejects color=None: pass a colour only when one is given
            ax.set_title(titles[i], fontsize=8,
                         **({} if colors is None else {"color": colors[i]}))
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def plot_history(history, metrics: Sequence[str] = ("loss", "acc"), title: str | None = None):
    """Training curves from a :class:`~dlbook_code.train.History`: one panel per metric
    (``"loss"``: train and test loss; ``"acc"``: train and test accuracy; ``"error"``: train
    and test error rate, in percent), against the epoch."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 3.2), squeeze=False)
    epochs = history["epoch"]
    for ax, metric in zip(axes.flat, metrics):
        for split, style in (("train", "-"), ("test", "--")):
            key = "loss" if metric == "loss" else "acc"
            values = history[f"{split}_{key}"]
            if values[0] is None:
                continue
            if metric == "acc":
                values = [100 * v for v in values]
            elif metric == "error":
                values = [100 * (1 - v) for v in values]
            ax.plot(epochs, values, style, marker="o", markersize=3, label=split)
        ax.set_xlabel("epoch")
        ax.set_ylabel({"loss": "loss", "acc": "accuracy (%)", "error": "error (%)"}[metric])
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_kernels(weight: torch.Tensor, ncols: int = 8, scale: float = 1.0,
                 title: str | None = None):
    """Convolution kernels ``(D, C, h, w)`` (first input channel shown) or feature maps
    ``(D, H, W)``, each with its own symmetric colour scale (blue negative, red positive)."""
    w = weight.detach().float().cpu()
    if w.dim() == 4:
        w = w[:, 0]
    n = w.shape[0]
    ncols = min(ncols, n)
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(scale * ncols, scale * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            m = w[i].abs().max().item() or 1.0
            ax.imshow(w[i].numpy(), cmap="RdBu_r", vmin=-m, vmax=m)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_feature_maps(maps: torch.Tensor, ncols: int = 8, scale: float = 1.0,
                      title: str | None = None):
    """Activation maps ``(D, H, W)`` (or ``(1, D, H, W)``) of one image, in grey levels."""
    m = maps.detach().float().cpu()
    if m.dim() == 4:
        m = m[0]
    n = m.shape[0]
    ncols = min(ncols, n)
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(scale * ncols, scale * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(m[i].numpy(), cmap="gray")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def loss_histograms(train_losses: torch.Tensor, test_losses: torch.Tensor, bins: int = 50,
                    title: str | None = None, ax=None):
    """Distributions of per-sample losses on the train and test sets (log-scaled loss axis),
    the picture that shows over-fitting: train losses collapse towards 0, test losses do not.
    """
    import numpy as np

    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 3.2))
    lo = max(min(train_losses.min().item(), test_losses.min().item()), 1e-6)
    hi = max(train_losses.max().item(), test_losses.max().item(), lo * 10)
    edges = np.logspace(np.log10(lo), np.log10(hi), bins)
    # Fractions per bin, not densities: on logarithmic bins a density would inflate the
    # narrow bins of small losses.
    for losses, label in ((train_losses, "train"), (test_losses, "test")):
        values = losses.clamp_min(lo).numpy()
        ax.hist(values, bins=edges, alpha=0.6, label=label,
                weights=np.full(len(values), 1 / len(values)))
    ax.set_xscale("log")
    ax.set_xlabel("per-sample loss")
    ax.set_ylabel("fraction of samples")
    ax.legend()
    if title:
        ax.set_title(title)
    if fig is not None:
        fig.tight_layout()
    return fig if fig is not None else ax.figure
