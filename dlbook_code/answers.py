"""Checking a reader's answer to an exercise: :func:`check`.

An exercise whose answer is code or a number has, on its page, a starter cell (the
signature and ``...``) and a check cell::

    def corr2d_matmul(X, K, b):
        ...                                   # your code here

    check("conv2d-ex-matmul", corr2d_matmul)

:func:`check` calls the reader's function on fresh random inputs, odd shapes and edge cases,
compares each result with the book's reference (:mod:`dlbook_code.exercises`) and prints one
message: which case was tried, what was expected, what came back, and a hint where the
mistake is a common one (a transposed result, a size off by the padding, a sum instead of a
mean, a missing bias, a softmax not normalised, a result that still tracks gradients). It
never prints the solution. A starter left as it is (``...``, ``pass``, ``raise
NotImplementedError``) gets "not attempted yet", not a traceback.

The inputs are new at every call (a wrong answer cannot fit one case by luck); the message of
a failure names the seed, and ``check(..., seed=n)`` tries the same inputs again.

The book's own solution of every checked exercise is checked too: the cell after it calls
``check(label, answer, solution=True)``, which records a lesson check (:func:`expect`), so a
solution that stops passing its check fails the strict build like any lesson. Every call
also records the exercise in the notebook's outputs (metadata key ``dlbook_exercise``) for
the execution report's list of self-checked exercises.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import math
import random
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from .lessons import expect
from .runtime import notebook_shell

EXERCISE_KEY = "dlbook_exercise"  # output metadata key read by the execution report

CORRECT, WRONG, NOT_ATTEMPTED = "correct", "wrong", "not attempted"


@dataclass(frozen=True)
class Case:
    """One input an answer is tried on: its arguments, and how the message describes them."""

    args: tuple
    about: str
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Exercise:
    """The book's reference for one exercise (registered with :func:`exercise`).

    ``reference`` is a function called on every case, or, when ``cases`` is ``None``, the
    expected value itself (a number, a tuple of numbers, a tensor). ``diagnose(got, case)``
    may recognise a mistake particular to this exercise and return a hint for it. ``run(f,
    case)`` tries an answer ``f`` (and the reference) on a case: by default ``f(*case.args,
    **case.kwargs)``; a class answer (an ``nn.Module`` to write) gets its own, which builds
    the module, sets its weights and returns its output.
    """

    label: str
    reference: Any
    cases: Callable[[torch.Generator], Sequence[Case]] | None
    answer: str  # what the reader gives, for the messages: "a function f(x)", "a number"
    atol: float
    rtol: float
    diagnose: Callable[[Any, Case | None], str | None] | None
    run: Callable[[Callable, Case], Any]  # how an answer is tried on a case

    def is_function(self) -> bool:
        return self.cases is not None


_EXERCISES: dict[str, Exercise] = {}


def _call(f: Callable, case: Case) -> Any:
    return f(*case.args, **case.kwargs)


def exercise(label: str, *, cases: Callable[[torch.Generator], Sequence[Case]] | None = None,
             answer: str = "", atol: float = 1e-5, rtol: float = 1e-4,
             diagnose: Callable[[Any, Case | None], str | None] | None = None,
             run: Callable[[Callable, Case], Any] = _call):
    """Register the reference of exercise ``label``: decorates a function (with ``cases``,
    a function of a ``torch.Generator`` returning the :class:`Case` list to try) or a
    function of no argument returning the expected value (without ``cases``)."""
    def register(reference):
        if label in _EXERCISES:
            raise ValueError(f"exercise {label!r} is registered twice")
        value = reference if cases is not None else reference()
        _EXERCISES[label] = Exercise(label, value, cases, answer or (
            f"a function {reference.__name__}{inspect.signature(reference)}" if cases else
            "a value"), atol, rtol, diagnose, run)
        return reference
    return register


def exercises() -> dict[str, Exercise]:
    """Every registered exercise, by label."""
    from . import exercises as _  # noqa: F401  (importing registers the references)

    return dict(_EXERCISES)


@dataclass(frozen=True)
class Checked:
    """The outcome of :func:`check`: ``status`` is ``"correct"``, ``"wrong"`` or ``"not
    attempted"``; ``message`` is what was printed. True when correct."""

    label: str
    status: str
    message: str
    cases: int  # how many cases the answer passed

    def __bool__(self) -> bool:
        return self.status == CORRECT

    def _ipython_display_(self) -> None:
        """Nothing: :func:`check` has shown the message already, once."""


