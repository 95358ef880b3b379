"""Judging generated images with a classifier: are the samples recognisable, and of how many
classes?

A generative model of digits should produce images that a good digit classifier recognises
with confidence, and all ten kinds of them, not one digit over and over. :func:`judge_samples`
measures both with a classifier trained on the real images; the chapters on variational
autoencoders, GANs and diffusion models share it, so their numbers mean the same thing.

In the plane, where the data's modes are known, no classifier is needed: :class:`Ring` is the
mixture of Gaussians that the GAN and diffusion chapters generate, and :func:`judge_points`
counts the modes a set of points covers and the share of points near one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .train import eval_mode


@dataclass(frozen=True)
class Verdict:
    """What :func:`judge_samples` found in a batch of generated images."""

    confident: float  # fraction of samples whose top softmax probability is >= the threshold
    covered: int  # number of classes predicted for at least `min_share` of the samples
    histogram: torch.Tensor  # (num_classes,): how many samples were predicted as each class
    mean_confidence: float  # the top softmax probability, averaged over the samples


def judge_samples(classifier: nn.Module, images: torch.Tensor, threshold: float = 0.9,
                  min_share: float = 0.02, batch_size: int = 1000) -> Verdict:
    """Classify ``images`` ``(N, C, H, W)`` with ``classifier`` (returning logits
    ``(N, num_classes)``) and summarise the predictions as a :class:`Verdict`.

    A sample is *confident* when its largest softmax probability is at least ``threshold``;
    a class is *covered* when at least ``min_share`` of the samples are predicted as it (so
    a handful of stray predictions does not count as producing that class). The classifier
    runs in eval mode and without gradients; its mode is restored afterwards.
    """
    if images.ndim != 4:
        raise ValueError(f"judge_samples expects images (N, C, H, W), got {tuple(images.shape)}")
    if len(images) == 0:
        raise ValueError("judge_samples needs at least one image")
    device = next(classifier.parameters()).device
    with eval_mode(classifier), torch.no_grad():
        probs = torch.cat([classifier(xb.to(device)).float().softmax(1)
                           for xb in images.split(batch_size)])  # (N, num_classes)
    top, predicted = probs.max(1)  # (N,), (N,)
    histogram = torch.bincount(predicted, minlength=probs.shape[1]).cpu()  # (num_classes,)
    return Verdict(confident=(top >= threshold).float().mean().item(),
                   covered=int((histogram >= min_share * len(images)).sum()),
                   histogram=histogram,
                   mean_confidence=top.mean().item())


@dataclass(frozen=True)
class Ring:
    """The plane's standard test of whether a generator finds every mode of a distribution
    (Metz et al., 2017): ``modes`` Gaussians of standard deviation ``sigma``, equally
    likely, their centres evenly spaced on a circle of radius ``radius``."""

    modes: int = 8
    radius: float = 2.0
    sigma: float = 0.05

    @property
    def centres(self) -> torch.Tensor:
        """The modes' centres ``(modes, 2)``, the first on the positive x axis."""
        angles = 2 * math.pi * torch.arange(self.modes) / self.modes
        return self.radius * torch.stack([angles.cos(), angles.sin()], 1)

    def sample(self, *shape: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Points ``(*shape, 2)`` drawn from the ring: a mode each, then its Gaussian."""
        which = torch.randint(self.modes, shape, generator=generator)
        return self.centres[which] + self.sigma * torch.randn(*shape, 2, generator=generator)


def judge_points(points: torch.Tensor, centres: torch.Tensor, radius: float
                 ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Judge sets of generated points ``(..., n, d)`` against the known modes ``centres``
    ``(M, d)`` of the data. Each point belongs to its nearest mode. Returns, per set:

    - the share of *high-quality* points, those within ``radius`` of their mode ``(...)``;
    - the number of modes *covered*, those that receive at least a quarter of their fair
      share (``1 / (4 M)``) of the points ``(...)``;
    - the share of the points that belong to each mode ``(..., M)``.
    """
    centres = centres.to(points.device)
    dist = torch.cdist(points, centres.expand(*points.shape[:-2], -1, -1))  # (..., n, M)
    nearest, mode = dist.min(-1)                                             # (..., n) each
    share = F.one_hot(mode, len(centres)).float().mean(-2)                   # (..., M)
    return ((nearest < radius).float().mean(-1), (share >= 1 / (4 * len(centres))).sum(-1),
            share)
