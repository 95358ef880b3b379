"""Drawing primitives of the figure modules: boxes, table cells, arrows, numbers as short
text, blank canvases, and the colours they share. Private to :mod:`dlbook_code.figures` (the
book's figure code, not an API)."""

from __future__ import annotations

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

INK = "#222222"        # text and outlines of diagrams: dark, legible in both themes
HIGHLIGHT = "#F5C26B"  # fill of highlighted cells: a light version of PALETTE[4], the orange


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
          shrink: float = 0) -> None:
    """An arrow from ``start`` to ``end``, bent by ``rad`` (matplotlib's ``arc3``); ``size``
    scales the head, ``shrink`` (points) stops it short of both ends."""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=size,
                                 connectionstyle=f"arc3,rad={rad}", color=color, linewidth=lw,
                                 shrinkA=shrink, shrinkB=shrink))


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
