"""The sample judge counts confident samples and covered classes as its docstring says."""

import pytest
import torch
from torch import nn

from dlbook_code import judge_samples


class FixedLogits(nn.Module):
    """A fake classifier: the logits of each image are read from its first pixels."""

    def __init__(self, num_classes: int = 10):
        super().__init__()
        self.num_classes = num_classes
        self.dummy = nn.Parameter(torch.zeros(()))  # gives the judge a device to use

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.flatten(1)[:, :self.num_classes] + 0 * self.dummy


def images_with_logits(logits: torch.Tensor) -> torch.Tensor:
    """Images (N, 1, 4, 4) whose first pixels are ``logits`` (N, 10)."""
    x = torch.zeros(len(logits), 1, 4, 4)
    x.view(len(logits), -1)[:, :logits.shape[1]] = logits
    return x


def test_all_one_class_covers_one_class_confidently():
    logits = torch.zeros(50, 10)
    logits[:, 3] = 20.0
    verdict = judge_samples(FixedLogits(), images_with_logits(logits))
    assert verdict.covered == 1
    assert verdict.confident == 1.0
    assert verdict.histogram.tolist() == [0, 0, 0, 50, 0, 0, 0, 0, 0, 0]
    assert verdict.mean_confidence > 0.99


def test_uniform_logits_are_not_confident():
    verdict = judge_samples(FixedLogits(), images_with_logits(torch.zeros(40, 10)))
    assert verdict.confident == 0.0
    assert verdict.mean_confidence == pytest.approx(0.1)


def test_every_class_once_covers_ten_and_the_threshold_splits_confidence():
    logits = torch.zeros(100, 10)
    logits[torch.arange(100), torch.arange(100) % 10] = 20.0  # ten of each class
    logits[:50] /= 20.0  # half of them barely above the others: top probability ~ 0.23
    verdict = judge_samples(FixedLogits(), images_with_logits(logits), batch_size=7)
    assert verdict.covered == 10
    assert verdict.histogram.tolist() == [10] * 10
    assert verdict.confident == 0.5
    assert judge_samples(FixedLogits(), images_with_logits(logits), threshold=0.2).confident == 1


def test_a_few_stray_predictions_do_not_count_as_coverage():
    logits = torch.zeros(100, 10)
    logits[:, 0] = 20.0
    logits[0, 0], logits[0, 7] = 0.0, 20.0  # one sample of class 7: 1% < 2%
    verdict = judge_samples(FixedLogits(), images_with_logits(logits))
    assert verdict.covered == 1
    assert judge_samples(FixedLogits(), images_with_logits(logits), min_share=0.01).covered == 2


def test_the_classifier_mode_is_restored_and_bad_shapes_are_refused():
    model = FixedLogits().train()
    judge_samples(model, images_with_logits(torch.zeros(3, 10)))
    assert model.training
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        judge_samples(model, torch.zeros(3, 16))
    with pytest.raises(ValueError, match="at least one"):
        judge_samples(model, torch.zeros(0, 1, 4, 4))


def test_points_at_the_centres_are_high_quality_and_cover_every_mode():
    from dlbook_code.judge import Ring, judge_points

    ring = Ring(modes=8, radius=2.0, sigma=0.05)
    centres = ring.centres
    assert centres.shape == (8, 2)
    assert torch.allclose(centres.norm(dim=1), torch.full((8,), 2.0))
    points = centres.repeat(10, 1)                                   # (80, 2), 10 per mode
    quality, covered, share = judge_points(points, centres, radius=0.15)
    assert quality.item() == 1.0 and covered.item() == 8
    assert torch.allclose(share, torch.full((8,), 1 / 8))


def test_a_collapsed_set_covers_one_mode_and_sets_are_judged_apart():
    from dlbook_code.judge import Ring, judge_points

    ring = Ring()
    g = torch.Generator().manual_seed(0)
    collapsed = ring.centres[3] + 0.5 * torch.randn(200, 2, generator=g)  # one blurred mode
    drawn = ring.sample(200, generator=g)
    quality, covered, share = judge_points(torch.stack([collapsed, drawn]), ring.centres, 0.15)
    assert covered.tolist()[1] == 8 and covered.tolist()[0] <= 4
    assert quality[1] > 0.95 and quality[0] < 0.2                  # 0.5 is ten sigmas of blur
    assert share.shape == (2, 8) and share[0].argmax().item() == 3


def test_ring_samples_are_reproducible_and_shaped():
    from dlbook_code.judge import Ring

    ring = Ring(modes=5, radius=1.0, sigma=0.1)
    a = ring.sample(3, 7, generator=torch.Generator().manual_seed(1))
    b = ring.sample(3, 7, generator=torch.Generator().manual_seed(1))
    assert a.shape == (3, 7, 2) and torch.equal(a, b)
