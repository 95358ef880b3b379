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



def _grad(scores, images, labels):
    images = images.clone().requires_grad_(True)
    grad, = torch.autograd.grad(scores(images).gather(1, labels[:, None]).sum(), images)
    return grad


def _smoothgrad_summed(scores, images, labels, n=25, sigma=0.15):
    return sum(_grad(scores, images + sigma * torch.randn_like(images), labels)
               for _ in range(n))


def _smoothgrad_no_noise(scores, images, labels, n=25, sigma=0.15):
    return sum(_grad(scores, images, labels) for _ in range(n)) / n


def _smoothgrad_unit_noise(scores, images, labels, n=25, sigma=0.15):
    return sum(_grad(scores, images + torch.randn_like(images), labels) for _ in range(n)) / n


def _posterior_mean(x_t, x0, beta_t, alpha_bar_t, alpha_bar_prev):
    return (alpha_bar_prev.sqrt() * beta_t / (1 - alpha_bar_t) * x0
            + (1 - beta_t).sqrt() * (1 - alpha_bar_prev) / (1 - alpha_bar_t) * x_t)


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
    "hood-ex-smoothgrad": [
        (_smoothgrad_summed, "divide by n"),
        (_smoothgrad_no_noise, "no noise reached"),
        (_smoothgrad_unit_noise, "must be sigma"),
    ],
    "gan-ex-smoothing": [
        (lambda p_data, p_g: p_data / (p_data + p_g), "without smoothing"),
        (lambda p_data, p_g: 0.9 * p_data / (0.9 * p_data + p_g), "a log D + b log(1 - D)"),
        (lambda p_data, p_g: 0.9 * p_data / (p_data + p_g + 1e-2), "values differ"),
    ],
    "diff-ex-posterior": [
        (lambda x_t, x0, b, ab, ab_prev: (_posterior_mean(x_t, x0, b, ab, ab_prev), b),
         "beta_t is the variance of the forward step"),
        (lambda x_t, x0, b, ab, ab_prev: (_posterior_mean(x0, x_t, b, ab, ab_prev),
                                          (1 - ab_prev) / (1 - ab) * b),
         "value 1 of the tuple"),
        (lambda x_t, x0, b, ab, ab_prev: _posterior_mean(x_t, x0, b, ab, ab_prev),
         "expected 2 values"),
    ],
}
