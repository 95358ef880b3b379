"""Figures for the chapter "Why depth?" (part "Training deep networks"; the book's figure code,
not an API).

Every function draws what it is given, and only that, and returns the matplotlib ``Figure``.
Colours come from the book's palette; figures are opaque white, so they read the same in the
light and dark themes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.ticker import LogLocator, MaxNLocator

from ..plots import PALETTE, _values


def plot_sawtooths(curves: Mapping[str, tuple[Sequence[float], Sequence[float]]],
                   corners: Mapping[str, tuple[Sequence[float], Sequence[float]]] | None = None):
    """One small panel per entry of ``curves = {title: (xs, ys)}`` (a function of one input,
    such as the tent map composed k times), side by side with shared axes; ``corners[title] =
    (xs, ys)``, if given, marks the points where that function bends."""
    n = len(curves)
    fig, axes = plt.subplots(1, n, figsize=(2.3 * n, 2.4), sharex=True, sharey=True,
                             squeeze=False)
    for i, (ax, (title, (xs, ys))) in enumerate(zip(axes.flat, curves.items())):
        ax.plot(_values(xs), _values(ys), color=PALETTE[0], linewidth=1.3)
        if corners and title in corners:
            cx, cy = corners[title]
            ax.plot(_values(cx), _values(cy), "o", color=PALETTE[1], markersize=3)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("$x$")
        if i == 0:
            ax.set_ylabel("output")
    fig.tight_layout()
    return fig


def plot_pieces_against_units(series: Mapping[str, tuple[Sequence[float], Sequence[float]]],
                              bound: tuple[Sequence[float], Sequence[float]] | None = None,
                              bound_label: str = "bound"):
    """The number of linear pieces against the number of hidden units, both on log₂ scales:
    one set of markers per entry of ``series = {label: (units, pieces)}``, and ``bound =
    (units, pieces)`` as a dashed black line."""
    fig, ax = plt.subplots(figsize=(5.4, 3.6))
    markers = "osD^v"
    for i, (label, (units, pieces)) in enumerate(series.items()):
        ax.plot(_values(units), _values(pieces), markers[i % len(markers)], linestyle="-",
                linewidth=0.8, color=PALETTE[i % len(PALETTE)], markersize=5, label=label)
    if bound is not None:
        ax.plot(_values(bound[0]), _values(bound[1]), "--", color="black", linewidth=1,
                label=bound_label)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_xlabel("hidden units")
    ax.set_ylabel("linear pieces")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_region_counts(counts: Mapping[str, Sequence[float]],
                       maxima: Mapping[str, float] | None = None):
    """The number of linear regions met along each of several segments, one column of dots
    per entry of ``counts = {label: counts}`` with its mean as a short black bar, on a log
    scale; ``maxima = {label: value}`` draws each as a dashed horizontal line."""
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for i, cs in enumerate(counts.values()):
        cs = _values(cs)
        n = len(cs)
        xs = [i + 0.25 * ((j + 0.5) / n - 0.5) for j in range(n)]  # spread, not random
        ax.plot(xs, cs, "o", color=PALETTE[i % len(PALETTE)], markersize=4, alpha=0.7)
        mean = sum(cs) / n
        ax.plot([i - 0.2, i + 0.2], [mean, mean], color="black", linewidth=2)
    for j, (label, value) in enumerate((maxima or {}).items()):
        ax.axhline(value, color=PALETTE[(len(counts) + j) % len(PALETTE)], linestyle="--",
                   linewidth=1.2)
        ax.text(len(counts) - 0.5, value, f"{label}: {value:,.0f}", ha="right",
                va="bottom", fontsize=8)
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10))
    ax.set_xticks(range(len(counts)), list(counts), fontsize=8)
    ax.set_xlim(-0.5, len(counts) - 0.5)
    ax.set_ylabel("linear regions along the segment")
    fig.tight_layout()
    return fig


def plot_paired(values: Mapping[str, Sequence[float]], ylabel: str):
    """Paired runs: one column per entry of ``values = {label: one value per seed}`` (the
    same seeds in every entry), a grey line joining each seed's values, and each column's
    mean as a short black bar."""
    fig, ax = plt.subplots(figsize=(4.2, 3.4))
    columns = [_values(v) for v in values.values()]
    for seed_values in zip(*columns):
        ax.plot(range(len(columns)), seed_values, "-", color="#999999", linewidth=0.8)
    for i, vs in enumerate(columns):
        ax.plot([i] * len(vs), vs, "o", color=PALETTE[i % len(PALETTE)], markersize=5)
        mean = sum(vs) / len(vs)
        ax.plot([i - 0.15, i + 0.15], [mean, mean], color="black", linewidth=2)
    ax.set_xticks(range(len(columns)), list(values), fontsize=8)
    ax.set_xlim(-0.5, len(columns) - 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(6))
    ax.set_ylabel(ylabel)
    fig.tight_layout()
    return fig
