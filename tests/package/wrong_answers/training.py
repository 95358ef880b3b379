"""Wrong answers to the self-checked exercises of the part "Training"."""

from __future__ import annotations

import math

import torch


def _sgd_no_reset(params, lr):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad


def _sgd_no_grad_mode(params, lr):
    for p in params:
        p -= lr * p.grad
        p.grad = None


def _sgd_ascent(params, lr):
    with torch.no_grad():
        for p in params:
            p += lr * p.grad
            p.grad = None



def _mlp_biases_kept(init):
    from dlbook_code.models import MLP

    net = MLP(hidden=[256])
    for layer in net.modules():
        if isinstance(layer, torch.nn.Linear) and init is not None:
            init(layer.weight)
    return net


def _mlp_first_layer_only(init):
    from dlbook_code.models import MLP

    net = MLP(hidden=[256])
    if init is not None:
        init(net.net[1].weight)
        torch.nn.init.zeros_(net.net[1].bias)
    return net


WRONG = {
    "dropout-ex-rescale": [
        (lambda p: 1 / (1 - p), "the rescaling factor itself"),
        (lambda p: p, "dropped, not kept"),
        (lambda p: 1.0, "expected 0.5, got 1"),
    ],
    "linear-regression-concise-ex-sum": [
        (lambda lr, b: lr * b, "batch_size times larger"),
        (lambda lr, b: lr / b**0.5, "expected 0.003, got 0.00948683"),
    ],
    "training-protocol-ex-loss-vs-error": [
        (lambda losses, right: (losses[right].mean(), losses[~right].mean(),
                                losses[right].sum() / losses.sum()), "not the others"),
        (lambda losses, right: (losses[right].mean(), losses[~right].mean(),
                                (~right).float().mean()), "not of the images"),
        (lambda losses, right: (losses[right].sum(), losses[~right].sum(),
                                losses[~right].sum() / losses.sum()), "value 1 of the tuple"),
    ],
    "fashion-mnist-ex-mean": [
        (lambda xs, ys: torch.stack([xs[ys == c].sum(0) for c in range(10)]) / len(xs),
         "values differ"),
        (lambda xs, ys: xs - xs.mean(0), "one mean per class"),
        (lambda xs, ys: torch.stack([xs[ys == c].mean(0) for c in range(10)]).squeeze(1),
         "a dimension of size 1"),
    ],
    "linear-regression-concise-ex-lstsq": [
        (lambda X, y: torch.linalg.lstsq(X, y).solution.reshape(-1), "expected shape"),
        (lambda X, y: torch.linalg.lstsq(torch.cat([torch.ones(len(X), 1), X], 1), y)
         .solution.reshape(-1), "values differ"),
    ],
    "softmax-regression-ex-lse": [
        (lambda o: torch.log(torch.exp(o).sum(1)), "subtract each row's maximum"),
        (lambda o: o.max() + torch.log(torch.exp(o - o.max()).sum(1)),
         "subtract each row's maximum"),
        (lambda o: (lambda m: m + torch.log(torch.exp(o - m).sum(1, keepdim=True)))(
            o.max(1, keepdim=True).values), "a dimension of size 1"),
    ],
    "sgd-ex-by-hand": [
        (_sgd_no_reset, "the gradients were not reset"),
        (_sgd_no_grad_mode, "raised RuntimeError"),
        (_sgd_ascent, "values differ"),
    ],
    "sgd-ex-replacement": [
        (lambda N: math.exp(-1), "the limit for large N"),
        (lambda N: 1 - (1 - 1 / N) ** N, "the fraction visited"),
        (lambda N: 1 / N, "expected 0"),
    ],
    "training-protocol-ex-gamma": [
        (lambda E: 0.01 ** (1 / E), "multiplied E - 1 times"),
        (lambda E: 100 ** (1 / (E - 1)), "must be below 1"),
        (lambda E: 1 - 0.99 / E, "expected 0.91"),
    ],
    "mlp-ex-init": [
        (_mlp_biases_kept, "zero the biases"),
        (_mlp_first_layer_only, "the output layer included"),
    ],
}
