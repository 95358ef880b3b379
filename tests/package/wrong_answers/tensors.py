"""Wrong answers to the self-checked exercises of the part "Tensors"."""

from __future__ import annotations

import torch


def _bits(x):
    return x.view(torch.int32).long() & 0xFFFFFFFF


def _eps_late(dtype):
    one, eps = torch.tensor(1.0, dtype=dtype), torch.tensor(1.0, dtype=dtype)
    while one + eps != one:
        eps = eps / 2
    return eps.item()


def _eps_python(dtype):
    eps = 1.0
    while 1.0 + eps / 2 != 1.0:
        eps /= 2
    return eps


def _windows_copy(s, k):
    return torch.stack([s[i:i + k] for i in range(len(s) - k + 1)])


def _parabola(x, y, order=(0, 1, 2), squeeze=True):
    cols = [x**2, x, torch.ones_like(x)]
    coef = torch.linalg.lstsq(torch.stack([cols[i] for i in order], 1), y.unsqueeze(1)).solution
    return coef.flatten() if squeeze else coef


WRONG = {
    "basics-ex-create": [
        (torch.tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8], [-1, -1, -1]]), "last two dimensions"),
        (torch.tensor([[0, 1, 2, 3], [4, 5, 6, 7], [-1, -1, -1, -1]]), "the values are not right"),
    ],
    "basics-ex-products": [
        ((torch.tensor([21.0, 43.0]), torch.tensor([[1.0, 2.0], [30.0, 40.0]]),
          torch.tensor([31.0, 42.0])), "value 2 of the tuple"),
        ((torch.tensor([21.0, 43.0]), torch.tensor([[1.0, 20.0], [3.0, 40.0]]),
          torch.tensor([21.0, 43.0])), "value 3 of the tuple"),
    ],
    "basics-ex-reduce": [
        (lambda a: a - a.mean(1, keepdim=True), "average over dim 0"),
        (lambda a: a - a.mean(), "one mean per column"),
        (lambda a: a.sub_(a.mean(0)), "changed in place"),
    ],
    "basics-ex-lstsq": [
        (lambda m, y: torch.linalg.lstsq(m, y.unsqueeze(1)).solution, "a dimension of size 1"),
        (lambda m, y: m.T @ y, "values differ"),
    ],
    "broadcasting-einsum-ex-distances": [
        (lambda p: (p[:, None] - p[None]).pow(2).sum(-1), "squared distances"),
        (lambda p: (p[:, None] - p[None]).abs().sum(-1), "values differ"),
        (lambda p: (p[:, None] - p[None]).pow(2).sum(0).sqrt(), "expected shape (100, 100)"),
    ],
    "broadcasting-einsum-ex-sizes": [
        (((5, 4, 3), (3,), False), "all pairs"),
        (((5, 4, 3), (3, 3), True), "value 3 of the tuple"),
        (((5, 1, 3), (3, 3), False), "value 1 of the tuple"),
    ],
    "broadcasting-einsum-ex-more": [
        (lambda A, u, v, x, M: (A.t(), A.sum(), torch.einsum("i,j->ji", u, v),
                                torch.einsum("ni,ij,nj->n", x, M, x)), "swapped"),
        (lambda A, u, v, x, M: (A.t(), A.sum(0), torch.outer(u, v),
                                torch.einsum("ni,ij,nj->n", x, M, x)), "value 2 of the tuple"),
        (lambda A, u, v, x, M: (A.t(), A.sum(), torch.outer(u, v),
                                torch.einsum("ni,ij,nj->", x, M, x)), "value 4 of the tuple"),
    ],
    "broadcasting-einsum-ex-speed": [
        ((48, 10**6), "the summed one included"),
        ((192, 10**6), "three indices of size 1000"),
        ((192, 2 * 10**9), "value 2 of the tuple"),
    ],
    "data-and-devices-ex-decode": [
        (lambda x: (x.view(torch.int32) >> 31, (x.view(torch.int32) >> 23) & 0xFF,
                    x.view(torch.int32) & (2**23 - 1)), "0xFFFFFFFF"),
        (lambda x: ((x < 0).long(), (_bits(x) >> 23) & 0xFF, _bits(x) & (2**23 - 1)),
         "-0.0 has its sign bit"),
        (lambda x: (_bits(x) >> 31, ((_bits(x) >> 23) & 0xFF) - 127, _bits(x) & (2**23 - 1)),
         "bias of 127"),
        (lambda x: (_bits(x) >> 31, (_bits(x) >> 23) & 0xFF, _bits(x) & (2**22 - 1)),
         "value 3 of the tuple"),
    ],
    "data-and-devices-ex-eps": [
        (_eps_late, "one halving too many"),
        (_eps_python, "ran in float64"),
    ],
    "data-and-devices-ex-bow": [
        (0.6, "is not right"),
        (torch.tensor([1.0, 1.0]), "expected a number"),
    ],
    "high-dimension-ex-reshape-order": [
        (5, "column-major"),
        (11.0, "is not right"),
    ],
    "high-dimension-ex-grey": [
        (lambda imgs: (imgs * torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)).sum(1),
         "a dimension of size 1"),
        (lambda imgs: imgs.mean(1, keepdim=True), "luminance weights"),
        (lambda imgs: (imgs * torch.tensor([0.299, 0.587, 0.114])).sum(1, keepdim=True),
         "raised RuntimeError"),
    ],
    "high-dimension-ex-flip": [
        (lambda imgs: imgs.flip(2), "upside down"),
        (lambda imgs: imgs.transpose(2, 3), "expected shape (4, 3, 5, 7)"),
    ],
    "high-dimension-ex-slicing-claim": [
        (torch.tensor([[4, 2, 3], [4, 5, 6], [4, 8, 9]]), "the end of a slice is excluded"),
        (torch.tensor([[4, 4, 4], [4, 4, 4], [7, 8, 9]]), "the values are not right"),
    ],
    "internals-ex-strides": [
        (((12, 4, 1), (4, 12, 1), (12, 2), 4), "value 2 of the tuple"),
        (((12, 4, 1), (1, 12, 4), (12, 1), 4), "value 3 of the tuple"),
        (((12, 4, 1), (1, 12, 4), (12, 2), 0), "value 4 of the tuple"),
    ],
    "internals-ex-windows": [
        (_windows_copy, "a copy"),
        (lambda s, k: torch.as_strided(s, (len(s) - k + 1, k), (1, 0)), "values differ"),
    ],
    "internals-ex-view-or-copy": [
        ((True,) * 6, "value 2 of the tuple: not the expected answer"),
        ((True, False, True, True, True, False), "value 4 of the tuple"),
    ],
    "linear-regression-ex-quadratic": [
        (lambda x, y: _parabola(x, y, order=(2, 1, 0)), "reverse order"),
        (lambda x, y: _parabola(x, y, squeeze=False), "a dimension of size 1"),
        (lambda x, y: torch.linalg.lstsq(torch.stack([x, torch.ones_like(x)], 1),
                                         y.unsqueeze(1)).solution.flatten(), "expected shape (3,)"),
    ],
}
