"""Wrong answers to the self-checked exercises of the part "Autograd"."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def _dag_grad_norm_loss(w1, w2, x0):
    w1 = w1.detach().requires_grad_()
    x1 = w1 @ x0
    x3 = w1 @ (x1 + w2 @ x1 + x0)
    return torch.autograd.grad(x3.norm(), w1)[0]


def _dag_grad_one_use(w1, w2, x0):
    x1 = w1 @ x0
    x2 = w2 @ x1 + x0
    g3 = w1 @ (x1 + x2)
    g1 = w2.T @ (w1.T @ g3) + w1.T @ g3
    return torch.outer(g1, x0)


def _jacobian_accumulating(f, x):
    y = f(x)
    rows = []
    for e in torch.eye(len(y)):
        y.backward(e, retain_graph=True)
        rows.append(x.grad.clone())
    return torch.stack(rows)


def _jacobian_columns(f, x):
    return torch.autograd.functional.jacobian(f, x.detach()).T


def _both(x, swap=False, keep_graph=False):
    x = x.clone().requires_grad_()
    y = x**3
    total = torch.autograd.grad((y * torch.sin(x)).sum(), x, create_graph=keep_graph)[0]
    partial = torch.autograd.grad((y.detach() * torch.sin(x)).sum(), x)[0]
    return (partial, total) if swap else (total, partial)


class _Broken(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = torch.ones(3, requires_grad=True)
        self.layers = [nn.Linear(3, 3), nn.Linear(3, 3)]


class _HalfFixed(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = torch.ones(3, requires_grad=True)
        self.layers = nn.ModuleList([nn.Linear(3, 3), nn.Linear(3, 3)])


class _PlainDAG(nn.Module):
    def __init__(self, d=5):
        super().__init__()
        self.w1, self.w2 = torch.rand(d, d), torch.rand(d, d)

    def forward(self, x0):
        x1 = self.w1 @ x0
        return self.w1 @ (self.w2 @ x1 + x0 + x1)


class _TwoOutputDAG(nn.Module):
    def __init__(self, d=5):
        super().__init__()
        self.w1 = nn.Parameter(torch.rand(d, d))
        self.w2 = nn.Parameter(torch.rand(d, d))

    def forward(self, x0):
        x1 = self.w1 @ x0
        return self.w1 @ (self.w2 @ x1 + x0 + x1), x1


class _NoSkipDAG(_TwoOutputDAG):
    def forward(self, x0):
        x1 = self.w1 @ x0
        return self.w1 @ (self.w2 @ x1 + x1)


def _grow_after(x, m, limit=10.0, max_steps=50):
    steps = 0
    while True:
        x = m @ x
        steps += 1
        if x.norm() >= limit or steps >= max_steps:
            return x, steps


def _grow_detached(x, m, limit=10.0, max_steps=50):
    steps = 0
    while x.norm() < limit and steps < max_steps:
        x = m.detach() @ x
        steps += 1
    return x, steps


def _forward_difference(f, w, index, h):
    e = torch.zeros_like(w)
    e[index] = h
    return float((f(w + e) - f(w)) / h)


def _dag_grads(w1, w2, x0, swap=False, keep_graph=False):
    x1 = w1 @ x0
    x2 = w2 @ x1 + x0
    g1, g2 = torch.autograd.grad((w1 @ (x2 + x1)).norm(), (w1, w2), create_graph=keep_graph)
    return (g2, g1) if swap else (g1, g2)


WRONG = {
    "derivatives-and-dags-ex-gradcheck": [
        (_forward_difference, "a one-sided difference"),
        (lambda f, w, index, h: float((f(w + h) - f(w - h)) / (2 * h)), "expected"),
    ],
    "static-and-dynamic-graphs-ex-grad": [
        (lambda w1, w2, x0: _dag_grads(w1, w2, x0, swap=True), "value 1 of the tuple"),
        (lambda w1, w2, x0: _dag_grads(w1, w2, x0, keep_graph=True), "tracks gradients"),
    ],
    "derivatives-and-dags-ex-sign": [
        ((0, -4, -3), "values of g"),
        ((-4, 0, -2), "value 3 of the tuple"),
    ],
    "derivatives-and-dags-ex-gradient": [
        ((-18, 6), "swapped"),
        ((6, 18), "value 2 of the tuple"),
    ],
    "derivatives-and-dags-ex-squared": [
        (_dag_grad_norm_loss, "the gradient of ½‖x3‖² at x3 is x3"),
        (_dag_grad_one_use, "sums the two contributions"),
    ],
    "autograd-in-practice-ex-log-affine": [
        (lambda x, w, b: (1 / (w * x + b), x / (w * x + b)), "swapped"),
        (lambda x, w, b: (w / (w * x + b), 1 / (w * x + b)), "the other factor"),
        (lambda x, w, b: (x / (w * x + b),), "expected 2 values"),
    ],
    "autograd-in-practice-ex-squares": [
        (torch.tensor([10.0, 12.0, 14.0, 16.0]), "2x"),
        ([20, 24, 28, 32], "expected a tensor"),
    ],
    "autograd-in-practice-ex-flags": [
        ((False, False, True, False), "not on their values"),
        ((True, False, True, True), "nothing is recorded"),
    ],
    "autograd-in-practice-ex-repeat": [
        (torch.tensor([2.0, 4.0]), "gradient of one pass"),
        (torch.tensor([6.0, 12.0]).requires_grad_(), "tracks gradients"),
    ],
    "beyond-scalars-ex-jacobian": [
        (_jacobian_accumulating, "reset it between calls"),
        (_jacobian_columns, "expected shape (3, 4), got (4, 3)"),
    ],
    "beyond-scalars-ex-detach": [
        (lambda x: _both(x, swap=True), "swapped"),
        (lambda x: (_both(x)[0], 3 * x**2 * torch.sin(x)), "the path through sin x"),
        (lambda x: _both(x, keep_graph=True), "tracks gradients"),
    ],
    "functional-and-modules-ex-count": [
        (lambda n_in, n_out: n_in * n_out, "the biases are parameters too"),
        (lambda n_in, n_out: (n_in + 1) * (n_out + 1), "one bias per output"),
    ],
    "functional-and-modules-ex-registry": [
        (_Broken, "nothing is registered"),
        (_HalfFixed, "the scale is not registered"),
    ],
    "functional-and-modules-ex-dag": [
        (_PlainDAG, "make them nn.Parameter"),
        (_TwoOutputDAG, "returns x3 only"),
        (_NoSkipDAG, "value 1 of the tuple: values differ"),
    ],
    "functional-and-modules-ex-functional": [
        (lambda x, w1, b1, w2, b2: F.linear(torch.tanh(F.linear(x, w1, b1)), w2, b2),
         "goes through tanh too"),
        (lambda x, w1, b1, w2, b2: torch.tanh(F.linear(torch.tanh(F.linear(x, w1)), w2, b2)),
         "values differ"),
        (lambda x, w1, b1, w2, b2: torch.tanh(torch.tanh(x @ w1 + b1) @ w2 + b2), "raised"),
    ],
    "static-and-dynamic-graphs-ex-count": [
        (lambda k: 3 * k + 1, "the leaf w"),
        (lambda k: 2 * k + 2, "Select"),
    ],
    "static-and-dynamic-graphs-ex-while": [
        (_grow_after, "test the condition before multiplying"),
        (_grow_detached, "value 3 of the tuple"),
    ],
}
