"""Self-checked exercises of the part "Training deep networks"."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ..answers import Case, _is_stub, exercise


def _shape(*sizes: int) -> str:
    return "×".join(map(str, sizes))


# --- depth ---------------------------------------------------------------------------------

def _zigzag(u: torch.Tensor, n: int) -> torch.Tensor:
    """The n-piece zigzag of [0, 1] onto itself: 0 at 0, then 1, 0, 1, ... at j/n."""
    j = torch.clamp(torch.floor(n * u), max=n - 1)
    frac = n * u - j
    return torch.where(j % 2 == 0, frac, 1 - frac)


def _zigzag_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for n, k in [(3, 1), (3, 2), (2, 3), (4, 2), (1, 1), (5, 1)]:
        x = torch.cat([torch.rand(40, generator=g), torch.tensor([0.0, 1.0])])[:, None]
        cases.append(Case((n, k, x), f"n = {n}, k = {k}, on 42 points of [0, 1]"))
    return cases


def _zigzag_run(f, case: Case):
    """Build the network ``f(n, k)`` and return its outputs on the case's points."""
    n, k, x = case.args
    net = f(n, k)
    if net is None:  # the starter, or a function that forgot to return the network
        return None
    with torch.no_grad():
        return net(x).reshape(-1)


@exercise("deep-depth-ex-zigzag", cases=_zigzag_cases, run=_zigzag_run, atol=1e-4,
          answer="a function zigzag_network(n, k) returning a network")
def zigzag_network(n, k):
    """A network of k hidden layers of n ReLU units whose output on [0, 1] is the n-piece
    zigzag composed k times (here: the formula itself, which the check evaluates)."""
    def composed(x):
        u = x.reshape(-1)
        for _ in range(k):
            u = _zigzag(u, n)
        return u
    return composed


# --- losses-and-transfer -------------------------------------------------------------------

def _smoothing_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for n, k, eps in [(8, 5, 0.1), (3, 10, 0.3), (1, 4, 0.1), (6, 2, 0.0)]:
        z = 3 * torch.randn(n, k, generator=g)
        y = torch.randint(k, (n,), generator=g)
        cases.append(Case((z, y, eps), f"z {_shape(n, k)}, y of {n}, eps {eps}"))
    return cases


def _smoothing_hint(got, case) -> str | None:
    if not isinstance(got, torch.Tensor) or case is None:
        return None
    z, y, eps = case.args
    if eps and got.shape == z.shape and torch.allclose(
            got, (z.softmax(1) - F.one_hot(y, z.shape[1])) / len(z), atol=1e-6):
        return "this is the gradient for the one-hot target: the target q mixes in eps / K"
    return None


@exercise("deep-losses-ex-smoothing", cases=_smoothing_cases, diagnose=_smoothing_hint)
def smoothed_ce_grad(z, y, eps):
    """The gradient with respect to z (N, K) of F.cross_entropy(z, y, label_smoothing=eps),
    the mean over the batch: a tensor (N, K)."""
    z = z.detach().clone().requires_grad_()
    F.cross_entropy(z, y, label_smoothing=eps).backward()
    return z.grad


def _mse_cases(g: torch.Generator) -> list[Case]:
    cases = [Case((torch.tensor([-6.0]), torch.ones(1)), "z = [-6], y = [1], a confident "
                  "mistake")]
    for n in (5, 12):
        z = 4 * torch.randn(n, generator=g)
        y = torch.randint(2, (n,), generator=g).float()
        cases.append(Case((z, y), f"z and y of {n} values"))
    return cases


@exercise("deep-losses-ex-mse", cases=_mse_cases, answer="a function "
          "sigmoid_loss_grads(z, y) returning two tensors")
def sigmoid_loss_grads(z, y):
    """For logits z and targets y in {0, 1} (both (n,)): the gradients with respect to z of
    the squared error (sigmoid(z) - y)^2 / 2 and of the binary cross-entropy, per sample."""
    s = torch.sigmoid(z)
    return (s - y) * s * (1 - s), s - y


# --- normalisation -------------------------------------------------------------------------

def _pair_cases(g: torch.Generator) -> list[Case]:
    x = torch.randn(2, 5, generator=g)
    close = 0.01 * torch.randn(1, 4, generator=g) + torch.tensor([[0.0], [1e-3]]) * \
        torch.tensor([1.0, -1.0, 0.5, 2.0])  # small values: float32 keeps their differences
    same = torch.randn(1, 3, generator=g).expand(2, 3).clone()
    return [Case((x,), "x 2×5"), Case((close,), "x 2×4, samples differing by 0.002 at most"),
            Case((same,), "x 2×3, two equal samples"),
            Case((10 * torch.randn(2, 1, generator=g),), "x 2×1")]


