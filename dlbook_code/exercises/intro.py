"""Self-checked exercises of the part "Introduction"."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..answers import Case, exercise


def _shape(*sizes: int) -> str:
    return "×".join(map(str, sizes))


def _is(got, value, rel: float = 1e-3) -> bool:
    return isinstance(got, (int, float)) and math.isclose(got, value, rel_tol=rel)


# applications-and-why-now

def _gpt3_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and len(got) == 2 and _is(got[0], 3.14e23 / 35.5e12 / 86400,
                                                                   0.01):
        return "the first number is in days: the question asks for years"
    return None


@exercise("applications-and-why-now-ex-gpt3", rtol=0.01, diagnose=_gpt3_hint,
          answer="a tuple (years on one card, cards for a month)")
def _gpt3():
    seconds = 3.14e23 / 35.5e12
    return (seconds / (365.25 * 24 * 3600), seconds / (30 * 24 * 3600))


def _epochs_hint(got, case) -> str | None:
    if _is(got, 5.85e9 / 2000 / 3600, 0.01):
        return "that is in hours: the question asks for days"
    if _is(got, 5.85e9 / 2000, 0.01):
        return "that is in seconds: the question asks for days"
    return None


@exercise("applications-and-why-now-ex-epochs", rtol=0.01, diagnose=_epochs_hint,
          answer="a number of days")
def _laion_days():
    return 5.85e9 / 2000 / 86400


# first-network

def _params_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and len(got) == 5 and got[0] == 800:
        return "each output channel of a convolution has a bias too"
    if isinstance(got, (tuple, list)) and len(got) == 5 and got[1] == 64 * 25 + 64:
        return "the second convolution reads 32 input channels"
    return None


@exercise("first-network-ex-params", diagnose=_params_hint,
          answer="a tuple of the four layers' numbers of parameters and their total")
def _params():
    sizes = (32 * 1 * 25 + 32, 64 * 32 * 25 + 64, 200 * 256 + 200, 10 * 200 + 10)
    return sizes + (sum(sizes),)


def _confusion_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for n, k in [(50, 10), (7, 3), (1, 4), (200, 10)]:
        t = torch.randint(k, (n,), generator=g)
        p = torch.where(torch.rand(n, generator=g) < 0.6, t, torch.randint(k, (n,), generator=g))
        cases.append(Case((t, p, k), f"{n} digit{'s' if n > 1 else ''}, {k} classes"))
    cases.append(Case((torch.zeros(0, dtype=torch.long), torch.zeros(0, dtype=torch.long), 10),
                      "no digit at all"))
    return cases


@exercise("first-network-ex-confusion", cases=_confusion_cases)
def confusion_matrix(targets, pred, num_classes=10):
    """targets, pred (N,) int64 -> (num_classes, num_classes): entry (i, j) counts the digits
    of class i predicted as j."""
    index = num_classes * targets + pred
    return torch.bincount(index, minlength=num_classes**2).view(num_classes, num_classes)


# neural-networks-to-deep-learning

def _xor_cases(g: torch.Generator) -> list[Case]:
    four = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return [Case((four,), "the four inputs"),
            Case((torch.randint(2, (9, 2), generator=g).float(),), "9 random pairs"),
            Case((torch.tensor([[1.0, 1.0]]),), "a single pair (1, 1)")]


def _xor_hint(got, case) -> str | None:
    x = case.args[0]
    if isinstance(got, torch.Tensor) and got.shape == x.shape[:1]:
        if torch.equal(got.long(), (x.sum(1) >= 1).long()):
            return "this is OR: (1, 1) must give 0"
        if torch.equal(got.long(), (x.sum(1) >= 2).long()):
            return "this is AND"
    return None


@exercise("neural-networks-to-deep-learning-ex-xor", cases=_xor_cases, diagnose=_xor_hint)
def xor(x):
    """x (N, 2) of 0s and 1s (float) -> (N,) int64, 1 where exactly one input is 1."""
    return (x[:, 0] != x[:, 1]).long()


def _size_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and len(got) == 3 and got[0] == 224 * 224:
        return "a colour image has three channels"
    return None


@exercise("neural-networks-to-deep-learning-ex-size", rtol=1e-3, diagnose=_size_hint,
          answer="a tuple (numbers per image, times a CIFAR-10 image, gigabytes)")
def _imagenet_size():
    n = 3 * 224 * 224
    return (n, n / (3 * 32 * 32), 1.2e6 * n / 1e9)


# python-toolbox: NumPy answers, compared as tensors

def _to_torch(x):
    if isinstance(x, np.ndarray):
        return torch.from_numpy(np.ascontiguousarray(x))
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, tuple):
        return tuple(_to_torch(v) for v in x)
    return x


def _run_numpy(f, case: Case):
    """The answer's result, NumPy arrays and scalars turned into tensors and numbers."""
    return _to_torch(f(*case.args))


