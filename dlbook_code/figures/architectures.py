"""Figures and small helpers for the Architectures part (the book's figure code, not an
API).

Diagrams (LeNet-5 as a chain of layers, the Inception block's four paths, plain and residual
blocks, the gradient's paths through a chain of residual blocks, VGG and NiN blocks) are
drawn with matplotlib patches so that they are rebuilt with the book; charts take numbers
measured in the chapters. Every drawing function returns the matplotlib ``Figure``.

The computations on models (smallest input, stage sizes) live in :mod:`dlbook_code.measure`,
the name of the machine a throughput was measured on in :mod:`dlbook_code.runtime`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt

from ..plots import PALETTE, YELLOW, tint
from ._draw import INK, arrow, blank, box

# One colour per kind of layer, shared by all diagrams (light fills, dark ink: legible in
# the theme's light and dark modes and in print).
FILL = {
    "input": "#E8E8E8",
    "conv": tint(PALETTE[0], 0.3),    # large kernels
    "conv3": tint(PALETTE[2], 0.3),   # 3×3 (and 5×5) convolutions
    "conv1": tint(PALETTE[4], 0.4),   # 1×1 convolutions
    "pool": tint(PALETTE[3], 0.35),
    "dense": tint(YELLOW, 0.5),
    "norm": tint(PALETTE[1], 0.25),
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


def residual_path_terms(n_blocks: int = 3) -> list[tuple[int, ...]]:
    """The terms of ``(I + J_n)⋯(I + J_1)`` expanded, one per path through ``n_blocks``
    residual blocks: the blocks whose branch the path takes, highest first (``(3, 1)`` is
    ``J_3 J_1``, ``()`` the identity), ordered by the number of branches, then by block."""
    from itertools import combinations

    blocks = range(1, n_blocks + 1)
    return [tuple(sorted(c, reverse=True)) for r in range(n_blocks + 1)
            for c in combinations(blocks, r)]


def _term_label(term: tuple[int, ...]) -> str:
    """``(3, 1)`` as ``$J_3 J_1$``, ``()`` as ``$I$``."""
    return "$" + (r"\,".join(f"J_{k}" for k in term) or "I") + "$"


def _residual_chain(ax, x0: float, y0: float, n: int, width: float, rise: float,
                    taken: tuple[int, ...] | None = None, boxes: bool = False,
                    lw: float = 1.2) -> None:
    """``n`` residual blocks left to right from ``(x0, y0)``, each ``width`` wide: the
    identity along the line, the branch ``f_k`` over a bump ``rise`` high. ``boxes`` draws
    each branch as a labelled layer and the identity in the shortcut's colour; ``taken``
    (the blocks whose branch a path takes) draws that path thick, over a faint chain."""
    faint = "#C8C8C8"
    for k in range(1, n + 1):
        a, b = x0 + (k - 1) * width, x0 + k * width
        split, merge = a + 0.18 * width, b - 0.18 * width
        branch = [(split, y0), (split, y0 + rise), (merge, y0 + rise), (merge, y0)]
        shortcut = PALETTE[1] if boxes else (faint if taken is not None else INK)
        body = faint if taken is not None else INK
        ax.plot([a, b], [y0, y0], color=shortcut, lw=lw, solid_capstyle="butt", zorder=1)
        ax.plot(*zip(*branch), color=body, lw=lw, zorder=1)
        if boxes:
            box(ax, (split + merge) / 2, y0 + rise, 0.5 * width, 0.42, f"$f_{k}$",
                fill=FILL["conv3"], fontsize=10, zorder=2)
            ax.add_patch(plt.Circle((merge, y0), 0.13, facecolor="white", edgecolor=INK,
                                    zorder=3))
            ax.text(merge, y0, "+", ha="center", va="center", fontsize=9, color=INK, zorder=4)
            ax.text((split + merge) / 2, y0 - 0.08, "$I$", ha="center", va="top",
                    fontsize=10, color=PALETTE[1])
            ax.text((split + merge) / 2, y0 + rise + 0.25, f"$J_{k}$", ha="center",
                    va="bottom", fontsize=10, color=INK)
        if taken is not None:
            route = ([(a, y0)] + branch + [(b, y0)]) if k in taken else [(a, y0), (b, y0)]
            ax.plot(*zip(*route), color=PALETTE[0], lw=2.6 * lw, solid_capstyle="round",
                    solid_joinstyle="round", zorder=3, gid=f"path {k}")


def draw_residual_gradient_paths(n_blocks: int = 3):
    """Why residual networks pass gradients: the chain rule on ``n_blocks`` pre-activation
    residual blocks ``x_k = x_{k-1} + f_k(x_{k-1})``, against a plain chain.

    Top: the residual chain; block ``k`` has Jacobian ``I + J_k`` (``I`` through the
    shortcut, ``J_k = ∂f_k/∂x_{k-1}`` through the branch), so the gradient reaching the input
    is ``∂ℓ/∂x_n (I + J_n)⋯(I + J_1)``. Middle: that product expanded, one small copy of the
    chain per term with the path the term follows drawn thick: ``2^n`` paths, from the
    identity alone (``I``: the gradient arrives untouched) to every branch. Bottom: a plain
    chain ``x_k = f_k(x_{k-1})`` has one path and one term, ``J_n⋯J_1``. (With the
    post-activation block ``relu(x + f(x))``, each factor is ``D_k (I + J_k)``, ``D_k`` the
    0/1 gates of the final ReLU.)"""
    n = n_blocks
    terms = residual_path_terms(n)
    per_row = 4
    n_rows = -(-len(terms) // per_row)
    mini_w = 2.0 / n                                 # one block of a small copy
    span = per_row * (n * mini_w + 0.8)
    big_w = (span - 2.6) / n                         # one block of the large chain
    y_plain = 0.0                                    # the plain chain's line
    y_terms = y_plain + 1.0 + 1.3 * n_rows           # the expansion's title
    top = y_terms + 1.35                             # the residual chain's line
    ylim = (y_plain - 0.75, top + 1.7)
    fig, ax = _canvas(7.2, 0.7 * (ylim[1] - ylim[0]), (-0.1, span + 0.1), ylim)
    title = dict(ha="left", va="bottom", fontsize=9.5, color=INK, fontweight="bold")

    # the residual chain, and the gradient that comes back along it
    factors = "".join(f"(I + J_{k})" for k in range(n, 0, -1))
    ax.text(0.0, top + 1.3, f"residual chain: $\\partial\\ell/\\partial x_0 = "
            f"\\partial\\ell/\\partial x_{n}\\, {factors}$", **title)
    x0 = 0.9
    ax.text(x0 - 0.12, top, "$x_0$", ha="right", va="center", fontsize=10, color=INK)
    _residual_chain(ax, x0, top, n, big_w, 0.62, boxes=True)
    end = x0 + n * big_w
    for k in range(1, n):
        ax.text(x0 + k * big_w, top - 0.08, f"$x_{k}$", ha="center", va="top", fontsize=9,
                color=INK)
    _layer(ax, end + 0.75, top, 0.55, 0.42, r"$\ell$", "input", fontsize=10)
    arrow(ax, (end, top), (end + 0.47, top))
    ax.text(end + 0.05, top - 0.08, f"$x_{n}$", ha="left", va="top", fontsize=9, color=INK)
    arrow(ax, (end + 0.75, top - 0.5), (x0, top - 0.5), color=PALETTE[0], lw=1.4)
    ax.text((x0 + end) / 2, top - 0.58, "gradient", ha="center", va="top", fontsize=8.5,
            color=PALETTE[0])

    # the product expanded: one term per path
    ax.text(0.0, y_terms, f"= the sum of the $2^{n} = {len(terms)}$ paths, one term each "
            "(thick: the path the term follows)", **title)
    for i, term in enumerate(terms):
        row, c = divmod(i, per_row)
        xa = c * (n * mini_w + 0.8) + 0.4
        y = y_terms - 0.75 - 1.3 * row
        _residual_chain(ax, xa, y, n, mini_w, 0.32, taken=term)
        ax.text(xa + n * mini_w / 2, y - 0.15, _term_label(term), ha="center", va="top",
                fontsize=10, color=INK, gid="term")

    # the plain chain: a single path
    product = r"\,".join(f"J_{k}" for k in range(n, 0, -1))
    ax.text(0.0, y_plain + 0.45, f"plain chain: $\\partial\\ell/\\partial x_0 = "
            f"\\partial\\ell/\\partial x_{n}\\, {product}$, one path", **title)
    y = y_plain
    ax.text(x0 - 0.12, y, "$x_0$", ha="right", va="center", fontsize=10, color=INK)
    xs = [x0 + (k - 0.5) * big_w for k in range(1, n + 1)]
    for k, xk in enumerate(xs, start=1):
        _layer(ax, xk, y, 0.4 * big_w, 0.42, f"$f_{k}$", "conv3", fontsize=10)
        ax.text(xk, y - 0.27, f"$J_{k}$", ha="center", va="top", fontsize=10, color=INK)
    edges = [x0] + xs + [end + 0.47]
    for a, b in zip(edges, edges[1:]):
        half = 0.2 * big_w  # from box border to box border
        arrow(ax, (a + (half if a in xs else 0), y), (b - (half if b in xs else 0), y))
    _layer(ax, end + 0.75, y, 0.55, 0.42, r"$\ell$", "input", fontsize=10)
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
