"""Diagrams for the Tensors part: tensors drawn as grids of their values (the book's
figure code, not an API).

- :func:`draw_tensors` draws one or more tensors (0d to 3d) side by side as tables of
  numbers, with optional highlighted or faded cells and operators between them (the
  pictures of views, slicing, transposition, expansion and broadcasting);
- :func:`view_mask` gives the coefficients of a tensor that a view of it reads (from
  :func:`dlbook_code.measure.storage_indices`, what the strides compute);
- :func:`draw_strides` draws a tensor over its 1d storage, colouring each row of the tensor
  and the storage cells it reads, with the offset and strides marked;
- :func:`draw_float32` draws the 32 bits of an IEEE-754 single-precision number.

Every function returns the matplotlib ``Figure``; colours come from the book's palette and
the figures are opaque white, so they read the same in the light and dark themes.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.patches import Rectangle

from ..measure import float32_fields, storage_indices
from ..plots import PALETTE, YELLOW, tint
from ._draw import HIGHLIGHT, arrow, blank, cell, fmt_number

FADED = "#B0B0B0"       # text of faded cells (say, coefficients replicated by expand)
ROW_FILLS = [tint(PALETTE[5], 0.5), tint(PALETTE[4], 0.5), tint(PALETTE[2], 0.4),
             tint(PALETTE[3], 0.45), tint(PALETTE[0], 0.3), tint(YELLOW, 0.5)]


def _as_3d(t: torch.Tensor) -> torch.Tensor:
    """Any tensor of 0 to 3 axes as (slices, rows, cols)."""
    if t.dim() > 3:
        raise ValueError(f"can draw tensors of at most 3 axes, got shape {tuple(t.shape)}")
    while t.dim() < 3:
        t = t.unsqueeze(0)
    return t


def _extent(t: torch.Tensor, gap: float) -> tuple[float, float]:
    """Width and height, in cells, of a tensor drawn as slices side by side."""
    s, r, c = _as_3d(t).shape
    return s * c + (s - 1) * gap, r


def _draw_one(ax, t: torch.Tensor, x0: float, y0: float, gap: float, fontsize: float,
              highlight=None, faded=None, fills=None, fmt=None) -> None:
    t3 = _as_3d(t.detach().cpu())
    h3 = None if highlight is None else _as_3d(torch.as_tensor(highlight).cpu())
    f3 = None if faded is None else _as_3d(torch.as_tensor(faded).cpu())
    s, r, c = t3.shape
    for k in range(s):
        xs = x0 + k * (c + gap)
        for i in range(r):
            for j in range(c):
                fill = "white"
                if fills is not None:
                    fill = fills[k][i][j] or "white"
                if h3 is not None and bool(h3[k, i, j]):
                    fill = HIGHLIGHT
                colour = FADED if f3 is not None and bool(f3[k, i, j]) else "black"
                cell(ax, xs + j, y0 + i, fmt_number(t3[k, i, j].item(), fmt), fill=fill,
                     edge="#333333", ink=colour, fontsize=fontsize)
        if s > 1:  # name the slice, as the index of the first axis
            ax.text(xs + c / 2, y0 + r + 0.35, f"[{k}]", ha="center", va="top",
                    fontsize=fontsize * 0.8, color="#555555", family="monospace")


def draw_tensors(items: Sequence, between: Sequence[str] | None = None, ncols: int | None = None,
                 cell: float = 0.42, max_width: float = 9.0, fmt: str | None = None,
                 title: str | None = None):
    """Draw tensors of 0 to 3 axes as grids of their values, side by side.

    ``items`` holds ``(label, tensor)`` or ``(label, tensor, highlight)`` or
    ``(label, tensor, highlight, faded)``: ``highlight`` and ``faded`` are boolean tensors of
    the tensor's shape (or ``None``) marking cells to fill in colour or to write in grey. A 3d
    tensor ``(S, R, C)`` is drawn as its ``S`` matrices side by side, each named by its index
    ``[k]``. ``between`` puts a symbol (``"+"``, ``"="``, ``"→"``) between consecutive panels;
    ``ncols`` wraps the panels into rows.
    """
    items = [tuple(it) + (None,) * (4 - len(it)) for it in items]
    n = len(items)
    ncols = ncols or n
    gap3, hgap, vgap = 0.6, 1.6, 1.8
    exts = [_extent(_as_3d(t), gap3) for _, t, _, _ in items]
    rows = [list(range(i, min(i + ncols, n))) for i in range(0, n, ncols)]
    widths = [sum(exts[i][0] for i in row) + hgap * (len(row) - 1) for row in rows]
    heights = [max(exts[i][1] for i in row) for row in rows]
    total_w = max(widths)
    total_h = sum(heights) + vgap * len(rows) + 0.6 * (len(rows) - 1)
    cell = min(cell, max_width / total_w)
    fontsize = max(5.0, cell * 72 * 0.36)
    fig = plt.figure(figsize=(total_w * cell + 0.2, total_h * cell + 0.2 + 0.3 * bool(title)))
    ax = fig.add_axes([0, 0, 1, 1])  # type: ignore[call-overload]  # stubs: a tuple
    y = 1.1
    for row, height in zip(rows, heights):
        x = 0.0
        for pos, i in enumerate(row):
            label, t, hl, fd = items[i]
            w, h = exts[i]
            y0 = y + (height - h) / 2
            _draw_one(ax, t, x, y0, gap3, fontsize, hl, fd, fmt=fmt)
            if label:
                ax.text(x + w / 2, y0 - 0.25, label, ha="center", va="bottom",
                        fontsize=fontsize, family="monospace")
            if between is not None and i < n - 1 and pos < len(row) - 1:
                ax.text(x + w + hgap / 2, y + height / 2, between[i], ha="center",
                        va="center", fontsize=fontsize * 1.5)
            x += w + hgap
        y += height + vgap + 0.6
    blank(ax, (-0.1, total_w + 0.1), (total_h + 0.1, -0.1))
    if title:
        fig.suptitle(title, fontsize=fontsize * 1.1)
    return fig


def view_mask(base: torch.Tensor, view: torch.Tensor) -> torch.Tensor:
    """The coefficients of ``base`` that ``view`` (a view of the same storage) reads."""
    if base.untyped_storage().data_ptr() != view.untyped_storage().data_ptr():
        raise ValueError("view does not share base's storage: it is a copy, not a view")
    return torch.isin(storage_indices(base), storage_indices(view).reshape(-1))


def storage_of(t: torch.Tensor) -> torch.Tensor:
    """The whole storage under ``t`` as a 1d tensor of ``t``'s dtype (no copy)."""
    n = t.untyped_storage().nbytes() // t.element_size()
    return torch.empty(0, dtype=t.dtype, device=t.device).set_(t.untyped_storage(), 0, (n,), (1,))


