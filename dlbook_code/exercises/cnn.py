"""Self-checked exercises of the part "Convolutional networks"."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..answers import Case, exercise


def _shape(*sizes: int) -> str:
    return "×".join(map(str, sizes))


def _conv_cases(g: torch.Generator) -> list[Case]:
    """Batches, channels and kernels of several sizes, a 1×1 kernel and a kernel as large as
    the input among them."""
    cases = []
    for n, c, h, w, d, kh, kw in [(1, 1, 5, 5, 1, 2, 2), (2, 3, 7, 9, 4, 3, 3),
                                  (3, 2, 6, 5, 5, 1, 1), (2, 4, 4, 4, 3, 4, 4),
                                  (1, 3, 8, 6, 2, 3, 2)]:
        x, k = torch.randn(n, c, h, w, generator=g), torch.randn(d, c, kh, kw, generator=g)
        b = torch.randn(d, generator=g)
        cases.append(Case((x, k, b), f"X {_shape(n, c, h, w)}, K {_shape(d, c, kh, kw)}, b {d}"))
    return cases


@exercise("conv2d-ex-matmul", cases=_conv_cases)
def corr2d_unfold(X, K, b):
    """X (N, C, H, W), K (D, C, h, w), b (D,) -> (N, D, H-h+1, W-w+1), with F.unfold and
    one matrix product."""
    return F.conv2d(X, K, b)


def _sizes_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and got and got[0] == 28:
        return "a 5×5 convolution without padding loses 4 rows and 4 columns"
    if isinstance(got, (tuple, list)) and len(got) > 1 and got[1] == 22:
        return "max-pooling of size 3 uses a stride of 3: its windows do not overlap"
    return None


@exercise("conv2d-ex-sizes", answer="a tuple of the four sizes and the number of values",
          diagnose=_sizes_hint)
def _mnist_sizes():
    return (24, 8, 4, 2, 256)


def _one_by_one_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for n, c, h, w, d in [(2, 3, 5, 5, 4), (1, 1, 3, 7, 2), (3, 6, 4, 2, 1)]:
        x = torch.randn(n, c, h, w, generator=g)
        weight, bias = torch.randn(d, c, 1, 1, generator=g), torch.randn(d, generator=g)
        cases.append(Case((x, weight, bias),
                          f"x {_shape(n, c, h, w)}, weight {_shape(d, c, 1, 1)}, bias {d}"))
    return cases


@exercise("conv2d-ex-1x1", cases=_one_by_one_cases)
def conv1x1_by_linear(x, weight, bias):
    """The 1×1 convolution of x (N, C, H, W) with weight (D, C, 1, 1) and bias (D,),
    computed by a linear layer applied to the feature vector of every pixel."""
    return F.conv2d(x, weight, bias)


# --- conv1d ----------------------------------------------------------------------------------


@exercise("conv1d-ex-design", answer="a tensor of three numbers")
def _second_derivative():
    return torch.tensor([1.0, -2.0, 1.0])


def _matrix_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for w, W in [(2, 4), (1, 5), (3, 3), (4, 9), (2, 7)]:
        cases.append(Case((torch.randn(w, generator=g), W), f"a kernel of {w}, W = {W}"))
    return cases


def _matrix_hint(got, case) -> str | None:
    if isinstance(got, torch.Tensor) and got.ndim == 2 and case is not None:
        u, W = case.args
        if got.shape == (W - len(u) + 1, W) and torch.allclose(got, _conv_matrix(u.flip(0), W)):
            return "the kernel is reversed in each row: deep learning's convolution does not flip it"
    return None


@exercise("conv1d-ex-matrix", cases=_matrix_cases, diagnose=_matrix_hint)
def _conv_matrix(u, W):
    """The (W - w + 1, W) matrix M with M x = the cross-correlation of x (W,) with u (w,)."""
    eye = torch.eye(W).view(W, 1, W)  # the W basis signals, as a batch
    return F.conv1d(eye, u.view(1, 1, -1)).view(W, -1).T


def _signal_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for n, w in [(40, 6), (10, 3), (7, 7), (25, 1)]:
        signal, pattern = torch.randn(n, generator=g), torch.randn(w, generator=g)
        cases.append(Case((signal, pattern), f"a signal of {n}, a pattern of {w}"))
    return cases


@exercise("conv1d-ex-ncc", cases=_signal_cases)
def cosine_scores(signal, pattern):
    """The cosine between every window of signal (n,) and pattern (w,): (n - w + 1,)."""
    windows = signal.unfold(0, len(pattern), 1)
    return windows @ pattern / (windows.norm(dim=1) * pattern.norm())


def _flip_hint(got, case) -> str | None:
    x, u = case.args
    unflipped = F.conv1d(x.view(1, 1, -1), u.view(1, 1, -1)).flatten()
    if isinstance(got, torch.Tensor) and got.shape == unflipped.shape and torch.allclose(
            got, unflipped, atol=1e-5):
        return "this is the cross-correlation: the convolution reverses the kernel"
    return None


@exercise("conv1d-ex-flip", cases=_signal_cases, diagnose=_flip_hint)
def true_convolution(x, u):
    """The textbook convolution x * u of x (n,) and u (w,), 'valid' part: (n - w + 1,)."""
    return torch.from_numpy(np.convolve(x.numpy(), u.numpy(), mode="valid"))


# --- kernels ---------------------------------------------------------------------------------


def _image_cases(g: torch.Generator) -> list[Case]:
    return [Case((torch.rand(n, 1, h, w, generator=g),), f"x {_shape(n, 1, h, w)}")
            for n, h, w in [(1, 28, 28), (3, 5, 7), (2, 3, 3)]]


@exercise("kernels-ex-sobel", cases=_image_cases)
def gradient_magnitude(x):
    """sqrt(g_x^2 + g_y^2) from the two Sobel responses of x (N, 1, H, W): (N, 1, H-2, W-2)."""
    sobel = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    g = F.conv2d(x, torch.stack([sobel, sobel.T]).unsqueeze(1))
    return g.pow(2).sum(1, keepdim=True).sqrt()


@exercise("kernels-ex-box", answer="a (1, 1, 3, 3) kernel")
def _mean_kernel():
    return torch.full((1, 1, 3, 3), 1 / 9)


# --- layers and pooling ----------------------------------------------------------------------


def _pool_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for n, c, h, w, k in [(3, 4, 12, 8, 4), (1, 1, 6, 6, 2), (2, 3, 9, 3, 3), (1, 2, 5, 5, 1),
                          (2, 1, 4, 4, 4)]:
        cases.append(Case((torch.randn(n, c, h, w, generator=g), k),
                          f"x {_shape(n, c, h, w)}, k = {k}"))
    return cases


def _max_pool_hint(got, case) -> str | None:
    x, k = case.args
    mean = F.avg_pool2d(x, k)
    if isinstance(got, torch.Tensor) and k > 1 and got.shape == mean.shape and torch.allclose(
            got, mean, atol=1e-5):
        return "this is the mean of each block, not its maximum"
    return None


@exercise("layers-and-pooling-ex-scratch", cases=_pool_cases, diagnose=_max_pool_hint)
def max_pool2d(x, k):
    """Max-pooling of x (N, C, H, W) over non-overlapping k × k blocks."""
    return F.max_pool2d(x, k)


@exercise("layers-and-pooling-ex-avgconv", cases=_pool_cases)
def avg_pool_by_conv(x, k):
    """Average-pooling of x (N, C, H, W) over k × k blocks, computed by F.conv2d."""
    return F.avg_pool2d(x, k)


def _set_weights(module: nn.Module, seed: int) -> nn.Module:
    """Give every parameter of ``module`` values drawn from ``seed``, in the order of
    ``named_parameters``, so that two modules of the same structure compute the same thing."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.3)
    return module


