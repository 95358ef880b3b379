"""The Tensors part's diagrams: storage positions, view masks, float32 fields, and that
every drawing function returns one figure without error."""

import matplotlib.pyplot as plt
import pytest
import torch

from dlbook_code.figures.tensors import (
    draw_audio,
    draw_fit,
    draw_float32,
    draw_image_file,
    draw_strides,
    draw_tensors,
    storage_of,
    view_mask,
)


def test_view_mask_marks_what_a_view_reads():
    x = torch.tensor([[1, 3, 0], [2, 4, 6]])
    mask = view_mask(x, x[:, 1:3])
    assert mask.tolist() == [[False, True, True], [False, True, True]]
    with pytest.raises(ValueError, match="copy"):
        view_mask(x, x[:, [1, 2]])  # advanced indexing copies


def test_storage_of_sees_the_whole_storage():
    big = torch.arange(10.0)
    s = storage_of(big[3:5])
    assert s.numel() == 10 and torch.equal(s, big)


def test_drawings_return_one_figure(tmp_path):
    plt.close("all")
    x = torch.arange(6).view(2, 3)
    figs = [
        draw_tensors([("x", x, view_mask(x, x[:, 1:])), ("3d", x.view(1, 2, 3).expand(2, 2, 3)),
                      ("0d", torch.tensor(1.5), None, torch.tensor(True))],
                     between=["+", "="], ncols=2),
        draw_strides(x.t(), "x.t()"),
        draw_strides(torch.arange(10)[1::3]),
        draw_float32(0.1),
        draw_fit(torch.rand(5), torch.rand(5), {"fit": (1.0, 0.0)}, marked=[0]),
        draw_audio(torch.randn(800), 8000, torch.rand(33, 10), hop=64),
    ]
    import torchvision

    torchvision.utils.save_image(torch.rand(4, 3, 8, 8), tmp_path / "g.png", nrow=2)
    figs.append(draw_image_file(tmp_path / "g.png", title="grid"))
    assert all(isinstance(f, plt.Figure) for f in figs)
    assert len(plt.get_fignums()) == len(figs)
    plt.close("all")


def test_bad_inputs_are_clear_errors():
    with pytest.raises(ValueError, match="at most 3 axes"):
        draw_tensors([("4d", torch.zeros(1, 1, 1, 1))])
    with pytest.raises(ValueError, match="1d or 2d"):
        draw_strides(torch.zeros(2, 2, 2))