def draw_strides(t: torch.Tensor, label: str | None = None, cell: float = 0.42,
                 max_width: float = 9.0, fmt: str | None = None):
    """A 2d (or 1d) tensor over its 1d storage.

    The storage is drawn on top, its indices above it; the tensor below. Each row of the
    tensor has its own colour, and the storage cells it reads take that colour, so the jump
    of ``stride(0)`` between rows and ``stride(1)`` between columns shows directly. Arcs
    mark the offset and the two strides from the first coefficient.
    """
    t2 = t if t.dim() == 2 else t.reshape(1, -1) if t.dim() < 2 else None
    if t2 is None:
        raise ValueError(f"draw_strides draws 1d or 2d tensors, got shape {tuple(t.shape)}")
    store = storage_of(t).detach().cpu()
    idx = storage_indices(t2)
    n = store.numel()
    r, c = t2.shape
    store_fill: list[list[list[str | None]]] = [[[None] * n]]
    t_fill = [[[ROW_FILLS[i % len(ROW_FILLS)]] * c for i in range(r)]]
    for i in range(r):
        for j in range(c):
            k = int(idx[i, j])
            if store_fill[0][0][k] is None:
                store_fill[0][0][k] = ROW_FILLS[i % len(ROW_FILLS)]
    width = max(n, c) + 0.2
    cell = min(cell, max_width / width)
    fontsize = max(5.0, cell * 72 * 0.36)
    y_store = 2.6
    y_t = y_store + 1 + 2.2
    height = y_t + r + 1.0
    fig = plt.figure(figsize=(width * cell + 0.2, height * cell + 0.2))
    ax = fig.add_axes([0, 0, 1, 1])  # type: ignore[call-overload]  # stubs: a tuple
    _draw_one(ax, store, 0, y_store, 0.6, fontsize, fills=store_fill, fmt=fmt)
    for k in range(n):
        ax.text(k + 0.5, y_store - 0.1, str(k), ha="center", va="bottom",
                fontsize=fontsize * 0.75, color="#555555")
    ax.text(0, 0.0, "storage", ha="left", va="top", fontsize=fontsize, family="monospace")
    # one step along each axis, from the first coefficient: the stride of the last axis
    # under the storage, the stride of the first axis over it
    first = int(idx[0, 0])
    for axis, (size, step) in enumerate(zip(t2.shape, t2.stride())):
        if size < 2 or step == 0 or t.dim() < 2 and axis == 0:
            continue
        below = axis == 1
        y_arc = y_store + 1.1 if below else y_store - 0.55
        arrow(ax, (first + 0.5, y_arc), (first + step + 0.5, y_arc), color="#333333", lw=0.9,
              rad=0.4 if below else -0.3, size=8, shrink=2)
        name = f"stride({axis if t.dim() == 2 else 0})={step}"
        bulge = (0.2 if below else 0.15) * abs(step) + 0.15
        ax.text(first + step / 2 + 0.5, y_arc + bulge if below else y_arc - bulge, name,
                ha="center", va="top" if below else "bottom", fontsize=fontsize * 0.8)
    x_t = max(0.0, min(first + 0.5 - c / 2, n - c))
    _draw_one(ax, t2.detach().cpu(), x_t, y_t, 0.6, fontsize, fills=t_fill, fmt=fmt)
    desc = label or "tensor"
    desc += f"   offset={t.storage_offset()}  size={tuple(t.shape)}  stride={tuple(t.stride())}"
    ax.text(x_t, y_t + r + 0.25, desc, ha="left", va="top", fontsize=fontsize,
            family="monospace")
    # the offset: an arrow from the first coefficient to the storage cell it reads
    arrow(ax, (x_t + 0.5, y_t), (first + 0.5, y_store + 1.0), color=PALETTE[0], lw=1.2,
          size=9, shrink=1)
    ax.text(max(x_t, first) + 1.1, y_t - 0.5, f"offset={first}",
            ha="left", va="center", fontsize=fontsize * 0.8, color=PALETTE[0])
    blank(ax, (-0.1, width), (height, -0.1))
    return fig


