"""Figures the chapters share: image grids (:func:`show_images`, and :func:`show_image_rows`
with a label per row), training curves (:func:`plot_curves`, one line per entry, and
:func:`plot_history`, the panels of a training run), kernels and feature maps.

Figures are drawn on an opaque white background with dark ink, so they read the same in the
book theme's light and dark modes (the theme frames images in dark mode) and in the PDF.
Every function returns the matplotlib ``Figure`` so a chapter can glue or save it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import torch

# A colour-blind-safe cycle (Okabe and Ito) that stays legible on white in both themes: blue,
# vermillion, bluish green, reddish purple, orange, sky blue, black. Every colour a figure
# of the book uses is one of these, a lighter tint of one (:func:`tint`, for fills behind
# text) or a grey (tests/package/test_figures_palette.py checks the figure code).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
# The palette's colour for each name a chapter may use (``show_images(colors=["red", ...])``):
# a chapter's "red" is the palette's vermillion, as in every other figure (and further from
# black than pure red is, for a protanope).
NAMED_COLOURS = {"blue": PALETTE[0], "red": PALETTE[1], "green": PALETTE[2],
                 "purple": PALETTE[3], "orange": PALETTE[4], "black": PALETTE[6]}
# Okabe and Ito's eighth colour, too light for lines or text on white: only a fill's tint.
YELLOW = "#F0E442"


def tint(colour: str, amount: float) -> str:
    """``colour`` mixed with white, ``amount`` of it (0: white, 1: the colour), as ``#rrggbb``:
    light fills of the palette's colours, behind dark text."""
    r, g, b = (1 - amount * (1 - c) for c in mpl.colors.to_rgb(colour))
    return mpl.colors.to_hex((r, g, b))


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
        "axes.prop_cycle": mpl.cycler(color=PALETTE),  # type: ignore[attr-defined]  # not in the stubs
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
    ``"pred / true"``); ``colors`` colours each title (say red for a wrong prediction: a
    name of :data:`NAMED_COLOURS` is drawn in the palette's version of it)."""
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
                         **({} if colors is None else
                            {"color": NAMED_COLOURS.get(colors[i], colors[i])}))
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def show_image_rows(rows: Mapping[str, torch.Tensor], scale: float = 1.0,
                    col_titles: Sequence[str] | None = None):
    """One row of images per entry of ``rows = {label: images (N, C, H, W)}``, the label at
    the left of its row: originals above their reconstructions, an interpolation path."""
    n = max(images.shape[0] for images in rows.values())
    fig, axes = plt.subplots(len(rows), n, figsize=(scale * n + 1.4, scale * len(rows) + 0.2 *
                                                    (col_titles is not None)), squeeze=False)
    for r, (label, images) in enumerate(rows.items()):
        for c, ax in enumerate(axes[r]):
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(False)
            if c < images.shape[0]:
                img = _to_hwc(images[c])
                ax.imshow(img.clip(0, 1), cmap="gray", vmin=0, vmax=1)
            if r == 0 and col_titles is not None:
                ax.set_title(col_titles[c], fontsize=8)
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    fig.tight_layout()
    return fig


def _values(v) -> list[float]:
    """A sequence or tensor of numbers as a list of floats."""
    if isinstance(v, torch.Tensor):
        return v.detach().cpu().flatten().tolist()
    return [float(a) for a in v]


def plot_curves(curves: Mapping[str, tuple[Sequence[float], Sequence[float]]], xlabel: str,
                ylabel: str, *, logx: bool = False, logy: bool = False,
                title: str | None = None, ax=None, marker: str | None = None):
    """One panel with a line per entry of ``curves = {label: (xs, ys)}``, in the palette's
    colours (losses against epochs, gradient norms against depth...). Draws on ``ax`` if
    given, else on a new figure."""
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.2, 3.4))
    whole = True  # every x a whole number (epochs, layers): no ticks in between
    for i, (label, (xs, ys)) in enumerate(curves.items()):
        xs = _values(xs)
        whole = whole and all(float(x).is_integer() for x in xs)
        ax.plot(xs, _values(ys), label=label, color=PALETTE[i % len(PALETTE)],
                marker=marker, markersize=3)
    if logx:
        ax.set_xscale("log")
    elif whole:
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    if fig is not None:
        fig.tight_layout()
    return fig if fig is not None else ax.figure


def plot_history(history, metrics: Sequence[str] = ("loss", "acc"), title: str | None = None):
    """Training curves from a :class:`~dlbook_code.train.History`: one panel per metric
    (``"loss"``, ``"acc"``: accuracy, ``"error"``: error rate, in percent), against the
    epoch, with a curve for the training set and one for each held-out set the run had
    (validation, test), the held-out curves dashed."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 3.2), squeeze=False)
    labels = {"train": "train", "val": "validation", "test": "test"}
    for ax, metric in zip(axes.flat, metrics):
        curves = {}
        for split, label in labels.items():
            key = f"{split}_{'loss' if metric == 'loss' else 'acc'}"
            if key not in history:  # a held-out set the run did not have
                continue
            values = history[key]
            if metric == "acc":
                values = [100 * v for v in values]
            elif metric == "error":
                values = [100 * (1 - v) for v in values]
            curves[label] = (history["epoch"], values)
        ylabel = {"loss": "loss", "acc": "accuracy (%)", "error": "error (%)"}[metric]
        plot_curves(curves, "epoch", ylabel, ax=ax, marker="o")
        for line in ax.lines[1:]:  # the held-out curves
            line.set_linestyle("--")
        ax.legend()  # again, to show the dashes
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

    def draw(ax, k):
        m = k.abs().max().item() or 1.0
        ax.imshow(k.numpy(), cmap="RdBu_r", vmin=-m, vmax=m)
    return _grid(w, draw, ncols, scale, title)


def show_feature_maps(maps: torch.Tensor, ncols: int = 8, scale: float = 1.0,
                      title: str | None = None):
    """Activation maps ``(D, H, W)`` (or ``(1, D, H, W)``) of one image, in grey levels."""
    m = maps.detach().float().cpu()
    if m.dim() == 4:
        m = m[0]
    return _grid(m, lambda ax, k: ax.imshow(k.numpy(), cmap="gray"), ncols, scale, title)


def _grid(images: torch.Tensor, draw, ncols: int, scale: float, title: str | None):
    """A grid of ``ncols`` columns, one axis per image ``(H, W)`` drawn by ``draw(ax, image)``."""
    n = images.shape[0]
    ncols = min(ncols, n)
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(scale * ncols, scale * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            draw(ax, images[i])
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
