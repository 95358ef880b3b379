"""The shared figures: right number of panels, titles and colours as asked, no crash on
edge cases."""

import matplotlib
import matplotlib.pyplot as plt
import pytest
import torch

from dlbook_code import plots
from dlbook_code.train import History


def test_show_images_grid_titles_and_colours():
    fig = plots.show_images(torch.rand(10, 1, 8, 8), titles=[str(i) for i in range(10)],
                            ncols=4, colors=["red"] * 10)
    assert len(fig.axes) == 12  # 3 rows of 4, the last two blank
    assert [ax.get_title() for ax in fig.axes[:10]] == [str(i) for i in range(10)]
    # a named colour is drawn in the palette's version of it (colour-blind safe)
    assert matplotlib.colors.to_hex(fig.axes[0].title.get_color()) == plots.PALETTE[1].lower()
    hexed = plots.show_images(torch.rand(1, 1, 8, 8), titles=["x"], colors=["#123456"])
    assert matplotlib.colors.to_hex(hexed.axes[0].title.get_color()) == "#123456"
    colour = plots.show_images(torch.rand(2, 3, 8, 8))  # RGB images, no titles
    assert len(colour.axes) == 2



def test_show_image_rows_labels_each_row_and_leaves_short_rows_blank():
    fig = plots.show_image_rows({"original": torch.rand(5, 1, 8, 8),
                                 "decoded": torch.rand(3, 1, 8, 8)},
                                col_titles=[f"t={i}" for i in range(5)])
    assert len(fig.axes) == 10  # 2 rows of 5
    assert [fig.axes[r * 5].get_ylabel() for r in (0, 1)] == ["original", "decoded"]
    assert [ax.get_title() for ax in fig.axes[:5]] == [f"t={i}" for i in range(5)]
    assert [len(ax.images) for ax in fig.axes[5:]] == [1, 1, 1, 0, 0]
    # images on one fixed grey scale, so that rows compare: 0 is black and 1 white
    assert fig.axes[0].images[0].get_clim() == (0, 1)

def test_plot_history_panels_and_values():
    h = History([dict(epoch=e, train_loss=1 / e, train_acc=0.5 + e / 10, test_loss=1.2 / e,
                      test_acc=0.4 + e / 10, lr=0.1, seconds=1.0, samples_per_s=10.0)
                 for e in (1, 2, 3)])
    fig = plots.plot_history(h, metrics=("loss", "error"))
    assert len(fig.axes) == 2
    assert [line.get_linestyle() for line in fig.axes[0].lines] == ["-", "--"]
    assert [line.get_label() for line in fig.axes[0].lines] == ["train", "test"]
    train_err = fig.axes[1].lines[0].get_ydata()
    assert list(train_err) == pytest.approx([40.0, 30.0, 20.0])


def test_plot_history_draws_validation_and_test_curves_when_the_run_had_them():
    h = History([dict(epoch=e, train_loss=1 / e, train_acc=0.5, val_loss=1.1 / e, val_acc=0.45,
                      test_loss=1.2 / e, test_acc=0.4, lr=0.1, seconds=1.0, samples_per_s=1.0)
                 for e in (1, 2)])
    fig = plots.plot_history(h, metrics=("acc",))
    assert [line.get_label() for line in fig.axes[0].lines] == ["train", "validation", "test"]
    assert [line.get_linestyle() for line in fig.axes[0].lines] == ["-", "--", "--"]


def test_plot_history_without_held_out_set_draws_train_only():
    h = History([dict(epoch=1, train_loss=1.0, train_acc=0.5, lr=0.1, seconds=1.0,
                      samples_per_s=1.0)])
    fig = plots.plot_history(h, metrics=("acc",))
    assert len(fig.axes[0].lines) == 1


def test_kernels_and_feature_maps():
    assert len(plots.show_kernels(torch.randn(6, 3, 5, 5), ncols=3).axes) == 6
    assert len(plots.show_feature_maps(torch.rand(1, 4, 10, 10)).axes) == 4


def test_plot_curves_draws_one_line_per_entry_with_its_label():
    fig = plots.plot_curves({"a": ([1, 2, 3], [3, 2, 1]), "b": (torch.arange(3), torch.ones(3))},
                            "epoch", "loss", logy=True, title="t", marker="o")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    assert list(ax.get_lines()[0].get_ydata()) == [3, 2, 1]
    assert list(ax.get_lines()[1].get_xdata()) == [0, 1, 2]
    assert ax.get_yscale() == "log" and ax.get_xscale() == "linear"
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("epoch", "loss", "t")


def test_plot_curves_puts_no_tick_between_whole_numbers():
    whole = plots.plot_curves({"a": ([1, 2, 3], [3, 2, 1])}, "epoch", "loss").axes[0]
    whole.figure.canvas.draw()
    assert all(float(t).is_integer() for t in whole.get_xticks())
    real = plots.plot_curves({"a": ([0.5, 1.0, 1.5], [3, 2, 1])}, "x", "y").axes[0]
    real.figure.canvas.draw()
    assert not all(float(t).is_integer() for t in real.get_xticks())


def test_plot_curves_draws_on_a_given_axis():
    fig, (a0, a1) = plt.subplots(1, 2)
    assert plots.plot_curves({"x": ([1, 2], [1, 4])}, "n", "y", ax=a1, logx=True) is fig
    assert len(a0.lines) == 0 and len(a1.lines) == 1 and a1.get_xscale() == "log"


def test_book_style_is_opaque_white():
    plots.use_book_style()
    assert matplotlib.rcParams["savefig.facecolor"] == "white"
    assert matplotlib.rcParams["figure.facecolor"] == "white"
