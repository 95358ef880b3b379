"""Figures of the chapter "Why depth?": each draws what it is given, and only that."""

import pytest
import torch

from dlbook_code.figures import depth as fd


def test_sawtooths_one_panel_per_curve_with_its_corners():
    x = torch.linspace(0, 1, 5)
    fig = fd.plot_sawtooths({"k = 1": (x, 1 - (2 * x - 1).abs()), "k = 2": (x, x)},
                            corners={"k = 1": ([0.0, 0.5, 1.0], [0.0, 1.0, 0.0])})
    assert [ax.get_title() for ax in fig.axes] == ["k = 1", "k = 2"]
    curve, corners = fig.axes[0].get_lines()
    assert list(curve.get_ydata()) == pytest.approx([0, 0.5, 1, 0.5, 0])
    assert list(corners.get_xdata()) == [0.0, 0.5, 1.0]
    assert len(fig.axes[1].get_lines()) == 1  # no corners given for it


def test_pieces_against_units_on_log2_axes_with_the_bound():
    fig = fd.plot_pieces_against_units({"deep": ([2, 4], [2, 4]), "shallow": ([2, 4], [2, 4])},
                                       bound=([1, 4], [2, 5]), bound_label="n + 1")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["deep", "shallow", "n + 1"]
    assert list(ax.get_lines()[2].get_ydata()) == [2, 5]


def test_region_counts_mark_means_and_maxima():
    fig = fd.plot_region_counts({"a": [10, 20], "b": [30, 50]}, {"max": 129})
    ax = fig.axes[0]
    means = [line for line in ax.get_lines() if len(line.get_xdata()) == 2
             and line.get_ydata()[0] == line.get_ydata()[1] and line.get_linestyle() == "-"]
    assert sorted(m.get_ydata()[0] for m in means) == [15, 40]
    assert any(list(line.get_ydata()) == [129, 129] for line in ax.get_lines())
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    assert ax.get_yscale() == "log"


def test_paired_joins_each_seed_and_marks_means():
    fig = fd.plot_paired({"wide": [80.0, 82.0, 84.0], "deep": [81.0, 81.0, 85.0]}, "acc (%)")
    ax = fig.axes[0]
    joins = [line for line in ax.get_lines() if line.get_color() == "#999999"]
    assert [list(j.get_ydata()) for j in joins] == [[80, 81], [82, 81], [84, 85]]
    bars = [line for line in ax.get_lines() if line.get_color() == "black"]
    assert [b.get_ydata()[0] for b in bars] == pytest.approx([82.0, 247 / 3])
    assert ax.get_ylabel() == "acc (%)"
