"""Self-checked exercises of the part "Training"."""

from __future__ import annotations

import math

import torch

from ..answers import Case, _is_stub, exercise


def _shape(*sizes: int) -> str:
    return "×".join(map(str, sizes))


# --- fashion-mnist -------------------------------------------------------------------------

def _means_cases(g: torch.Generator) -> list[Case]:
    """Images of several sizes, every class present, one image per class among them."""
    cases = []
    for n, h, w in [(40, 4, 4), (10, 3, 5), (100, 28, 28), (25, 1, 2)]:
        ys = torch.cat([torch.arange(10), torch.randint(10, (n - 10,), generator=g)])
        ys = ys[torch.randperm(n, generator=g)]
        xs = torch.rand(n, 1, h, w, generator=g)
        cases.append(Case((xs, ys), f"xs {_shape(n, 1, h, w)}, ys {n} labels"
                          + (" (one image per class)" if n == 10 else "")))
    return cases


def _means_hint(got, case) -> str | None:
    if isinstance(got, torch.Tensor) and case is not None and got.shape == case.args[0].shape:
        return "one mean per class is asked for: 10 images, not one per input image"
    return None


@exercise("fashion-mnist-ex-mean", cases=_means_cases, diagnose=_means_hint)
def class_means(xs, ys):
    """xs (N, 1, H, W), ys (N,) labels 0-9 -> (10, 1, H, W): the mean image of each class."""
    return torch.stack([xs[ys == c].mean(0) for c in range(10)])


# --- mlp -----------------------------------------------------------------------------------

