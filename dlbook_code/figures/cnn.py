"""Diagrams for the Convolutional networks part (the book's figure code, not an API).

- :func:`draw_conv1d` draws a 1d convolution as boxes: the signal, the kernel under each
  window and the output, with the sum written out for every output value;
- :func:`plot_response` plots a 1d signal above its convolution with a kernel (the
  finite-difference and template-matching examples);
- :func:`draw_padding_stride_dilation` draws the input cells that the first and second
  output values read, with zero padding, stride and dilation;
- :func:`draw_receptive_fields` shows masks of input pixels (receptive fields) side by side;
- :func:`show_kernel_responses` shows kernels above the images they produce;
- :func:`draw_pooling1d` draws 1d max- or average-pooling as boxes;
- :func:`plot_shift_sensitivity` and :func:`plot_lr_curves` are the line plots of the
  pooling and learning-rate experiments.

Every function returns the matplotlib ``Figure``; figures are opaque white with dark ink,
so they read the same in the light and dark themes and in the PDF.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from ..measure import conv_output_size
from ..plots import PALETTE, plot_curves, tint
from ._draw import HIGHLIGHT, blank, cell, fmt_number

if TYPE_CHECKING:  # for the annotations only
    from ..train import History

# HIGHLIGHT (from ._draw) fills the cells a computation reads
SECOND = tint(PALETTE[5], 0.55)  # cells the next output reads
BOTH = tint(PALETTE[2], 0.5)      # cells both outputs read
PAD = "#D9D9D9"         # zero-padding cells


def _fmt(v) -> str:
    """A value as these figures write it: two significant digits."""
    return fmt_number(v, digits=2)


def draw_conv1d(x: Sequence[float], u: Sequence[float]):
    """The 1d convolution ``x ⊛ u`` as boxes: one row per output value, showing the kernel
    under the window it reads and the sum it computes; the output row at the bottom."""
    xt, ut = torch.tensor(x, dtype=torch.float32), torch.tensor(u, dtype=torch.float32)
    W, w = len(xt), len(ut)
    y = F.conv1d(xt.view(1, 1, -1), ut.view(1, 1, -1)).flatten()
    n = len(y)
    rows = n + 2
    fig, ax = plt.subplots(figsize=(0.75 * (W + 6), 0.62 * (2 * rows - 1)))
    top = 2 * rows
    ax.text(-0.3, top + 0.5, "x", ha="right", va="center", fontsize=12, style="italic")
    for j in range(W):
        cell(ax, j, top, _fmt(xt[j]))
    for i in range(n):
        yy = top - 2 * (i + 1)
        for j in range(W):
            cell(ax, j, yy + 0.5, "", fill=HIGHLIGHT if i <= j < i + w else "white", size=0.5)
        for j in range(w):
            ax.text(i + j + 0.5, yy + 0.1, f"×{_fmt(ut[j])}", ha="center", va="center",
                    fontsize=9, color=PALETTE[0])
        terms = " + ".join(f"{_fmt(xt[i + j])}·{_fmt(ut[j])}" for j in range(w))
        ax.text(W + 0.6, yy + 0.5, f"{terms} = {_fmt(y[i])}", ha="left", va="center",
                fontsize=10)
    bottom = top - 2 * (n + 1)
    ax.text(-0.3, bottom + 0.5, "x ⊛ u", ha="right", va="center", fontsize=12, style="italic")
    for i in range(n):
        cell(ax, i, bottom, _fmt(y[i]), fill=HIGHLIGHT)
    blank(ax, (-2.2, W + 6), (bottom - 0.3, top + 1.3))
    fig.tight_layout()
    return fig


def plot_response(x: torch.Tensor, u: torch.Tensor, titles: Sequence[str] = ("signal x",
                  "x ⊛ u"), kernel_at: Sequence[int] | None = None):
    """A 1d signal (top) and its convolution with ``u`` (bottom), aligned so that output
    ``i`` sits under the first input sample of its window. ``kernel_at`` marks the windows
    starting at those positions on the signal."""
    x, u = x.detach().float().cpu().flatten(), u.detach().float().cpu().flatten()
    y = F.conv1d(x.view(1, 1, -1), u.view(1, 1, -1)).flatten()
    fig, (a0, a1) = plt.subplots(2, 1, figsize=(6.4, 3.8), sharex=True)
    a0.stem(range(len(x)), x.numpy(), basefmt=" ", linefmt=PALETTE[0], markerfmt="o")
    for start in kernel_at or []:
        a0.axvspan(start - 0.4, start + len(u) - 0.6, color=HIGHLIGHT, alpha=0.5, lw=0)
    a1.stem(range(len(y)), y.numpy(), basefmt=" ", linefmt=PALETTE[1], markerfmt="o")
    a0.set_title(titles[0], fontsize=10)
    a1.set_title(titles[1], fontsize=10)
    a1.set_xlabel("index")
    fig.tight_layout()
    return fig


def _footprint(size: int, kernel: int, padding: int, stride: int, dilation: int,
               out: int) -> set[int]:
    """Padded-grid coordinates along one axis read by output index ``out``."""
    return {out * stride + k * dilation for k in range(kernel)}


def draw_padding_stride_dilation(size: int = 5, kernel: int = 3,
                                 settings: Sequence[Mapping[str, int]] | None = None):
    """One panel per setting (``padding``, ``stride``, ``dilation``): the input grid (grey
    border = zero padding), the cells read by the first output (orange) and by the next
    output along the row (blue, overlap in both), and the output size in the title."""
    settings = settings or [dict(), dict(padding=1), dict(stride=2), dict(dilation=2)]
    fig, axes = plt.subplots(1, len(settings), figsize=(2.6 * len(settings), 3.0),
                             squeeze=False)
    for ax, s in zip(axes.flat, settings):
        p, st, d = s.get("padding", 0), s.get("stride", 1), s.get("dilation", 1)
        n = size + 2 * p
        out = conv_output_size(size, kernel, p, st, d)
        first = _footprint(size, kernel, p, st, d, 0)
        second = _footprint(size, kernel, p, st, d, 1) if out > 1 else set()
        for r in range(n):
            for c in range(n):
                padded = not (p <= r < n - p and p <= c < n - p)
                fill = PAD if padded else "white"
                if r in first and c in first:
                    fill = HIGHLIGHT
                if r in first and c in second:
                    fill = SECOND if c not in first else BOTH
                ax.add_patch(Rectangle((c, n - 1 - r), 1, 1, facecolor=fill, edgecolor="black",
                                       lw=0.6 if padded else 1))
        blank(ax, (-0.2, n + 0.2), (-0.2, n + 0.2))
        desc = ", ".join(f"{k}={v}" for k, v in s.items()) or "no padding, stride 1"
        ax.set_title(f"{desc}\n{size}×{size} → {out}×{out}", fontsize=9)
    fig.suptitle(f"{kernel}×{kernel} kernel", fontsize=10)
    fig.tight_layout()
    return fig


def draw_receptive_fields(masks: Sequence[torch.Tensor], titles: Sequence[str]):
    """Boolean masks ``(H, W)`` of input pixels side by side, on a visible pixel grid."""
    fig, axes = plt.subplots(1, len(masks), figsize=(2.4 * len(masks), 2.6), squeeze=False)
    for ax, m, t in zip(axes.flat, masks, titles):
        m = m.detach().float().cpu()
        ax.imshow(m.numpy(), cmap="Oranges", vmin=0, vmax=1.4)
        ax.set_xticks([i - 0.5 for i in range(m.shape[1] + 1)], labels=[])
        ax.set_yticks([i - 0.5 for i in range(m.shape[0] + 1)], labels=[])
        ax.tick_params(length=0)
        ax.grid(True, color="black", lw=0.4, alpha=0.5)
        ax.set_title(t, fontsize=9)
    fig.tight_layout()
    return fig


def show_kernel_responses(kernels: torch.Tensor, responses: torch.Tensor,
                          names: Sequence[str], image: torch.Tensor | None = None):
    """Kernels ``(D, h, w)`` (top row, blue negative, red positive, values written) above
    the responses ``(D, H, W)`` they give (bottom row, grey levels); ``image`` adds the
    input as a first column."""
    k, r = kernels.detach().float().cpu(), responses.detach().float().cpu()
    D = k.shape[0]
    extra = image is not None
    fig, axes = plt.subplots(2, D + extra, figsize=(1.9 * (D + extra), 4.0), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    if extra:
        axes[1, 0].imshow(image.detach().float().cpu().squeeze().numpy(),  # type: ignore[union-attr]
                          cmap="gray")  # (extra: image is not None)
        axes[1, 0].set_title("input", fontsize=9)
    for i in range(D):
        a_k, a_r = axes[0, i + extra], axes[1, i + extra]
        m = 1.6 * (k[i].abs().max().item() or 1.0)  # pale colours keep the values legible
        a_k.imshow(k[i].numpy(), cmap="RdBu_r", vmin=-m, vmax=m)
        for (yy, xx), v in zip(torch.cartesian_prod(torch.arange(k.shape[1]),
                                                    torch.arange(k.shape[2])).tolist(),
                               k[i].flatten().tolist()):
            a_k.text(xx, yy, _fmt(v), ha="center", va="center", fontsize=8)
        a_k.set_title(names[i], fontsize=9)
        a_r.imshow(r[i].numpy(), cmap="gray")
    fig.tight_layout()
    return fig


def draw_pooling1d(x: Sequence[float], kernel: int = 2, mode: str = "max"):
    """1d pooling over non-overlapping blocks: the input (blocks framed, the maximum of
    each highlighted for max-pooling) above the output."""
    xt = torch.tensor(x, dtype=torch.float32)
    if mode == "max":
        y = F.max_pool1d(xt.view(1, 1, -1), kernel).flatten()
    elif mode == "avg":
        y = F.avg_pool1d(xt.view(1, 1, -1), kernel).flatten()
    else:
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    W, n = len(xt), len(y)
    fig, ax = plt.subplots(figsize=(0.6 * W + 1.2, 2.2))
    for b in range(n):
        block = xt[b * kernel:(b + 1) * kernel]
        for j, v in enumerate(block.tolist()):
            hit = mode == "max" and j == int(block.argmax())
            cell(ax, b * kernel + j, 2, _fmt(v), fill=HIGHLIGHT if hit or mode == "avg"
                 else "white")
        ax.add_patch(Rectangle((b * kernel, 2), kernel, 1, fill=False, edgecolor=PALETTE[0],
                               lw=2.2))
        cell(ax, b * kernel + (kernel - 1) / 2, 0, _fmt(y[b]), fill=HIGHLIGHT)
        ax.annotate("", xy=(b * kernel + kernel / 2, 1.05), xytext=(b * kernel + kernel / 2, 1.95),
                    arrowprops=dict(arrowstyle="->", color=PALETTE[0]))
    for j in range(n * kernel, W):  # leftover samples that floor() drops
        cell(ax, j, 2, _fmt(xt[j]), fill=PAD)
    ax.text(-0.3, 2.5, "x", ha="right", va="center", style="italic", fontsize=12)
    ax.text(-0.3, 0.5, f"{mode}pool", ha="right", va="center", style="italic", fontsize=10)
    blank(ax, (-1.6, W + 0.2), (-0.2, 3.2))
    fig.tight_layout()
    return fig


def plot_shift_sensitivity(shifts: Sequence[int], curves: Mapping[str, Sequence[float]],
                           ylabel: str = "relative change"):
    """One line per representation: how much it changes when the input is shifted by
    ``shifts`` pixels."""
    fig, ax = plt.subplots(figsize=(5.2, 3.2))
    for (name, values), marker in zip(curves.items(), "osD^v"):
        ax.plot(list(shifts), list(values), marker=marker, label=name)
    ax.set_xlabel("shift of the input (pixels)")
    ax.set_ylabel(ylabel)
    ax.set_xticks(list(shifts))
    ax.legend()
    fig.tight_layout()
    return fig


def plot_lr_curves(histories: Mapping[float, History]):
    """Train loss and test error (percent) against the epoch, one line per learning rate:
    ``histories`` maps a learning rate to the :class:`~dlbook_code.train.History` of its
    run. Two panels of :func:`~dlbook_code.plots.plot_curves`."""
    fig, (a0, a1) = plt.subplots(1, 2, figsize=(8.4, 3.2))
    runs = {f"η = {lr:g}": h for lr, h in histories.items()}
    plot_curves({k: (h["epoch"], h["train_loss"]) for k, h in runs.items()}, "epoch",
                "train loss", ax=a0, marker="o")
    plot_curves({k: (h["epoch"], [100 * (1 - a) for a in h["test_acc"]])
                 for k, h in runs.items()}, "epoch", "test error (%)", ax=a1, marker="o")
    for a in (a0, a1):
        for line, marker in zip(a.lines, "osD^v"):  # a marker per rate, too
            line.set_marker(marker)
            line.set_markersize(4)
        a.legend()  # again, to show the markers
        a.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
    fig.tight_layout()
    return fig