def _run_block(block_class, case: Case):
    channels, x = case.args
    return _set_weights(block_class(channels), 0)(x)


def _block_cases(g: torch.Generator) -> list[Case]:
    return [Case((c, torch.randn(n, c, h, w, generator=g)),
                 f"{c} channel{'s' * (c > 1)}, x {_shape(n, c, h, w)}")
            for n, c, h, w in [(2, 16, 10, 10), (1, 1, 5, 7), (3, 4, 1, 1)]]


class SkipBlock(nn.Module):
    """x + ReLU(conv(x)), with a 3 × 3 convolution padded to keep the shape."""

    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x):
        return x + F.relu(self.conv(x))


def _skip_hint(got, case) -> str | None:
    channels, x = case.args
    conv = _set_weights(SkipBlock(channels), 0).get_submodule("conv")
    if not isinstance(got, torch.Tensor):
        return None
    with torch.no_grad():
        for wrong, hint in [(F.relu(x + conv(x)), "the ReLU is applied after the sum: it belongs "
                             "to the convolution's output alone"),
                            (F.relu(conv(x)), "the input is not added back: the skip is missing")]:
            if got.shape == wrong.shape and torch.allclose(got.detach(), wrong, atol=1e-5):
                return hint
    return None


exercise("layers-and-pooling-ex-skip", cases=_block_cases, run=_run_block, diagnose=_skip_hint,
         answer="a module class SkipBlock(channels)")(SkipBlock)


