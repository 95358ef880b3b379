"""The attribution tools measure what their docstrings say, on networks whose answers are
known in advance."""

import torch
from torch import nn

from dlbook_code.attribution import average_ranks, deletion_curve, occlusion, rank_correlation


class PixelSum(nn.Module):
    """Two class scores: class 0 is the sum of the left half's pixels, class 1 of the
    right half's (images (N, 1, 4, 4))."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.stack([x[..., :, :2].sum((1, 2, 3)), x[..., :, 2:].sum((1, 2, 3))], 1)


def test_average_ranks_share_ties():
    ranks = average_ranks(torch.tensor([[3.0, 1.0, 3.0, 0.0]]))
    assert ranks.tolist() == [[2.5, 1.0, 2.5, 0.0]]


def test_rank_correlation_is_one_for_increasing_maps_and_minus_one_for_reversed():
    a = torch.randn(3, 1, 5, 5, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(rank_correlation(a, a.exp()), torch.ones(3))
    assert torch.allclose(rank_correlation(a, -a), -torch.ones(3))


def test_rank_correlation_of_unrelated_maps_is_small():
    g = torch.Generator().manual_seed(1)
    a, b = torch.rand(20, 1000, generator=g), torch.rand(20, 1000, generator=g)
    assert rank_correlation(a, b).abs().mean() < 0.05


def test_occlusion_of_a_linear_score_is_the_pixel_value():
    # Hiding a patch of a pixel sum lowers the score by the sum of the hidden pixels; a 1x1
    # patch attributes to each pixel exactly its own value.
    x = torch.rand(2, 1, 4, 4, generator=torch.Generator().manual_seed(2))
    labels = torch.tensor([0, 1])
    attr = occlusion(PixelSum(), x, labels, patch=1, stride=1)
    expected = x[:, 0].clone()
    expected[0, :, 2:] = 0  # class 0 does not look at the right half
    expected[1, :, :2] = 0
    assert torch.allclose(attr, expected, atol=1e-6)


def test_deletion_in_attribution_order_falls_faster_than_in_reverse_order():
    x = torch.rand(4, 1, 4, 4, generator=torch.Generator().manual_seed(3))
    labels = torch.zeros(4, dtype=torch.long)
    model = PixelSum()
    relevance = x.clone()
    relevance[..., 2:] = -1  # the right half does not count for class 0
    best = deletion_curve(model, x, labels, relevance, steps=4, per_step=2)
    worst = deletion_curve(model, x, labels, -relevance, steps=4, per_step=2)
    assert best.shape == (5,)
    assert best[0] == worst[0]  # nothing deleted yet
    assert (best[1:] < worst[1:]).all()
    assert (best.diff() <= 1e-6).all()  # deleting evidence for class 0 never raises P(0)
