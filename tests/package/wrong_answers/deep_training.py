"""Wrong answers to the self-checked exercises of the part "Training deep networks"."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


def _tent_network(n, k):
    """The 2-unit tent composed k times, whatever n."""
    layers = []
    for _ in range(k):
        layer = nn.Linear(1, 2)
        with torch.no_grad():
            layer.weight.fill_(1.0)
            layer.bias.copy_(torch.tensor([0.0, -0.5]))
        out = nn.Linear(2, 1)
        with torch.no_grad():
            out.weight.copy_(torch.tensor([[2.0, -4.0]]))
            out.bias.zero_()
        layers += [layer, nn.ReLU(), out]
    return nn.Sequential(*layers)


def _zigzag_once(n, k):
    """The zigzag of n pieces, not composed."""
    corners = torch.arange(n) / n
    a = torch.tensor([n] + [(-1) ** j * 2 * n for j in range(1, n)], dtype=torch.float32)
    hidden, out = nn.Linear(1, n), nn.Linear(n, 1)
    with torch.no_grad():
        hidden.weight.fill_(1.0)
        hidden.bias.copy_(-corners)
        out.weight.copy_(a[None])
        out.bias.zero_()
    return nn.Sequential(hidden, nn.ReLU(), out)


@torch.no_grad()
def _adam(params, state, lr, betas=(0.9, 0.999), eps=1e-8):
    if not state:
        state["t"] = 0
        state["m"] = [torch.zeros_like(p) for p in params]
        state["v"] = [torch.zeros_like(p) for p in params]
    state["t"] += 1
    (b1, b2), t = betas, state["t"]
    for p, m, v in zip(params, state["m"], state["v"]):
        m.mul_(b1).add_(p.grad, alpha=1 - b1)
        v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
        p.sub_(lr * (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + eps))


@torch.no_grad()
def _adam_l2(params, state, lr, weight_decay, **adam):
    for p in params:
        p.grad.add_(p, alpha=weight_decay)
    _adam(params, state, lr, **adam)


@torch.no_grad()
def _adamw_no_lr(params, state, lr, weight_decay, **adam):
    for p in params:
        p.mul_(1 - weight_decay)
    _adam(params, state, lr, **adam)


@torch.no_grad()
def _adagrad_no_sum(params, state, lr, eps=1e-10):
    for p in params:
        p.sub_(lr * p.grad / (p.grad.abs() + eps))


@torch.no_grad()
def _adagrad_no_sqrt(params, state, lr, eps=1e-10):
    if not state:
        state["s"] = [torch.zeros_like(p) for p in params]
    for p, s in zip(params, state["s"]):
        s.addcmul_(p.grad, p.grad)
        p.sub_(lr * p.grad / (s + eps))


def _uncorrected_from_zero(steps, b1=0.9, b2=0.999, eps=1e-8, g=1.0):
    m = v = 0.0
    out = []
    for _ in range(steps):
        out.append(m / (math.sqrt(v) + eps))
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
    return out


def _corrected(steps, b1=0.9, b2=0.999, eps=1e-8, g=1.0):
    return [((1 - b1**t) * g / (1 - b1**t)) / (math.sqrt((1 - b2**t) * g * g / (1 - b2**t)))
            for t in range(1, steps + 1)]


def _replay_no_reset(losses, patience):
    best, best_epoch, waited = math.inf, 0, 0
    for epoch, loss in enumerate(losses, start=1):
        if loss < best:
            best, best_epoch = loss, epoch
        else:
            waited += 1
        if waited >= patience:
            return epoch, best_epoch, best
    return len(losses), best_epoch, best


def _replay_from_zero(losses, patience):
    best, best_epoch, waited = math.inf, 0, 0
    for epoch, loss in enumerate(losses):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
        if waited >= patience:
            return epoch + 1, best_epoch, best
    return len(losses), best_epoch, best



def _folds_by_chunk(n, folds, seed=0):
    return list(torch.randperm(n).chunk(folds))


def _folds_with_replacement(n, folds, seed=0):
    return [torch.randint(n, (n // folds,)) for _ in range(folds)]


def _folds_without_the_rest(n, folds, seed=0):
    order = torch.randperm(n)
    size = n // folds
    return [order[i * size:(i + 1) * size] for i in range(folds - 1)]


WRONG = {
    "deep-norm-ex-batch-size": [
        (lambda x: (x - x.mean(0)) / torch.sqrt(x.var(0) + 1e-5), "the biased variance"),
        (lambda x: (x - x.mean(0)) / x.std(0, unbiased=False), "the eps under the square"),
        (lambda x: (x - x.mean(1, keepdim=True)) / torch.sqrt(
            x.var(1, unbiased=False, keepdim=True) + 1e-5), "values differ"),
    ],
    "deep-depth-ex-zigzag": [
        (_tent_network, "values differ"),
        (_zigzag_once, "values differ"),
    ],
    "deep-losses-ex-smoothing": [
        (lambda z, y, eps: z.softmax(1) - ((1 - eps) * F.one_hot(y, z.shape[1])
                                           + eps / z.shape[1]), "times too large"),
        (lambda z, y, eps: (z.softmax(1) - F.one_hot(y, z.shape[1])) / len(z),
         "the target q mixes in eps / K"),
        (lambda z, y, eps: ((1 - eps) * F.one_hot(y, z.shape[1]) + eps / z.shape[1]
                            - z.softmax(1)) / len(z), "the sign is flipped"),
    ],
    "deep-losses-ex-mse": [
        (lambda z, y: (torch.sigmoid(z) - y, torch.sigmoid(z) - y), "value 1 of the tuple"),
        (lambda z, y: ((torch.sigmoid(z) - y) * torch.sigmoid(z) * (1 - torch.sigmoid(z)),
                       y - torch.sigmoid(z)), "the sign is flipped"),
    ],
    "deep-opt-ex-bias": [
        (_corrected, "bias-corrected"),
        (_uncorrected_from_zero, "value 1 of the tuple"),
    ],
    "deep-opt-ex-adagrad": [
        (_adagrad_no_sum, "values differ"),
        (_adagrad_no_sqrt, "values differ"),
    ],
    "deep-opt-ex-adamw": [
        (_adam_l2, "values differ"),
        (_adamw_no_lr, "values differ"),
    ],
    "deep-init-ex-orthogonal": [
        (2.0, "halves their second moment"),
        (1.0, "is not right"),
    ],
    "deep-reg-ex-l1": [
        (lambda w, t: w - t * w.sign(), "crossed zero"),
        (lambda w, t: (w.abs() - t).clamp(min=0), "values differ"),
    ],
    "deep-val-ex-patience": [
        (_replay_no_reset, "value 1 of the tuple"),
        (_replay_from_zero, "numbered from 1"),
    ],
    "deep-val-ex-kfold": [
        (_folds_by_chunk, "torch.chunk does not ensure it"),
        (_folds_with_replacement, "exactly one fold"),
        (_folds_without_the_rest, "value 1 of the tuple: expected 3, got 2"),
    ],
}
