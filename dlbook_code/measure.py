"""Measuring models and tensors: the questions a chapter answers by computation.

- models: :func:`num_params`, :func:`summary` (each layer's output shape and parameters),
  :func:`count_macs` (multiply-accumulates per image), :func:`conv_output_size` (the size
  formula of a convolution or pooling), :func:`smallest_input` (the least image size a
  network accepts), :func:`stage_sizes` (the shape after each stage);
- tensors: :func:`storage_indices` (where each coefficient of a tensor sits in its storage)
  and :func:`float32_fields` (the three fields of an IEEE-754 float32).

Functions that run a model put it in eval mode for the probe and restore its mode after.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence

import torch
from torch import nn

from .train import eval_mode

# --- models ---------------------------------------------------------------------------------


def num_params(model: nn.Module, trainable_only: bool = True) -> int:
    """The number of (trainable) parameters of ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def conv_output_size(size: int, kernel: int, padding: int = 0, stride: int = 1,
                     dilation: int = 1) -> int:
    """Output length of a convolution or pooling along one axis:
    ``floor((size + 2 padding - dilation (kernel - 1) - 1) / stride) + 1``."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _device(model: nn.Module) -> torch.device:
    p = next(model.parameters(), None)
    return p.device if p is not None else torch.device("cpu")


def summary(model: nn.Module, input_size: Sequence[int], depth: int = 1,
            print_fn: Callable[[str], None] = print) -> list[tuple[str, tuple[int, ...], int]]:
    """Walk a zero tensor of shape ``input_size`` (``(N, C, H, W)``) through ``model`` and
    print each submodule's output shape and parameter count, down to ``depth`` levels.

    Returns the rows ``(name, output_shape, params)``.
    """
    rows: list[tuple[str, tuple[int, ...], int]] = []
    hooks = []

    def visit(module: nn.Module, prefix: str, d: int) -> None:
        for name, child in module.named_children():
            full = f"{prefix}.{name}" if prefix else name
            if d + 1 == depth or not any(True for _ in child.children()):
                label = f"{full} ({type(child).__name__})"
                params = num_params(child, trainable_only=False)
                hooks.append(child.register_forward_hook(
                    lambda m, i, o, label=label, params=params:
                    rows.append((label, tuple(o.shape), params))))
            else:
                visit(child, full, d + 1)

    visit(model, "", 0)
    try:
        with eval_mode(model), torch.no_grad():
            model(torch.zeros(*input_size, device=_device(model)))
    finally:
        for h in hooks:
            h.remove()
    width = max([len(r[0]) for r in rows] + [5])
    print_fn(f"{'layer':<{width}}  {'output shape':<20} {'params':>12}")
    for label, shape, params in rows:
        print_fn(f"{label:<{width}}  {str(shape):<20} {params:>12,}")
    print_fn(f"{'total':<{width}}  {'':<20} {num_params(model, False):>12,}")
    return rows


def count_macs(model: nn.Module, input_size: Sequence[int]) -> int:
    """Multiply-accumulates of one forward pass per sample, counting convolutions and linear
    layers (the bulk of the work; activations, pooling and norms are left out)."""
    total = 0

    def conv_hook(m: nn.Conv2d, inp, out):
        nonlocal total
        kh, kw = m.kernel_size
        total += out[0].numel() * (m.in_channels // m.groups) * kh * kw

    def linear_hook(m: nn.Linear, inp, out):
        nonlocal total
        total += out[0].numel() * m.in_features

    hooks = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear_hook))
    try:
        with eval_mode(model), torch.no_grad():
            model(torch.zeros(1, *input_size[1:], device=_device(model)))
    finally:
        for h in hooks:
            h.remove()
    return total


def _runs(model: nn.Module, in_channels: int, size: int) -> bool:
    try:
        with torch.no_grad():
            model(torch.zeros(1, in_channels, size, size, device=_device(model)))
        return True
    except RuntimeError:
        return False


def smallest_input(model: nn.Module, in_channels: int = 1, max_size: int = 512) -> int:
    """The least ``s`` such that ``model`` accepts a ``(1, in_channels, s, s)`` input,
    found by trying sizes (the forward pass raises when a map shrinks to nothing).

    Assumes that every size above a working one also works, which holds for chains of
    convolutions and poolings. Raises ``ValueError`` if not even ``max_size`` works.
    """
    with eval_mode(model):
        # double until a size works (cheap: small inputs first), then bisect
        lo, hi = 0, 1  # invariant once found: lo fails (or is 0), hi works
        while not _runs(model, in_channels, hi):
            if hi >= max_size:
                raise ValueError(f"the model rejects even {max_size}×{max_size} inputs")
            lo, hi = hi, min(2 * hi, max_size)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _runs(model, in_channels, mid):
                hi = mid
            else:
                lo = mid
        return hi


def stage_sizes(stages: Sequence[nn.Module], input_size: Sequence[int]) -> list[tuple[int, ...]]:
    """Walk a zero tensor of shape ``input_size`` through ``stages`` in turn and return the
    shape after each one (without the batch axis)."""
    x = torch.zeros(*input_size)
    shapes = []
    with torch.no_grad():
        for stage in stages:
            with eval_mode(stage):
                x = stage(x)
            shapes.append(tuple(x.shape[1:]))
    return shapes


# --- tensors --------------------------------------------------------------------------------


def storage_indices(t: torch.Tensor) -> torch.Tensor:
    """For every coefficient of ``t``, its index in ``t``'s storage:
    ``offset + sum_k i_k * stride(k)``, as an int64 tensor of ``t``'s shape."""
    idx = torch.tensor(t.storage_offset(), dtype=torch.int64)
    for k, (n, s) in enumerate(zip(t.shape, t.stride())):
        shape = [1] * t.dim()
        shape[k] = n
        idx = idx + (torch.arange(n) * s).view(shape)
    return idx.expand(t.shape) if t.dim() else idx


def float32_fields(value: float) -> tuple[int, int, int]:
    """The sign bit, biased exponent (8 bits) and mantissa (23 bits) of ``value`` stored as
    an IEEE-754 float32."""
    bits = struct.unpack(">I", struct.pack(">f", value))[0]
    return bits >> 31, (bits >> 23) & 0xFF, bits & 0x7FFFFF
