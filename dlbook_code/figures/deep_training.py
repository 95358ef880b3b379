"""Figures for the part "Training deep networks" (the book's figure code, not an API;
one-panel curves are :func:`dlbook_code.plots.plot_curves`).

One section per chapter. Every drawing function returns the matplotlib ``Figure`` (the
helpers beside them return what they draw: the points of a step, a graph); colours come
from the book's palette and the figures are opaque white, so they read the same in the
light and dark themes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: F401  (used by the chapters' sections below)

from ..plots import PALETTE  # noqa: F401
from ._draw import INK, Graph, arrow, draw_graph

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

def momentum_step_vectors(kappa: float, lr: float, mu: float, w, b_prev,
                          nesterov: bool = False) -> dict[str, tuple[float, float]]:
    """The points one step of momentum visits on ``f(w) = (w₁² + κ w₂²) / 2``, from the
    parameters ``w`` with the buffer ``b_prev`` (PyTorch's convention, ``b = μ b + g``).

    Heavy ball: ``w_t = w - η (μ b_prev + ∇f(w))``, the gradient taken at ``w``. Nesterov
    (Sutskever's form): ``w_t = w - ημ b_prev - η ∇f(w - ημ b_prev)``, the gradient taken at
    the look-ahead point ``w - ημ b_prev``, which is what ``SGD(nesterov=True)`` stores as
    its parameters. Returns the points ``"start"``, ``"previous"`` (``w + η b_prev``, where
    the last step came from), ``"grad_at"`` (where the gradient is evaluated), ``"after_first"``
    (the tip of the first of the two parts, drawn tip to tail) and ``"end"``."""
    import torch

    h = torch.tensor([1.0, kappa], dtype=torch.float64)
    w = torch.as_tensor(w, dtype=torch.float64)
    b_prev = torch.as_tensor(b_prev, dtype=torch.float64)
    momentum = -lr * mu * b_prev                  # the part the buffer carries
    grad_at = w + momentum if nesterov else w     # look-ahead point, or the parameters
    gradient = -lr * h * grad_at                  # -η ∇f, ∇f(w) = h * w
    first = momentum if nesterov else gradient    # drawn first: in order of evaluation
    points = {"start": w, "previous": w + lr * b_prev, "grad_at": grad_at,
              "after_first": w + first, "end": w + momentum + gradient}
    return {k: tuple(v.tolist()) for k, v in points.items()}


def _label_beyond(ax, start, end, text: str, color: str, gap: float = 0.1) -> None:
    """Write ``text`` just past ``end``, on the line from ``start`` (where an arrow from
    ``start`` to ``end`` leaves room)."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    norm = (dx * dx + dy * dy) ** 0.5 or 1.0
    dx, dy = dx / norm, dy / norm
    ax.text(end[0] + gap * dx, end[1] + gap * dy, text, fontsize=9, color=color, zorder=6,
            ha="left" if dx > 0.3 else "right" if dx < -0.3 else "center",
            va="bottom" if dy > 0.3 else "top" if dy < -0.3 else "center")


def draw_momentum_vectors(kappa: float = 10.0, lr: float = 0.15, mu: float = 0.9,
                          w: tuple[float, float] = (-2.5, 0.45),
                          b_prev: tuple[float, float] = (-6.0, 5.0)):
    """One step of heavy-ball momentum (left) and of Nesterov's method (right) from the same
    parameters ``w`` with the same buffer ``b_prev``, over contour lines of the valley
    ``f(w) = (w₁² + κ w₂²) / 2`` (equal scales on both axes; the star is the minimum).

    The arrows are computed by :func:`momentum_step_vectors`, not placed by hand. Dotted
    grey: the previous step, ``-η b_prev``. Blue: the momentum part ``-ημ b_prev``.
    Vermilion: the gradient part ``-η ∇f``, drawn from the point where the gradient is
    evaluated: the parameters for the heavy ball (the buffer's part follows, tip to tail),
    the look-ahead point ``u = w - ημ b_prev`` (open circle; the ``u`` of the chapter's
    equation, which ``SGD(nesterov=True)`` stores) for Nesterov. Black: the resulting
    step ``w_t - w_{t-1}``. With the defaults the last step was crossing the valley: the
    heavy ball adds the gradient at ``w``, which points the same way, and overshoots to the
    far side; Nesterov reads the gradient past the valley's floor, where it points back, and
    ends near the floor.
    """
    import torch

    steps = {"heavy ball": momentum_step_vectors(kappa, lr, mu, w, b_prev),
             "Nesterov": momentum_step_vectors(kappa, lr, mu, w, b_prev, nesterov=True)}
    pts = [p for s in steps.values() for p in s.values()] + [(0.0, 0.0)]
    xlim = (min(p[0] for p in pts) - 0.5, max(p[0] for p in pts) + 0.4)
    ylim = (min(p[1] for p in pts) - 0.4, max(p[1] for p in pts) + 0.3)
    w1, w2 = torch.meshgrid(torch.linspace(*xlim, 300), torch.linspace(*ylim, 200),
                            indexing="xy")
    f = 0.5 * (w1**2 + kappa * w2**2)
    levels = [0.5 * r**2 for r in (0.3, 0.8, 1.5, 2.25, 3.0, 3.75, 4.5)]
    fig, axes = plt.subplots(1, 2, figsize=(7.0, 3.0), sharey=True)
    colors = {"momentum": PALETTE[0], "gradient": PALETTE[1], "step": INK}
    at = {"heavy ball": "w_{t-1}", "Nesterov": "u_{t-1}"}  # where the gradient is taken
    texts = {"momentum": r"$-\eta\mu\, b_{t-1}$", "step": r"$-\eta\, b_t$"}
    for ax, (name, p) in zip(axes, steps.items()):
        ax.contour(w1.numpy(), w2.numpy(), f.numpy(), levels=levels, colors="#BBBBBB",
                   linewidths=0.7)
        ax.plot([0], [0], marker="*", color="black", markersize=10, linestyle="none")
        nesterov = name == "Nesterov"
        parts = [("gradient", p["start"], p["after_first"]),
                 ("momentum", p["after_first"], p["end"])]
        if nesterov:
            parts = [("momentum", p["start"], p["after_first"]),
                     ("gradient", p["after_first"], p["end"])]
        parts.append(("step", p["start"], p["end"]))
        # labels go outside the triangle the three arrows make
        cx = sum(q[0] for q in (p["start"], p["after_first"], p["end"])) / 3
        cy = sum(q[1] for q in (p["start"], p["after_first"], p["end"])) / 3
        for part, a, b in parts:
            step = part == "step"
            arrow(ax, a, b, color=colors[part], lw=2.2 if step else 1.8,
                  size=13 if step else 12, gid=part, zorder=4 if step else 3)
            mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
            nx, ny = b[1] - a[1], a[0] - b[0]  # a normal to the arrow
            if nx * (mx - cx) + ny * (my - cy) < 0:
                nx, ny = -nx, -ny
            norm = (nx * nx + ny * ny) ** 0.5 or 1.0
            nx, ny = nx / norm, ny / norm
            label = texts.get(part, rf"$-\eta\, \nabla f({at[name]})$")
            ax.text(mx + 0.15 * nx, my + 0.15 * ny, label, color=colors[part], fontsize=9,
                    ha="left" if nx > 0.3 else "right" if nx < -0.3 else "center",
                    va="bottom" if ny > 0.3 else "top" if ny < -0.3 else "center",
                    zorder=6, bbox=dict(facecolor="white", edgecolor="none", pad=0.3,
                                        alpha=0.8))
        arrow(ax, p["previous"], p["start"], color="#888888", lw=1.2, linestyle=":",
              gid="previous")
        ax.text(p["previous"][0] + 0.08, p["previous"][1], "previous step", fontsize=8,
                color="#666666", ha="left", va="center")
        ax.plot(*p["start"], "o", color=INK, markersize=4, zorder=5)
        ax.text(p["start"][0] - 0.1, p["start"][1], "$w_{t-1}$", fontsize=9, color=INK,
                ha="right", va="center")
        ax.plot(*p["end"], "o", color=INK, markersize=4, zorder=5)
        _label_beyond(ax, p["start"], p["end"], "$w_t$", INK)
        if nesterov:  # the look-ahead point u, which SGD(nesterov=True) stores
            ax.plot(*p["grad_at"], "o", markerfacecolor="white", markeredgecolor=PALETTE[0],
                    markersize=5, zorder=5)
            ax.text(p["grad_at"][0] - 0.05, p["grad_at"][1] - 0.08, "$u_{t-1}$", fontsize=9,
                    color=PALETTE[0], ha="right", va="top")
        ax.set_title(rf"{name}: $b_t = \mu\, b_{{t-1}} + \nabla f({at[name]})$",
                     fontsize=10)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_aspect("equal")
        ax.set_xlabel("$w_1$")
        ax.grid(False)
    axes[0].set_ylabel("$w_2$")
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


def batchnorm_graph(rows: tuple[str, ...] = ("1", "2", "m")):
    """The computation graph of batch normalisation for one channel in training mode, as a
    :class:`~dlbook_code.figures._draw.Graph`: one row per value of the batch shown (``rows``
    names their indices; a gap marks the values left out before the last), the batch
    statistics ``μ`` and ``σ²`` between the rows, then ``x̂_i = (x_i - μ)/√(σ² + ε)`` and
    ``y_i = γ x̂_i + β``; the running averages hang off the statistics on dashed edges.

    Node names: ``x{i}``, ``xhat{i}``, ``y{i}`` for each ``i`` in ``rows``, ``mu``, ``var``,
    ``gamma``, ``beta``, ``run_mean``, ``run_var``. Each edge has a ``role``: ``"example"``
    (within one row), ``"stats"`` (into or out of the batch statistics), ``"param"`` or
    ``"running"`` (the update of a running average, which no gradient goes through)."""
    g = Graph()
    gap = 1.2
    ys = [gap * (len(rows) - 1 - k) for k in range(len(rows))]
    if len(rows) > 2:  # room for the dots between the second-to-last and last rows
        ys[-1] -= 0.6 * gap
    col = {"x": 0.0, "stats": 1.65, "xhat": 3.3, "param": 4.75, "y": 6.2}
    colour = {"example": "#000000", "stats": PALETTE[0], "param": PALETTE[1],
              "running": PALETTE[2]}

    def edge(a: str, b: str, role: str, **options) -> None:
        g.edge(a, b, color=colour[role], role=role,
               **({"linestyle": (0, (4, 2))} if role == "running" else {}), **options)

    for i, y in zip(rows, ys):
        g.node(f"x{i}", (col["x"], y), "tensor", f"$x_{{{i}}}$")
        g.node(f"xhat{i}", (col["xhat"], y), "tensor", f"$\\hat x_{{{i}}}$")
        g.node(f"y{i}", (col["y"], y), "output", f"$y_{{{i}}}$")
    # the statistics and the parameters sit between rows, clear of the rows' edges
    upper, lower = (ys[0] + ys[1]) / 2, (ys[-2] + ys[-1]) / 2
    g.node("mu", (col["stats"], upper), "op", "$\\mu$")
    g.node("var", (col["stats"], lower), "op", "$\\sigma^2$")
    g.node("gamma", (col["param"], upper), "param", "$\\gamma$")
    g.node("beta", (col["param"], lower), "param", "$\\beta$")
    x_run = col["stats"] - 0.75  # left of the statistics: room for the formulas
    g.node("run_mean", (x_run, ys[0] + 1.0), "leaf", "running mean $\\hat\\mu$")
    g.node("run_var", (x_run, ys[-1] - 1.0), "leaf", "running var. $\\hat\\sigma^2$")
    for i in rows:
        edge(f"x{i}", "mu", "stats")
        edge(f"x{i}", "var", "stats")
    edge("mu", "var", "stats")
    for i in rows:
        edge(f"x{i}", f"xhat{i}", "example")
        edge("mu", f"xhat{i}", "stats")
        edge("var", f"xhat{i}", "stats")
        edge(f"xhat{i}", f"y{i}", "example")
        edge("gamma", f"y{i}", "param")
        edge("beta", f"y{i}", "param")
    edge("mu", "run_mean", "running")
    edge("var", "run_var", "running")
    return g


def draw_batchnorm_graph(rows: tuple[str, ...] = ("1", "2", "m")):
    """Batch normalisation's computation graph for one channel in training mode
    (:func:`batchnorm_graph`): every input ``x_j`` feeds the batch statistics ``μ`` and
    ``σ²`` (blue), which feed every ``x̂_i``, so every output ``y_i`` depends on every input
    of the batch and the gradient of each ``x_j`` flows back through ``μ`` and ``σ²`` as
    well as along its own row (black). The parameters ``γ`` and ``β`` (vermilion) are shared
    by the rows; the running averages (green, dashed) are updated on the side, outside the
    graph the gradient flows through, and used only in evaluation mode."""
    from matplotlib.lines import Line2D

    g = batchnorm_graph(rows)
    fig = draw_graph(g, figsize=(7.0, 4.2), box_w=0.6, fontsize=11)
    ax = fig.axes[0]
    if len(rows) > 2:
        dots_y = (g.pos[f"x{rows[-2]}"][1] + g.pos[f"x{rows[-1]}"][1]) / 2
        for stem in ("x", "xhat", "y"):
            ax.text(g.pos[f"{stem}{rows[-1]}"][0], dots_y, "$\\vdots$", ha="center",
                    va="center", fontsize=12)
    # what the nodes compute, right of the running averages
    left = g.pos[f"xhat{rows[0]}"][0] - 0.45
    ax.text(left, g.pos["run_mean"][1],
            r"$\hat x_i = (x_i - \mu)\, /\, \sqrt{\sigma^2 + \varepsilon}, \quad "
            r"y_i = \gamma\, \hat x_i + \beta$", ha="left", va="center", fontsize=10)
    ax.text(left, g.pos["run_var"][1],
            r"$\mu = \frac{1}{m}\sum_j x_j, \quad \sigma^2 = \frac{1}{m}\sum_j (x_j - \mu)^2$",
            ha="left", va="center", fontsize=10)
    colour = {o["role"]: o["color"] for _, _, o in g.edges}
    names = {"example": "within one example", "stats": "through the batch statistics",
             "param": "from the parameters", "running": "running average (no gradient)"}
    handles = [Line2D([], [], color=colour[r], lw=1.4,
                      linestyle=(0, (4, 2)) if r == "running" else "-", label=names[r])
               for r in names]
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=9,
               bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig


# --- regularisation -----------------------------------------------------------------------

# --- losses and transfer ------------------------------------------------------------------