class Placeholder(Exception):
    """The answer is still the starter's ``...``."""


def check(label: str, answer: Any, *, seed: int | None = None, solution: bool = False) -> Checked:
    """Check ``answer`` to exercise ``label`` and print what was found (see the module's
    docstring). ``seed`` repeats the inputs of an earlier call; ``solution=True`` is for the
    book's own solution: the result is also a lesson check, which stops a strict build."""
    known = exercises()
    if label not in known:
        near = difflib.get_close_matches(label, known, n=1)
        raise ValueError(f"no exercise is labelled {label!r}"
                         + (f"; did you mean {near[0]!r}?" if near else "")
                         + " The label is the one under the exercise's title.")
    ex = known[label]
    # new inputs at every call, without drawing from the chapter's random state; modules
    # built while checking (their initialisation) leave the global generator as it was
    seed = random.SystemRandom().randrange(10**6) if seed is None else seed
    try:
        with torch.random.fork_rng(devices=[]):
            status, passed, text = _run(ex, answer, seed)
    except Placeholder as p:
        status, passed, text = NOT_ATTEMPTED, 0, f"not attempted yet{p}."
    icon = {CORRECT: "✓", WRONG: "✗", NOT_ATTEMPTED: "…"}[status]
    message = textwrap.fill(f"{icon} {label}: {text}", width=90, subsequent_indent="  ",
                            break_on_hyphens=False)  # a page and Colab show it unwrapped
    result = Checked(label, status, message, passed)
    _show(result, solution)
    if solution:
        expect(1.0 if result else 0.0, ">", 0.5,
               f"the book's solution of exercise {label} passes its check")
    return result


def _run(ex: Exercise, answer: Any, seed: int) -> tuple[str, int, str]:
    if answer is ... or answer is None:
        raise Placeholder(f": replace the `...` of the starter cell with {ex.answer}")
    if not ex.is_function():
        problem = _compare(ex.reference, answer, ex, None, reveal=False)
        if problem:
            return WRONG, 0, _with_hint(problem, ex, answer, None)
        return CORRECT, 1, "correct."
    if not callable(answer):
        return WRONG, 0, f"expected {ex.answer}, got {_describe(answer)}."
    if _is_stub(answer):
        raise Placeholder(f": replace the `...` in {_name(answer)} with your code")
    assert ex.cases is not None  # a function answer (is_function)
    cases = ex.cases(torch.Generator().manual_seed(seed))
    for i, case in enumerate(cases):
        expected = ex.run(ex.reference, _copy(case))
        mine = _copy(case)
        try:
            got = ex.run(answer, mine)
        except NotImplementedError:
            raise Placeholder(f": {_name(answer)} raises NotImplementedError") from None
        except Exception as e:  # the reader's code failed: say where, not a traceback
            return WRONG, i, (f"on case {i + 1} of {len(cases)} ({case.about}), "
                              f"{_name(answer)} raised {type(e).__name__}: {e}"
                              f"{_retry(seed)}")
        if got is ...:
            raise Placeholder(f": {_name(answer)} returns `...`")
        changed = _changed_inputs(case, mine.args)
        problem = changed or _compare(expected, got, ex, case, reveal=True)
        if problem:
            return WRONG, i, (f"on case {i + 1} of {len(cases)} ({case.about}): "
                              f"{_with_hint(problem, ex, got, case)}{_retry(seed)}")
    tried = f"all {len(cases)} cases" if len(cases) > 1 else "its one case"
    return CORRECT, len(cases), f"correct on {tried} (" + "; ".join(c.about for c in cases) + ")."