def draw_float32(value: float, cell: float = 0.27):
    """The 32 bits of ``value`` as a float32: sign, exponent and mantissa in three colours,
    bit positions 31, 30, 23, 22 and 0 marked, and the decoded value written below."""
    sign, exp, man = float32_fields(value)
    bits = f"{sign:01b}{exp:08b}{man:023b}"
    fills = [ROW_FILLS[0]] + [ROW_FILLS[2]] * 8 + [ROW_FILLS[1]] * 23  # sign, exponent, mantissa
    fig = plt.figure(figsize=(32 * cell + 0.3, 4.2 * cell + 0.5))
    ax = fig.add_axes([0, 0, 1, 1])  # type: ignore[call-overload]  # stubs: a tuple
    fontsize = cell * 72 * 0.45
    for k, (b, f) in enumerate(zip(bits, fills)):
        ax.add_patch(Rectangle((k, 1), 1, 1.2, facecolor=f, edgecolor="#333333", linewidth=0.8))
        ax.text(k + 0.5, 1.6, b, ha="center", va="center", fontsize=fontsize)
        if 31 - k in (31, 30, 23, 22, 0):
            ax.text(k + 0.5, 0.9, str(31 - k), ha="center", va="bottom",
                    fontsize=fontsize * 0.8, color="#555555")
    for x0, x1, name in ((0, 1, "sign"), (1, 9, "exponent (8 bits)"),
                         (9, 32, "mantissa (23 bits)")):
        ax.text((x0 + x1) / 2, 2.5, name, ha="center", va="top", fontsize=fontsize * 0.9)
    frac = 1 + man / 2**23
    ax.text(16, 3.6, f"{value:g} = (-1)^{sign} × 2^({exp} - 127) × {frac:.7g}",
            ha="center", va="top", fontsize=fontsize * 1.05, family="monospace")
    blank(ax, (-0.1, 32.1), (4.3, -0.1))
    return fig


