"""Figures of the chapter "Optimisers": each draws what it is given, and only that."""

import pytest
import torch

from dlbook_code.figures import deep_training as fd


def test_quadratic_paths_draw_each_path_and_its_loss():
    paths = {"a": torch.tensor([[-4.0, 1.0], [-2.0, 0.5], [0.0, 0.0]]),
             "b": torch.tensor([[-4.0, 1.0], [-4.0, 0.0], [-3.0, 0.0]])}
    fig = fd.plot_quadratic_paths(10.0, paths)
    ax, ax_f = fig.axes[:2]
    drawn = [line for line in ax.get_lines() if line.get_label() in paths]
    assert [line.get_label() for line in drawn] == ["a", "b"]
    assert list(drawn[0].get_xdata()) == [-4.0, -2.0, 0.0]
    losses = ax_f.get_lines()
    assert len(losses) == 2 and ax_f.get_yscale() == "log"
    # f = (w1² + κ w2²) / 2, clipped at the floor where the path reaches the minimum
    assert list(losses[0].get_ydata()) == pytest.approx([13.0, 3.25, 1e-12])
    assert list(losses[1].get_ydata()) == pytest.approx([13.0, 8.0, 4.5])
