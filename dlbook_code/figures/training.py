"""Figures for the Training part: sweeps, schedules and loss distributions (the book's
figure code, not an API; one-panel curves are :func:`dlbook_code.plots.plot_curves`).

- :func:`plot_gradient_noise` draws how far a mini-batch gradient lies from the full one,
  against the batch size, with the :math:`1/\\sqrt{B}` law for reference;
- :func:`plot_activations` draws activation functions and their derivatives side by side;
- :func:`plot_reading_times` draws the time to read a data set against the batch size;
- :func:`plot_sweeps` draws one panel per hyper-parameter, with the best value marked;
- :func:`plot_lr_schedules` draws learning rates against epochs;
- :func:`plot_capacity` draws train and test error against a model's size;
- :func:`show_matrices` draws small matrices as annotated heat maps (dropout masks);
- :func:`loss_histograms_over_epochs` draws per-sample loss distributions, one panel per
  recorded epoch.

Every function returns the matplotlib ``Figure``; colours come from the book's palette and
the figures are opaque white, so they read the same in the light and dark themes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.ticker import MaxNLocator

from ..plots import PALETTE, _values


def plot_gradient_noise(batch_sizes: Sequence[int], rel_errors: Sequence[float]):
    """Relative distance between mini-batch and full gradients against the batch size ``B``
    (log-log), with a :math:`c/\\sqrt{B}` line through the first point."""
    bs, err = _values(batch_sizes), _values(rel_errors)
    fig, ax = plt.subplots(figsize=(5.2, 3.4))
    ax.plot(bs, err, "o-", color=PALETTE[0], label="measured")
    ref = [err[0] * (bs[0] / b) ** 0.5 for b in bs]
    ax.plot(bs, ref, "--", color=PALETTE[1], label=r"$\propto 1/\sqrt{B}$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("mini-batch size B")
    ax.set_ylabel("relative gradient error")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_activations(x: torch.Tensor, functions: Mapping[str, tuple[torch.Tensor, torch.Tensor]]):
    """Two panels: each activation ``functions[name][0]`` and its derivative
    ``functions[name][1]``, evaluated at ``x``."""
    fig, (a0, a1) = plt.subplots(1, 2, figsize=(9, 3.2))
    for i, (name, (f, df)) in enumerate(functions.items()):
        a0.plot(_values(x), _values(f), label=name, color=PALETTE[i % len(PALETTE)])
        a1.plot(_values(x), _values(df), label=name, color=PALETTE[i % len(PALETTE)])
    a0.set_title("activation $\\sigma(x)$")
    a1.set_title("derivative $\\sigma'(x)$")
    for ax in (a0, a1):
        ax.set_xlabel("x")
        ax.legend()
    fig.tight_layout()
    return fig


def plot_reading_times(batch_sizes: Sequence[int], seconds: Sequence[float],
                       n_samples: int | None = None):
    """Time to read a data set once through a ``DataLoader`` against the batch size."""
    fig, ax = plt.subplots(figsize=(5.2, 3.4))
    ax.plot(_values(batch_sizes), _values(seconds), "o-", color=PALETTE[0])
    ax.set_xlabel("batch size")
    ax.set_ylabel("seconds per pass")
    ax.set_ylim(bottom=0)
    title = "Reading performance"
    if n_samples is not None:
        title += f" ({n_samples:,} images)"
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_sweeps(sweeps: Mapping[str, tuple[Sequence[float], Sequence[float]]],
                ylabel: str = "test accuracy (%)", logx: Sequence[str] = ()):
    """One panel per hyper-parameter: ``sweeps = {name: (values, scores)}``; the best score
    (highest) is marked. Names in ``logx`` get a logarithmic x axis."""
    fig, axes = plt.subplots(1, len(sweeps), figsize=(3.4 * len(sweeps), 3.2), squeeze=False)
    for ax, (name, (xs, ys)) in zip(axes.flat, sweeps.items()):
        xs, ys = _values(xs), _values(ys)
        ax.plot(xs, ys, "o-", color=PALETTE[0])
        best = max(range(len(ys)), key=ys.__getitem__)
        ax.plot([xs[best]], [ys[best]], "*", color=PALETTE[1], markersize=14, label="best")
        if name in logx:
            ax.set_xscale("log")
        ax.set_xlabel(name)
        ax.set_ylabel(ylabel)
        ax.legend()
    fig.tight_layout()
    return fig


def plot_lr_schedules(schedules: Mapping[str, Sequence[float]]):
    """Learning rate against the epoch, one step curve per schedule, log scale."""
    fig, ax = plt.subplots(figsize=(5.2, 3.4))
    for i, (name, lrs) in enumerate(schedules.items()):
        lrs = _values(lrs)
        ax.step(range(1, len(lrs) + 1), lrs, where="post", label=name,
                color=PALETTE[i % len(PALETTE)])
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
    ax.set_xlabel("epoch")
    ax.set_ylabel("learning rate")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_capacity(sizes: Sequence[float], train_error: Sequence[float],
                  test_error: Sequence[float], xlabel: str = "hidden units"):
    """Train and test error (in percent) against a capacity knob (log x axis)."""
    fig, ax = plt.subplots(figsize=(5.2, 3.4))
    ax.plot(_values(sizes), _values(train_error), "o-", label="train", color=PALETTE[0])
    ax.plot(_values(sizes), _values(test_error), "o--", label="test", color=PALETTE[1])
    ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("error (%)")
    ax.set_ylim(bottom=0)
    ax.legend()
    fig.tight_layout()
    return fig


def show_matrices(matrices: Mapping[str, torch.Tensor], fmt: str = "{:.0f}"):
    """Small 2d tensors as heat maps with their values written in the cells, side by side
    (vertically stacked panels, one per entry)."""
    n = len(matrices)
    first = next(iter(matrices.values()))
    h, w = first.shape
    fig, axes = plt.subplots(n, 1, figsize=(0.55 * w + 1.2, (0.5 * h + 0.5) * n), squeeze=False)
    vmax = max(m.abs().max().item() for m in matrices.values()) or 1.0
    for ax, (title, m) in zip(axes.flat, matrices.items()):
        m = m.detach().float().cpu()
        ax.imshow(m.numpy(), cmap="Blues", vmin=0, vmax=vmax)
        for i in range(m.shape[0]):
            for j in range(m.shape[1]):
                v = m[i, j].item()
                ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8,
                        color="white" if v > 0.6 * vmax else "black")
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    fig.tight_layout()
    return fig


def loss_histograms_over_epochs(records: Mapping[int, tuple[torch.Tensor, torch.Tensor]],
                                bins: int = 30):
    """Per-sample loss distributions on the train and test sets, one panel per recorded
    epoch: ``records = {epoch: (train_losses, test_losses)}``.

    The loss axis is logarithmic and shared by all panels; each bar is the *fraction* of the
    set whose loss falls in the bin (not a density per unit of loss, which on logarithmic
    bins would inflate the narrow bins of small losses).
    """
    import numpy as np

    all_losses = torch.cat([torch.cat([tr.flatten(), te.flatten()]) for tr, te in records.values()])
    lo = max(all_losses.min().item(), 1e-6)
    hi = max(all_losses.max().item(), lo * 10)
    edges = np.logspace(np.log10(lo), np.log10(hi), bins + 1)
    n = len(records)
    fig, axes = plt.subplots(n, 1, figsize=(6.4, 1.9 * n + 0.5), squeeze=False, sharex=True)
    for ax, (epoch, (tr, te)) in zip(axes.flat, records.items()):
        v: torch.Tensor | np.ndarray  # a record's losses, then as an array
        for i, (name, v) in enumerate((("train", tr), ("test", te))):
            v = v.detach().float().cpu().clamp_min(lo).numpy()
            ax.hist(v, bins=edges, weights=np.full(len(v), 1 / len(v)), alpha=0.6,
                    color=PALETTE[i], label=name)
        ax.set_xscale("log")
        ax.set_ylabel("fraction")
        ax.set_title(f"epoch {epoch}", fontsize=9)
        ax.legend()
    axes.flat[-1].set_xlabel("per-sample loss")
    fig.tight_layout()
    return fig
