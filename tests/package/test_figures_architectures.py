"""The Architectures part's figures and helpers."""

import re

import matplotlib.pyplot as plt
import pytest
import torch

from dlbook_code.figures import architectures as fa
from dlbook_code.measure import summary
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


def _product(label: str, jacobians: dict[int, torch.Tensor]) -> torch.Tensor:
    """A term as drawn ('$J_3\\,J_1$', '$I$') evaluated with the given Jacobians."""
    out = torch.eye(next(iter(jacobians.values())).shape[0], dtype=torch.float64)
    for k in map(int, re.findall(r"J_(\d)", label)):
        out = out @ jacobians[k]
    return out


def test_residual_paths_sum_to_the_chain_jacobian():
    """The terms drawn under the residual chain add up to the Jacobian of a real chain
    of three blocks x_k = x_{k-1} + f_k(x_{k-1}); the plain chain's single term is the
    Jacobian of x_k = f_k(x_{k-1}); each small copy thickens exactly its term's branches."""
    fig = fa.draw_residual_gradient_paths(3)
    ax = fig.axes[0]
    terms = [t.get_text() for t in ax.texts if t.get_gid() == "term"]
    assert len(set(terms)) == 8
    torch.manual_seed(0)
    ws = [torch.randn(4, 4, dtype=torch.float64) for _ in range(3)]
    x0 = torch.randn(4, dtype=torch.float64)

    def f(k, x):
        return torch.tanh(ws[k - 1] @ x)

    def chain(x, residual):
        for k in (1, 2, 3):
            x = x + f(k, x) if residual else f(k, x)
        return x

    for residual in (True, False):
        xs, jac = [x0], {}
        for k in (1, 2, 3):  # each branch's Jacobian at its own input
            jac[k] = torch.autograd.functional.jacobian(lambda v, k=k: f(k, v), xs[-1])
            xs.append(xs[-1] + f(k, xs[-1]) if residual else f(k, xs[-1]))
        whole = torch.autograd.functional.jacobian(lambda v, r=residual: chain(v, r), x0)
        if residual:
            drawn = sum(_product(t, jac) for t in terms)
        else:
            title = next(t.get_text() for t in ax.texts if t.get_text().startswith("plain"))
            drawn = _product(title.split("x_3")[-1], jac)
        torch.testing.assert_close(drawn, whole)
    # the thick path of each copy takes the branch of block k (a bump, six points) iff
    # J_k is in its term
    paths = [line for line in ax.get_lines() if (line.get_gid() or "").startswith("path")]
    assert len(paths) == 8 * 3
    for term, blocks in zip(terms, [paths[i:i + 3] for i in range(0, 24, 3)]):
        taken = {int(k) for k in re.findall(r"J_(\d)", term)}
        for k, line in enumerate(blocks, start=1):
            assert line.get_gid() == f"path {k}"
            assert (len(line.get_xdata()) == 6) == (k in taken), (term, k)
    plt.close(fig)
