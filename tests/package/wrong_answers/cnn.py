"""Wrong answers to the self-checked exercises of the part "Convolutional networks"."""

from __future__ import annotations

import torch
import torch.nn.functional as F

WRONG = {
    "conv2d-ex-matmul": [
        (lambda X, K, b: (K.flatten(1) @ F.unfold(X, K.shape[2:])).view(
            len(X), len(K), X.shape[2] - K.shape[2] + 1, X.shape[3] - K.shape[3] + 1),
         "a bias missing"),
        (lambda X, K, b: F.conv2d(X, K, b, padding=K.shape[-1] // 2 + 1),
         "the spatial sizes are off"),
        (lambda X, K, b: (K.flatten(1) @ F.unfold(X, K.shape[2:]) + b.view(-1, 1)).view(
            len(X), len(K), X.shape[3] - K.shape[3] + 1, X.shape[2] - K.shape[2] + 1),
         "the last two dimensions are swapped"),
    ],
    "conv2d-ex-sizes": [
        ((28, 9, 9, 4, 1024), "without padding loses 4"),
        ((24, 22, 18, 9, 5184), "its windows do not overlap"),
        ((24, 8, 4, 2, 128), "value 5 of the tuple: 128 is not right"),
        (256, "expected 5 values"),
    ],
    "conv2d-ex-1x1": [
        (lambda x, w, b: F.linear(x.permute(0, 2, 3, 1), w.flatten(1)).permute(0, 3, 1, 2),
         "a bias missing"),
        (lambda x, w, b: F.linear(x.permute(0, 2, 3, 1), w.flatten(1), b).permute(0, 3, 2, 1),
         "transpose"),
    ],
}


def _matrix_flipped(u, W):
    M = torch.zeros(W - len(u) + 1, W)
    for i in range(M.shape[0]):
        M[i, i:i + len(u)] = u.flip(0)
    return M


def _matrix_square(u, W):
    M = torch.zeros(W, W)
    for i in range(W - len(u) + 1):
        M[i, i:i + len(u)] = u
    return M


WRONG |= {
    "conv1d-ex-design": [
        (torch.tensor([-1.0, 2.0, -1.0]), "the values are not right"),
        (torch.tensor([1.0, -1.0]), "expected shape (3,), got (2,)"),
    ],
    "conv1d-ex-matrix": [
        (_matrix_flipped, "the kernel is reversed in each row"),
        (_matrix_square, "expected shape"),
    ],
    "conv1d-ex-ncc": [
        (lambda s, p: s.unfold(0, len(p), 1) @ p / s.unfold(0, len(p), 1).norm(dim=1),
         "off by a constant factor"),
        (lambda s, p: s.unfold(0, len(p), 1) @ p, "values differ"),
    ],
    "conv1d-ex-flip": [
        (lambda x, u: F.conv1d(x.view(1, 1, -1), u.view(1, 1, -1)).flatten(),
         "this is the cross-correlation"),
        (lambda x, u: F.conv1d(x.view(1, 1, -1), u.flip(0).view(1, 1, -1)), "a dimension of size 1"),
    ],
}

_SOBEL = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])


def _sobel_responses(x):
    return F.conv2d(x, torch.stack([_SOBEL, _SOBEL.T]).unsqueeze(1))


WRONG |= {
    "kernels-ex-sobel": [
        (lambda x: _sobel_responses(x).pow(2).sum(1).sqrt(), "a dimension of size 1"),
        (lambda x: _sobel_responses(x).abs().sum(1, keepdim=True), "values differ"),
        (lambda x: _sobel_responses(x).pow(2).sum(1, keepdim=True), "values differ"),
    ],
    "kernels-ex-box": [
        (torch.full((3, 3), 1 / 9), "a dimension of size 1"),
        (torch.ones(1, 1, 3, 3), "the values are not right"),
    ],
}


def _pool_blocks(x, k):
    N, C, H, W = x.shape
    return x.view(N, C, H // k, k, W // k, k)


class _SkipNoPadding(torch.nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = torch.nn.Conv2d(channels, channels, kernel_size=3)

    def forward(self, x):
        return x + F.relu(self.conv(x))


class _SkipReluAfterSum(torch.nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = torch.nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x):
        return F.relu(x + self.conv(x))


WRONG |= {
    "layers-and-pooling-ex-scratch": [
        (lambda x, k: _pool_blocks(x, k).mean(dim=(3, 5)), "the mean of each block"),
        (lambda x, k: x.view(*x.shape[:2], x.shape[2] // k, x.shape[3] // k, k, k).amax(dim=(4, 5)),
         "values differ"),
    ],
    "layers-and-pooling-ex-avgconv": [
        (lambda x, k: F.conv2d(x, torch.full((1, 1, k, k), 1 / k**2), stride=k), "raised RuntimeError"),
        (lambda x, k: F.conv2d(x, torch.full((x.shape[1], 1, k, k), 1 / k**2), groups=x.shape[1]),
         "expected shape"),
    ],
    "layers-and-pooling-ex-skip": [
        (_SkipNoPadding, "raised RuntimeError"),
        (_SkipReluAfterSum, "the ReLU is applied after the sum"),
        (lambda channels: _SkipNoPadding(channels).conv, "check the padding"),
    ],
    "layers-and-pooling-ex-overlap": [
        ((26, 27), "adds 1 to the rounded-down quotient"),
        ((27,), "expected 2 values"),
    ],
}


def _linear_with_weight(layer, weight):
    out = torch.nn.Linear(layer.in_features, layer.out_features)
    with torch.no_grad():
        out.weight.copy_(weight)
        out.bias.copy_(layer.bias)
    return out


WRONG |= {
    "why-convolutions-ex-megapixel": [
        ((10**6, 4 * 10**6, 1664), "one weight per pair"),
        ((10**12, 10**12, 1600), "a float32 takes 4 bytes; each of the 64 kernels also has a bias"),
    ],
    "why-convolutions-ex-any-size": [
        ((32, 256), "no window centred on the border"),
        ((31, 255), "value 1 of the tuple: 31 is not right"),
    ],
    "why-convolutions-ex-permute": [
        (lambda layer, perm: _linear_with_weight(layer, layer.weight[:, perm.argsort()]), "values differ"),
        (lambda layer, perm: layer, "values differ"),
    ],
    "convnets-end-to-end-ex-params": [
        (1 - 0.1, "is not right"),
        (10.5, "is not right"),
    ],
    "convnets-end-to-end-ex-schedule": [
        (lambda opt: torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[26], gamma=0.1),
         "the rate changes at epoch 27"),
        (lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=25, gamma=0.1),
         "on case 2 of 2 (60 epochs)"),
        (lambda opt: None, "raised AttributeError"),
    ],
}