def _pair_hint(got, case) -> str | None:
    if not isinstance(got, torch.Tensor) or case is None or got.shape != case.args[0].shape:
        return None
    x = case.args[0]
    unbiased = (x - x.mean(0)) / torch.sqrt(x.var(0) + 1e-5)
    if torch.allclose(got, unbiased, atol=1e-5):
        return ("batch normalisation divides by the biased variance, the mean of the squared "
                "deviations over the batch (not over N - 1)")
    if torch.allclose(got, torch.sign(x - x.mean(0)), atol=1e-5):
        return "the eps under the square root matters when the two samples nearly agree"
    return None


@exercise("deep-norm-ex-batch-size", cases=_pair_cases, diagnose=_pair_hint, atol=1e-4)
def batchnorm_of_two(x):
    """x (2, C) -> (2, C): the output of nn.BatchNorm1d(C) (gamma 1, beta 0, eps 1e-5) in
    training mode, for a batch of two samples."""
    return F.batch_norm(x, None, None, training=True, eps=1e-5)


# --- optimisers ----------------------------------------------------------------------------

def _steps_cases(g: torch.Generator) -> list[Case]:
    return [Case((5,), "steps = 5, default betas"),
            Case((1,), "steps = 1"),
            Case((20,), "steps = 20, b1 = 0.5, b2 = 0.9", dict(b1=0.5, b2=0.9)),
            Case((8,), "steps = 8, g = 0.01", dict(g=0.01))]


def _steps_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and got and all(
            isinstance(v, (int, float)) and math.isclose(v, 1, rel_tol=1e-4) for v in got):
        return "these steps are bias-corrected: the exercise removes the correction"
    return None


@exercise("deep-opt-ex-bias", cases=_steps_cases, diagnose=_steps_hint,
          answer="a function uncorrected_steps(steps, b1=0.9, b2=0.999, eps=1e-8, g=1.0) "
          "returning a list")
def uncorrected_steps(steps, b1=0.9, b2=0.999, eps=1e-8, g=1.0):
    """Adam's steps, in units of the learning rate, without bias correction, for a constant
    gradient g: a list of ``steps`` numbers."""
    out = []
    for t in range(1, steps + 1):
        m, v = (1 - b1**t) * g, (1 - b2**t) * g * g
        out.append(m / (math.sqrt(v) + eps))
    return out


def _optimiser_cases(g: torch.Generator) -> list[Case]:
    cases = []
    sizes: list[tuple[list[tuple[int, ...]], int]] = [
        ([(4, 3), (4,)], 6), ([(10,)], 12), ([(2, 5), (5,), (1,)], 3)]
    for shapes, steps in sizes:
        params = [torch.randn(s, generator=g) for s in shapes]
        grads = [[torch.randn(s, generator=g) for s in shapes] for _ in range(steps)]
        cases.append(Case((params, grads), f"{steps} steps on parameters of shapes "
                          f"{', '.join(_shape(*s) for s in shapes)}"))
    return cases


def _replay(f, case: Case, **kw):
    """Call ``f(params, state, **kw)`` after setting each step's gradients; return the
    parameters at the end."""
    if _is_stub(f):  # the starter: "not attempted", not a wrong answer
        return None
    values, grads = case.args
    params = [v.clone().requires_grad_() for v in values]
    state: dict = {}
    for step in grads:
        for p, gr in zip(params, step):
            p.grad = gr.clone()
        f(params, state, **kw)
    return torch.cat([p.detach().flatten() for p in params])


def _torch_step(make, params, state):
    if "torch" not in state:
        state["torch"] = make(params)
    state["torch"].step()


@exercise("deep-opt-ex-adagrad", cases=_optimiser_cases, atol=1e-5,
          run=lambda f, case: _replay(f, case, lr=0.05),
          answer="a function adagrad_step(params, state, lr, eps=1e-10)")
def adagrad_step(params, state, lr, eps=1e-10):
    """One Adagrad step on the list ``params`` (their .grad set), in place; ``state`` is a
    dict kept between calls."""
    _torch_step(lambda ps: torch.optim.Adagrad(ps, lr=lr, eps=eps), params, state)


@exercise("deep-opt-ex-adamw", cases=_optimiser_cases, atol=1e-5,
          run=lambda f, case: _replay(f, case, lr=0.01, weight_decay=0.5),
          answer="a function adamw_step(params, state, lr, weight_decay, **adam)")
def adamw_step(params, state, lr, weight_decay, betas=(0.9, 0.999), eps=1e-8):
    """One AdamW step on the list ``params`` (their .grad set), in place; ``state`` is a dict
    kept between calls."""
    _torch_step(lambda ps: torch.optim.AdamW(ps, lr=lr, betas=betas, eps=eps,
                                             weight_decay=weight_decay), params, state)


# --- initialisation ------------------------------------------------------------------------

