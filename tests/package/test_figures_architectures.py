"""The Architectures part's figures and helpers."""

import re

import pytest
import torch

from dlbook_code.figures import architectures as fa
from dlbook_code.inspect import summary
from dlbook_code.models import AlexNet, LeNet5


def texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_chain_draws_one_box_per_layer():
    fig = fa.draw_chain()
    labels = texts(fig)
    assert len(labels) == len(fa.LENET_LAYERS)
    assert labels[0].startswith("input") and labels[-1] == "dense\n10"


@pytest.mark.parametrize("layers, model, size", [
    (fa.LENET_LAYERS, LeNet5, 28), (fa.ALEXNET_LAYERS, AlexNet, 224)])
def test_chain_labels_match_the_model(layers, model, size):
    """Every 'C@H×W' (or 'C@H²') in the diagram is an output shape of the real model."""
    with torch.device("meta"):
        rows = summary(model(), (1, 1, size, size), depth=2, print_fn=lambda s: None)
    shapes = {r[1][1:] for r in rows}
    for _, label, _ in layers[1:]:
        m = re.search(r"(\d+)@(\d+)(?:×(\d+)|²)", label)
        if m:
            c, h, w = int(m[1]), int(m[2]), int(m[3] or m[2])
            assert (c, h, w) in shapes, label


def test_inception_diagram_shows_the_channel_counts():
    labels = " ".join(texts(fa.draw_inception_block(192, 64, (96, 128), (16, 32), 32)))
    assert "input: 192 channels" in labels and "concatenate channels: 256" in labels
    labels = " ".join(texts(fa.draw_inception_block(480, 192, (96, 208), (16, 48), 64)))
    assert "concatenate channels: 512" in labels and "1×1 conv\n96" in labels


def test_block_diagrams_draw():
    labels = texts(fa.draw_residual_block())
    assert labels.count("+") == 2 and "identity" in labels
    assert "NiN block" in texts(fa.draw_vgg_nin_blocks())


def test_charts_return_figures():
    fig = fa.plot_arch_bars(["a", "b"], {"params": [10, 1000], "acc": [0.5, 0.9]},
                            log=["params"])
    assert len(fig.axes) == 2 and fig.axes[0].get_xscale() == "log"
    assert fig.axes[1].get_xscale() == "linear"
