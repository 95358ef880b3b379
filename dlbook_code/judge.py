"""Judging generated images with a classifier: are the samples recognisable, and of how many
classes?

A generative model of digits should produce images that a good digit classifier recognises
with confidence, and all ten kinds of them, not one digit over and over. :func:`judge_samples`
measures both with a classifier trained on the real images; the chapters on variational
autoencoders, GANs and diffusion models share it, so their numbers mean the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
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
