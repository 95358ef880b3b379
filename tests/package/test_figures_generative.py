"""The diagrams of the part "Under the hood and generative models" draw what they claim."""

import matplotlib
import pytest
import torch

from dlbook_code.figures import generative as fg


def texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_kernel_scatter_draws_each_copy_and_the_sum():
    X = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    fig = fg.draw_kernel_scatter(X, X)  # the 2×2 example: output 0 0 1 / 0 4 6 / 4 12 9
    t = texts(fig)
    assert t[-10:] == ["0", "0", "1", "0", "4", "6", "4", "12", "9", "output Y"]
    assert [s for s in t if s.endswith("· K")] == ["0 · K", "1 · K", "2 · K", "3 · K"]
    assert t.count("+") == 3 and t.count("=") == 1
    # each copy's four cells are filled with its input value's colour, the other five white
    fills = [matplotlib.colors.to_hex(p.get_facecolor()) for p in fig.axes[0].patches]
    copies = fills[8:8 + 4 * 9]  # after the input's and the kernel's 2×2 cells
    for n, colour in enumerate(fg.SOURCE_FILLS):
        cells = copies[9 * n:9 * (n + 1)]
        assert cells.count(colour) == 4 and cells.count("#ffffff") == 5


def test_kernel_scatter_places_strided_copies_apart_and_refuses_large_inputs():
    X = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    fig = fg.draw_kernel_scatter(X, torch.ones(2, 2), stride=2)
    assert texts(fig)[-17:-1] == ["1", "1", "2", "2", "1", "1", "2", "2",
                                  "3", "3", "4", "4", "3", "3", "4", "4"]
    with pytest.raises(ValueError, match="at most 4"):
        fg.draw_kernel_scatter(torch.ones(3, 3), torch.ones(2, 2))


def test_count_maps_write_every_value_and_frame_the_interior():
    maps = [torch.arange(9.0).view(3, 3), torch.ones(4, 4)]
    fig = fg.draw_count_maps(maps, ["a", "b"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    assert [t.get_text() for t in fig.axes[0].texts] == [str(v) for v in range(9)]
    frame = fig.axes[1].patches[-1]
    assert (frame.get_x(), frame.get_y(), frame.get_width(), frame.get_height()) == (1, 1, 2, 2)


def test_flat_responses_use_the_interior_grey_scale():
    checker = torch.zeros(6, 6)
    checker[1::2, ::2] = 1.0
    checker[0, 0] = 10.0  # a border pixel outside the interior's range
    flat = torch.full((6, 6), 5.0)
    flat[:, 0] = -3.0
    fig = fg.show_flat_responses([checker, flat], ["checker", "flat"])
    assert fig.axes[0].images[0].get_clim() == (0.0, 1.0)
    lo, hi = fig.axes[1].images[0].get_clim()  # a flat interior is mid-grey
    assert lo < 5.0 < hi and hi - lo < 1e-3


def test_class_histograms_draw_one_panel_of_shares_per_entry():
    fig = fg.show_class_histograms({"real": torch.tensor([5, 5, 0]),
                                    "model": torch.tensor([0, 10, 0])})
    assert [ax.get_title() for ax in fig.axes] == ["real", "model"]
    heights = [[p.get_height() for p in ax.patches] for ax in fig.axes]
    assert heights == [[0.5, 0.5, 0.0], [0.0, 1.0, 0.0]]
    empty = fg.show_class_histograms({"none": torch.zeros(10, dtype=torch.int64)})
    assert [p.get_height() for p in empty.axes[0].patches] == [0.0] * 10


def test_attributions_put_each_map_on_its_own_symmetric_scale():
    images = torch.rand(3, 1, 5, 5)
    maps = {"a": torch.randn(3, 5, 5), "b": 10 * torch.randn(3, 1, 5, 5)}
    fig = fg.show_attributions(images, maps, titles=["x", "y", "z"])
    assert len(fig.axes) == 3 * 3  # the input row and one row per method
    for ax in fig.axes[3:]:
        lo, hi = ax.images[0].get_clim()
        assert lo == -hi and hi > 0  # white is zero, whatever the map's range
    # each map's scale is its own largest absolute value
    assert fig.axes[3].images[0].get_clim()[1] == pytest.approx(maps["a"][0].abs().max().item())
    assert [ax.get_ylabel() for ax in fig.axes[::3]] == ["input", "a", "b"]
def test_point_snapshots_draw_each_snapshot_with_the_mode_centres():
    centres = torch.tensor([[1.0, 0.0], [-1.0, 0.0]])
    rows = {"a": [torch.zeros(5, 2), torch.ones(3, 2)], "b": [torch.zeros(4, 2), torch.zeros(2, 2)]}
    fig = fg.show_point_snapshots(rows, centres, ["step 1", "step 2"])
    assert len(fig.axes) == 4
    assert [ax.get_title() for ax in fig.axes[:2]] == ["step 1", "step 2"]
    assert [fig.axes[0].get_ylabel(), fig.axes[2].get_ylabel()] == ["a", "b"]
    points, circles = fig.axes[1].collections  # the samples, then the centres on top
    assert points.get_offsets().tolist() == [[1.0, 1.0]] * 3
    assert circles.get_offsets().tolist() == centres.tolist()
