"""Self-checked exercises of the part "Autograd"."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..answers import Case, exercise


def _shape(*sizes: int) -> str:
    return "×".join(map(str, sizes))


def _close(a, b) -> bool:
    return (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape
            and torch.allclose(a.detach().double(), b.detach().double(), rtol=1e-4, atol=1e-5))


def _pair(got) -> bool:
    return isinstance(got, (tuple, list)) and len(got) == 2


# derivatives-and-dags

def _slopes_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and len(got) == 3 and tuple(got) == (0, -4, -3):
        return "these are the values of g, not of its derivative"
    return None


@exercise("derivatives-and-dags-ex-sign", diagnose=_slopes_hint,
          answer="a tuple of the three derivatives g'(0), g'(2), g'(3)")
def _slopes():
    return (-4.0, 0.0, 2.0)


def _gradient_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and len(got) == 2 and tuple(got) == (-18, 6):
        return "the two partial derivatives are swapped: ∂F/∂x comes first"
    return None


@exercise("derivatives-and-dags-ex-gradient", diagnose=_gradient_hint,
          answer="a tuple (∂F/∂x, ∂F/∂y) at (3, -1)")
def _gradient():
    return (6.0, -18.0)


def _dag_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for d in (5, 1, 3):
        w1, w2 = torch.rand(d, d, generator=g), torch.rand(d, d, generator=g)
        cases.append(Case((w1, w2, torch.randn(d, generator=g)),
                          f"w1, w2 {_shape(d, d)}, x0 {d}"))
    return cases


def _dag_forward(w1, w2, x0):
    x1 = w1 @ x0
    x2 = w2 @ x1 + x0
    return x1, x2, w1 @ (x1 + x2)


def _squared_hint(got, case) -> str | None:
    w1, w2, x0 = case.args
    x1, x2, x3 = _dag_forward(w1, w2, x0)
    g3 = x3 / x3.norm()
    g2 = w1.T @ g3
    g1 = w2.T @ g2 + w1.T @ g3
    if _close(got, torch.outer(g1, x0) + torch.outer(g3, x1 + x2)):
        return "that is the gradient for the loss ‖x3‖: the gradient of ½‖x3‖² at x3 is x3"
    g3 = x3
    g2 = w1.T @ g3
    g1 = w2.T @ g2 + w1.T @ g3
    if _close(got, torch.outer(g1, x0)) or _close(got, torch.outer(g3, x1 + x2)):
        return "w1 is used twice in the DAG: its gradient sums the two contributions"
    return None


@exercise("derivatives-and-dags-ex-squared", cases=_dag_cases, diagnose=_squared_hint)
def dag_grad_w1(w1, w2, x0):
    """w1, w2 (D, D), x0 (D,) -> (D, D), the gradient of ½‖x3‖² with respect to w1."""
    w1 = w1.detach().requires_grad_()
    x1, x2, x3 = _dag_forward(w1, w2, x0)
    return torch.autograd.grad(0.5 * x3.pow(2).sum(), w1)[0]


# autograd-in-practice

def _log_affine_cases(g: torch.Generator) -> list[Case]:
    cases = [Case((torch.tensor(2.0), torch.tensor(0.5), torch.tensor(1.5)),
                  "x = 2, w = 0.5, b = 1.5")]
    for n in (5, 1):
        x, w = torch.rand(n, generator=g) * 3, torch.rand(n, generator=g) * 2
        cases.append(Case((x, w, torch.rand(n, generator=g) + 0.5), f"x, w, b of size {n}"))
    return cases


def _log_affine_hint(got, case) -> str | None:
    x, w, b = case.args
    s = w * x + b
    if _pair(got) and _close(got[0], 1 / s) and _close(got[1], x / s):
        return "the two derivatives are swapped: ∂f/∂w first, then ∂f/∂b"
    if _pair(got) and _close(got[0], w / s):
        return "∂(w x)/∂w is x, the other factor"
    return None


@exercise("autograd-in-practice-ex-log-affine", cases=_log_affine_cases,
          diagnose=_log_affine_hint)
def log_affine_grads(x, w, b):
    """x, w, b tensors of the same shape -> (∂f/∂w, ∂f/∂b) for f = log(w x + b), by hand."""
    s = w * x + b
    return x / s, 1 / s


def _squares_hint(got, case) -> str | None:
    if isinstance(got, torch.Tensor) and got.shape == (4,) and torch.equal(
            got.detach(), torch.tensor([10.0, 12.0, 14.0, 16.0])):
        return "the derivative of x² is 2x"
    return None


@exercise("autograd-in-practice-ex-squares", diagnose=_squares_hint,
          answer="a tensor, the gradient of z with respect to x")
def _squares():
    return torch.tensor([20.0, 24.0, 28.0, 32.0])


def _flags_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and len(got) == 4 and got[0] is False:
        return "the flag depends on the operands, not on their values"
    if isinstance(got, (tuple, list)) and len(got) == 4 and got[3] is True:
        return "inside torch.no_grad() nothing is recorded"
    return None


@exercise("autograd-in-practice-ex-flags", diagnose=_flags_hint,
          answer="a tuple of the four flags (True or False)")
def _flags():
    return (True, False, True, False)


def _repeat_hint(got, case) -> str | None:
    if isinstance(got, torch.Tensor) and got.shape == (2,) and torch.equal(
            got.detach(), torch.tensor([2.0, 4.0])):
        return "that is the gradient of one pass: what does backward do with what .grad holds?"
    return None


@exercise("autograd-in-practice-ex-repeat", diagnose=_repeat_hint,
          answer="a tensor, what x.grad holds after the three passes")
def _repeat():
    return torch.tensor([6.0, 12.0])


# beyond-scalars

def _jacobian_cases(g: torch.Generator) -> list[Case]:
    W = torch.randn(3, 4, generator=g)
    V = torch.randn(5, 2, generator=g)
    return [
        Case((lambda x: W @ x, torch.randn(4, generator=g).requires_grad_()),
             "f(x) = W @ x, W 3×4"),
        Case((lambda x: torch.tanh(V @ x), torch.randn(2, generator=g).requires_grad_()),
             "f(x) = tanh(V @ x), V 5×2"),
        Case((lambda x: x.pow(2).sum().view(1), torch.randn(3, generator=g).requires_grad_()),
             "f(x) = [sum of x²], one output"),
        Case((lambda x: x * x.flip(0), torch.randn(6, generator=g).requires_grad_()),
             "f(x) = x * x.flip(0)"),
    ]


def _jacobian_hint(got, case) -> str | None:
    f, x = case.args
    jac = torch.autograd.functional.jacobian(f, x.detach())
    if _close(got, jac.cumsum(0)):
        return "row i also holds the rows before it: x.grad accumulates, reset it between calls"
    return None


@exercise("beyond-scalars-ex-jacobian", cases=_jacobian_cases, diagnose=_jacobian_hint)
def jacobian_by_rows(f, x):
    """f maps (n,) to (m,), x (n,) requires gradients -> the Jacobian (m, n), one backward
    pass per row."""
    return torch.autograd.functional.jacobian(f, x.detach())


def _detach_cases(g: torch.Generator) -> list[Case]:
    return [Case((torch.tensor([0.5, 1.0, 2.0]),), "x = [0.5, 1, 2]"),
            Case((torch.randn(7, generator=g) * 2,), "x of size 7"),
            Case((torch.randn(1, generator=g),), "x of size 1")]


def _detach_hint(got, case) -> str | None:
    x = case.args[0]
    total = 3 * x**2 * torch.sin(x) + x**3 * torch.cos(x)
    partial = x**3 * torch.cos(x)
    if _pair(got) and _close(got[0], partial) and _close(got[1], total):
        return "the two gradients are swapped: the one without detaching comes first"
    if _pair(got) and _close(got[1], 3 * x**2 * torch.sin(x)):
        return "detaching y keeps the path through sin x, not the one through y"
    return None


@exercise("beyond-scalars-ex-detach", cases=_detach_cases, diagnose=_detach_hint)
def both_gradients(x):
    """x (N,) -> (dz/dx with y = x³ tracked, dz/dx with y detached), for z = sum(y sin x)."""
    return (3 * x**2 * torch.sin(x) + x**3 * torch.cos(x), x**3 * torch.cos(x))


# functional-and-modules

def _is_starter(cls) -> bool:
    """A class answer still as in the starter: no method of its own. Its run returns `...`,
    which check reports as not attempted (it cannot read the source of a class defined in a
    notebook to see the starter's `...`)."""
    return isinstance(cls, type) and not {"__init__", "forward"} & set(vars(cls))


def _count_cases(g: torch.Generator) -> list[Case]:
    return [Case((n_in, n_out), f"n_in = {n_in}, n_out = {n_out}")
            for n_in, n_out in [(784, 10), (1, 1), (3, 7), (100, 1)]]


def _count_hint(got, case) -> str | None:
    n_in, n_out = case.args
    if got == n_in * n_out:
        return "the biases are parameters too"
    if got == (n_in + 1) * (n_out + 1) or got == n_in * n_out + n_in:
        return "there is one bias per output"
    return None


@exercise("functional-and-modules-ex-count", cases=_count_cases, diagnose=_count_hint,
          rtol=0, atol=0)
def linear_params(n_in, n_out):
    """-> the number of parameters of nn.Linear(n_in, n_out), from the formula."""
    return (n_in + 1) * n_out


class Fixed(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(3))
        self.layers = nn.ModuleList([nn.Linear(3, 3), nn.Linear(3, 3)])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.scale * x


def _registry_cases(g: torch.Generator) -> list[Case]:
    return [Case((), "Fixed()")]


def _run_registry(cls, case: Case):
    """Build the module and count what it registers: (parameter tensors, numbers)."""
    if _is_starter(cls):
        return ...
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        module = cls()
    params = list(module.parameters())
    return len(params), sum(p.numel() for p in params)


def _registry_hint(got, case) -> str | None:
    if not _pair(got):
        return None
    if got[0] == 0:
        return ("nothing is registered: only nn.Parameter and nn.Module attributes are; "
                "a plain tensor or a Python list of modules is not")
    if got[0] == 4:
        return "the scale is not registered: a tensor that requires gradients is not a parameter"
    if got[0] == 1:
        return "the layers are not registered: a Python list hides them from the module"
    return None


exercise("functional-and-modules-ex-registry", cases=_registry_cases, run=_run_registry,
         diagnose=_registry_hint, answer="a class Fixed (an nn.Module)")(Fixed)


class DAG(nn.Module):
    def __init__(self, d=5):
        super().__init__()
        self.w1 = nn.Parameter(torch.rand(d, d))
        self.w2 = nn.Parameter(torch.rand(d, d))

    def forward(self, x0):
        x1 = self.w1 @ x0
        x2 = self.w2 @ x1 + x0
        return self.w1 @ (x2 + x1)


def _module_dag_cases(g: torch.Generator) -> list[Case]:
    return [Case((torch.rand(5, 5, generator=g), torch.rand(5, 5, generator=g),
                  torch.randn(5, generator=g)), f"w1, w2 5×5, x0 5, draw {k}") for k in (1, 2, 3)]


def _run_dag(cls, case: Case):
    """DAG() given the case's weights: (x3, the gradients of ‖x3‖ for w1 and w2)."""
    w1, w2, x0 = case.args
    if _is_starter(cls):
        return ...
    with torch.random.fork_rng(devices=[]):
        module = cls()
    with torch.no_grad():
        module.w1.copy_(w1)
        module.w2.copy_(w2)
    x3 = module(x0)
    if not isinstance(x3, torch.Tensor):
        return x3
    grads = (None, None)
    if x3.requires_grad:
        x3.norm().backward()
        grads = (module.w1.grad, module.w2.grad)
    return x3.detach(), grads[0], grads[1]


def _dag_module_hint(got, case) -> str | None:
    if isinstance(got, tuple) and len(got) == 3 and got[1] is None:
        return "w1 and w2 get no gradient: make them nn.Parameter"
    if isinstance(got, tuple) and len(got) == 2:
        return "forward(x0) returns x3 only"
    return None


exercise("functional-and-modules-ex-dag", cases=_module_dag_cases, run=_run_dag,
         diagnose=_dag_module_hint, answer="a class DAG (an nn.Module)")(DAG)


def _tanh_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for n, i, h, o in [(4, 10, 20, 5), (1, 3, 1, 2), (6, 2, 8, 1)]:
        cases.append(Case((torch.randn(n, i, generator=g), torch.randn(h, i, generator=g),
                           torch.randn(h, generator=g), torch.randn(o, h, generator=g),
                           torch.randn(o, generator=g)),
                          f"x {_shape(n, i)}, w1 {_shape(h, i)}, w2 {_shape(o, h)}"))
    return cases


def _tanh_hint(got, case) -> str | None:
    x, w1, b1, w2, b2 = case.args
    if _close(got, F.linear(torch.tanh(F.linear(x, w1, b1)), w2, b2)):
        return "the output goes through tanh too, as in TanhNet.forward"
    return None


@exercise("functional-and-modules-ex-functional", cases=_tanh_cases, diagnose=_tanh_hint)
def tanh_net(x, w1, b1, w2, b2):
    """x (N, n_in), w1 (n_hidden, n_in), b1 (n_hidden,), w2 (n_out, n_hidden), b2 (n_out,)
    -> (N, n_out), TanhNet's forward pass with F.linear."""
    return torch.tanh(F.linear(torch.tanh(F.linear(x, w1, b1)), w2, b2))


# static-and-dynamic-graphs

def _nodes_cases(g: torch.Generator) -> list[Case]:
    return [Case((k,), f"k = {k}") for k in (3, 1, 2, 10)]


def _nodes_hint(got, case) -> str | None:
    k = case.args[0]
    if got == 3 * k + 1:
        return "count the leaf w too"
    if got == 3 * k:
        return "count the final sum and the leaf w too"
    if got == 2 * k + 2:
        return "w[i] is an operation too (Select)"
    return None


@exercise("static-and-dynamic-graphs-ex-count", cases=_nodes_cases, diagnose=_nodes_hint,
          rtol=0, atol=0)
def graph_nodes(k):
    """-> the number of nodes of the graph of chain(k, x).sum()."""
    return 3 * k + 2


def _grow_cases(g: torch.Generator) -> list[Case]:
    m = torch.rand(10, 10, generator=g) / 3
    return [
        Case((torch.rand(10, generator=g), m), "x of size 10, m 10×10"),
        Case((torch.rand(4, generator=g), 2 * torch.eye(4)), "m = 2 I"),
        Case((torch.rand(3, generator=g), 0.5 * torch.eye(3)), "m = I / 2: 50 steps"),
        Case((torch.full((2,), 20.0), 2 * torch.eye(2)), "x already too large: no step"),
    ]


def _run_grow(f, case: Case):
    """(the output, the number of steps, the gradient of the output's sum for m)."""
    x, m = case.args
    m = m.detach().requires_grad_()
    out = f(x, m)
    if not (isinstance(out, tuple) and len(out) == 2 and isinstance(out[0], torch.Tensor)):
        return out
    y, steps = out
    if y.requires_grad:
        y.sum().backward()
    grad = torch.zeros_like(m) if m.grad is None else m.grad
    return y.detach(), steps, grad


def _grow_hint(got, case) -> str | None:
    if isinstance(got, tuple) and len(got) == 3 and isinstance(got[1], int):
        x, m = case.args
        if got[1] == 51 or (got[1] == 1 and x.norm() >= 10):
            return "test the condition before multiplying, as a while loop does"
    return None


@exercise("static-and-dynamic-graphs-ex-while", cases=_grow_cases, run=_run_grow,
          diagnose=_grow_hint, atol=1e-4)
def grow(x, m, limit=10.0, max_steps=50):
    """x (n,), m (n, n) -> (m^k x, k), with k the first number of products at which the
    norm reaches limit, at most max_steps."""
    steps = 0
    while x.norm() < limit and steps < max_steps:
        x = m @ x
        steps += 1
    return x, steps


# derivatives-and-dags (continued)

def _fd_cases(g: torch.Generator) -> list[Case]:
    cases = []
    W = torch.randn(4, 3, generator=g, dtype=torch.float64)
    v = torch.randn(4, generator=g, dtype=torch.float64)
    for f, about, shape in [(lambda w: (w @ w.T).norm(), "f(w) = ‖w wᵀ‖", (3, 3)),
                            (lambda w: torch.tanh(W @ w).sum(), "f(w) = sum tanh(W w)", (3,)),
                            (lambda w: (w.exp() * v[: w.shape[0]]).sum(), "f(w) = sum v eʷ", (2, 2))]:
        w = torch.randn(*shape, generator=g, dtype=torch.float64)
        index = tuple(int(torch.randint(s, (1,), generator=g)) for s in shape)
        cases.append(Case((f, w, index, 1e-4), f"{about}, w {_shape(*shape)}, index {index}, h = 1e-4"))
    return cases


def _fd_hint(got, case) -> str | None:
    f, w, index, h = case.args
    e = torch.zeros_like(w)
    e[index] = h
    if isinstance(got, (int, float, torch.Tensor)):
        got = float(got)
        for one_sided in ((f(w + e) - f(w)) / h, (f(w) - f(w - e)) / h):
            if abs(got - float(one_sided)) < 1e-9:
                return "a one-sided difference: perturb by +h and by -h, and divide by 2h"
    return None


@exercise("derivatives-and-dags-ex-gradcheck", cases=_fd_cases, diagnose=_fd_hint,
          atol=1e-6, rtol=1e-6)
def central_estimate(f, w, index, h):
    """f a scalar function of a tensor, w a float64 tensor, index a tuple, h a step -> the
    central-difference estimate of ∂f/∂w[index], a number."""
    e = torch.zeros_like(w)
    e[index] = h
    return float((f(w + e) - f(w - e)) / (2 * h))


# static-and-dynamic-graphs (continued)

def _grad_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for d in (5, 1, 3):
        cases.append(Case((torch.randn(d, d, generator=g).requires_grad_(),
                           torch.randn(d, d, generator=g).requires_grad_(),
                           torch.randn(d, generator=g)), f"w1, w2 {_shape(d, d)}, x0 {d}"))
    return cases


@exercise("static-and-dynamic-graphs-ex-grad", cases=_grad_cases)
def dag_gradients(w1, w2, x0):
    """w1, w2 (D, D) requiring gradients, x0 (D,) -> (∂loss/∂w1, ∂loss/∂w2) for the
    chapter's loss ‖w1 (x2 + x1)‖, by torch.autograd.grad."""
    x1 = w1 @ x0
    x2 = w2 @ x1 + x0
    loss = (w1 @ (x2 + x1)).norm()
    return torch.autograd.grad(loss, (w1, w2))
