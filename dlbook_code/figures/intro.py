"""Figures and reference data of the Introduction part (the book's figure code, not an
API; the ILSVRC table is in :mod:`.reference`).

The data here are published facts the chapters tabulate and plot (prices of compute,
data-set sizes, training compute of milestone systems); each table names its source. The
drawing functions return a matplotlib ``Figure``.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import Patch, Rectangle

from ..plots import PALETTE, tint
from ._draw import arrow, blank, box

# --- history -------------------------------------------------------------------------------

#: Milestones from threshold logic units to Transformers: (year, event, who, kind).
HISTORY: list[tuple[int, str, str, str]] = [
    (1943, "threshold logic units", "McCulloch & Pitts", "model"),
    (1949, "Hebbian learning", "Hebb", "learning"),
    (1951, "first ANN, 40 neurons", "Minsky", "model"),
    (1958, "perceptron, 20×20 images", "Rosenblatt", "model"),
    (1959, "orientation-selective cells", "Hubel & Wiesel", "biology"),
    (1980, "Neocognitron", "Fukushima", "model"),
    (1981, "back-propagation for ANNs", "Werbos", "learning"),
    (1986, "back-prop popularised", "Rumelhart et al.", "learning"),
    (1989, "LeNet", "LeCun et al.", "model"),
    (2010, "ImageNet challenge starts", "ILSVRC", "data"),
    (2012, "AlexNet", "Krizhevsky et al.", "model"),
    (2015, "GoogLeNet", "Szegedy et al.", "model"),
    (2015, "ResNet", "He et al.", "model"),
    (2017, "Transformer", "Vaswani et al.", "model"),
]

_KIND_COLOURS = {"model": PALETTE[0], "learning": PALETTE[1], "biology": PALETTE[2],
                 "data": PALETTE[3]}
_KIND_NAMES = {"model": "architectures", "learning": "learning rules",
               "biology": "neuroscience", "data": "data and benchmarks"}


def draw_timeline(events: Sequence[tuple[int, str, str, str]] = HISTORY):
    """One row per milestone, placed at its year on a shared time axis, coloured by kind."""
    n = len(events)
    fig, ax = plt.subplots(figsize=(6.6, 0.34 * n + 0.9))
    years = [e[0] for e in events]
    lo, hi = min(years) - 3, max(years) + 3
    mid = (lo + hi) / 2
    for i, (year, what, who, kind) in enumerate(events):
        y = n - 1 - i
        c = _KIND_COLOURS[kind]
        ax.plot([lo, year], [y, y], color=c, alpha=0.25, lw=1)
        ax.plot(year, y, "o", color=c, ms=7)
        text = f"{year}  {what} ({who})"
        right = year < mid
        ax.text(year + (1.5 if right else -1.5), y, text, va="center",
                ha="left" if right else "right", fontsize=9)
    for kind, c in _KIND_COLOURS.items():
        ax.plot([], [], "o", color=c, label=_KIND_NAMES[kind])
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.8, n - 0.2)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("year")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=9)
    fig.tight_layout()
    return fig


# --- the semantic gap --------------------------------------------------------------------

def plot_semantic_gap(image: torch.Tensor, rows: int = 4, cols: int = 8, channel: int = 0):
    """A colour image ``(3, H, W)`` of uint8 next to the numbers of its top-left
    ``rows × cols`` corner in one channel: what we see, and what the computer stores."""
    img = image.detach().cpu()
    fig, (a0, a1) = plt.subplots(1, 2, figsize=(8.0, 3.0),
                                 gridspec_kw=dict(width_ratios=[1, 2.2]))
    a0.imshow(img.permute(1, 2, 0).numpy())
    a0.add_patch(Rectangle((-0.5, -0.5), cols, rows, fill=False, ec=PALETTE[1], lw=1.5))
    a0.set_title("what we see", fontsize=9)
    a0.axis("off")
    patch = img[channel, :rows, :cols].int()
    a1.imshow(patch.numpy(), cmap="gray", vmin=0, vmax=255)
    for i in range(rows):
        for j in range(cols):
            v = int(patch[i, j])
            a1.text(j, i, str(v), ha="center", va="center", fontsize=9,
                    color="white" if v < 128 else "black")
    a1.set_title(f"what the computer stores: channel {channel}, "
                 f"rows 0–{rows - 1}, columns 0–{cols - 1}", fontsize=9)
    a1.set_xticks(range(cols))
    a1.set_yticks(range(rows))
    a1.grid(False)
    for s in a1.spines.values():
        s.set_visible(False)
    fig.tight_layout()
    return fig


# --- a network as a graph of tensor operators ---------------------------------------------

#: The course's MNIST convnet as operators: (operator, parameters, output shape per sample).
CONVNET_OPERATORS: list[tuple[str, str, str]] = [
    ("conv2d", "w₁, b₁", "32×24×24"),
    ("max_pool2d", "", "32×8×8"),
    ("relu", "", "32×8×8"),
    ("conv2d", "w₂, b₂", "64×4×4"),
    ("max_pool2d", "", "64×2×2"),
    ("relu", "", "64×2×2"),
    ("flatten", "", "256"),
    ("linear", "w₃, b₃", "200"),
    ("relu", "", "200"),
    ("linear", "w₄, b₄", "10"),
    ("cross_entropy", "y", "1"),
]


_ROUND = "round,pad=0.02,rounding_size=0.08"
_EDGE: dict = dict(color="#333333", lw=1.0)  # the arrows between operators


def draw_operator_graph(operators: Sequence[tuple[str, str, str]] = CONVNET_OPERATORS,
                        per_row: int = 4):
    """The network as a chain of tensor operators (boxes), parameters feeding in from above
    (ellipses), the tensor shape written on each edge, the loss at the end."""
    n = len(operators)
    nrows = (n + per_row - 1) // per_row
    dx, dy = 1.9, 2.1
    w, h = 1.3, 0.5
    fig, ax = plt.subplots(figsize=(1.3 * (per_row + 1), 1.45 * nrows + 0.2))
    # node 0 is the input x; nodes 1..n are the operators
    pos = [(0.0, 0.0)]
    for k in range(n):
        r, c = divmod(k, per_row)
        pos.append(((c + 1) * dx, -r * dy))
    box(ax, *pos[0], w * 0.9, h * 1.4, "x\n1×28×28", edge=PALETTE[2], ink="black", lw=1.2,
        fontsize=9, style="round,pad=0.02,rounding_size=0.2")
    for k, (op, params, shape) in enumerate(operators, start=1):
        x, y = pos[k]
        last = k == n
        box(ax, x, y, w, h, op, fill=tint(PALETTE[4], 0.18) if last else tint(PALETTE[0], 0.1),
            edge=PALETTE[4] if last else PALETTE[0], ink="black", lw=1.2, fontsize=9,
            style=_ROUND)
        px, py = pos[k - 1]
        if abs(py - y) < 1e-6:  # same row: straight arrow
            arrow(ax, (px + w / 2, py), (x - w / 2, y), **_EDGE)
        else:  # wrap to the next row
            turn = py - h / 2 - 0.45
            ax.plot([px, px, 0, 0], [py - h / 2, turn, turn, y], color="#333333", lw=1.0)
            arrow(ax, (0, y), (x - w / 2, y), **_EDGE)
        if params:
            ax.text(x, y + 0.85, params, ha="center", va="center", fontsize=9,
                    bbox=dict(boxstyle="round,pad=0.25", fc="white", ec=PALETTE[3]))
            arrow(ax, (x, y + 0.66), (x, y + h / 2), color=PALETTE[3], lw=1.0)
        wraps = k < n and abs(pos[k + 1][1] - y) > 1e-6
        if wraps:  # beside the line going down to the next row
            ax.text(x + 0.08, y - h / 2 - 0.04, shape, ha="left", va="top", fontsize=8,
                    color="#555555")
        else:  # under the edge leaving the box
            ax.text(x + dx / 2, y - h / 2 - 0.04, shape, ha="center", va="top", fontsize=8,
                    color="#555555")
    blank(ax, (-0.7, (per_row + 0.7) * dx), (-(nrows - 1) * dy - 0.8, 1.2))
    fig.tight_layout()
    return fig


# --- compute, data, training compute --------------------------------------------------------

#: Peak single-precision speed and launch price of a few processors, as in the course
#: (Fleuret, lecture 1.2, after Wikipedia's "FLOPS" page): (name, kind, TFLOPS, price in $).
COMPUTE_PRICES: list[tuple[str, str, float, float]] = [
    ("Intel Core i7-6700K", "CPU", 0.2, 275),
    ("Intel Core i9-7980XE", "CPU", 0.9, 1999),
    ("AMD Ryzen 7 PRO 4750G", "CPU", 1.1, 640),
    ("NVIDIA RTX 2080 Ti", "GPU", 14.2, 999),
    ("NVIDIA RTX 3090", "GPU", 35.5, 1500),
    ("AMD Radeon RX 6900 XT", "GPU", 23.0, 999),
]

#: Computer-vision data sets of the course's table: (name, task, year, images, bytes).
VISION_DATASETS: list[tuple[str, str, int, float, float]] = [
    ("MNIST", "classification", 1998, 60e3, 12e6),
    ("Caltech 101", "classification", 2003, 9.1e3, 130e6),
    ("Caltech 256", "classification", 2007, 30e3, 1.2e9),
    ("CIFAR-10", "classification", 2009, 60e3, 160e6),
    ("ImageNet", "classification", 2012, 1.2e6, 150e9),
    ("MS-COCO", "segmentation", 2015, 200e3, 32e9),
    ("Cityscapes", "segmentation", 2016, 25e3, 60e9),
    ("LAION-5B", "multi-modal", 2022, 5.85e9, 240e12),
]

#: Text data sets of the course's table: (name, task, year, bytes).
TEXT_DATASETS: list[tuple[str, str, int, float]] = [
    ("SST-2", "sentiment analysis", 2013, 20e6),
    ("WMT-18", "translation", 2018, 7e9),
    ("OSCAR", "language model", 2020, 6e12),
]

#: Training compute (FLOP) of a few milestone systems. AlexNet and AlphaGo Zero: Amodei and
#: Hernandez (2018), 0.0058 and 1,860 petaflop/s-days; Transformer (big): Vaswani et al.
#: (2017), table 2; GPT-3: Brown et al. (2020); Chinchilla: Hoffmann et al. (2022);
#: PaLM: Chowdhery et al. (2022). Estimates, good to a factor of about two.
_PFS_DAY = 1e15 * 86400
TRAINING_COMPUTE: list[tuple[str, int, float]] = [
    ("AlexNet", 2012, 0.0058 * _PFS_DAY),
    ("Transformer (big)", 2017, 2.3e19),
    ("AlphaGo Zero", 2017, 1860 * _PFS_DAY),
    ("GPT-3", 2020, 3.14e23),
    ("Chinchilla", 2022, 5.76e23),
    ("PaLM", 2022, 2.56e24),
]


#: Transistors per chip (Wikipedia, "Transistor count"): (chip, year, transistors, kind).
TRANSISTORS: list[tuple[str, int, float, str]] = [
    ("Intel 4004", 1971, 2.3e3, "CPU"),
    ("Intel 8086", 1978, 29e3, "CPU"),
    ("Intel 80386", 1985, 275e3, "CPU"),
    ("Intel Pentium", 1993, 3.1e6, "CPU"),
    ("Intel Pentium 4", 2000, 42e6, "CPU"),
    ("Intel Core 2 Duo", 2006, 291e6, "CPU"),
    ("NVIDIA GK110", 2012, 7.08e9, "GPU"),
    ("NVIDIA GV100", 2017, 21.1e9, "GPU"),
    ("NVIDIA GH100", 2022, 80e9, "GPU"),
]


def plot_log_scatter(names: Sequence[str], years: Sequence[float], values: Sequence[float],
                     ylabel: str, groups: Sequence[str] | None = None, ax=None,
                     fit: bool = False):
    """Values against years on a log scale, each point labelled; ``groups`` colours points;
    ``fit`` adds the least-squares exponential trend and says its doubling time."""
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 3.6))
    groups = list(groups) if groups is not None else [""] * len(names)
    for g, c in zip(dict.fromkeys(groups), PALETTE):
        idx = [i for i, gi in enumerate(groups) if gi == g]
        ax.scatter([years[i] for i in idx], [values[i] for i in idx], color=c, s=28,
                   label=g or None, zorder=3)
    for name, x, v in zip(names, years, values):
        ax.annotate(name, (x, v), xytext=(4, 4), textcoords="offset points", fontsize=7.5)
    if fit:
        slope, icpt = np.polyfit(np.asarray(years, float), np.log10(values), 1)
        xs = np.linspace(min(years), max(years), 50)
        ax.plot(xs, 10 ** (slope * xs + icpt), ls="--", color="#777777", lw=1,
                label=f"trend: ×2 every {12 * np.log10(2) / slope:.0f} months")
    ax.set_yscale("log")
    ax.set_xlabel("year")
    ax.set_ylabel(ylabel)
    if any(groups) or fit:
        ax.legend(loc="upper left")
    if fig is not None:
        fig.tight_layout()
    return fig if fig is not None else ax.figure


def plot_compute_prices(prices: Sequence[tuple[str, str, float, float]] = COMPUTE_PRICES):
    """Horizontal bars of GFLOPS per dollar (log scale), CPUs and GPUs in two colours."""
    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    names = [p[0] for p in prices]
    per_dollar = [1000 * p[2] / p[3] for p in prices]
    colours = [PALETTE[0] if p[1] == "GPU" else PALETTE[1] for p in prices]
    ax.barh(names, per_dollar, color=colours)
    for i, v in enumerate(per_dollar):
        ax.text(v * 1.08, i, f"{v:.1f}", va="center", fontsize=8)
    ax.set_xscale("log")
    ax.set_xlim(0.2, max(per_dollar) * 3)
    ax.invert_yaxis()
    ax.set_xlabel("GFLOPS per dollar (log scale)")
    ax.legend(handles=[Patch(color=PALETTE[1], label="CPU"), Patch(color=PALETTE[0], label="GPU")],
              loc="upper right")
    fig.tight_layout()
    return fig


# --- what a network learned, and how to fool it --------------------------------------------

def plot_occlusion(image: torch.Tensor, heat: torch.Tensor, label: str):
    """An image ``(1, H, W)`` and the probability of its true class when a black patch hides
    each position (Zeiler and Fergus's occlusion experiment)."""
    fig, (a0, a1) = plt.subplots(1, 2, figsize=(5.6, 2.7))
    a0.imshow(image.detach().cpu().squeeze(0).numpy(), cmap="gray")
    a0.set_title(f"input (class {label})", fontsize=9)
    a0.axis("off")
    heat = heat.detach().cpu()
    im = a1.imshow(heat.numpy(), cmap="magma", vmin=min(heat.min().item(), 0.9), vmax=1)
    a1.set_title(f"P(class {label}) with the patch here", fontsize=9)
    a1.axis("off")
    fig.colorbar(im, ax=a1, fraction=0.046, pad=0.04)
    fig.tight_layout()
    return fig


def plot_adversarial(x: torch.Tensor, delta: torch.Tensor, x_adv: torch.Tensor,
                     p: torch.Tensor, p_adv: torch.Tensor, labels: Sequence[str] | None = None):
    """Original image, perturbation (blue negative, red positive), adversarial image, and
    the class probabilities of both; images ``(1, H, W)``, probabilities ``(K,)``."""
    p, p_adv = p.detach().cpu(), p_adv.detach().cpu()
    labels = list(labels) if labels is not None else [str(k) for k in range(p.numel())]
    fig, axes = plt.subplots(1, 4, figsize=(10.0, 2.6),
                             gridspec_kw=dict(width_ratios=[1, 1, 1, 1.6]))
    k, k_adv = int(p.argmax()), int(p_adv.argmax())
    m = delta.abs().max().item() or 1.0
    panels = [(x, "gray", 0, 1, f"original: {labels[k]} ({100 * p[k]:.1f}%)"),
              (delta, "RdBu_r", -m, m, f"perturbation (±{m:.2f})"),
              (x_adv, "gray", 0, 1, f"adversarial: {labels[k_adv]} ({100 * p_adv[k_adv]:.1f}%)")]
    for ax, (img, cmap, lo, hi, title) in zip(axes, panels):
        ax.imshow(img.detach().cpu().squeeze(0).numpy(), cmap=cmap, vmin=lo, vmax=hi)
        ax.set_title(title, fontsize=8.5)
        ax.axis("off")
    ks = np.arange(p.numel())
    axes[3].bar(ks - 0.2, 100 * p.numpy(), 0.4, label="original", color=PALETTE[0])
    axes[3].bar(ks + 0.2, 100 * p_adv.numpy(), 0.4, label="adversarial", color=PALETTE[1])
    axes[3].set_xticks(ks, labels)
    axes[3].set_ylabel("probability (%)")
    axes[3].set_ylim(0, 105)
    axes[3].legend(fontsize=7.5, loc="upper left")
    fig.tight_layout()
    return fig
