"""What only a CUDA GPU can show: skipped on a machine without one (CI), run where a GPU is
lent (the full-profile run of the book, CONTRIBUTING "On a GPU")."""

import pytest
import torch
from torch import nn

from dlbook_code import fit

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


@pytest.mark.parametrize("make", [torch.optim.Adagrad, torch.optim.Adam])
def test_fit_trains_with_an_optimizer_built_before_the_model_moved(make):
    """Adagrad makes its state at construction, on the CPU where the model still is."""
    torch.manual_seed(0)
    x, y = torch.randn(256, 10), torch.randint(0, 3, (256,))
    model = nn.Linear(10, 3)
    opt = make(model.parameters(), lr=0.05)
    h = fit(model, (x, y), epochs=3, optimizer=opt, batch_size=32, device="cuda",
            progress=False)
    assert h["train_loss"][-1] < h["train_loss"][0]
    assert all(v.device.type == "cuda" for s in opt.state.values() for k, v in s.items()
               if k != "step")


def test_fit_with_mixed_precision_and_channels_last_learns():
    torch.manual_seed(0)
    x = torch.rand(512, 1, 28, 28)
    y = (x.mean((1, 2, 3)) > x.mean()).long()
    model = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                          nn.Flatten(), nn.Linear(8, 2))
    h = fit(model, (x, y), epochs=5, lr=0.5, batch_size=64, device="cuda", amp=True,
            channels_last=True, progress=False)
    assert h["train_loss"][-1] < h["train_loss"][0]
