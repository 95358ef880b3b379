"""Drawing primitives of the figure modules: boxes, table cells, arrows, numbers as short
text, blank canvases, graphs of boxes and arrows (computation graphs), and the colours they
share. Private to :mod:`dlbook_code.figures` (the book's figure code, not an API)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from ..plots import PALETTE, tint

INK = "#222222"        # text and outlines of diagrams: dark, legible in both themes
HIGHLIGHT = tint(PALETTE[4], 0.6)  # fill of highlighted cells: a light orange

# Node kinds of a Graph and their colours: data tensors, operators, parameters, the backward
# engine's nodes (grad_fn objects) and the leaves where gradients accumulate.
STYLE = {
    "tensor": dict(face="#FFFFFF", edge="#000000"),
    "op": dict(face=tint(PALETTE[0], 0.16), edge=PALETTE[0]),
    "param": dict(face=tint(PALETTE[1], 0.16), edge=PALETTE[1]),
    "grad_fn": dict(face=tint(PALETTE[0], 0.16), edge=PALETTE[0]),
    "leaf": dict(face=tint(PALETTE[2], 0.16), edge=PALETTE[2]),
    "output": dict(face=tint(PALETTE[3], 0.22), edge=PALETTE[3]),
}
FORWARD_INK = "#000000"
BACKWARD_INK = PALETTE[1]


def box(ax, x: float, y: float, w: float, h: float, text: str = "", *, fill: str = "white",
        edge: str = INK, ink: str = INK, lw: float = 1.0, fontsize: float = 8.5,
        style: str = "round,pad=0.02,rounding_size=0.06", zorder: float | None = None):
    """A ``w × h`` box centred on ``(x, y)`` with ``text`` in its middle; returns the patch.
    ``style="square,pad=0"`` draws a plain rectangle; ``zorder`` puts the text just above."""
    z = {} if zorder is None else {"zorder": zorder}
    patch = FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle=style, facecolor=fill,
                           edgecolor=edge, linewidth=lw, **z)
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color=ink,
            **({} if zorder is None else {"zorder": zorder + 1}))
    return patch


def cell(ax, x: float, y: float, text: str = "", *, size: float = 1.0, fill: str = "white",
         edge: str = "black", ink: str = "black", fontsize: float = 11):
    """A square cell of a table of values, its lower-left corner at ``(x, y)``."""
    return box(ax, x + size / 2, y + size / 2, size, size, text, fill=fill, edge=edge, ink=ink,
               fontsize=fontsize, style="square,pad=0")


def arrow(ax, start: tuple[float, float], end: tuple[float, float], *, color: str = INK,
          lw: float = 1.1, rad: float = 0.0, style: str = "-|>", size: float = 10,
          shrink: float = 0, **options) -> FancyArrowPatch:
    """An arrow from ``start`` to ``end``, bent by ``rad`` (matplotlib's ``arc3``); ``size``
    scales the head, ``shrink`` (points) stops it short of both ends. Further ``options``
    go to the patch (``linestyle``, ``zorder``, ``gid``...); returns the patch."""
    return ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=size,
                                        connectionstyle=f"arc3,rad={rad}", color=color,
                                        linewidth=lw, shrinkA=shrink, shrinkB=shrink,
                                        **options))


def fmt_number(v, fmt: str | None = None, digits: int = 3) -> str:
    """A number (or 0d tensor) as short text: with ``fmt`` if given; booleans as T or F;
    whole numbers without a decimal point; others to ``digits`` significant digits."""
    if fmt is not None:
        return format(v, fmt)
    if isinstance(v, bool):
        return "T" if v else "F"
    if isinstance(v, int):
        return str(v)
    v = float(v)
    return str(int(v)) if v.is_integer() else f"{v:.{digits}g}"


def blank(ax, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
    """Make ``ax`` a canvas for a diagram: these limits, equal scales, no axes."""
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")


# --- a graph of boxes and arrows ---------------------------------------------------------

@dataclass
class Graph:
    """Nodes with positions, a kind (a key of ``STYLE``) and a label; edges between them.

    Each edge is ``(source, target, options)`` where options may hold ``rad`` (curvature),
    ``color``, ``linestyle``, ``via`` (waypoints the arrow passes through), ``label`` and
    ``label_pos`` (0 to 1 along the edge)."""

    pos: dict[str, tuple[float, float]] = field(default_factory=dict)
    kind: dict[str, str] = field(default_factory=dict)
    label: dict[str, str] = field(default_factory=dict)
    edges: list[tuple[str, str, dict]] = field(default_factory=list)

    def node(self, name: str, xy: tuple[float, float], kind: str, label: str) -> None:
        self.pos[name], self.kind[name], self.label[name] = xy, kind, label

    def edge(self, source: str, target: str, **options) -> None:
        self.edges.append((source, target, options))


def draw_graph(g: Graph, figsize: tuple[float, float] = (7.5, 3.0), box_w: float = 0.62,
               box_h: float = 0.36, fontsize: int = 11, ax=None):
    """Draw ``g``: rounded boxes at ``g.pos`` and arrows that stop at the box borders."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = ax.figure
    waypoints = [p for _, _, o in g.edges for p in o.get("via", [])]
    xs = [p[0] for p in list(g.pos.values()) + waypoints]
    ys = [p[1] for p in list(g.pos.values()) + waypoints]
    xlim = (min(xs) - 0.7, max(xs) + 0.7)
    sag = max([abs(o.get("rad", 0.0)) * abs(g.pos[t][0] - g.pos[s_][0]) / 2
               for s_, t, o in g.edges
               if abs(g.pos[t][0] - g.pos[s_][0]) > abs(g.pos[t][1] - g.pos[s_][1])]
              + [0.0])  # how far curved horizontal arrows dip below
    ylim = (min(ys) - 0.35 - sag, max(ys) + 0.35)
    # Data units per inch once the equal-aspect axes fill the figure: boxes fit their text.
    w_in, h_in = fig.get_size_inches()
    per_inch = max((xlim[1] - xlim[0]) / (0.95 * w_in), (ylim[1] - ylim[0]) / (0.95 * h_in))
    char = 0.6 * fontsize / 72 * per_inch
    widths = {name: max(box_w, char * len(_plain(g.label[name])) + 0.15) for name in g.pos}
    xlim = (min([x - widths[n] / 2 for n, (x, _) in g.pos.items()] + xs) - 0.1,
            max([x + widths[n] / 2 for n, (x, _) in g.pos.items()] + xs) + 0.1)
    patches = {}
    for name, (x, y) in g.pos.items():
        style = STYLE[g.kind[name]]
        width = widths[name]
        patches[name] = box(ax, x, y, width, box_h, g.label[name], fill=style["face"],
                            edge=style["edge"], ink="black", lw=1.5, fontsize=fontsize,
                            style="round,pad=0.02,rounding_size=0.08", zorder=3)
    for source, target, opt in g.edges:
        color = opt.get("color", FORWARD_INK)
        linestyle = opt.get("linestyle", "-")
        start = g.pos[source]
        if opt.get("via"):  # a polyline through the waypoints, then the arrow
            points = [start] + list(opt["via"])
            ax.plot([p[0] for p in points], [p[1] for p in points], color=color, lw=1.4,
                    zorder=2, solid_capstyle="round", linestyle=linestyle)
            start = points[-1]
        arrow = FancyArrowPatch(start, g.pos[target],
                                patchA=None if opt.get("via") else patches[source],
                                shrinkA=0 if opt.get("via") else 2,
                                patchB=patches[target], arrowstyle="-|>", mutation_scale=13,
                                connectionstyle=f"arc3,rad={opt.get('rad', 0.0)}",
                                color=color, lw=1.4, zorder=2, linestyle=linestyle,
                                gid=f"{source}->{target}")
        ax.add_patch(arrow)
        if "label" in opt:
            (x0, y0), (x1, y1) = start, g.pos[target]
            t = opt.get("label_pos", 0.5)
            dx, dy = opt.get("label_offset", (0.0, 0.0))
            ax.text(x0 + t * (x1 - x0) + dx, y0 + t * (y1 - y0) + dy, opt["label"],
                    ha="center", va="center", fontsize=fontsize - 2, color=color, zorder=5,
                    bbox=dict(facecolor="white", edgecolor="none", pad=0.5))
    blank(ax, xlim, ylim)
    fig.tight_layout()
    return fig


def _plain(label: str) -> str:
    """The visible characters of a label, roughly (to size its box): in math (between
    ``$``), a TeX command is one glyph (``\\mu``) or none (accents and spaces such as
    ``\\hat``, ``\\,``), and spaces do not show; outside, every character shows."""
    parts = label.split("$")
    for k in range(1, len(parts), 2):  # the math
        math = re.sub(r"\\(hat|tilde|bar|left|right|mathrm|[,;:! ])", "", parts[k])
        math = re.sub(r"\\[A-Za-z]+", "x", math)
        for token in ("^", "{", "}", "_", " "):
            math = math.replace(token, "")
        parts[k] = math
    return "".join(parts)
