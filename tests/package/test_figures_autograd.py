"""Tests of dlbook_code.figures.autograd: the graph walker and the drawings."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import pytest
import torch

from dlbook_code.figures import autograd as fa


def test_autograd_graph_of_log_of_affine():
    w = torch.tensor(0.5, requires_grad=True)
    b = torch.tensor(1.5, requires_grad=True)
    f = torch.log(w * 2.0 + b)
    nodes, edges = fa.autograd_graph(f, {"w": w, "b": b})
    labels = sorted(lab for _, _, lab in nodes)
    assert labels == ["AddBackward0", "LogBackward0", "MulBackward0", "b", "w"]
    kinds = {lab: kind for _, kind, lab in nodes}
    assert kinds["w"] == kinds["b"] == "leaf" and kinds["LogBackward0"] == "grad_fn"
    by_id = {i: lab for i, _, lab in nodes}
    named = sorted((by_id[a], by_id[b]) for a, b in edges)
    assert named == [("AddBackward0", "MulBackward0"), ("AddBackward0", "b"),
                     ("LogBackward0", "AddBackward0"), ("MulBackward0", "w")]


def test_autograd_graph_shares_a_leaf_used_twice():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()  # x enters MulBackward0 twice, but is one leaf node
    nodes, edges = fa.autograd_graph(y)
    leaves = [lab for _, kind, lab in nodes if kind == "leaf"]
    assert leaves == ["leaf (2,)"]
    assert len(edges) == 3  # Sum -> Mul, Mul -> leaf (twice)


def test_autograd_graph_refuses_a_leaf():
    with pytest.raises(ValueError, match="no grad_fn"):
        fa.autograd_graph(torch.ones(3, requires_grad=True))


def test_layers_use_longest_path():
    # root -> a -> b and root -> b: b must sit after a.
    depth = fa._layers([(0, 1), (1, 2), (0, 2)], root=0)
    assert depth == {0: 0, 1: 1, 2: 2}


def test_lecture_dag_structure_and_reversal():
    fwd, bwd = fa.lecture_dag(False), fa.lecture_dag(True)
    pairs = {(s, t) for s, t, _ in fwd.edges}
    assert ("w1", "phi1") in pairs and ("w1", "phi3") in pairs and ("x0", "phi2") in pairs
    assert {(t, s) for s, t, _ in bwd.edges} == pairs
    assert "partial" in bwd.label["x2"] and "partial" not in fwd.label["x2"]


def test_drawings_return_one_figure_each():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    figures = [
        fa.draw_lecture_dag(), fa.draw_lecture_dag(backward=True),
        fa.plot_tangents(lambda t: t**3 - 3 * t, lambda t: 3 * t**2 - 3, [-1.0, 0.0, 1.5]),
        fa.plot_function_and_derivative(x, x.sin(), x.cos(), reference=x.cos()),
        fa.draw_autograd_graph((x * x).sum(), {"x": x}, "y"),
    ]
    for fig in figures:
        assert isinstance(fig, matplotlib.figure.Figure) and len(fig.axes) == 1
    tangents = figures[2].axes[0]
    assert len(tangents.get_legend().get_texts()) == 4  # f, increasing, decreasing, flat
    plt.close("all")


def test_long_arrows_are_routed_around_boxes():
    # In q = chain(1).dot(chain(2)), the leaf w is reached from several depths: the arrows
    # that skip levels must go through waypoints (drawn as lines), one per skipped level.
    w = torch.rand(2, 3, 3, requires_grad=True)

    def chain(k, x):
        for i in range(k):
            x = (w[i] @ x).tanh()
        return x

    q = chain(1, torch.rand(3)).dot(chain(2, torch.rand(3)))
    fig = fa.draw_autograd_graph(q, {"w": w}, "q", vertical=True)
    lines = fig.axes[0].lines
    assert lines, "expected polylines for arrows that jump over levels"
    # Every waypoint lies on a level strictly between the arrow's ends.
    assert all(len(line.get_xdata()) >= 2 for line in lines)
    plt.close("all")
