"""Wrong answers to the self-checked exercises of the part "Introduction"."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def _attack(model, x, target, sign=-1.0, clamp=True, steps=30, size=0.02):
    goal = torch.tensor([target])
    adv = x.clone()
    for _ in range(steps):
        adv.requires_grad_(True)
        grad, = torch.autograd.grad(F.cross_entropy(model(adv), goal), adv)
        adv = adv.detach() + sign * size * grad.sign()
        if clamp:
            adv = adv.clamp(0, 1)
        with torch.no_grad():
            if model(adv).argmax().item() == target:
                break
    return adv


def _rank_no_tolerance(M):
    return int((np.linalg.svd(M, compute_uv=False) > 0).sum())


WRONG = {
    "applications-and-why-now-ex-gpt3": [
        ((3.14e23 / 35.5e12 / 86400, 3.14e23 / 35.5e12 / (30 * 86400)), "in days"),
        ((280.3, 3.14e23 / 35.5e12 / 86400), "value 2 of the tuple"),
    ],
    "applications-and-why-now-ex-moore": [
        ((2.0, 1.8), "look like years"),
        ((1000.0, 1000.0), "value 1 of the tuple"),
    ],
    "applications-and-why-now-ex-epochs": [
        (5.85e9 / 2000 / 3600, "in hours"),
        (5.85e9 / 2000, "in seconds"),
        (5.85e9 / 2000 / 86400 / 365, "is not right"),
    ],
    "first-network-ex-params": [
        ((800, 51200, 51200, 2000, 105200), "has a bias too"),
        ((832, 1664, 51400, 2010, 55906), "32 input channels"),
        ((832, 51264, 51400, 2010, 105000), "value 5 of the tuple"),
    ],
    "first-network-ex-confusion": [
        (lambda t, p, k=10: torch.bincount(k * p + t, minlength=k * k).view(k, k), "transpose"),
        (lambda t, p, k=10: torch.bincount(k * t + p).view(k, k), "raised RuntimeError"),
        (lambda t, p, k=10: torch.bincount(k * t + p, minlength=k * k).view(k, k).float()
         / max(len(t), 1), "expected dtype torch.int64"),
    ],
    "neural-networks-to-deep-learning-ex-xor": [
        (lambda x: (x.sum(1) >= 1).long(), "this is OR"),
        (lambda x: (x.sum(1) >= 2).long(), "this is AND"),
        (lambda x: (x[:, 0] != x[:, 1]).float(), "expected dtype torch.int64"),
    ],
    "neural-networks-to-deep-learning-ex-size": [
        ((224 * 224, 224 * 224 / 3072, 1.2e6 * 224 * 224 / 1e9), "three channels"),
        ((150528, 49, 180.6e6), "value 3 of the tuple"),
    ],
    "python-toolbox-ex-distances": [
        (lambda P: ((P[:, None] - P[None]) ** 2).sum(-1), "squared distances"),
        (lambda P: np.sqrt(((P[:, None] - P[None]) ** 2).sum(0)), "expected shape (100, 100)"),
    ],
    "python-toolbox-ex-colsum": [
        (lambda M: M.sum(axis=1), "sums of the rows"),
        (lambda M: M.sum(), "expected a tensor of shape (4,)"),
    ],
    "python-toolbox-ex-stats": [
        (lambda r: (np.mean(r), np.median(r), np.std(r, ddof=1)), "divides by N - 1"),
        (lambda r: (np.mean(r), np.mean(r), np.std(r)), "the middle value"),
    ],
    "python-toolbox-ex-rank": [
        (_rank_no_tolerance, "below a tolerance"),
        (lambda M: min(M.shape), "expected 2, got 5"),
    ],
    "what-is-happening-ex-targeted": [
        (lambda m, x, t: _attack(m, x, t, sign=1.0), "step down the gradient"),
        (lambda m, x, t: _attack(m, x, t, clamp=False, size=0.3), "clamp after each step"),
        (lambda m, x, t: x, "the model does not answer the target"),
    ],
}
