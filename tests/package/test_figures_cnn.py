"""The Convolutional networks part's diagrams draw what they claim to draw."""

from __future__ import annotations

import matplotlib
import pytest
import torch
from matplotlib.figure import Figure

from dlbook_code.figures import cnn
from dlbook_code.train import History


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_draw_conv1d_writes_the_lecture_example():
    fig = cnn.draw_conv1d([1, 2, 3, 4], [3, 2])
    t = texts(fig)
    for value in ("7", "12", "17"):
        assert value in t, f"output value {value} not drawn"
    assert "1·3 + 2·2 = 7" in t and "3·3 + 4·2 = 17" in t


def test_padding_stride_dilation_titles_give_output_sizes():
    fig = cnn.draw_padding_stride_dilation(size=5, kernel=3)
    titles = [ax.get_title() for ax in fig.axes]
    assert len(titles) == 4
    assert titles[0].endswith("5×5 → 3×3")
    assert titles[1].endswith("5×5 → 5×5")
    assert titles[2].endswith("5×5 → 2×2")
    assert titles[3].endswith("5×5 → 1×1")


def test_padding_panel_has_a_grey_border():
    fig = cnn.draw_padding_stride_dilation(size=4, kernel=3, settings=[dict(padding=1)])
    cells = [p for p in fig.axes[0].patches]
    assert len(cells) == 36  # (4 + 2)²
    grey = sum(1 for p in cells if matplotlib.colors.to_hex(p.get_facecolor()) ==
               cnn.PAD.lower())
    # the border has 20 cells; the first window covers 5 of them, the next one 1 more
    assert grey == 20 - 5 - 1


@pytest.mark.parametrize("mode,expected", [("max", ["4", "2", "3", "5"]),
                                           ("avg", ["2.5", "2", "1.5", "3"])])
def test_draw_pooling1d_outputs(mode, expected):
    fig = cnn.draw_pooling1d([1, 4, 2, 2, 0, 3, 5, 1, 2], kernel=2, mode=mode)
    t = texts(fig)
    # texts: per block its 2 inputs, its output and the (empty) arrow annotation
    outputs = [t[4 * b + 2] for b in range(4)]
    assert outputs == expected


def test_draw_pooling1d_rejects_unknown_mode():
    with pytest.raises(ValueError, match="max"):
        cnn.draw_pooling1d([1, 2], mode="median")


def test_plot_response_draws_signal_and_output():
    x = torch.tensor([0.0, 0, 0, 0, 1, 2, 3, 4, 4, 4, 4])
    fig = cnn.plot_response(x, torch.tensor([-1.0, 1.0]))
    assert len(fig.axes) == 2
    # the second stem plot holds the 10 values of the finite difference
    stems = [c for c in fig.axes[1].containers]
    ys = stems[0].markerline.get_ydata()
    assert list(ys) == [0, 0, 0, 1, 1, 1, 1, 0, 0, 0]


def test_show_kernel_responses_layout():
    k = torch.randn(3, 3, 3)
    r = torch.randn(3, 8, 8)
    fig = cnn.show_kernel_responses(k, r, ["a", "b", "c"], image=torch.rand(10, 10))
    assert len(fig.axes) == 8
    assert sum(len(ax.texts) for ax in fig.axes) == 27  # every kernel value written


def test_plot_lr_curves_one_line_per_rate():
    def hist(acc):
        h = History()
        for e, a in enumerate(acc, 1):
            h.records.append(dict(epoch=e, train_loss=1.0 / e, train_acc=a, test_loss=1.0,
                                  test_acc=a, lr=0.1, seconds=1.0, samples_per_s=1.0))
        return h

    fig = cnn.plot_lr_curves({0.01: hist([0.1, 0.2]), 0.1: hist([0.3, 0.5])})
    assert [len(ax.lines) for ax in fig.axes] == [2, 2]
    assert [line.get_label() for line in fig.axes[0].lines] == ["η = 0.01", "η = 0.1"]
    err = fig.axes[1].lines[1].get_ydata()
    assert list(err) == pytest.approx([70.0, 50.0])


def test_receptive_fields_and_shift_plot():
    m = torch.zeros(7, 7, dtype=torch.bool)
    m[2:5, 2:5] = True
    fig = cnn.draw_receptive_fields([m, m], ["one", "two"])
    assert [ax.get_title() for ax in fig.axes] == ["one", "two"]
    fig = cnn.plot_shift_sensitivity([0, 1, 2], {"pixels": [0, 1, 1.2], "pooled": [0, .3, .5]})
    assert len(fig.axes[0].lines) == 2