def _points(g: torch.Generator) -> list[Case]:
    rng = np.random.default_rng(int(torch.randint(2**31, (1,), generator=g)))
    return [Case((rng.random((n, 2)),), f"P {_shape(n, 2)}") for n in (100, 1, 2, 9)]


def _distances_hint(got, case) -> str | None:
    P = case.args[0]
    sq = torch.from_numpy(((P[:, None] - P[None]) ** 2).sum(-1))
    if isinstance(got, torch.Tensor) and got.shape == sq.shape and torch.allclose(got.double(), sq):
        return "these are squared distances: take the square root"
    return None


@exercise("python-toolbox-ex-distances", cases=_points, run=_run_numpy,
          diagnose=_distances_hint)
def distances(P):
    """P (N, 2) array -> (N, N) array of the distances between every two points."""
    return np.sqrt(((P[:, None, :] - P[None, :, :]) ** 2).sum(axis=-1))


def _matrices(g: torch.Generator) -> list[Case]:
    rng = np.random.default_rng(int(torch.randint(2**31, (1,), generator=g)))
    return [Case((np.arange(12).reshape(3, 4),), "np.arange(12).reshape(3, 4)"),
            Case((rng.normal(size=(5, 2)),), "M 5×2"),
            Case((rng.normal(size=(1, 6)),), "a single row 1×6"),
            Case((rng.normal(size=(4, 4)),), "M 4×4")]


def _colsum_hint(got, case) -> str | None:
    M = torch.from_numpy(case.args[0])
    if isinstance(got, torch.Tensor) and got.shape == M.sum(1).shape and torch.allclose(
            got.double(), M.sum(1).double()):
        return "these are the sums of the rows: reduce along axis 0"
    return None


@exercise("python-toolbox-ex-colsum", cases=_matrices, run=_run_numpy, diagnose=_colsum_hint)
def column_sums(M):
    """M (R, C) array -> (C,) array, the sum of each column."""
    return M.sum(axis=0)


def _samples(g: torch.Generator) -> list[Case]:
    rng = np.random.default_rng(int(torch.randint(2**31, (1,), generator=g)))
    return [Case((rng.normal(size=1000),), "1000 normal numbers"),
            Case((rng.random(10),), "10 numbers (an even count)"),
            Case((np.array([3.0]),), "a single number"),
            Case((rng.exponential(size=7),), "7 skewed numbers")]


def _stats_hint(got, case) -> str | None:
    r = case.args[0]
    if isinstance(got, (tuple, list)) and len(got) == 3 and len(r) > 1 and _is(
            got[2], float(np.std(r, ddof=1)), 1e-9):
        return "this standard deviation divides by N - 1: np.std divides by N"
    if isinstance(got, (tuple, list)) and len(got) == 3 and got[1] == got[0]:
        return "the median is the middle value, not the mean"
    return None


@exercise("python-toolbox-ex-stats", cases=_samples, run=_run_numpy, diagnose=_stats_hint)
def stats(r):
    """r (N,) array -> (mean, median, standard deviation dividing by N), three numbers."""
    return float(np.mean(r)), float(np.median(r)), float(np.std(r))


def _low_rank(g: torch.Generator) -> list[Case]:
    rng = np.random.default_rng(int(torch.randint(2**31, (1,), generator=g)))
    return [Case((rng.normal(size=(6, 2)) @ rng.normal(size=(2, 5)),), "a 6×2 @ 2×5 product"),
            Case((rng.normal(size=(4, 4)),), "a random 4×4"),
            Case((np.zeros((3, 3)),), "the 3×3 zero matrix"),
            Case((rng.normal(size=(7, 1)) @ rng.normal(size=(1, 3)),), "a 7×1 @ 1×3 product")]


