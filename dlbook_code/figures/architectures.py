"""Figures and small helpers for the Architectures part (the book's figure code, not an
API).

Diagrams (LeNet-5 as a chain of layers, the Inception block's four paths, plain and residual
blocks, VGG and NiN blocks) are drawn with matplotlib patches so that they are rebuilt with
the book; charts take numbers measured in the chapters. Every drawing function returns the
matplotlib ``Figure``.

The computations on models (smallest input, stage sizes) live in :mod:`dlbook_code.inspect`,
the name of the machine a throughput was measured on in :mod:`dlbook_code.runtime`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt

from ..plots import PALETTE
from ._draw import INK, arrow, blank, box

# One colour per kind of layer, shared by all diagrams (light fills, dark ink: legible in
# the theme's light and dark modes and in print).
FILL = {
    "input": "#E8E8E8",
    "conv": "#BFD9F0",      # large kernels
    "conv3": "#BFE6D6",     # 3×3 (and 5×5) convolutions
    "conv1": "#F6D7B0",     # 1×1 convolutions
    "pool": "#E9C9DD",
    "dense": "#F3E6A6",
    "norm": "#D9D2F0",
    "op": "#FFFFFF",
}


# --- drawing primitives -------------------------------------------------------------------

def _layer(ax, x: float, y: float, w: float, h: float, text: str, kind: str = "conv",
           fontsize: float = 8.5):
    """A box coloured by its kind of layer (a key of :data:`FILL`)."""
    box(ax, x, y, w, h, text, fill=FILL[kind], fontsize=fontsize)


def _canvas(width: float, height: float, xlim: tuple[float, float],
            ylim: tuple[float, float]):
    fig, ax = plt.subplots(figsize=(width, height))
    blank(ax, xlim, ylim)
    return fig, ax


# --- diagrams -----------------------------------------------------------------------------

# (kind, two-line label, relative height) for LeNet-5 as models.LeNet5 builds it.
LENET_LAYERS = [
    ("input", "input\n1@28×28", 2.8),
    ("conv", "conv 5×5\npad 2\n6@28×28", 2.8),
    ("pool", "avg pool\n2×2\n6@14×14", 1.4),
    ("conv", "conv 5×5\n16@10×10", 1.0),
    ("pool", "avg pool\n2×2\n16@5×5", 0.5),
    ("dense", "dense\n120", 2.4),
    ("dense", "dense\n84", 1.7),
    ("dense", "dense\n10", 0.9),
]

# AlexNet as models.AlexNet builds it, on a 224×224 single-channel image.
ALEXNET_LAYERS = [
    ("input", "input\n1@224²", 3.0),
    ("conv", "conv 11×11\nstride 4\n96@54²", 2.2),
    ("pool", "max-pool\n3×3, s2\n96@26²", 1.5),
    ("conv", "conv 5×5\n256@26²", 1.5),
    ("pool", "max-pool\n3×3, s2\n256@12²", 1.0),
    ("conv3", "conv 3×3\n384@12²", 1.0),
    ("conv3", "conv 3×3\n384@12²", 1.0),
    ("conv3", "conv 3×3\n256@12²", 1.0),
    ("pool", "max-pool\n3×3, s2\n256@5²", 0.6),
    ("dense", "dense\n4096\ndropout", 3.0),
    ("dense", "dense\n4096\ndropout", 3.0),
    ("dense", "dense\n10", 0.9),
]


def draw_chain(layers: Sequence[tuple[str, str, float]] = LENET_LAYERS, width: float = 1.15,
               gap: float = 0.45, figsize: tuple[float, float] | None = None):
    """A network drawn as a left-to-right chain of layers, each a box whose height hints at
    its spatial size (or width, for dense layers). Defaults to LeNet-5."""
    n = len(layers)
    if figsize is None:
        figsize = (0.95 * n + 1.0, 2.6)
    total = n * width + (n - 1) * gap
    tallest = max(h for _, _, h in layers)
    fig, ax = _canvas(*figsize, (-0.2, total + 0.2), (-tallest / 2 - 0.3, tallest / 2 + 0.3))
    x = width / 2
    for i, (kind, label, h) in enumerate(layers):
        _layer(ax, x, 0.0, width, max(h, 0.9), label, kind, fontsize=7.5)
        if i < n - 1:
            arrow(ax, (x + width / 2 + 0.03, 0.0), (x + width / 2 + gap - 0.03, 0.0))
        x += width + gap
    fig.tight_layout()
    return fig


def draw_inception_block(in_channels: int = 192, c1: int = 64,
                         c2: tuple[int, int] = (96, 128), c3: tuple[int, int] = (16, 32),
                         c4: int = 32):
    """The Inception block's four parallel paths, labelled with the channel counts of
    ``models.Inception(in_channels, c1, c2, c3, c4)`` (default: GoogLeNet's first block)."""
    fig, ax = _canvas(7.6, 4.6, (-0.2, 8.2), (-0.3, 5.3))
    w, h = 1.75, 0.62
    xs = [1.0, 3.05, 5.1, 7.15]
    _layer(ax, 4.0, 0.1, 2.6, h, f"input: {in_channels} channels", "input")
    top = 4.75
    out = c1 + c2[1] + c3[1] + c4
    _layer(ax, 4.0, top, 4.4, h, f"concatenate channels: {out}", "op")
    paths = [
        [("conv1", f"1×1 conv\n{c1}")],
        [("conv1", f"1×1 conv\n{c2[0]}"), ("conv3", f"3×3 conv, pad 1\n{c2[1]}")],
        [("conv1", f"1×1 conv\n{c3[0]}"), ("conv3", f"5×5 conv, pad 2\n{c3[1]}")],
        [("pool", "3×3 max-pool\nstride 1, pad 1"), ("conv1", f"1×1 conv\n{c4}")],
    ]
    for x, path in zip(xs, paths):
        ys = [1.55, 3.05] if len(path) == 2 else [2.3]
        arrow(ax, (4.0 + (x - 4.0) * 0.25, 0.1 + h / 2), (x, ys[0] - h / 2))
        for (kind, label), y in zip(path, ys):
            _layer(ax, x, y, w, h, label, kind)
        for y0, y1 in zip(ys, ys[1:]):
            arrow(ax, (x, y0 + h / 2), (x, y1 - h / 2))
        arrow(ax, (x, ys[-1] + h / 2), (4.0 + (x - 4.0) * 0.45, top - h / 2))
    for i, x in enumerate(xs):
        ax.text(x, 3.75, f"path {i + 1}", fontsize=8, color="#555555", ha="center")
    fig.tight_layout()
    return fig


def _vertical_chain(ax, x: float, items: Sequence[tuple[str, str]], y0: float, step: float,
                    w: float = 1.9, h: float = 0.5) -> list[float]:
    """Boxes bottom to top at ``x`` joined by arrows; returns their centre heights."""
    ys = [y0 + i * step for i in range(len(items))]
    for (kind, label), y in zip(items, ys):
        _layer(ax, x, y, w, h, label, kind)
    for a, b in zip(ys, ys[1:]):
        arrow(ax, (x, a + h / 2), (x, b - h / 2))
    return ys


def draw_residual_block():
    """Three blocks side by side: a plain block, a residual block with an identity
    shortcut, and one whose shortcut is a 1×1 convolution (when the shape changes)."""
    fig, ax = _canvas(9.0, 5.2, (-0.2, 10.2), (-0.6, 6.4))
    h, step = 0.5, 0.85
    body = [("conv3", "3×3 conv"), ("norm", "batch norm"), ("op", "ReLU"),
            ("conv3", "3×3 conv"), ("norm", "batch norm")]
    titles = ["plain block", "residual block", "residual block,\n1×1 conv shortcut"]
    for col, (x, title) in enumerate(zip((1.0, 4.4, 7.8), titles)):
        ys = _vertical_chain(ax, x, [("input", "x")] + body, 0.0, step, w=1.6)
        y_sum = ys[-1] + step
        y_out = y_sum + step
        if col == 0:
            _layer(ax, x, y_sum, 1.6, h, "ReLU", "op")
            arrow(ax, (x, ys[-1] + h / 2), (x, y_sum - h / 2))
            _layer(ax, x, y_out, 1.6, h, "output", "input")
            arrow(ax, (x, y_sum + h / 2), (x, y_out - h / 2))
        else:
            ax.add_patch(plt.Circle((x, y_sum), 0.22, facecolor="white", edgecolor=INK))
            ax.text(x, y_sum, "+", ha="center", va="center", fontsize=12, color=INK)
            arrow(ax, (x, ys[-1] + h / 2), (x, y_sum - 0.22))
            _layer(ax, x, y_out, 1.6, h, "ReLU → output", "op")
            arrow(ax, (x, y_sum + 0.22), (x, y_out - h / 2))
            # the shortcut: out of the input box's right side, up, into the sum
            xr = x + 1.55
            ax.plot([x + 0.8, xr, xr], [ys[0], ys[0], y_sum], color=PALETTE[1], lw=1.6)
            arrow(ax, (xr, y_sum), (x + 0.22, y_sum), color=PALETTE[1])
            if col == 2:
                _layer(ax, xr, (ys[0] + y_sum) / 2, 1.05, 0.8, "1×1 conv\n+ norm", "conv1",
                     fontsize=7.5)
            else:
                ax.text(xr + 0.08, (ys[0] + y_sum) / 2, "identity", rotation=90,
                        va="center", ha="left", fontsize=8, color=PALETTE[1])
        ax.text(x, -0.55, title, ha="center", va="top", fontsize=9, color=INK,
                fontweight="bold")
    fig.tight_layout()
    return fig


def draw_vgg_nin_blocks():
    """A VGG block (3×3 convolutions then a 2×2 max-pool) beside a NiN block (one
    convolution then two 1×1 convolutions, an MLP applied at every pixel)."""
    fig, ax = _canvas(7.0, 4.4, (-0.3, 7.3), (-0.9, 5.3))
    vgg = [("input", "input"), ("conv3", "3×3 conv, pad 1"), ("op", "ReLU"),
           ("conv3", "3×3 conv, pad 1"), ("op", "ReLU"), ("pool", "2×2 max-pool, stride 2")]
    nin = [("input", "input"), ("conv", "k×k conv"), ("op", "ReLU"),
           ("conv1", "1×1 conv"), ("op", "ReLU"), ("conv1", "1×1 conv"), ("op", "ReLU")]
    _vertical_chain(ax, 1.7, vgg, 0.0, 0.8, w=2.6, h=0.48)
    _vertical_chain(ax, 5.3, nin, 0.0, 0.8, w=2.6, h=0.48)
    ax.text(1.7, -0.45, "VGG block\n(repeat the conv + ReLU pair n times)", ha="center",
            va="top", fontsize=8.5, color=INK)
    ax.text(5.3, -0.45, "NiN block", ha="center", va="top", fontsize=8.5, color=INK)
    fig.tight_layout()
    return fig


# --- charts -------------------------------------------------------------------------------

def plot_arch_bars(names: Sequence[str], columns: dict[str, Sequence[float]],
                   log: Sequence[str] = ()):
    """One horizontal bar panel per column (say parameters, MACs, accuracy), models on the
    vertical axis in the given order; columns named in ``log`` use a log scale."""
    k = len(columns)
    fig, axes = plt.subplots(1, k, figsize=(3.0 * k, 0.35 * len(names) + 1.2), sharey=True,
                             squeeze=False)
    ys = list(range(len(names)))[::-1]
    for i, (ax, (title, values)) in enumerate(zip(axes.flat, columns.items())):
        ax.barh(ys, list(values), color=PALETTE[i % len(PALETTE)])
        ax.set_title(title, fontsize=9)
        if title in log:
            ax.set_xscale("log")
        ax.grid(axis="y", visible=False)
    axes.flat[0].set_yticks(ys, list(names))
    fig.tight_layout()
    return fig
