"""Self-checked exercises of the part "Tensors"."""

from __future__ import annotations

import torch

from ..answers import Case, exercise


def _shape(*sizes: int) -> str:
    return "×".join(map(str, sizes))


def _close(a, b, atol: float = 1e-5) -> bool:
    return (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape
            and torch.allclose(a.detach().double(), b.detach().double(), rtol=1e-4, atol=atol))


# tensor-basics

@exercise("basics-ex-create", answer="the 3×4 tensor, its last column set to -1")
def _created():
    t = torch.arange(12).reshape(3, 4)
    t[:, -1] = -1
    return t


@exercise("basics-ex-products", answer="a tuple of the three tensors (m @ x, m * x, x @ m)")
def _products():
    m, x = torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([1.0, 10.0])
    return (m @ x, m * x, x @ m)


def _centre_cases(g: torch.Generator) -> list[Case]:
    return [Case((torch.randn(n, d, generator=g) * 3 + 2,), f"a {_shape(n, d)}")
            for n, d in [(5, 3), (1, 4), (7, 1), (10, 6)]]


def _centre_hint(got, case) -> str | None:
    a = case.args[0]
    if _close(got, a - a.mean(1, keepdim=True)):
        return "each row has mean zero, not each column: average over dim 0"
    if _close(got, a - a.mean()):
        return "the mean of all the coefficients was subtracted, not one mean per column"
    return None


@exercise("basics-ex-reduce", cases=_centre_cases, diagnose=_centre_hint)
def centre_columns(a):
    """a (N, D) -> (N, D), each column minus its mean."""
    return a - a.mean(dim=0, keepdim=True)


def _lstsq_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for n, d in [(10, 3), (3, 3), (20, 1), (8, 5)]:
        m = torch.randn(n, d, generator=g)
        y = m @ torch.randn(d, generator=g)
        cases.append(Case((m, y), f"m {_shape(n, d)}, y {n}"))
    return cases


@exercise("basics-ex-lstsq", cases=_lstsq_cases, atol=1e-4, rtol=1e-3)
def recover_coefficients(m, y):
    """m (N, D), y (N,) -> the coefficients (D,) of the least-squares solution of m c = y."""
    return torch.linalg.lstsq(m, y.unsqueeze(1)).solution.squeeze(1)


# broadcasting-einsum

def _points_cases(g: torch.Generator) -> list[Case]:
    return [Case((torch.rand(n, 2, generator=g),), f"pts {_shape(n, 2)}") for n in (100, 1, 2, 7)]


def _distances_hint(got, case) -> str | None:
    pts = case.args[0]
    if _close(got, (pts[:, None] - pts[None]).pow(2).sum(-1), atol=2e-3):
        return "these are squared distances: take the square root"
    return None


@exercise("broadcasting-einsum-ex-distances", cases=_points_cases, atol=2e-3,
          diagnose=_distances_hint)
def pairwise_distances(pts):
    """pts (N, 2) -> (N, N), the Euclidean distance between every two points."""
    return (pts[:, None, :] - pts[None, :, :]).pow(2).sum(-1).sqrt()


def _broadcast_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and len(got) == 3 and tuple(got[1]) in ((3,), (1, 3)):
        return "(b): a size-3 vector is viewed as 1×3, and against a 3×1 column it gives all pairs"
    return None


@exercise("broadcasting-einsum-ex-sizes", diagnose=_broadcast_hint,
          answer="a tuple (size of (a), size of (b), whether (c) broadcasts)")
def _broadcast_sizes():
    return ((5, 4, 3), (3, 3), False)


def _einsum_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for (r, c), nu, nv, (n, d) in [((3, 4), 3, 5, (10, 4)), ((1, 1), 1, 1, (1, 1)),
                                   ((5, 2), 4, 2, (6, 3))]:
        args = (torch.randn(r, c, generator=g), torch.randn(nu, generator=g),
                torch.randn(nv, generator=g), torch.randn(n, d, generator=g),
                torch.randn(d, d, generator=g))
        cases.append(Case(args, f"A {_shape(r, c)}, u {nu}, v {nv}, x {_shape(n, d)}, "
                                f"M {_shape(d, d)}"))
    return cases


@exercise("broadcasting-einsum-ex-more", cases=_einsum_cases)
def four_einsums(A, u, v, x, M):
    """-> (the transpose of A, the sum of A's coefficients, the outer product of u and v,
    the N quadratic forms x_n^T M x_n)."""
    return (A.t(), A.sum(), u[:, None] * v[None, :], ((x @ M) * x).sum(1))