def draw_fit(x: torch.Tensor, y: torch.Tensor, lines: dict[str, tuple[float, float]],
             xlabel: str = "x", ylabel: str = "y", marked: Sequence[int] = ()):
    """Data points ``(x, y)`` and one or more straight lines ``label -> (a, b)`` for
    ``y = a x + b``; points whose indices are in ``marked`` are circled."""
    fig, ax = plt.subplots(figsize=(5.6, 3.6))
    x, y = x.detach().cpu().double(), y.detach().cpu().double()
    ax.scatter(x.numpy(), y.numpy(), s=22, color="black", zorder=3, label="data")
    for i in marked:
        ax.scatter([x[i].item()], [y[i].item()], s=160, facecolors="none",
                   edgecolors=PALETTE[1], linewidths=1.5, zorder=4)
    span = x.max() - x.min()
    grid = torch.linspace(x.min() - 0.05 * span, x.max() + 0.05 * span, 50)
    for k, (label, (a, b)) in enumerate(lines.items()):
        ax.plot(grid.numpy(), (a * grid + b).numpy(), color=PALETTE[k % len(PALETTE)],
                linestyle="-" if k == 0 else "--", label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    fig.tight_layout()
    return fig


def draw_image_file(path, title: str | None = None, width: float = 8.0):
    """An image file (say a grid written by ``torchvision.utils.save_image``) shown at its
    aspect ratio, without axes: what the reader would see opening the file."""
    img = plt.imread(str(path))
    h, w = img.shape[:2]
    fig = plt.figure(figsize=(width, width * h / w + (0.3 if title else 0)))
    ax = fig.add_axes([0, 0, 1, 1 if not title else 1 - 0.3 / (width * h / w + 0.3)])  # type: ignore[call-overload]
    ax.imshow(img, interpolation="nearest")
    ax.axis("off")
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def draw_audio(wave: torch.Tensor, sample_rate: int, spec: torch.Tensor, hop: int,
               show_ms: float = 25.0):
    """A sound as tensors: the first ``show_ms`` milliseconds of the 1d waveform ``wave``
    (samples), and its magnitude spectrogram ``spec`` (frequencies, frames) in decibels, the
    2d tensor that audio networks often take as input."""
    wave, spec = wave.detach().cpu(), spec.detach().cpu()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.0))
    n = int(sample_rate * show_ms / 1000)
    t_ms = torch.arange(n) / sample_rate * 1000
    ax1.plot(t_ms.numpy(), wave[:n].numpy(), linewidth=1.0)
    ax1.set_xlabel("time (ms)")
    ax1.set_ylabel("amplitude")
    ax1.set_title(f"waveform: {wave.numel()} samples", fontsize=9)
    db = 20 * torch.log10(spec.clamp_min(1e-6))
    extent = [0, spec.shape[1] * hop / sample_rate, 0, sample_rate / 2]
    ax2.imshow(db.numpy(), origin="lower", aspect="auto", extent=extent, cmap="magma",
               vmin=db.max().item() - 80)
    ax2.set_xlabel("time (s)")
    ax2.set_ylabel("frequency (Hz)")
    ax2.set_title(f"spectrogram: {spec.shape[0]} × {spec.shape[1]} tensor", fontsize=9)
    ax2.grid(False)
    fig.tight_layout()
    return fig