def _ramp(w: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():  # as torch.nn.init's functions do
        return w.copy_(torch.arange(w.numel()).view(w.shape) / w.numel())


def _init_cases(g: torch.Generator) -> list[Case]:
    return [Case((torch.nn.init.zeros_,), "init = nn.init.zeros_"),
            Case((lambda w: torch.nn.init.constant_(w, 0.01),), "init sets every weight to 0.01"),
            Case((_ramp,), "init sets the weights to 0, 1/n, 2/n, ... in order"),
            Case((None,), "init = None, PyTorch's default")]


def _init_run(f, case: Case):
    """The parameters of the network f builds, in order (weights and biases of both layers),
    after the same seed: PyTorch's default initialisation draws the same numbers for both."""
    torch.manual_seed(0)
    net = f(*case.args)
    return tuple(p.detach().clone() for p in net.parameters())


def _init_hint(got, case) -> str | None:
    if case is None or case.args[0] is None or not isinstance(got, tuple) or len(got) != 4:
        return None
    if not all(isinstance(p, torch.Tensor) for p in got):
        return None
    for w in got[0::2]:
        wanted = case.args[0](torch.empty(w.shape))
        if w.shape != wanted.shape or not torch.allclose(w, wanted):
            return ("initialise every nn.Linear, the output layer included (loop over "
                    "net.modules())")
    if any(b.abs().max() > 0 for b in got[1::2]):
        return "zero the biases of the initialised layers too (nn.init.zeros_(layer.bias))"
    return None


@exercise("mlp-ex-init", cases=_init_cases, run=_init_run, diagnose=_init_hint,
          answer="a function mlp_with(init) returning the network")
def mlp_with(init):
    """models.MLP(hidden=[256]) with init(weight) applied to every nn.Linear's weight and
    its bias zeroed; init None keeps PyTorch's default initialisation."""
    from ..models import MLP

    net = MLP(hidden=[256])
    if init is not None:
        for layer in net.modules():
            if isinstance(layer, torch.nn.Linear):
                init(layer.weight)
                torch.nn.init.zeros_(layer.bias)
    return net


# --- dropout -------------------------------------------------------------------------------

def _ratio_cases(g: torch.Generator) -> list[Case]:
    return [Case((p,), f"p = {p}") for p in (0.5, 0.2, 0.0, 0.9)]


def _ratio_hint(got, case) -> str | None:
    if not isinstance(got, (int, float)) or case is None or not case.args[0]:
        return None
    p = case.args[0]
    if math.isclose(got, 1 / (1 - p), rel_tol=1e-6):
        return "that is the rescaling factor itself; without it, what is left of the mean?"
    if math.isclose(got, p, rel_tol=1e-6):
        return "p is the probability that a unit is dropped, not kept"
    return None


@exercise("dropout-ex-rescale", cases=_ratio_cases, diagnose=_ratio_hint, atol=1e-9,
          rtol=1e-6)
def train_eval_ratio(p):
    """The expected mean activation of a layer in training over its mean in evaluation, when
    dropout with probability p forgets the rescaling."""
    return 1 - p


# --- linear-regression-concise -------------------------------------------------------------

def _lr_cases(g: torch.Generator) -> list[Case]:
    return [Case((0.03, 10), "lr 0.03, batch size 10"), Case((0.1, 256), "lr 0.1, batch "
            "size 256"), Case((0.5, 1), "lr 0.5, batch size 1")]


def _lr_hint(got, case) -> str | None:
    if isinstance(got, (int, float)) and case is not None and case.args[1] > 1 and \
            math.isclose(got, case.args[0] * case.args[1], rel_tol=1e-6):
        return ("the summed loss, and its gradient, are batch_size times larger: the steps "
                "would be batch_size² times too large")
    return None


@exercise("linear-regression-concise-ex-sum", cases=_lr_cases, diagnose=_lr_hint,
          atol=1e-12, rtol=1e-6)
def lr_for_sum(lr, batch_size):
    """The learning rate that makes SGD on the summed loss of batches of batch_size take the
    same steps as learning rate lr on the mean loss."""
    return lr / batch_size


def _lstsq_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for n, d in [(50, 2), (20, 1), (100, 5), (3, 2)]:
        X = torch.randn(n, d, generator=g)
        y = X @ torch.randn(d, 1, generator=g) + torch.randn(1, generator=g) \
            + 0.1 * torch.randn(n, 1, generator=g)
        cases.append(Case((X, y), f"features {_shape(n, d)}, labels {_shape(n, 1)}"
                          + (" (as many samples as unknowns)" if n == d + 1 else "")))
    return cases


@exercise("linear-regression-concise-ex-lstsq", cases=_lstsq_cases, atol=1e-4, rtol=1e-3)
def lstsq_fit(features, labels):
    """features (n, d), labels (n, 1) -> (d + 1,): the least-squares weights, then the bias."""
    A = torch.cat([features, torch.ones(len(features), 1)], dim=1)
    return torch.linalg.lstsq(A, labels).solution.reshape(-1)


# --- softmax-regression --------------------------------------------------------------------

def _lse_cases(g: torch.Generator) -> list[Case]:
    """Moderate logits, logits in the thousands (the naive formula overflows), rows of very
    different scales (one shift for the whole batch underflows), a single class."""
    return [
        Case((torch.randn(4, 5, generator=g),), "o 4×5, moderate logits"),
        Case((torch.tensor([[1000.0, 999.0, -1000.0]]),), "o = [[1000, 999, -1000]]"),
        Case((torch.cat([1000 + torch.randn(1, 6, generator=g),
                         -1000 + torch.randn(1, 6, generator=g),
                         torch.randn(1, 6, generator=g)]),),
             "o 3×6, rows around 1000, -1000 and 0"),
        Case((50 * torch.randn(6, 1, generator=g),), "o 6×1, a single class"),
    ]


def _lse_hint(got, case) -> str | None:
    if isinstance(got, torch.Tensor) and torch.isinf(got).any():
        return "exp overflowed (or underflowed): subtract each row's maximum before the exp"
    return None


@exercise("softmax-regression-ex-lse", cases=_lse_cases, diagnose=_lse_hint)
def logsumexp(o):
    """o (N, K) -> (N,): log sum_k exp(o[:, k]), computed without overflow."""
    return torch.logsumexp(o, dim=1)


# --- sgd -----------------------------------------------------------------------------------

def _sgd_cases(g: torch.Generator) -> list[Case]:
    cases = []
    sizes: list[tuple[list[tuple[int, ...]], float]] = [
        ([(3, 4), (3,)], 0.1), ([(10, 7), (10,), (2, 10), (2,)], 0.5), ([(1,)], 1.0)]
    for shapes, lr in sizes:
        params = [torch.randn(s, generator=g) for s in shapes]
        grads = [torch.randn(s, generator=g) for s in shapes]
        cases.append(Case((params, grads, lr), f"parameters of shapes "
                          f"{', '.join(_shape(*s) for s in shapes)}, lr {lr}"))
    return cases


def _sgd_run(f, case: Case):
    """Parameters with their gradients set, one call of ``f(params, lr)``: the parameters
    after it, and whether their gradients were reset."""
    if _is_stub(f):  # the starter: "not attempted", not a wrong answer
        return None
    values, grads, lr = case.args
    params = [v.clone().requires_grad_() for v in values]
    for p, gr in zip(params, grads):
        p.grad = gr.clone()
    f(params, lr)
    reset = all(p.grad is None or not p.grad.any() for p in params)
    return torch.cat([p.detach().flatten() for p in params]), reset


def _sgd_hint(got, case) -> str | None:
    if isinstance(got, tuple) and len(got) == 2 and got[1] is False:
        return ("the gradients were not reset after the update: the next backward() would "
                "add to them")
    return None


@exercise("sgd-ex-by-hand", cases=_sgd_cases, run=_sgd_run, diagnose=_sgd_hint,
          answer="a function sgd_step(params, lr)")
def sgd_step(params, lr):
    """One SGD step on every parameter of the list params (their .grad set by backward), in
    place, then the gradients reset."""
    opt = torch.optim.SGD(params, lr=lr)
    opt.step()
    opt.zero_grad(set_to_none=True)


def _missed_cases(g: torch.Generator) -> list[Case]:
    return [Case((n,), f"N = {n}") for n in (1, 2, 10, 60000)]


def _missed_hint(got, case) -> str | None:
    if not isinstance(got, (int, float)) or case is None:
        return None
    n = case.args[0]
    if math.isclose(got, math.exp(-1), rel_tol=1e-4) and n < 1000:
        return "e^-1 is the limit for large N; the exact fraction depends on N"
    if math.isclose(got, 1 - (1 - 1 / n) ** n, rel_tol=1e-6):
        return "that is the fraction visited at least once, not the fraction missed"
    return None


@exercise("sgd-ex-replacement", cases=_missed_cases, diagnose=_missed_hint, atol=1e-9,
          rtol=1e-6)
def missed_fraction(N):
    """The expected fraction of N samples never drawn in N draws with replacement."""
    return (1 - 1 / N) ** N


# --- training-protocol ---------------------------------------------------------------------

def _split_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for n, wrong in [(20, 5), (100, 30), (8, 1)]:
        right = torch.ones(n, dtype=torch.bool)
        right[torch.randperm(n, generator=g)[:wrong]] = False
        losses = torch.where(right, 0.1, 3.0) * torch.rand(n, generator=g)
        cases.append(Case((losses, right), f"{n} losses, {wrong} of them misclassified"))
    return cases


def _split_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and len(got) == 3 and case is not None:
        losses, right = case.args
        try:
            share = float(got[2])
        except (TypeError, ValueError):
            return None
        if math.isclose(share, (losses[right].sum() / losses.sum()).item(), rel_tol=1e-4):
            return "the third value is the share of the misclassified images, not the others"
        if math.isclose(share, (~right).float().mean().item(), rel_tol=1e-4):
            return "the third value is a share of the total loss, not of the images"
    return None


@exercise("training-protocol-ex-loss-vs-error", cases=_split_cases, diagnose=_split_hint,
          answer="a function loss_split(losses, right) returning three numbers")
def loss_split(losses, right):
    """losses (n,) per image, right (n,) booleans -> (mean loss of the images classified
    correctly, mean loss of the others, share of the total loss due to the others)."""
    return (losses[right].mean().item(), losses[~right].mean().item(),
            (losses[~right].sum() / losses.sum()).item())


def _gamma_cases(g: torch.Generator) -> list[Case]:
    return [Case((e,), f"E = {e}") for e in (50, 2, 10, 101)]


def _gamma_hint(got, case) -> str | None:
    if not isinstance(got, (int, float)) or case is None:
        return None
    e = case.args[0]
    if math.isclose(got, 0.01 ** (1 / e), rel_tol=1e-6):
        return ("the first epoch runs at eta_0, so the rate is multiplied E - 1 times, "
                "not E")
    if math.isclose(got, 100 ** (1 / (e - 1)), rel_tol=1e-6):
        return "this factor makes the rate grow: gamma must be below 1"
    return None


@exercise("training-protocol-ex-gamma", cases=_gamma_cases, diagnose=_gamma_hint,
          atol=1e-9, rtol=1e-6)
def exponential_gamma(E):
    """The factor gamma with which ExponentialLR takes the rate from eta_0 at the first of E
    epochs to eta_0 / 100 at the last."""
    return 0.01 ** (1 / (E - 1))
