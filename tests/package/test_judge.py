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
