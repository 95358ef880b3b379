"""Wrong answers to the self-checked exercises of the part "Under the hood and generative
models"."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def _spread(x, stride):
    n, c, h, w = x.shape
    z = torch.zeros(n, c, (h - 1) * stride + 1, (w - 1) * stride + 1)
    z[..., ::stride, ::stride] = x
    return z


class _TiedNoCentring(nn.Module):
    def __init__(self, q, d=784):
        super().__init__()
        self.W = nn.Parameter(torch.randn(q, d) / d ** 0.5)
        self.b = nn.Parameter(torch.zeros(d))

    def forward(self, x):
        return (x @ self.W.T) @ self.W + self.b


class _TiedTwoMatrices(nn.Module):
    def __init__(self, q, d=784):
        super().__init__()
        self.W = nn.Parameter(torch.randn(q, d) / d ** 0.5)
        self.V = nn.Parameter(torch.randn(d, q) / q ** 0.5)
        self.b = nn.Parameter(torch.zeros(d))

    def forward(self, x):
        return ((x - self.b) @ self.W.T) @ self.V.T + self.b


WRONG: dict = {
    "upsampling-ex-decoder": [
        ((4, 8, 16, 32), "what does it make of a 1 × 1 map"),
        ((1, 2, 4, 8), "value 1 of the tuple: 1 is not right"),
    ],
    "upsampling-ex-zeros": [
        (lambda x, w, stride=1, padding=0: F.conv2d(_spread(x, stride), w.transpose(0, 1),
                                                    padding=w.shape[-1] - 1 - padding),
         "flipped vertically and horizontally"),
        (lambda x, w, stride=1, padding=0: F.conv2d(_spread(x, stride), w.transpose(0, 1).flip(-2, -1),
                                                    padding=padding),
         "check the padding"),
        (lambda x, w, stride=1, padding=0: F.conv_transpose2d(x, w, stride=stride),
         "expected shape"),
    ],
    "ae-ex-tied": [
        (_TiedNoCentring, "a bias missing or added twice"),
        (_TiedTwoMatrices, "values differ"),
    ],
    "vae-ex-kl-two": [
        (lambda m1, l1, m2, l2: 0.5 * (l2 - l1 + (l1.exp() + (m1 - m2).pow(2)) / l2.exp() - 1).sum(),
         "reduced over every axis"),
        (lambda m1, l1, m2, l2: 0.5 * (l1 - l2 + (l2.exp() + (m1 - m2).pow(2)) / l1.exp() - 1).sum(-1),
         "values differ"),
        (lambda m1, l1, m2, l2: (l2 - l1 + (l1.exp() + (m1 - m2).pow(2)) / l2.exp() - 1).sum(-1),
         "off by a constant factor of 2"),
    ],
}