def _overlap_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and 26 in got:
        return "the output-size formula adds 1 to the rounded-down quotient"
    return None


@exercise("layers-and-pooling-ex-overlap", answer="a tuple of the two output sizes",
          diagnose=_overlap_hint)
def _overlap_sizes():
    return (27, 27)


# --- why convolutions ------------------------------------------------------------------------


def _megapixel_hint(got, case) -> str | None:
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        return None
    weights, nbytes, conv = got
    hints = []
    if weights == 10**6:
        hints.append("a fully connected layer has one weight per pair (input pixel, output pixel)")
    if nbytes == weights and weights != 4 * 10**12:
        hints.append("a float32 takes 4 bytes")
    if conv == 64 * 5 * 5:
        hints.append("each of the 64 kernels also has a bias")
    return "; ".join(hints) or None


@exercise("why-convolutions-ex-megapixel", diagnose=_megapixel_hint,
          answer="a tuple: the fully connected layer's weights, their bytes in float32, the "
                 "convolution's parameters")
def _megapixel():
    return (10**12, 4 * 10**12, 64 * 5 * 5 + 64)


def _any_size_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and (32 in got or 256 in got):
        return "without padding, a 3 × 3 kernel has no window centred on the border pixels"
    return None


@exercise("why-convolutions-ex-any-size", diagnose=_any_size_hint,
          answer="a tuple of the two output sides")
def _any_size():
    return (30, 254)


def _run_permuted(permuted_linear, case: Case):
    layer, perm, v = case.args
    return permuted_linear(layer, perm)(v[:, perm])


def _permute_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for n, d, k in [(2, 784, 10), (5, 6, 3), (1, 2, 1)]:
        layer = _set_weights(nn.Linear(d, k), int(torch.randint(10**6, (), generator=g)))
        perm = torch.randperm(d, generator=g)
        cases.append(Case((layer, perm, torch.randn(n, d, generator=g)),
                          f"nn.Linear({d}, {k}), a random permutation, {n} input{'s' * (n > 1)}"))
    return cases


@exercise("why-convolutions-ex-permute", cases=_permute_cases, run=_run_permuted,
          answer="a function permuted_linear(layer, perm) returning an nn.Linear")
def permuted_linear(layer, perm):
    """A copy of ``layer`` that gives on ``v[:, perm]`` what ``layer`` gives on ``v``."""
    out = nn.Linear(layer.in_features, layer.out_features)
    with torch.no_grad():
        out.weight.copy_(layer.weight[:, perm])
        out.bias.copy_(layer.bias)
    return out


# --- convnets end to end ---------------------------------------------------------------------


@exercise("convnets-end-to-end-ex-params", answer="a number between 0 and 1", rtol=1e-3)
def _conv_share():
    from ..measure import num_params
    from ..models import CourseConvNet

    model = CourseConvNet()
    return (num_params(model.conv1) + num_params(model.conv2)) / num_params(model)


def _run_schedule(make_scheduler, case: Case):
    (epochs,) = case.args
    weight = nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([weight], lr=0.1)
    scheduler = make_scheduler(optimizer)
    rates = []
    for _ in range(epochs):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return torch.tensor(rates, dtype=torch.float64)


def _schedule_hint(got, case) -> str | None:
    if isinstance(got, torch.Tensor) and got.ndim == 1 and len(got) > 26:
        drops = (got[1:] < got[:-1]).nonzero().flatten() + 2  # the epochs where the rate is new
        if len(drops) == 1 and drops.item() != 26:
            return (f"the rate changes at epoch {drops.item()}: the lecture's 25 epochs at 0.1 end "
                    f"before epoch 26 (the milestone counts the epochs already done)")
    return None


@exercise("convnets-end-to-end-ex-schedule", cases=lambda g: [Case((30,), "30 epochs"),
                                                              Case((60,), "60 epochs")],
          run=_run_schedule, diagnose=_schedule_hint,
          answer="a function lecture_schedule(optimizer) returning a scheduler")
def lecture_schedule(optimizer):
    """0.1 for 25 epochs, then 0.01 (the optimizer starts at 0.1)."""
    return torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[25], gamma=0.1)
