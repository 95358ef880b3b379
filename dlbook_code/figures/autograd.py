"""Figures of the Autograd part (the book's figure code, not an API): tangents and
derivatives, the lecture's three-operator DAG (forward and backward), and drawings of the
graph that autograd records (``grad_fn`` nodes linked by ``next_functions``).

Everything is drawn with matplotlib alone (no graphviz), on a white background, and every
function returns the ``Figure``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import torch

from ..plots import PALETTE
from ._draw import BACKWARD_INK, FORWARD_INK, Graph, draw_graph

# --------------------------------------------------------------------------------------
# Derivatives
# --------------------------------------------------------------------------------------

def plot_tangents(f: Callable[[torch.Tensor], torch.Tensor],
                  df: Callable[[torch.Tensor], torch.Tensor],
                  points: Sequence[float], xlim: tuple[float, float] = (-2.2, 2.2),
                  half_width: float = 0.6, label: str = "f(x)"):
    """Plot ``f`` on ``xlim`` and its tangent at each of ``points``, coloured by the sign
    of the derivative ``df`` there (increasing, decreasing, flat)."""
    x = torch.linspace(*xlim, 400)
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    ax.plot(x, f(x), color="#000000", lw=2, label=label)
    colours = {1: PALETTE[2], -1: PALETTE[1], 0: PALETTE[0]}
    names = {1: "f'(x) > 0: f increases", -1: "f'(x) < 0: f decreases",
             0: "f'(x) = 0: f is flat"}
    shown = set()
    p: float | torch.Tensor  # a point of ``points``, then that point as a tensor
    for p in points:
        p = torch.tensor(float(p))
        slope = float(df(p))
        sign = 0 if abs(slope) < 1e-6 else (1 if slope > 0 else -1)
        t = torch.linspace(float(p) - half_width, float(p) + half_width, 2)
        ax.plot(t, float(f(p)) + slope * (t - p), color=colours[sign], lw=2.2,
                label=None if sign in shown else names[sign])
        ax.plot([float(p)], [float(f(p))], "o", color=colours[sign], ms=6)
        shown.add(sign)
    ax.set_xlabel("x")
    ax.set_ylabel(label)
    ax.legend(loc="upper center", fontsize=8)
    fig.tight_layout()
    return fig


def plot_function_and_derivative(x: torch.Tensor, y: torch.Tensor, dy: torch.Tensor,
                                 reference: torch.Tensor | None = None,
                                 labels: Sequence[str] = ("f(x)", "autograd f'(x)",
                                                          "exact f'(x)")):
    """Plot a function ``y`` of ``x``, its derivative ``dy`` computed by autograd, and
    optionally the exact derivative ``reference`` as a dashed line on top."""
    x, y, dy = (t.detach().cpu() for t in (x, y, dy))
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    ax.plot(x, y, lw=2, color=PALETTE[0], label=labels[0])
    ax.plot(x, dy, lw=4, alpha=0.6, color=PALETTE[1], label=labels[1])
    if reference is not None:
        ax.plot(x, reference.detach().cpu(), "--", lw=1.5, color="#000000", label=labels[2])
    ax.set_xlabel("x")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------
# The lecture's three-operator DAG
# --------------------------------------------------------------------------------------

def lecture_dag(backward: bool = False) -> Graph:
    """The DAG of Fleuret's lecture: ``x1 = phi1(x0; w1)``, ``x2 = phi2(x0, x1; w2)``,
    ``x3 = phi3(x1, x2; w1)``. With ``backward=True`` every arrow is reversed and each
    tensor node holds the gradient of the loss with respect to it."""
    g = Graph()
    step = 1.6  # horizontal distance between a tensor and the next operator
    name = (lambda v: f"$\\partial\\ell/\\partial {v}$") if backward else (lambda v: f"${v}$")
    for i in range(4):
        g.node(f"x{i}", (2 * step * i, 0.0), "tensor", name(f"x^{{({i})}}"))
    for i in (1, 2, 3):
        g.node(f"phi{i}", ((2 * i - 1) * step, 0.0), "op", f"$\\phi^{{({i})}}$")
    g.node("w1", (3 * step, 1.7), "param", name("w^{(1)}"))
    g.node("w2", (3 * step, 0.9), "param", name("w^{(2)}"))
    g.node("loss", (7 * step + 0.4, 0.0), "output", "$\\ell$")
    data = [("x0", "phi1", 0.0), ("phi1", "x1", 0.0), ("x1", "phi2", 0.0),
            ("phi2", "x2", 0.0), ("x2", "phi3", 0.0), ("phi3", "x3", 0.0),
            ("x0", "phi2", 0.4), ("x1", "phi3", 0.4), ("x3", "loss", 0.0)]
    params = [("w1", "phi1"), ("w1", "phi3"), ("w2", "phi2")]
    ink = BACKWARD_INK if backward else FORWARD_INK
    for s, t, rad in data:
        if backward:  # reversed, so bend the other way to stay below the row
            s, t, rad = t, s, -rad
        g.edge(s, t, rad=rad, color=ink)
    for s, t in params:
        g.edge(*((t, s) if backward else (s, t)), color=BACKWARD_INK if backward else PALETTE[1])
    return g


def draw_lecture_dag(backward: bool = False):
    """The lecture's DAG, forward (data flows left to right, parameters feed the operators)
    or backward (gradients flow right to left, into the activations and the parameters)."""
    return draw_graph(lecture_dag(backward), figsize=(7.0, 2.2), fontsize=11)


# --------------------------------------------------------------------------------------
# The graph autograd records
# --------------------------------------------------------------------------------------

def autograd_graph(output: torch.Tensor, names: Mapping[str, torch.Tensor] | None = None
                   ) -> tuple[list[tuple[int, str, str]], list[tuple[int, int]]]:
    """Walk the backward graph of ``output`` through ``grad_fn.next_functions``.

    Returns ``(nodes, edges)``: nodes as ``(id, kind, label)`` with kind ``"grad_fn"`` or
    ``"leaf"`` (an ``AccumulateGrad`` node, labelled with the leaf's name from ``names`` or
    its shape), edges as ``(id_from, id_to)`` in the direction the gradient travels (from
    the output towards the leaves). Raises ``ValueError`` if ``output`` has no graph."""
    if output.grad_fn is None:
        raise ValueError("this tensor has no grad_fn: it is a leaf or was computed without "
                         "any input that requires grad")
    leaf_names = {id(t): n for n, t in (names or {}).items()}
    nodes: dict[int, tuple[str, str]] = {}
    edges: list[tuple[int, int]] = []
    # Every node object stays referenced until the walk ends: a node's id() is its identity
    # only while it is alive (PyTorch hands out one Python object per live graph node, and
    # an id freed by the garbage collector can be given to the next node).
    alive = []
    stack = [output.grad_fn]
    while stack:
        fn = stack.pop()
        alive.append(fn)
        if id(fn) in nodes:
            continue
        if hasattr(fn, "variable"):  # AccumulateGrad: the door into a leaf's .grad
            var = fn.variable
            label = leaf_names.get(id(var), f"leaf {tuple(var.shape)}")
            nodes[id(fn)] = ("leaf", label)
        else:
            nodes[id(fn)] = ("grad_fn", type(fn).__name__)
        for nxt, _ in fn.next_functions:
            if nxt is not None:
                edges.append((id(fn), id(nxt)))
                stack.append(nxt)
    return [(i, k, lab) for i, (k, lab) in nodes.items()], edges


def _layers(edges: list[tuple[int, int]], root: int) -> dict[int, int]:
    """Depth of each node: its longest distance from the root (so a leaf used at several
    depths sits to the right of all of its users)."""
    children: dict[int, list[int]] = {}
    for a, b in edges:
        children.setdefault(a, []).append(b)
    depth = {root: 0}
    changed, rounds = True, 0
    while changed:  # longest-path relaxation; the graph is a small DAG
        changed, rounds = False, rounds + 1
        if rounds > len(edges) + 2:
            raise ValueError("the backward graph has a cycle: it is not a DAG")
        for a in list(depth):
            for b in children.get(a, []):
                if depth.get(b, -1) < depth[a] + 1:
                    depth[b] = depth[a] + 1
                    changed = True
    return depth


def draw_autograd_graph(output: torch.Tensor, names: Mapping[str, torch.Tensor] | None = None,
                        output_name: str = "output", short: bool = True,
                        vertical: bool | None = None, ax=None, figsize=None):
    """Draw the backward graph of ``output``, from the output to the leaves: one box per
    ``grad_fn`` node, green boxes for the leaves whose ``.grad`` is filled.

    The graph runs left to right, or top to bottom when ``vertical`` (by default, when it
    is more than five nodes deep). With ``short``, ``TanhBackward0`` is written ``Tanh``.
    An arrow that jumps over levels is routed through waypoints that get their own slot
    in each level, so that it never passes behind a box."""
    nodes, edges = autograd_graph(output, names)
    root = nodes[0][0]  # the output's grad_fn, the first node of the walk
    depth = _layers(edges, root)
    levels: dict[int, list] = {}
    for i, _, _ in nodes:
        levels.setdefault(depth[i], []).append(i)
    parents: dict = {}
    routes = []  # (source, target, waypoints)
    for a, b in edges:
        chain = [a] + [(a, b, d) for d in range(depth[a] + 1, depth[b])] + [b]
        for d, (p, q) in zip(range(depth[a] + 1, depth[b] + 1), zip(chain, chain[1:])):
            parents.setdefault(q, []).append(p)
            if q != b:
                levels[d].append(q)
        routes.append((a, b, chain[1:-1]))
    n_levels = max(depth.values()) + 2  # the output box, then one level per depth
    width = max(len(v) for v in levels.values())
    if vertical is None:
        vertical = n_levels > 6
    along, across = (0.75, 2.0) if vertical else (1.6, 0.8)

    def place(level: int, off: float) -> tuple[float, float]:
        return (off * across, -level * along) if vertical else (level * along, -off * across)

    g = Graph()
    g.node("out", place(0, 0.0), "output", output_name)
    info = {i: (k, lab) for i, k, lab in nodes}
    offset: dict = {root: 0.0}
    where: dict = {}
    for d in sorted(levels):
        ids = levels[d]
        # Order each level by the mean offset of the node's parents (fewer crossings).
        ids.sort(key=lambda i: sum(offset[p] for p in parents.get(i, [root]))
                 / len(parents.get(i, [root])))
        for j, i in enumerate(ids):
            offset[i] = j - (len(ids) - 1) / 2
            where[i] = place(d + 1, offset[i])
            if i in info:
                kind, lab = info[i]
                if short and kind == "grad_fn":
                    lab = lab.replace("Backward0", "").replace("Backward1", "")
                g.node(str(i), where[i], kind, lab)
    g.edge("out", str(root), color=BACKWARD_INK)
    for a, b, via in routes:
        g.edge(str(a), str(b), color=BACKWARD_INK, via=[where[v] for v in via])
    if figsize is None:
        figsize = ((max(3.5, 1.5 + 1.8 * width), 0.6 + 0.55 * n_levels) if vertical else
                   (min(0.6 + 1.2 * n_levels, 10.0), 0.8 + 0.55 * width))
    return draw_graph(g, figsize=figsize, box_w=0.8, fontsize=10, ax=ax)
