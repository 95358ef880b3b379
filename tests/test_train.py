"""The training loop: it learns, it records, and it does not synchronise per batch."""

import pytest
import torch
from torch import nn

from dlbook_code import evaluate, fit, per_sample_losses
from dlbook_code.train import History


def blobs(n=400, seed=0):
    """Two well-separated Gaussian blobs in 2d: any classifier should reach ~100%."""
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 2
    x = torch.randn(n, 2, generator=g) * 0.5 + (y[:, None].float() * 4 - 2)
    return x, y


def test_fit_learns_and_records_history():
    torch.manual_seed(0)
    model = nn.Linear(2, 2)
    h = fit(model, blobs(), blobs(seed=1), epochs=3, lr=0.1, batch_size=20,
            device="cpu", progress=False)
    assert isinstance(h, History) and len(h) == 3
    assert h["epoch"] == [1, 2, 3]
    assert h.last["test_acc"] > 0.95
    assert h["train_loss"][-1] < h["train_loss"][0]
    assert all(r["samples_per_s"] > 0 and r["seconds"] > 0 for r in h.records)
    assert "test acc" in h.table() and "\x1b" not in h.table()


def test_no_host_sync_per_batch(monkeypatch):
    """Reading a value to the host (.item()) happens a fixed number of times per epoch,
    however many batches there are."""
    calls = {"n": 0}
    real_item = torch.Tensor.item

    def counting_item(self):
        calls["n"] += 1
        return real_item(self)

    monkeypatch.setattr(torch.Tensor, "item", counting_item)
    counts = []
    for batch_size in (200, 10):  # 2 batches vs 40 batches per epoch
        calls["n"] = 0
        fit(nn.Linear(2, 2), blobs(), blobs(seed=1), epochs=2, batch_size=batch_size,
            device="cpu", progress=False)
        counts.append(calls["n"])
    assert counts[0] == counts[1] <= 8


def test_scheduler_is_stepped_per_epoch():
    model = nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    h = fit(model, blobs(), epochs=3, optimizer=opt, scheduler=sched, device="cpu",
            progress=False)
    assert h["lr"] == [1.0, 0.5, 0.25]
    assert h["test_acc"] == [None, None, None]


def test_evaluate_and_per_sample_losses_agree():
    torch.manual_seed(0)
    model = nn.Linear(2, 2)
    data = blobs()
    loss, acc = evaluate(model, data, batch_size=64)
    per = per_sample_losses(model, data, batch_size=64)
    assert per.shape == (400,)
    assert per.mean().item() == pytest.approx(loss, rel=1e-5)
    assert 0 <= acc <= 1
    assert model.training  # evaluate restores the mode


def test_mismatched_data_is_a_clear_error():
    x, y = blobs()
    with pytest.raises(ValueError, match="400 samples but y has 399"):
        fit(nn.Linear(2, 2), (x, y[:-1]), epochs=1, device="cpu", progress=False)
