"""dlbook_code.measure: parameter counts, summaries, MACs and output sizes checked against
counts done by hand and against PyTorch itself; storage positions and float32 fields."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlbook_code.measure import (
    conv_output_size,
    count_macs,
    float32_fields,
    num_params,
    smallest_input,
    stage_sizes,
    storage_indices,
    summary,
)
from dlbook_code.models import AlexNet, GoogLeNet, LeNet5, NiN


class Tiny(nn.Module):
    """conv 1→2 (3×3) on 5×5 -> 2×3×3 -> flatten 18 -> linear 18→4."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.flat = nn.Flatten()
        self.fc = nn.Linear(18, 4)

    def forward(self, x):
        return self.fc(self.flat(self.conv(x)))


def test_smallest_input():
    # one 3×3 convolution without padding, then a 2×2 pooling: needs 3 + 1 = 4 pixels
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.MaxPool2d(2))
    assert smallest_input(net) == 4
    assert smallest_input(nn.Conv2d(3, 1, 5), in_channels=3) == 5
    assert smallest_input(AlexNet(hidden=8)) == 65
    assert smallest_input(NiN()) == 67
    with pytest.raises(ValueError):
        smallest_input(nn.Conv2d(1, 1, 9), max_size=8)


def test_stage_sizes_and_googlenet_minimum():
    net = GoogLeNet()
    assert smallest_input(net, max_size=64) == 1  # padded everywhere: any size runs
    shapes = stage_sizes([net.b1, net.b2, net.b3, net.b4], (1, 1, 96, 96))
    assert shapes == [(64, 24, 24), (192, 12, 12), (480, 6, 6), (832, 3, 3)]
    assert net.training  # stage_sizes restores the mode


def test_storage_indices_follow_offset_and_strides():
    store = torch.arange(20.0)
    x = torch.as_strided(store, (3, 2), (4, 1), 5)
    idx = storage_indices(x)
    assert idx.tolist() == [[5, 6], [9, 10], [13, 14]]
    assert torch.equal(store[idx], x)
    t = torch.arange(6).view(2, 3).t()
    assert storage_indices(t).tolist() == [[0, 3], [1, 4], [2, 5]]
    assert storage_indices(torch.ones(4, 1).expand(4, 5)).unique().tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize("value,fields", [(0.15625, (0, 124, 1 << 21)), (1.0, (0, 127, 0)),
                                          (-6.5, (1, 129, 0b101 << 20))])
def test_float32_fields(value, fields):
    assert float32_fields(value) == fields


@pytest.mark.parametrize("size,kernel,padding,stride,dilation",
                         [(5, 3, 0, 1, 1), (5, 3, 1, 1, 1), (5, 3, 0, 2, 1), (5, 3, 0, 1, 2),
                          (28, 5, 2, 3, 1), (10, 2, 0, 1, 3), (7, 3, 1, 2, 2)])
def test_conv_output_size_matches_torch(size, kernel, padding, stride, dilation):
    x = torch.zeros(1, 1, size, size)
    w = torch.zeros(1, 1, kernel, kernel)
    out = F.conv2d(x, w, padding=padding, stride=stride, dilation=dilation)
    assert out.shape[-1] == conv_output_size(size, kernel, padding, stride, dilation)


def test_num_params_trainable_only():
    model = nn.Linear(3, 2)
    model.bias.requires_grad_(False)
    assert num_params(model) == 6 and num_params(model, trainable_only=False) == 8


def test_count_macs_by_hand():
    # conv: 2·3·3 outputs, each 1·3·3 = 9 multiply-adds -> 162; linear: 4·18 = 72; total 234
    assert count_macs(Tiny(), (1, 1, 5, 5)) == 234
    # the batch size does not matter: MACs are per sample
    assert count_macs(Tiny(), (7, 1, 5, 5)) == 234
    # grouped convolution: each output sees in_channels / groups channels
    g = nn.Conv2d(4, 4, 3, padding=1, groups=2)
    assert count_macs(g, (1, 4, 6, 6)) == 4 * 6 * 6 * 2 * 9
    # LeNet-5: 6·28²·25 + 16·10²·150 + 400·120 + 120·84 + 84·10 = 416,520
    assert count_macs(LeNet5(), (1, 1, 28, 28)) == 416520


def test_summary_rows_and_output():
    lines = []
    rows = summary(Tiny(), (1, 1, 5, 5), print_fn=lines.append)
    assert rows == [("conv (Conv2d)", (1, 2, 3, 3), 20), ("flat (Flatten)", (1, 18), 0),
                    ("fc (Linear)", (1, 4), 76)]
    assert lines[0].split() == ["layer", "output", "shape", "params"]
    assert lines[-1].split() == ["total", "96"]
    assert len(lines) == 5


def test_summary_depth_and_state():
    model = LeNet5().train()
    shallow = summary(model, (1, 1, 28, 28), depth=1, print_fn=lambda s: None)
    assert [r[0] for r in shallow] == ["features (Sequential)", "classifier (Sequential)"]
    deep = summary(model, (1, 1, 28, 28), depth=2, print_fn=lambda s: None)
    shapes = [r[1] for r in deep]
    assert (1, 6, 28, 28) in shapes and (1, 16, 5, 5) in shapes and shapes[-1] == (1, 10)
    assert sum(r[2] for r in deep) == 61706
    assert model.training  # summary restores the mode it found
