"""Looking inside a trained classifier: occlusion, deletion curves and rank correlations.

The chapter "Under the hood" writes gradient saliency and integrated gradients from scratch;
the tools here are the ones it uses again and again to *measure* attributions, kept out of
the page because they teach nothing new:

- :func:`occlusion` turns the introduction's occlusion map (a patch slid over one image) into
  a per-pixel attribution for a batch: how much the class score drops, on average, when a
  patch hides the pixel;
- :func:`deletion_curve` deletes the most-attributed pixels first and follows the
  probability of the class: the faster it falls, the better the attribution points at what
  the decision uses;
- :func:`rank_correlation` compares two maps pixel by pixel by their ranks (Spearman's
  coefficient, ties sharing their average rank), the measure of the sanity checks of
  Adebayo et al. (2018).

``scores`` arguments are callables that map images ``(N, C, H, W)`` to class scores
``(N, num_classes)`` (logits), such as a model with its input normalisation.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

Scores = Callable[[torch.Tensor], torch.Tensor]


@torch.no_grad()
def occlusion(scores: Scores, images: torch.Tensor, labels: torch.Tensor, patch: int = 6,
              stride: int = 2, fill: float = 0.0) -> torch.Tensor:
    """Occlusion attribution ``(N, H, W)`` for images ``(N, C, H, W)`` and labels ``(N,)``.

    A ``patch × patch`` square of value ``fill`` hides each position (steps of ``stride``);
    a pixel's attribution is the drop of the score of its image's label, averaged over the
    positions whose square covers it (Zeiler and Fergus, 2014). One forward pass of the
    whole batch per position."""
    N, _, H, W = images.shape
    base = scores(images).gather(1, labels[:, None])  # (N, 1)
    total = images.new_zeros(N, H, W)
    count = images.new_zeros(H, W)
    for i in range(0, H - patch + 1, stride):
        for j in range(0, W - patch + 1, stride):
            hidden = images.clone()
            hidden[..., i:i + patch, j:j + patch] = fill
            drop = base - scores(hidden).gather(1, labels[:, None])  # (N, 1)
            total[:, i:i + patch, j:j + patch] += drop[:, :, None]
            count[i:i + patch, j:j + patch] += 1
    return total / count.clamp(min=1)


@torch.no_grad()
def deletion_curve(scores: Scores, images: torch.Tensor, labels: torch.Tensor,
                   attributions: torch.Tensor, steps: int, per_step: int,
                   fill: float = 0.0) -> torch.Tensor:
    """The mean probability of the label ``(steps + 1,)`` after deleting (setting to
    ``fill``) the ``k · per_step`` pixels of largest attribution, for ``k = 0 .. steps``.

    ``attributions`` has one value per pixel, ``(N, H, W)`` or ``(N, 1, H, W)``; all the
    channels of a pixel are deleted together. Random attributions give the reference curve
    of deleting pixels in random order."""
    N, C, H, W = images.shape
    order = attributions.reshape(N, H * W).argsort(dim=1, descending=True)  # (N, H*W)
    rank = torch.empty_like(order)
    rank.scatter_(1, order, torch.arange(H * W, device=order.device).expand(N, -1))
    rank = rank.view(N, 1, H, W)
    curve = []
    for k in range(steps + 1):
        deleted = torch.where(rank < k * per_step, torch.full_like(images, fill), images)
        p = scores(deleted).softmax(dim=1).gather(1, labels[:, None])  # (N, 1)
        curve.append(p.mean())
    return torch.stack(curve)


def average_ranks(x: torch.Tensor) -> torch.Tensor:
    """Ranks ``0 .. D-1`` of each row of ``x`` ``(N, D)``, equal values sharing the average
    of their ranks (the convention of Spearman's coefficient)."""
    x = x.detach().float()
    ranks = torch.empty_like(x)
    for n, row in enumerate(x):
        values, inverse, counts = torch.unique(row, sorted=True, return_inverse=True,
                                               return_counts=True)
        first = counts.cumsum(0) - counts  # rank of the first of each group of equal values
        ranks[n] = (first + (counts - 1) / 2)[inverse].to(x.dtype)
    return ranks


def rank_correlation(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Spearman's rank correlation ``(N,)`` between the maps ``a`` and ``b`` of each image,
    both ``(N, ...)``: the Pearson correlation of their average ranks. 1 when one map is an
    increasing function of the other, near 0 when their orders are unrelated."""
    ra, rb = average_ranks(a.flatten(1)), average_ranks(b.flatten(1))
    ra, rb = ra - ra.mean(1, keepdim=True), rb - rb.mean(1, keepdim=True)
    return (ra * rb).sum(1) / (ra.norm(dim=1) * rb.norm(dim=1)).clamp(min=1e-12)