def _loops_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and got and got[0] == 48:
        return "count every combination of the four indices, the summed one included"
    if isinstance(got, (tuple, list)) and len(got) > 1 and got[1] == 10**6:
        return "a 1000×1000 product has three indices of size 1000"
    return None


@exercise("broadcasting-einsum-ex-speed", diagnose=_loops_hint,
          answer="a tuple of the two numbers of products")
def _loop_products():
    return (192, 10**9)


# data-and-devices

def _float_cases(g: torch.Generator) -> list[Case]:
    return [
        Case((torch.tensor([-6.5, 1.0]),), "x = [-6.5, 1.0]"),
        Case((torch.randn(8, generator=g) * 100,), "8 random numbers"),
        Case((torch.tensor([0.0, -0.0, 1e-40, float("inf"), -2.0**-126]),),
             "zeros, a subnormal, infinity, the smallest normal"),
        Case((torch.tensor([3.0e38]),), "a single large number"),
    ]


def _fields_hint(got, case) -> str | None:
    if not (isinstance(got, (tuple, list)) and len(got) == 3):
        return None
    sign, exponent = got[0], got[1]
    if isinstance(sign, torch.Tensor) and (sign < 0).any():
        return ("a right shift of a negative int32 keeps the sign: mask the bits with "
                "0xFFFFFFFF in int64 first")
    x = case.args[0]
    bits = x.view(torch.int32).long() & 0xFFFFFFFF
    if isinstance(exponent, torch.Tensor) and exponent.shape == x.shape and torch.equal(
            exponent.long(), ((bits >> 23) & 0xFF) - 127):
        return "the exponent field is stored with its bias of 127: give the field itself"
    if isinstance(sign, torch.Tensor) and sign.shape == x.shape and torch.equal(
            sign.long(), (x < 0).long()) and not torch.equal(sign.long(), bits >> 31):
        return "-0.0 has its sign bit set, although it is not below zero: read the bit"
    return None


@exercise("data-and-devices-ex-decode", cases=_float_cases, diagnose=_fields_hint)
def float32_fields(x):
    """x float32 (N,) -> (sign, exponent field, mantissa field), three int64 tensors (N,)."""
    bits = x.view(torch.int32).long() & 0xFFFFFFFF
    return bits >> 31, (bits >> 23) & 0xFF, bits & (2**23 - 1)


def _dtype_cases(g: torch.Generator) -> list[Case]:
    return [Case((d,), str(d)) for d in (torch.float32, torch.float16, torch.bfloat16,
                                         torch.float64)]


def _eps_hint(got, case) -> str | None:
    eps = torch.finfo(case.args[0]).eps
    if isinstance(got, torch.Tensor) and got.numel() == 1:
        got = got.item()
    if got == eps / 2:
        return "one halving too many: stop at the last ε for which 1 + ε ≠ 1"
    if got == 2 ** -52 and eps != got:
        return "the computation ran in float64 (Python floats): use tensors of the given dtype"
    return None


@exercise("data-and-devices-ex-eps", cases=_dtype_cases, diagnose=_eps_hint, rtol=0, atol=0)
def machine_epsilon(dtype):
    """dtype -> the machine epsilon of that floating-point type, as a Python float."""
    return torch.finfo(dtype).eps


@exercise("data-and-devices-ex-bow", answer="a number (the cosine similarity)")
def _bow_similarity():
    return 3 / (5**0.5 * 4**0.5)


# high-dimension

def _reshape_hint(got, case) -> str | None:
    if isinstance(got, (int, float)) and got == 5:
        return "that is the column-major (Fortran) order: in PyTorch the last index varies fastest"
    return None


@exercise("high-dimension-ex-reshape-order", diagnose=_reshape_hint, answer="a number")
def _reshape_value():
    return 10.0


def _image_cases(g: torch.Generator) -> list[Case]:
    return [Case((torch.rand(n, 3, h, w, generator=g),), f"imgs {_shape(n, 3, h, w)}")
            for n, h, w in [(4, 5, 7), (1, 1, 1), (2, 32, 32), (3, 6, 3)]]


def _grey_hint(got, case) -> str | None:
    imgs = case.args[0]
    if _close(got, imgs.mean(1, keepdim=True)):
        return "the three channels have equal weights here: use the luminance weights"
    return None


@exercise("high-dimension-ex-grey", cases=_image_cases, diagnose=_grey_hint)
def to_grey(imgs):
    """imgs (N, 3, H, W) -> (N, 1, H, W), 0.299 R + 0.587 G + 0.114 B."""
    weights = torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)
    return (imgs * weights).sum(dim=1, keepdim=True)


