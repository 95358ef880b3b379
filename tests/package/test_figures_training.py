"""Figures of the Training part: each draws what it is given, and only that."""

import pytest
import torch

from dlbook_code.figures import training as ft


def test_gradient_noise_reference_follows_inverse_square_root():
    fig = ft.plot_gradient_noise([1, 4, 16], [1.0, 0.6, 0.2])
    measured, ref = fig.axes[0].get_lines()
    assert list(ref.get_ydata()) == pytest.approx([1.0, 0.5, 0.25])
    assert list(measured.get_ydata()) == [1.0, 0.6, 0.2]


def test_activations_has_function_and_derivative_panels():
    x = torch.linspace(-2, 2, 5)
    fig = ft.plot_activations(x, {"relu": (x.relu(), (x > 0).float())})
    assert len(fig.axes) == 2
    assert list(fig.axes[1].get_lines()[0].get_ydata()) == [0, 0, 0, 1, 1]


def test_sweeps_mark_the_best_value():
    fig = ft.plot_sweeps({"lr": ([0.01, 0.1, 0.3], [70, 80, 75]),
                          "batch size": ([50, 100], [81, 79])}, logx=["lr"])
    assert len(fig.axes) == 2
    best = fig.axes[0].get_lines()[1]
    assert list(best.get_xdata()) == [0.1] and list(best.get_ydata()) == [80]
    assert fig.axes[0].get_xscale() == "log" and fig.axes[1].get_xscale() == "linear"


def test_lr_schedules_capacity_reading_and_matrices():
    fig = ft.plot_lr_schedules({"step": [0.1, 0.1, 0.01], "geometric": [0.1, 0.05, 0.025]})
    assert len(fig.axes[0].get_lines()) == 2
    fig = ft.plot_capacity([8, 64], [20.0, 1.0], [25.0, 18.0])
    assert [line.get_label() for line in fig.axes[0].get_lines()] == ["train", "test"]
    fig = ft.plot_reading_times([1, 51], [2.0, 0.1], n_samples=1000)
    assert "1,000" in fig.axes[0].get_title()
    fig = ft.show_matrices({"x": torch.arange(6.0).reshape(2, 3), "y": torch.zeros(2, 3)})
    assert len(fig.axes) == 2 and len(fig.axes[0].texts) == 6


def test_loss_histograms_over_epochs_one_panel_per_epoch():
    g = torch.Generator().manual_seed(0)
    rec = {e: (torch.rand(50, generator=g) + 0.01, torch.rand(50, generator=g) + 0.01)
           for e in (1, 5, 10)}
    fig = ft.loss_histograms_over_epochs(rec)
    assert [ax.get_title() for ax in fig.axes] == ["epoch 1", "epoch 5", "epoch 10"]
    for ax in fig.axes:  # shared log-scaled loss axis, both splits in every panel
        assert ax.get_xscale() == "log"
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "test"]
