"""The initialisation chapter's code in the package: the deep MLP and its figure."""

import math

import pytest
import torch
from torch import nn

from dlbook_code.figures import deep_training as fd
from dlbook_code.models import DeepMLP


def test_deep_mlp_shapes_and_layers():
    net = DeepMLP(5, width=16)
    assert net(torch.rand(3, 1, 28, 28)).shape == (3, 10)
    assert len(net.hidden) == 5 and net.inp.out_features == 16 and net.out.in_features == 16
    assert isinstance(net.act, nn.ReLU)
    assert isinstance(DeepMLP(2, activation=nn.Tanh).act, nn.Tanh)


def test_residual_deep_mlp_adds_scaled_branches():
    net = DeepMLP(4, width=8, residual=True, num_inputs=8, num_classes=8)
    with torch.no_grad():
        for layer in net.hidden:
            layer.weight.zero_()
            layer.bias.fill_(1.0)  # every branch outputs relu(1) = 1
    x = torch.rand(2, 8)
    h = torch.relu(net.inp(x))
    expected = net.out(h + 4 * (1 / math.sqrt(4)))
    torch.testing.assert_close(net(x), expected)


def test_plain_deep_mlp_replaces_its_input():
    net = DeepMLP(3, width=8, num_inputs=8, num_classes=8)
    x = torch.rand(2, 8)
    h = torch.relu(net.inp(x))
    for layer in net.hidden:
        h = torch.relu(layer(h))
    torch.testing.assert_close(net(x), net.out(h))


def test_signal_scales_draws_two_log_panels_one_line_per_rule():
    fig = fd.plot_signal_scales({"default": [1.0, 0.1, 0.01], "He": [1.0, 0.9, 1.1]},
                                {"default": [1e-6, 1e-3, 1.0], "He": [0.5, 0.6, 0.7]})
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert ax.get_yscale() == "log"
        assert [line.get_label() for line in ax.get_lines()] == ["default", "He"]
    assert list(fig.axes[0].get_lines()[0].get_xdata()) == [1, 2, 3]
    assert list(fig.axes[1].get_lines()[0].get_ydata()) == pytest.approx([1e-6, 1e-3, 1.0])


def test_deep_mlp_parameter_count():
    # 784·64 + 64 (first layer) + 30 · (64·64 + 64) (hidden) + 64·10 + 10 (classifier)
    net = DeepMLP(30)
    assert sum(p.numel() for p in net.parameters()) == 50_240 + 30 * 4_160 + 650