def _with_hint(problem: str, ex: Exercise, got: Any, case: Case | None) -> str:
    """The exercise's own diagnosis of a wrong answer, when it recognises the mistake, comes
    before the general hints."""
    special = ex.diagnose(got, case) if ex.diagnose else None
    return f"{problem}; {special}" if special else problem


def _retry(seed: int) -> str:
    return f" (these inputs again: seed={seed})"


def _name(f: Any) -> str:
    return getattr(f, "__name__", "your function")


def _is_stub(f: Callable) -> bool:
    """Whether ``f`` is still a starter: a function whose body is only ``...`` or ``pass``
    (and a docstring), or a class whose own methods all are (``super().__init__()``
    allowed). A class's methods are read one by one: a notebook keeps the source of
    functions, not of classes."""
    if inspect.isclass(f):
        methods = [m for m in vars(f).values() if inspect.isfunction(m)]
        return bool(methods) and all(_is_stub(m) for m in methods)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(f)))
    except (OSError, TypeError, SyntaxError):
        return False
    node = tree.body[0] if tree.body else None
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _stub_node(node)


def _stub_node(node: ast.stmt) -> bool:
    """A ``def`` whose body, or a ``class`` whose methods' bodies, hold nothing but a
    docstring, ``...``, ``pass`` or ``super().__init__()``."""
    def trivial(s: ast.stmt) -> bool:
        if isinstance(s, ast.Pass):
            return True
        if isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant):
            return s.value.value is ... or isinstance(s.value.value, str)
        return (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                and "super()" in ast.unparse(s.value))

    if isinstance(node, ast.ClassDef):
        methods = [s for s in node.body if isinstance(s, ast.FunctionDef)]
        docstring_only = all(isinstance(s, ast.FunctionDef) or trivial(s) for s in node.body)
        return bool(methods) and docstring_only and all(_stub_node(m) for m in methods)
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and all(
        trivial(s) for s in node.body)


