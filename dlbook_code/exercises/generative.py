"""Self-checked exercises of the part "Under the hood and generative models"."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ..answers import Case, exercise
from .cnn import _set_weights, _shape


def _decoder_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and tuple(got) == (4, 8, 16, 32):
        return "the first layer also has stride 2 and padding 1: what does it make of a 1 × 1 map?"
    return None


@exercise("upsampling-ex-decoder", answer="a tuple of the four output sides",
          diagnose=_decoder_hint)
def _naive_decoder_sizes():
    return (2, 4, 8, 16)


def _transposed_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for n, c_in, c_out, h, w, k, s, p in [(2, 3, 4, 5, 5, 3, 2, 1), (1, 1, 1, 3, 4, 4, 2, 1),
                                          (2, 2, 3, 4, 4, 3, 1, 0), (1, 2, 2, 2, 3, 5, 3, 2)]:
        x, weight = torch.randn(n, c_in, h, w, generator=g), torch.randn(c_in, c_out, k, k, generator=g)
        cases.append(Case((x, weight), f"x {_shape(n, c_in, h, w)}, w {_shape(c_in, c_out, k, k)}, "
                                       f"stride {s}, padding {p}", dict(stride=s, padding=p)))
    return cases


def _spread_and_convolve(x, w_conv, stride, padding):
    """Zeros between the input values, then a stride-1 convolution with ``w_conv`` padded by
    k - 1 - padding: the recipe of the exercise, with any kernel."""
    n, c, h, w = x.shape
    z = x.new_zeros(n, c, (h - 1) * stride + 1, (w - 1) * stride + 1)
    z[..., ::stride, ::stride] = x
    return F.conv2d(z, w_conv, padding=w_conv.shape[-1] - 1 - padding)


def _transposed_hint(got, case) -> str | None:
    x, w = case.args
    if not isinstance(got, torch.Tensor):
        return None
    wrong = [(w.transpose(0, 1), "the kernel must also be flipped vertically and horizontally")]
    if w.shape[0] == w.shape[1]:
        wrong.append((w.flip(-2, -1), "the kernel's two channel axes must also be swapped"))
    for w_conv, hint in wrong:
        result = _spread_and_convolve(x, w_conv, **case.kwargs)
        if got.shape == result.shape and torch.allclose(got.detach(), result, atol=1e-4):
            return hint
    return None


@exercise("upsampling-ex-zeros", cases=_transposed_cases, diagnose=_transposed_hint)
def trans_conv_by_conv(x, w, stride=1, padding=0):
    """The transposed convolution of x (N, C_in, H, W) with w (C_in, C_out, k, k), computed by
    an ordinary convolution of the spread-out input."""
    return F.conv_transpose2d(x, w, stride=stride, padding=padding)


# --- under the hood ---------------------------------------------------------------------------

_AVERAGED = "averaged over its pixels"


def _gradient(scores, images, labels):
    images = images.clone().requires_grad_(True)
    grad, = torch.autograd.grad(scores(images).gather(1, labels[:, None]).sum(), images)
    return grad


def _linear_scores(weight):
    return lambda x: x.flatten(1) @ weight.T


def _relu_scores(w1, w2):
    return lambda x: torch.relu(x.flatten(1) @ w1.T) @ w2.T


def _smoothgrad_cases(g: torch.Generator) -> list[Case]:
    w = torch.randn(10, 25, generator=g)
    w1, w2 = torch.randn(16, 25, generator=g), torch.randn(10, 16, generator=g)
    images, labels = torch.rand(3, 1, 5, 5, generator=g), torch.randint(10, (3,), generator=g)
    flat = torch.full((4, 1, 8, 8), 0.15)
    return [
        Case((_linear_scores(w), images, labels), "a linear model, 3 images 1×5×5, n = 25, "
             "sigma = 0.15", {"n": 25, "sigma": 0.15}),
        Case((lambda x: torch.relu(x).flatten(1).sum(1, keepdim=True), flat,
              torch.zeros(4, dtype=torch.long)),
             f"the score sum(relu(x)) at 4 images of pixels 0.15, n = 200, sigma = 0.15, "
             f"{_AVERAGED}", {"n": 200, "sigma": 0.15}),
        Case((_relu_scores(w1, w2), images, labels), "a small ReLU network, n = 5, sigma = 0 "
             "(no noise)", {"n": 5, "sigma": 0.0})]


def _smoothgrad_run(f, case: Case):
    out = f(*case.args, **case.kwargs)
    if case.about.endswith(_AVERAGED) and isinstance(out, torch.Tensor):
        return out.mean()  # the fraction of noisy copies where a pixel is on: a probability
    return out


def _smoothgrad_hint(got, case) -> str | None:
    if case is None or not isinstance(got, torch.Tensor):
        return None
    plain = _gradient(*case.args)
    if case.about.endswith(_AVERAGED):
        plain = plain.mean()
        if torch.allclose(got, plain):
            return "no noise reached the gradient: compute it at images + noise"
        if abs(got.item() - 0.5 * (1 + math.erf(0.15 / 2 ** 0.5))) < 0.03:
            return "the noise's standard deviation must be sigma (multiply torch.randn by it)"
        return None
    if got.shape == plain.shape and torch.allclose(got, case.kwargs["n"] * plain, rtol=1e-3,
                                                   atol=1e-4):
        return "this is the sum of the n gradients: divide by n for their mean"
    return None


@exercise("hood-ex-smoothgrad", cases=_smoothgrad_cases, run=_smoothgrad_run,
          diagnose=_smoothgrad_hint, atol=0.02, rtol=0.0)
def smoothgrad(scores, images, labels, n=25, sigma=0.15):
    """The mean of the gradients of score[label] at n noisy copies of the images, the noise
    N(0, sigma^2) per pixel: (N, 1, H, W)."""
    return sum(_gradient(scores, images + sigma * torch.randn_like(images), labels)
               for _ in range(n)) / n


# --- autoencoders ----------------------------------------------------------------------------


def _run_autoencoder(model_class, case: Case):
    q, d, x = case.args
    return _set_weights(model_class(q, d), 1)(x)


def _tied_cases(g: torch.Generator) -> list[Case]:
    return [Case((q, d, torch.randn(n, d, generator=g)), f"q = {q}, d = {d}, x {_shape(n, d)}")
            for q, d, n in [(12, 784, 4), (1, 3, 2), (5, 5, 1)]]


class TiedLinearAutoencoder(nn.Module):
    """Encoder z = W (x - b), decoder W^T z + b, with one (q, d) matrix W."""

    def __init__(self, q, d=784):
        super().__init__()
        self.W = nn.Parameter(torch.randn(q, d) / d ** 0.5)
        self.b = nn.Parameter(torch.zeros(d))

    def forward(self, x):
        return ((x - self.b) @ self.W.T) @ self.W + self.b


exercise("ae-ex-tied", cases=_tied_cases, run=_run_autoencoder,
         answer="a module class TiedLinearAutoencoder(q, d=784) with parameters W (q, d) "
                "and b (d,)")(TiedLinearAutoencoder)


# --- variational autoencoders ----------------------------------------------------------------


def _gaussian_cases(g: torch.Generator) -> list[Case]:
    return [Case(tuple(torch.randn(4, *shape, generator=g)), f"mu, logvar {_shape(*shape)} each")
            for shape in [(5, 12), (1, 1), (3, 2, 4)]]


@exercise("vae-ex-kl-two", cases=_gaussian_cases)
def kl_diagonal(mu1, logvar1, mu2, logvar2):
    """KL(N(mu1, diag exp(logvar1)) || N(mu2, diag exp(logvar2))), summed over the last axis."""
    d = torch.distributions
    return d.kl_divergence(d.Normal(mu1, (0.5 * logvar1).exp()),
                           d.Normal(mu2, (0.5 * logvar2).exp())).sum(-1)


# --- GAN -----------------------------------------------------------------------------------------


def _density_cases(g: torch.Generator) -> list[Case]:
    cases = []
    for n in (5, 12):
        p_data, p_g = torch.rand(n, generator=g) * 2, torch.rand(n, generator=g) * 2
        p_data[0], p_g[1] = 0.0, 0.0  # one point without data, one without generated samples
        cases.append(Case((p_data, p_g), f"densities at {n} points, p_g = 0 at one, p_data = 0 "
                          "at another"))
    return cases


def _smoothing_hint(got, case) -> str | None:
    if case is None or not isinstance(got, torch.Tensor):
        return None
    p_data, p_g = case.args
    if got.shape == p_data.shape and torch.allclose(got, p_data / (p_data + p_g)):
        return "that is the best discriminator without smoothing: the real target is now 0.9"
    if got.shape == p_data.shape and torch.allclose(got, 0.9 * p_data / (0.9 * p_data + p_g)):
        return ("the real samples' loss also pulls D down with weight 0.1 p_data: write the loss "
                "at x as a log D + b log(1 - D) and maximise over D")
    return None


@exercise("gan-ex-smoothing", cases=_density_cases, diagnose=_smoothing_hint)
def best_discriminator(p_data, p_g):
    """The discriminator that maximises the value with one-sided label smoothing (real
    target 0.9), at points where the densities are p_data and p_g."""
    return 0.9 * p_data / (p_data + p_g)


# --- diffusion models ----------------------------------------------------------------------


def _posterior_cases(g: torch.Generator) -> list[Case]:
    cases = []
    betas = torch.linspace(1e-3, 0.2, 100, dtype=torch.float64)
    alpha_bars = torch.cat([torch.ones(1, dtype=torch.float64), (1 - betas).cumprod(0)])
    for t, shape in [(1, (4, 2)), (37, (3, 1, 5, 5)), (100, (6,))]:
        x_t, x0 = torch.randn(*shape, generator=g).double(), torch.randn(*shape, generator=g).double()
        cases.append(Case((x_t, x0, betas[t - 1], alpha_bars[t], alpha_bars[t - 1]),
                          f"step t = {t} of a 100-step linear schedule, points {_shape(*shape)}"))
    return cases


def _posterior_hint(got, case) -> str | None:
    if case is None or not isinstance(got, (tuple, list)) or len(got) != 2:
        return None
    beta_t = case.args[2]
    variance = got[1]
    if isinstance(variance, torch.Tensor) and variance.numel() == 1 and torch.allclose(
            variance.double(), beta_t):
        return ("beta_t is the variance of the forward step; the posterior, which also knows x_0, "
                "is narrower: collect the coefficients of |x_{t-1}|² from both Gaussians")
    return None


@exercise("diff-ex-posterior", cases=_posterior_cases, diagnose=_posterior_hint,
          answer="a function posterior(x_t, x0, beta_t, alpha_bar_t, alpha_bar_prev) returning "
                 "(mean, variance)")
def posterior(x_t, x0, beta_t, alpha_bar_t, alpha_bar_prev):
    """Mean and variance of q(x_{t-1} | x_t, x_0) (Ho et al., 2020, eq. 7)."""
    variance = (1 - alpha_bar_prev) / (1 - alpha_bar_t) * beta_t
    mean = (alpha_bar_prev.sqrt() * beta_t / (1 - alpha_bar_t) * x0
            + (1 - beta_t).sqrt() * (1 - alpha_bar_prev) / (1 - alpha_bar_t) * x_t)
    return mean, variance
