"""Figures of the chapter on validation and model selection: each draws what it is given."""

import matplotlib.pyplot as plt
import pytest

from dlbook_code.figures import deep_training as fd


def test_split_sizes_draws_one_segment_per_part_in_order():
    fig = fd.plot_split_sizes({"training": 50, "validation": 10, "test": 10},
                              {"test": "reports, once"})
    bars = fig.axes[0].patches
    assert [b.get_width() for b in bars] == [50, 10, 10]
    assert [b.get_x() for b in bars] == [0, 50, 60]
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "validation\n10" in texts and "reports, once" in texts
    plt.close(fig)


def test_selection_bias_marks_each_mean_and_zero():
    fig = fd.plot_selection_bias({"on test": [1.0, 2.0, 3.0], "on validation": [-1.0, 1.0]},
                                 "error (points)")
    ax = fig.axes[0]
    xs = [line.get_xdata()[0] for line in ax.get_lines()]
    assert xs == pytest.approx([2.0, 0.0, 0.0])  # the two means, then the zero line
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["on test (mean +2.00)", "on validation (mean +0.00)"]
    plt.close(fig)


def test_early_stopping_marks_best_and_stop_epochs():
    fig = fd.plot_early_stopping([1.0, 0.5, 0.2, 0.1], [1.0, 0.6, 0.7, 0.8],
                                 best_epoch=2, stop_epoch=4)
    train, val, best, stop = fig.axes[0].get_lines()
    assert list(train.get_xdata()) == [1, 2, 3, 4]
    assert list(best.get_xdata()) == [2] and list(best.get_ydata()) == [0.6]
    assert list(stop.get_xdata()) == [4, 4]
    plt.close(fig)


def test_selection_bias_bins_span_two_steps_with_edges_between_steps():
    values = [0.2 * i for i in range(-4, 7)]  # on a lattice of step 0.2
    fig = fd.plot_selection_bias({"a": values}, "x", step=0.2)
    bars = fig.axes[0].patches
    assert {round(b.get_width(), 6) for b in bars} == {0.4}
    assert [b.get_height() for b in bars] == [2, 2, 2, 2, 2, 1]  # two steps per bin
    edges = [b.get_x() for b in bars]
    assert all(abs(round(e / 0.2) * 0.2 - e) > 0.05 for e in edges)  # between steps
    plt.close(fig)
