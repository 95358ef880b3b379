"""Figures for the part "Under the hood and generative models" (the book's figure code, not an
API).

- :func:`draw_kernel_scatter` draws a transposed convolution as the sum of scaled copies of
  the kernel, one copy per input value, each in that value's colour;
- :func:`draw_count_maps` draws small maps of numbers side by side (how many kernel taps
  reach each output pixel), the interior framed;
- :func:`show_flat_responses` shows the response of layers to a flat input as grey-level
  images on the scale of their interior, where a checkerboard shows as a regular pattern
  of light and dark pixels;
- :func:`show_class_histograms` draws, for generated images, the share of them that a
  classifier assigns to each class;
- :func:`show_attributions` shows images above their attribution maps, one row per method,
  on a red-white-blue scale;
- :func:`show_point_snapshots` scatters 2-D samples at several moments of training, one row
  per model, with the centres of the target's modes.

Every function returns the matplotlib ``Figure``; figures are opaque white with dark ink,
so they read the same in the light and dark themes and in the PDF.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.patches import Rectangle

from ..plots import PALETTE, tint
from ._draw import blank, cell, fmt_number

# One fill per input value of the scatter picture: light tints of four palette colours that
# stay apart for colour-blind readers, with dark numbers on them.
SOURCE_FILLS = [tint(PALETTE[i], 0.35) for i in (0, 4, 2, 3)]


def _fmt(v) -> str:
    return fmt_number(v, digits=2)


def _grid(ax, x0: float, y0: float, values: torch.Tensor, fills=None, label: str = "",
          fontsize: float = 10) -> None:
    """A table of ``values`` (H, W) with its top-left corner at ``(x0, y0)``; ``fills[i][j]``
    colours a cell (``None``: white and empty); ``label`` is written under the table."""
    H, W = values.shape
    for i in range(H):
        for j in range(W):
            fill = None if fills is None else fills[i][j]
            text = _fmt(values[i, j].item()) if fills is None or fill is not None else ""
            cell(ax, x0 + j, y0 - i - 1, text, fill=fill or "white", fontsize=fontsize)
    if label:
        ax.text(x0 + W / 2, y0 - H - 0.35, label, ha="center", va="top", fontsize=10)


def draw_kernel_scatter(X: torch.Tensor, K: torch.Tensor, stride: int = 1):
    """The transposed convolution of ``X`` (H, W) with ``K`` (h, w): the input (each value in
    its own colour), the kernel, one scaled copy ``X[i, j] · K`` per input value, placed at
    ``(i·stride, j·stride)`` in the output grid and coloured like its value, and their sum.
    At most four input values (one colour each)."""
    X, K = X.detach().float().cpu(), K.detach().float().cpu()
    (H, W), (h, w) = X.shape, K.shape
    if H * W > len(SOURCE_FILLS):
        raise ValueError(f"draw_kernel_scatter draws at most {len(SOURCE_FILLS)} input "
                         f"values, got a {H}×{W} input")
    Ho, Wo = (H - 1) * stride + h, (W - 1) * stride + w
    step = Wo + 1.3  # one copy and the sign after it
    width = (H * W + 1) * step - 1.3
    top = Ho + max(H, h) + 2.0  # the input and kernel above the copies
    fig, ax = plt.subplots(figsize=(0.42 * width + 0.3, 0.42 * (top + 0.6)))
    colour = [[SOURCE_FILLS[i * W + j] for j in range(W)] for i in range(H)]
    _grid(ax, width / 2 - W - 0.75, top, X, colour, "input X")
    _grid(ax, width / 2 + 0.75, top, K, label="kernel K")
    Y = torch.zeros(Ho, Wo)
    x = 0.0
    for i in range(H):
        for j in range(W):
            copy = torch.zeros(Ho, Wo)
            copy[i * stride:i * stride + h, j * stride:j * stride + w] = X[i, j] * K
            Y += copy
            fills = [[colour[i][j] if i * stride <= r < i * stride + h
                      and j * stride <= c < j * stride + w else None for c in range(Wo)]
                     for r in range(Ho)]
            _grid(ax, x, Ho, copy, fills, f"{_fmt(X[i, j].item())} · K")
            ax.text(x + Wo + 0.65, Ho / 2, "+" if (i, j) != (H - 1, W - 1) else "=",
                    ha="center", va="center", fontsize=14)
            x += step
    _grid(ax, x, Ho, Y, label="output Y")
    blank(ax, (-0.2, width + 0.2), (-1.2, top + 0.2))
    fig.tight_layout()
    return fig


def draw_count_maps(maps: Sequence[torch.Tensor], titles: Sequence[str], border: int = 1):
    """Maps of numbers (H, W) side by side, each value written in a cell shaded by its size
    relative to the map's largest value (pale: small, darker blue: large); a frame marks the
    interior, ``border`` cells in from each side."""
    maps = [m.detach().float().cpu() for m in maps]
    side = max(max(m.shape) for m in maps)
    fig, axes = plt.subplots(1, len(maps), figsize=(0.3 * side * len(maps) + 0.5,
                                                    0.3 * side + 0.8), squeeze=False)
    for ax, m, title in zip(axes.flat, maps, titles):
        H, W = m.shape
        vmax = m.abs().max().item() or 1.0
        for i in range(H):
            for j in range(W):
                v = m[i, j].item()
                cell(ax, j, H - 1 - i, _fmt(v), fill=tint(PALETTE[0], 0.05 + 0.6 * v / vmax),
                     edge="#999999", fontsize=9)
        ax.add_patch(Rectangle((border, border), W - 2 * border, H - 2 * border, fill=False,
                               edgecolor=PALETTE[1], lw=2.2))
        blank(ax, (-0.2, side + 0.2), (-0.2, side + 0.2))
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def show_flat_responses(maps: Sequence[torch.Tensor], titles: Sequence[str], border: int = 1):
    """Grey-level images (H, W) side by side, each on the grey scale of its interior,
    ``border`` pixels in from each side (border pixels outside that range show as black or
    white; a flat interior is mid-grey), with no axes."""
    fig, axes = plt.subplots(1, len(maps), figsize=(2.4 * len(maps), 2.6), squeeze=False)
    for ax, m, title in zip(axes.flat, maps, titles):
        m = m.detach().float().cpu()
        inner = m[border:m.shape[0] - border, border:m.shape[1] - border]
        lo, hi = inner.min().item(), inner.max().item()
        half = max((hi - lo) / 2, 1e-6 * max(abs(hi), 1.0))  # a flat interior: mid-grey
        ax.imshow(m.numpy(), cmap="gray", vmin=(lo + hi) / 2 - half, vmax=(lo + hi) / 2 + half)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def show_class_histograms(histograms: Mapping[str, torch.Tensor]):
    """One bar chart per entry of ``histograms = {title: counts (num_classes,)}``, side by
    side on a shared vertical scale: how many images a classifier assigns to each class (the
    ``histogram`` of :func:`dlbook_code.judge_samples`), shown as a share of the images."""
    fig, axes = plt.subplots(1, len(histograms), figsize=(2.3 * len(histograms) + 0.4, 2.4),
                             sharey=True, squeeze=False)
    for ax, (title, counts) in zip(axes.flat, histograms.items()):
        counts = counts.detach().float().cpu()
        share = counts / counts.sum().clamp(min=1)
        ax.bar(range(len(share)), share.tolist(), color=PALETTE[0], width=0.8)
        ax.set_xticks(range(len(share)))
        ax.set_xlabel("predicted class")
        ax.set_title(title, fontsize=10)
    axes[0, 0].set_ylabel("share of the images")
    fig.tight_layout()
    return fig


def show_attributions(images: torch.Tensor, maps: Mapping[str, torch.Tensor],
                      titles: Sequence[str] | None = None, scale: float = 1.0):
    """The images ``(N, 1, H, W)`` in the first row (grey levels), then one row per method
    ``maps = {name: (N, H, W) or (N, 1, H, W)}``: each map on its own symmetric scale, red
    for positive values (evidence for the class), blue for negative, white for zero."""
    n = images.shape[0]
    rows = {"input": images, **maps}
    fig, axes = plt.subplots(len(rows), n, figsize=(scale * n + 1.6, scale * len(rows) + 0.1
                                                    + 0.2 * (titles is not None)),
                             squeeze=False)
    for r, (name, batch) in enumerate(rows.items()):
        for c in range(n):
            ax = axes[r, c]
            img = batch[c].detach().float().cpu().reshape(images.shape[-2:])
            if r == 0:
                ax.imshow(img, cmap="gray", vmin=0, vmax=1)
            else:
                top = img.abs().max().clamp(min=1e-12).item()
                ax.imshow(img, cmap="RdBu_r", vmin=-top, vmax=top)
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_color("0.8")
            if r == 0 and titles is not None:
                ax.set_title(titles[c], fontsize=8)
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
    fig.tight_layout()
    return fig


def show_point_snapshots(rows: Mapping[str, Sequence[torch.Tensor]], centres: torch.Tensor,
                         col_titles: Sequence[str], limit: float = 3.0):
    """Scatter plots of 2-D samples, one row per entry of ``rows = {label: [points (n, 2),
    ...]}`` and one column per snapshot (titled by ``col_titles``), with the ``centres``
    (M, 2) of the target's modes drawn as open circles: how a generator's samples move
    during training."""
    nrows, ncols = len(rows), len(col_titles)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.55 * ncols + 0.9, 1.55 * nrows + 0.3),
                             squeeze=False)
    centres = centres.detach().float().cpu()
    for r, (label, snaps) in enumerate(rows.items()):
        for c, points in enumerate(snaps):
            ax = axes[r, c]
            points = points.detach().float().cpu()
            ax.scatter(points[:, 0], points[:, 1], s=1.5, color=PALETTE[0], alpha=0.5,
                       linewidths=0)
            ax.scatter(centres[:, 0], centres[:, 1], s=40, facecolors="none",
                       edgecolors=PALETTE[1], linewidths=1.0)
            ax.set_xlim(-limit, limit)
            ax.set_ylim(-limit, limit)
            ax.set_aspect("equal")
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(col_titles[c], fontsize=9)
        axes[r, 0].set_ylabel(label, fontsize=9)
    fig.tight_layout()
    return fig
