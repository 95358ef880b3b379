"""The figure modules' shared drawing primitives."""

import matplotlib.pyplot as plt
import torch

from dlbook_code.figures._draw import box, cell, fmt_number


def test_fmt_number_writes_numbers_short():
    assert [fmt_number(v) for v in (3, 3.0, True, 0.123456, torch.tensor(2.0))] == \
        ["3", "3", "T", "0.123", "2"]
    assert fmt_number(1 / 3, digits=2) == "0.33" and fmt_number(0.5, ".2f") == "0.50"


def test_box_is_centred_and_cell_is_placed_by_its_corner():
    fig, ax = plt.subplots()
    b = box(ax, 2.0, 1.0, 2.0, 0.5, "x")
    assert (b.get_x(), b.get_y(), b.get_width(), b.get_height()) == (1.0, 0.75, 2.0, 0.5)
    c = cell(ax, 3, 4, "7", size=0.5)
    assert (c.get_x(), c.get_y(), c.get_width()) == (3, 4, 0.5)
    assert [t.get_text() for t in ax.texts] == ["x", "7"]
    assert ax.texts[1].get_position() == (3.25, 4.25)
    plt.close(fig)