def _rank_hint(got, case) -> str | None:
    M = case.args[0]
    if got == min(M.shape) and np.linalg.matrix_rank(M) < min(M.shape):
        return ("every singular value was counted: the zero ones are only below a tolerance "
                "relative to the largest")
    return None


@exercise("python-toolbox-ex-rank", cases=_low_rank, run=_run_numpy, diagnose=_rank_hint,
          rtol=0, atol=0)
def rank(M):
    """M (R, C) array -> its rank (an int), from its singular values."""
    S = np.linalg.svd(M, compute_uv=False)
    tol = S.max() * max(M.shape) * np.finfo(M.dtype).eps
    return int((S > tol).sum())


# what-is-happening

def _attack_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for target, hidden in [(3, 0), (7, 32), (0, 0)]:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(int(torch.randint(2**31, (1,), generator=g)))
            layers = [nn.Flatten()] + ([nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 10)]
                                       if hidden else [nn.Linear(784, 10)])
            model = nn.Sequential(*layers).eval()
        x = torch.rand(1, 1, 28, 28, generator=g)
        with torch.no_grad():
            if model(x).argmax().item() == target:
                target = (target + 1) % 10
        cases.append(Case((model, x, target),
                          f"{'an MLP' if hidden else 'a linear model'}, target {target}"))
    return cases


def _run_attack(f, case: Case):
    """(the model answers the target, the pixels stay in [0, 1], no pixel moves by more than
    the 30 steps of 0.02 allow)."""
    model, x, target = case.args
    adv = f(model, x, target)
    if not isinstance(adv, torch.Tensor):
        return adv
    adv = adv.detach()
    with torch.no_grad():
        hit = adv.shape == x.shape and model(adv).argmax().item() == target
    return (bool(hit), bool(adv.min() >= 0 and adv.max() <= 1),
            bool(adv.shape == x.shape and (adv - x).abs().max() <= 30 * 0.02 + 1e-5))


def _attack_hint(got, case) -> str | None:
    if not (isinstance(got, tuple) and len(got) == 3):
        return None
    if got[0] is False:
        return ("the model does not answer the target: step down the gradient of the loss of "
                "the target class, and stop once it does")
    if got[1] is False:
        return "some pixels leave [0, 1]: clamp after each step"
    if got[2] is False:
        return "the image changes too much: steps of 0.02, at most 30 of them"
    return None


@exercise("what-is-happening-ex-targeted", cases=_attack_cases, run=_run_attack,
          diagnose=_attack_hint)
def targeted(model, x, target, step=0.02, max_steps=30):
    """model: images (1, 1, 28, 28) in [0, 1] -> scores (1, 10); x (1, 1, 28, 28); target an
    int -> the modified image (1, 1, 28, 28) that model assigns to target."""
    goal = torch.tensor([target], device=x.device)
    adv = x.clone()
    for _ in range(max_steps):
        adv.requires_grad_(True)
        grad, = torch.autograd.grad(F.cross_entropy(model(adv), goal), adv)
        adv = (adv.detach() - step * grad.sign()).clamp(0, 1)
        with torch.no_grad():
            if model(adv).argmax().item() == target:
                break
    return adv.detach()


# applications-and-why-now (continued)

def _moore_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and len(got) == 2 and isinstance(got[0], (int, float)) \
            and 0 < got[0] < 5:
        return "these look like years: the doubling times are asked in months"
    return None


@exercise("applications-and-why-now-ex-moore", rtol=0.03, diagnose=_moore_hint,
          answer="a tuple (CPU doubling time, GPU doubling time), in months")
def _moore():
    from ..figures.intro import TRANSISTORS

    months = {}
    for kind in ("CPU", "GPU"):
        rows = [(year, n) for _, year, n, k in TRANSISTORS if k == kind]
        slope, _ = np.polyfit([y for y, _ in rows], np.log2([n for _, n in rows]), 1)
        months[kind] = 12 / slope
    return (float(months["CPU"]), float(months["GPU"]))