def _mirror_hint(got, case) -> str | None:
    if _close(got, case.args[0].flip(2)):
        return "the images are upside down: a left-right mirror reverses the column index"
    return None


@exercise("high-dimension-ex-flip", cases=_image_cases, diagnose=_mirror_hint)
def mirror(imgs):
    """imgs (N, C, H, W) -> (N, C, H, W), every image mirrored left to right."""
    return torch.flip(imgs, dims=[3])


# internals

@exercise("internals-ex-strides",
          answer="a tuple (strides of t, of the permutation, of the slice, offset of the slice)")
def _strides():
    return ((12, 4, 1), (1, 12, 4), (12, 2), 4)


def _window_cases(g: torch.Generator) -> list[Case]:
    cases = [Case((torch.arange(10.0), 4), "s = arange(10), k = 4")]
    for n, k in [(7, 1), (5, 5), (12, 3)]:
        cases.append(Case((torch.randn(n, generator=g), k), f"s of size {n}, k = {k}"))
    return cases


def _run_windows(f, case: Case):
    """The windows, and whether they share the memory of s (a view, not a copy)."""
    out = f(*case.args)
    if out is None:                             # the starter
        return None
    s = case.args[0]
    shares = isinstance(out, torch.Tensor) and (
        out.untyped_storage().data_ptr() == s.untyped_storage().data_ptr())
    return out, shares


def _windows_hint(got, case) -> str | None:
    if isinstance(got, tuple) and len(got) == 2 and got[1] is False:
        return "the windows are a copy: build them as a view of s with torch.as_strided"
    return None


@exercise("internals-ex-windows", cases=_window_cases, run=_run_windows, diagnose=_windows_hint,
          answer="a function windows(s, k)")
def windows(s, k):
    """s (L,) contiguous -> (L - k + 1, k), row i the view of s[i:i+k]."""
    return s.unfold(0, k, 1)


@exercise("internals-ex-view-or-copy",
          answer="a tuple of six booleans, True where the tensor shares memory with x")
def _shares():
    return (True, False, True, False, True, False)


# linear-regression

def _parabola_cases(g: torch.Generator) -> list[Case]:
    cases = []
    ages = 20 + 60 * torch.rand(15, generator=g, dtype=torch.float64)
    cases.append(Case((ages, 100 + 0.8 * ages + 5 * torch.randn(15, generator=g,
                                                                   dtype=torch.float64)),
                      "15 ages and pressures"))
    x3 = torch.tensor([-1.0, 0.0, 2.0], dtype=torch.float64)
    cases.append(Case((x3, 2 * x3**2 - x3 + 3), "3 points on y = 2x² - x + 3"))
    x = 2 * torch.rand(50, generator=g, dtype=torch.float64) - 1
    cases.append(Case((x, torch.randn(50, generator=g, dtype=torch.float64)), "50 random points"))
    return cases


def _parabola_hint(got, case) -> str | None:
    if isinstance(got, torch.Tensor) and got.numel() == 3:
        x, y = case.args
        design = torch.stack([x**2, x, torch.ones_like(x)], dim=1)
        coef = torch.linalg.lstsq(design, y.unsqueeze(1)).solution.flatten()
        if _close(got.flatten().flip(0), coef, atol=1e-4):
            return "the coefficients are in the reverse order: (c, a, b) is asked"
    return None


@exercise("linear-regression-ex-quadratic", cases=_parabola_cases, atol=1e-4, rtol=1e-3,
          diagnose=_parabola_hint)
def fit_parabola(x, y):
    """x (N,), y (N,) -> (c, a, b) (3,), the least-squares parabola y = c x² + a x + b."""
    design = torch.stack([x**2, x, torch.ones_like(x)], dim=1)
    return torch.linalg.lstsq(design, y.unsqueeze(1)).solution.flatten()


# high-dimension (continued)

def _assigned_hint(got, case) -> str | None:
    if isinstance(got, torch.Tensor) and got.shape == (3, 3) and torch.equal(
            got, torch.tensor([[4, 2, 3], [4, 5, 6], [4, 8, 9]])):
        return "0:2 holds two indices, 0 and 1: the end of a slice is excluded"
    return None


@exercise("high-dimension-ex-slicing-claim", diagnose=_assigned_hint,
          answer="the 3×3 tensor t after t[:, 0:2] = 4")
def _assigned():
    t = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    t[:, 0:2] = 4
    return t