def is_exercise_cell(source: str) -> bool:
    """Whether a code cell is a self-checked exercise's starter (a stub ``def`` or ``class``,
    or ``name = ...``) or check (``check(...)`` calls, after ``from dlbook_code import
    check`` in a chapter's first): cells that change nothing a lesson measures, so that the
    lesson sweep's code hash leaves them out."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False

    def inert(s: ast.stmt) -> bool:
        if isinstance(s, (ast.FunctionDef, ast.ClassDef)):
            return _stub_node(s)
        if isinstance(s, ast.Assign):
            return isinstance(s.value, ast.Constant) and s.value.value is ...
        if isinstance(s, ast.ImportFrom):
            return s.module == "dlbook_code" and [a.name for a in s.names] == ["check"]
        return (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                and isinstance(s.value.func, ast.Name) and s.value.func.id == "check")

    return bool(body) and all(inert(s) for s in body)


def _copy(x: Any) -> Any:
    """A copy of the inputs, so an answer that changes them in place changes no other run."""
    if isinstance(x, Case):
        return Case(_copy(x.args), x.about, _copy(x.kwargs))
    if isinstance(x, torch.Tensor):
        return x.detach().clone().requires_grad_(x.requires_grad)
    if isinstance(x, (tuple, list)):
        return type(x)(_copy(v) for v in x)
    if isinstance(x, dict):
        return {k: _copy(v) for k, v in x.items()}
    return x


def _changed_inputs(case: Case, args: tuple) -> str | None:
    for k, (before, after) in enumerate(zip(case.args, args)):
        if isinstance(before, torch.Tensor) and not torch.equal(before.detach(), after.detach()):
            return (f"argument {k + 1} was changed in place; work on a copy "
                    f"(an operation without a trailing underscore, or `.clone()`)")
    return None


def _describe(x: Any) -> str:
    if isinstance(x, torch.Tensor):
        grad = ", tracking gradients" if x.requires_grad else ""
        return f"a tensor of shape {tuple(x.shape)} and dtype {x.dtype}{grad}"
    if isinstance(x, (tuple, list)):
        return f"a {type(x).__name__} of {len(x)} values"
    return f"{type(x).__name__} {x!r}" if isinstance(x, (int, float, bool)) else type(x).__name__


def _compare(expected: Any, got: Any, ex: Exercise, case: Case | None, reveal: bool) -> str | None:
    """None when ``got`` matches ``expected``; else what differs, with a hint if one fits.
    ``reveal=False`` (a value answer) never shows the expected value."""
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"expected {len(expected)} values (a tuple), got {_describe(got)}"
        for k, (e, g) in enumerate(zip(expected, got)):
            problem = _compare(e, g, ex, case, reveal)
            if problem:
                return f"value {k + 1} of the tuple: {problem}"
        return None
    if isinstance(expected, bool):
        if got is expected or (isinstance(got, torch.Tensor) and got.numel() == 1
                               and bool(got) is expected):
            return None
        return "not the expected answer" + (f" (expected {expected})" if reveal else "")
    if isinstance(expected, (int, float)):
        if isinstance(got, torch.Tensor) and got.numel() == 1:
            got = got.item()
        if not isinstance(got, (int, float)) or isinstance(got, bool):
            return f"expected a number, got {_describe(got)}"
        if math.isclose(got, expected, rel_tol=ex.rtol, abs_tol=ex.atol):
            return None
        hint = _scale_hint(torch.tensor(float(expected)), torch.tensor(float(got)), case,
                           sizes_only=True)
        text = f"expected {expected:.6g}, got {got:.6g}" if reveal else f"{got!r} is not right"
        return text + (f"; {hint}" if hint else "")
    if isinstance(expected, torch.Tensor):
        return _compare_tensors(expected, got, ex, case, reveal)
    raise TypeError(f"exercise {ex.label}: cannot compare with {type(expected).__name__}")


def _compare_tensors(expected: torch.Tensor, got: Any, ex: Exercise, case: Case | None,
                     reveal: bool) -> str | None:
    if not isinstance(got, torch.Tensor):
        hint = (" (convert it with torch.as_tensor)" if hasattr(got, "__array__") else
                ": is a `return` missing?" if got is None else "")
        return f"expected {_describe(expected)}, got {_describe(got)}{hint}"
    if got.requires_grad and not expected.requires_grad:
        return ("the result still tracks gradients: compute it under `torch.no_grad()` "
                "or `.detach()` it")
    if got.shape != expected.shape:
        shape_hint = _shape_hint(expected.shape, got.shape)
        return (f"expected shape {tuple(expected.shape)}, got {tuple(got.shape)}"
                + (f"; {shape_hint}" if shape_hint else ""))
    if expected.dtype.is_floating_point != got.dtype.is_floating_point:
        return f"expected dtype {expected.dtype}, got {got.dtype}"
    e, g = expected.detach().double(), got.detach().double()
    if torch.allclose(g, e, rtol=ex.rtol, atol=ex.atol):
        return None
    value_hint = _value_hint(e, g, ex, case)
    diff = (g - e).abs()
    diff = torch.where(torch.isnan(diff), torch.inf, diff)
    at = tuple(int(i) for i in torch.unravel_index(diff.argmax(), e.shape)) if e.ndim else ()
    where = f" at index {at}" if at else ""
    text = (f"values differ: largest difference {diff.max().item():.3g}{where} "
            f"(expected {e[at].item():.5g}, got {g[at].item():.5g})" if reveal
            else "the values are not right")
    return text + (f"; {value_hint}" if value_hint else "")


def _shape_hint(expected: torch.Size, got: torch.Size) -> str | None:
    if len(got) == 0 and len(expected) >= 1:
        return "a single number: reduced over every axis where one axis is asked for (`dim=`)?"
    if len(got) >= 2 and got[:-2] + got[-2:][::-1] == expected:
        return "the last two dimensions are swapped: a transposed result?"
    if len(got) == len(expected):
        off = [(d, g - e) for d, (g, e) in enumerate(zip(got, expected)) if g != e]
        if len(off) <= 2 and all(abs(o) <= 4 for _, o in off) and len(off) >= 1 and all(
                d >= len(expected) - 2 for d, _ in off):
            return (f"the spatial sizes are off by {', '.join(f'{o:+d}' for _, o in off)}: "
                    f"check the padding, the kernel size and the stride in the output-size "
                    f"formula")
    if got.numel() == expected.numel():
        if [s for s in got if s != 1] == [s for s in expected if s != 1]:
            return "a dimension of size 1 is missing or extra: `keepdim`, `squeeze` or `unsqueeze`?"
        return "the same values in another shape: a `view` or `reshape` in the wrong order?"
    return None


def _value_hint(e: torch.Tensor, g: torch.Tensor, ex: Exercise, case: Case | None) -> str | None:
    def close(a: torch.Tensor, b: torch.Tensor) -> bool:
        return a.shape == b.shape and torch.allclose(a, b, rtol=ex.rtol, atol=ex.atol)

    if e.ndim >= 2 and e.shape[-1] == e.shape[-2] and close(g, e.mT):
        return "it is the transpose of the expected result"
    if close(g, -e):
        return "the sign is flipped"
    if (e < 0).any() and close(g, e.clamp(min=0)):
        return ("the negative values are set to zero: a ReLU where none belongs (after a sum "
                "rather than before it?)")
    scaled = _scale_hint(e, g, case)
    if scaled and "times too" in scaled:
        return scaled
    if e.ndim >= 1 and close(e.sum(-1), torch.ones_like(e.sum(-1))):  # probabilities
        if (g >= 0).all() and close(g / g.sum(-1, keepdim=True), e):
            return "the rows do not sum to 1: divide by their sum (a softmax is normalised)"
        if close(g.exp(), e):
            return "these are log-probabilities: the exercise asks for probabilities"
        if close(g.softmax(-1), e):
            return "these are scores (logits), not probabilities: apply the softmax"
    return scaled or _offset_hint(e, g, ex)


def _scale_hint(e: torch.Tensor, g: torch.Tensor, case: Case | None,
                sizes_only: bool = False) -> str | None:
    """A result off by a constant factor: a sum instead of a mean, or the reverse (only
    those with ``sizes_only``, for a single number, where any two differ by a factor)."""
    mask = e.abs() > 1e-6
    if not mask.any():
        return None
    ratio = g[mask] / e[mask]
    r = ratio.median().item()
    if not math.isfinite(r) or abs(r) < 1e-12 or (ratio - r).abs().max().item() > 1e-3 * abs(r):
        return None
    if abs(r - 1) < 1e-3:  # a near miss, not a factor
        return None
    size = _batch_size(case)
    if size and size > 1 and math.isclose(r, size, rel_tol=1e-3):
        return f"{size} times too large: a sum where a mean is asked for?"
    if size and size > 1 and math.isclose(r, 1 / size, rel_tol=1e-3):
        return f"{size} times too small: a mean where a sum is asked for?"
    if sizes_only:
        return None
    return f"off by a constant factor of {r:.4g}"


def _batch_size(case: Case | None) -> int | None:
    if case is None:
        return None
    sizes = [a.shape[0] for a in case.args if isinstance(a, torch.Tensor) and a.ndim >= 1]
    return sizes[0] if sizes else None


def _offset_hint(e: torch.Tensor, g: torch.Tensor, ex: Exercise) -> str | None:
    """A result off by the same vector at every position: a bias missing or added twice."""
    if e.ndim == 0:
        return None
    d = g - e
    for dim in range(e.ndim):
        if e.shape[dim] > 1 and torch.allclose(d, d.mean(dim, keepdim=True).expand_as(d),
                                               rtol=ex.rtol, atol=10 * ex.atol):
            return "off by the same amount at every position: a bias missing or added twice?"
    return None


def _show(result: Checked, solution: bool) -> None:
    record = dict(label=result.label, status=result.status, cases=result.cases,
                  solution=solution)
    if notebook_shell() is None:
        print(result.message)
        return
    from IPython.display import display

    display({"text/plain": result.message}, raw=True, metadata={EXERCISE_KEY: record})