def _gain_hint(got, case) -> str | None:
    if isinstance(got, (int, float)) and math.isclose(got, 2, rel_tol=1e-6):
        return "the gain multiplies the weights, and the ReLU halves their second moment"
    return None


@exercise("deep-init-ex-orthogonal", answer="a number", diagnose=_gain_hint)
def _relu_gain():
    return math.sqrt(2)


# --- regularisation ------------------------------------------------------------------------

def _threshold_cases(g: torch.Generator) -> list[Case]:
    return [Case((torch.randn(50, generator=g), 0.3), "w of 50 values, t = 0.3"),
            Case((torch.randn(4, 6, generator=g), 0.05), "w 4×6, t = 0.05"),
            Case((torch.randn(10, generator=g), 0.0), "w of 10 values, t = 0"),
            Case((torch.randn(8, generator=g), 10.0), "w of 8 values, t = 10, larger than "
                 "every weight")]


def _threshold_hint(got, case) -> str | None:
    if isinstance(got, torch.Tensor) and case is not None and got.shape == case.args[0].shape:
        w = case.args[0]
        if ((got * w) < 0).any():
            return "some weights crossed zero: the shrinking must stop at zero"
    return None


@exercise("deep-reg-ex-l1", cases=_threshold_cases, diagnose=_threshold_hint)
def soft_threshold(w, t):
    """Each weight of w moved towards zero by t, stopping at zero (the proximal step of
    t ||w||_1): a tensor shaped like w."""
    return w.sign() * (w.abs() - t).clamp(min=0)


# --- validation ----------------------------------------------------------------------------

def _patience_cases(g: torch.Generator) -> list[Case]:
    noisy = (1 / torch.arange(1, 31) + 0.01 * torch.arange(30) / 3
             + 0.02 * torch.rand(30, generator=g)).tolist()
    falling = torch.linspace(1, 0.1, 12).tolist()
    bump = [1.0, 0.8, 0.85, 0.7, 0.75, 0.76, 0.77, 0.78, 0.6, 0.9]
    flat = [0.5, 0.5, 0.5, 0.5]
    return [Case((noisy, 5), "30 noisy losses, patience 5"),
            Case((bump, 1), "losses with a bump, patience 1"),
            Case((bump, 4), "the same, patience 4"),
            Case((falling, 3), "12 losses always falling, patience 3"),
            Case((flat, 2), "4 equal losses, patience 2")]


def _patience_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and len(got) == 3 and case is not None:
        expected = early_stopping(*case.args)
        if isinstance(got[1], int) and got[1] == expected[1] - 1:
            return "the epochs are numbered from 1, as the stopper prints them"
    return None


@exercise("deep-val-ex-patience", cases=_patience_cases, diagnose=_patience_hint,
          answer="a function replay(losses, patience) returning (stop epoch, best epoch, "
          "best loss)")
def early_stopping(losses, patience):
    """Replay early stopping on a list of validation losses (epochs numbered from 1): the
    epoch at which it stops, the epoch whose weights it restores and their loss."""
    best, best_epoch, waited = math.inf, 0, 0
    for epoch, loss in enumerate(losses, start=1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
        if waited >= patience:
            return epoch, best_epoch, best
    return len(losses), best_epoch, best


def _fold_cases(g: torch.Generator) -> list[Case]:
    return [Case((n, k), f"n = {n}, folds = {k}", {"seed": int(torch.randint(100, (), generator=g))})
            for n, k in [(10, 3), (12, 4), (7, 7), (100, 6), (11, 2)]]


def _fold_run(f, case: Case):
    """What any correct answer shares: how many folds, whether their sizes differ by at most
    one, and whether every index of range(n) lies in exactly one fold."""
    folds = [torch.as_tensor(fold).flatten() for fold in f(*case.args, **case.kwargs)]
    sizes = [len(fold) for fold in folds]
    everything = torch.cat(folds).sort().values if folds else torch.zeros(0, dtype=torch.long)
    n = case.args[0]
    return (len(folds), max(sizes) - min(sizes) <= 1 if folds else False,
            bool(everything.shape == (n,) and (everything == torch.arange(n)).all()))


def _fold_hint(got, case) -> str | None:
    if not isinstance(got, tuple) or len(got) != 3 or case is None:
        return None
    if got[2] is False:
        return "every index from 0 to n - 1 must lie in exactly one fold"
    if got[1] is False:
        return ("the fold sizes must differ by at most one (torch.chunk does not ensure it: "
                "10 in 3 chunks gives 4, 4 and 2)")
    return None


@exercise("deep-val-ex-kfold", cases=_fold_cases, run=_fold_run, diagnose=_fold_hint,
          answer="a function k_folds(n, folds, seed=0) returning the list of folds")
def k_folds(n, folds, seed=0):
    """range(n) shuffled and cut into folds disjoint index tensors of (nearly) equal size."""
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return list(torch.tensor_split(order, folds))
