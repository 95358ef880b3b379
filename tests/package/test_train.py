"""The training loop: it learns, it records, it does not synchronise per batch, it restores
the model's mode, it says when a run diverges, and it picks the precision the device suits."""

from contextlib import nullcontext

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlbook_code import amp_dtype, batches, evaluate, fit, per_sample_losses
from dlbook_code import train as train_module
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
    h = fit(model, blobs(), val=blobs(seed=1), epochs=3, lr=0.1, batch_size=20,
            device="cpu", progress=False)
    assert isinstance(h, History) and len(h) == 3
    assert h["epoch"] == [1, 2, 3]
    assert h.last["val_acc"] > 0.95
    assert h["train_loss"][-1] < h["train_loss"][0]
    assert all(r["samples_per_s"] > 0 and r["seconds"] > 0 for r in h.records)
    table = h.table()
    assert "val acc" in table and "test" not in table and "\x1b" not in table
    assert "test_acc" not in h.last


def test_fit_evaluates_validation_and_test_sets_under_their_own_names():
    torch.manual_seed(0)
    model = nn.Linear(2, 2)
    val, test = blobs(seed=1), blobs(n=200, seed=2)
    h = fit(model, blobs(), val=val, test=test, epochs=2, device="cpu", progress=False)
    assert (h.last["test_loss"], h.last["test_acc"]) == pytest.approx(evaluate(model, test))
    assert (h.last["val_loss"], h.last["val_acc"]) == pytest.approx(evaluate(model, val))
    head = h.table().splitlines()[0]
    assert head.index("val loss") < head.index("val acc") < head.index("test loss")
    only_test = fit(nn.Linear(2, 2), blobs(), test=test, epochs=1, device="cpu", progress=False)
    assert "test acc" in only_test.table() and "val" not in only_test.table()


def test_held_out_sets_are_keyword_only():
    with pytest.raises(TypeError):
        fit(nn.Linear(2, 2), blobs(), blobs(seed=1), epochs=1, device="cpu",  # type: ignore[misc]
            progress=False)


def test_asking_for_a_set_the_run_did_not_have_says_how_to_get_it():
    h = fit(nn.Linear(2, 2), blobs(), test=blobs(seed=1), epochs=1, device="cpu",
            progress=False)
    with pytest.raises(KeyError) as err:
        h["val_acc"]
    assert str(err.value) == ("'val_acc': this run had no validation set; pass val=(x, y) "
                              "to fit to record val_loss and val_acc")
    assert "val_acc" not in h and "test_acc" in h
    bare = fit(nn.Linear(2, 2), blobs(), epochs=1, device="cpu", progress=False)
    with pytest.raises(KeyError, match=r"pass test=\(x, y\) to fit"):
        bare["test_loss"]


def test_a_loss_without_a_reduction_argument_works_in_fit_and_evaluate():
    """fit and evaluate call the loss the same way, ``loss_fn(output, labels)``: a custom
    loss need not know about ``reduction``."""
    def smoothed(out, y):  # label-smoothed cross-entropy, mean over the batch
        return F.cross_entropy(out, y, label_smoothing=0.1)

    torch.manual_seed(0)
    model = nn.Linear(2, 2)
    data = blobs(n=250)  # batches of 100, 100 and 50: the mean is weighted by batch size
    h = fit(model, blobs(), val=data, epochs=2, batch_size=100, loss_fn=smoothed,
            device="cpu", progress=False)
    loss, acc = evaluate(model, data, batch_size=100, loss_fn=smoothed)
    assert loss == pytest.approx(h.last["val_loss"]) and acc == h.last["val_acc"]
    assert loss == pytest.approx(smoothed(model(data[0]), data[1]).item(), rel=1e-5)


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
        fit(nn.Linear(2, 2), blobs(), val=blobs(seed=1), epochs=2, batch_size=batch_size,
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
    assert "val_acc" not in h.last and "test_acc" not in h.last


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


class Boom(nn.Module):
    """A model that fails in its forward pass, in whatever mode it is in."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        raise RuntimeError("boom")


@pytest.mark.parametrize("call", [evaluate, per_sample_losses])
@pytest.mark.parametrize("training", [True, False])
def test_evaluation_restores_the_mode_even_when_it_raises(call, training):
    model = Boom().train(training)
    with pytest.raises(RuntimeError, match="boom"):
        call(model, blobs())
    assert model.training is training


def test_divergence_is_one_line_naming_the_epoch(capsys):
    """Weights made NaN after epoch 1: epoch 2's loss is NaN, said once, not per epoch."""
    def poison(epoch, model):
        if epoch == 1:
            with torch.no_grad():
                model.weight.fill_(float("nan"))

    h = fit(nn.Linear(2, 2), blobs(), epochs=3, device="cpu", progress=False,
            on_epoch_end=poison)
    lines = [line for line in capsys.readouterr().out.splitlines() if "diverged" in line]
    assert lines == [lines[0]] and lines[0].startswith("Epoch 2: the training loss became nan")
    assert len(h) == 3  # the run goes on: a chapter can show the divergence


def test_a_finite_run_says_nothing_about_divergence(capsys):
    fit(nn.Linear(2, 2), blobs(), epochs=2, device="cpu", progress=False)
    assert "diverged" not in capsys.readouterr().out


@pytest.mark.parametrize("capability, dtype", [((7, 5), torch.float16), ((8, 0), torch.bfloat16),
                                               ((9, 0), torch.bfloat16), ((6, 0), torch.float16)])
def test_mixed_precision_suits_the_gpu(monkeypatch, capability, dtype):
    """bfloat16 from compute capability 8.0 (A100 and later), float16 before (T4: 7.5)."""
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: capability)
    assert amp_dtype(torch.device("cuda")) is dtype


def test_no_mixed_precision_on_cpu_or_mps():
    assert amp_dtype(torch.device("cpu")) is None
    assert amp_dtype(torch.device("mps")) is None
    torch.manual_seed(0)
    a = fit(nn.Linear(2, 2), blobs(), epochs=1, device="cpu", progress=False, amp=True)
    torch.manual_seed(0)
    b = fit(nn.Linear(2, 2), blobs(), epochs=1, device="cpu", progress=False)
    assert a.last["train_loss"] == b.last["train_loss"]  # amp=True changes nothing on the CPU


def test_float16_gets_a_gradient_scaler(monkeypatch):
    """On a float16 GPU, fit builds an enabled GradScaler; on bfloat16 or the CPU a disabled
    one (checked by recording what fit asks for, since this machine has no GPU)."""
    made = []
    real = torch.amp.GradScaler

    def recording(device, enabled=True, **kw):
        made.append(enabled)
        return real("cpu", enabled=False)

    monkeypatch.setattr(torch.amp, "GradScaler", recording)
    monkeypatch.setattr(train_module, "amp_dtype", lambda device: torch.float16)
    monkeypatch.setattr(train_module, "_autocast", lambda device, dtype: nullcontext())
    fit(nn.Linear(2, 2), blobs(), epochs=1, device="cpu", progress=False, amp=True)
    monkeypatch.setattr(train_module, "amp_dtype", lambda device: torch.bfloat16)
    fit(nn.Linear(2, 2), blobs(), epochs=1, device="cpu", progress=False, amp=True)
    fit(nn.Linear(2, 2), blobs(), epochs=1, device="cpu", progress=False, amp=False)
    assert made == [True, False, False]


def test_fit_batches_like_data_batches():
    """fit draws its batches with data.batches: the same seed gives the same order, so an
    unshuffled epoch equals a hand-written loop over batches()."""
    torch.manual_seed(0)
    model = nn.Linear(2, 2)
    ref = nn.Linear(2, 2)
    ref.load_state_dict(model.state_dict())
    x, y = blobs()
    fit(model, (x, y), epochs=1, batch_size=30, shuffle=False, device="cpu", progress=False)
    opt = torch.optim.SGD(ref.parameters(), lr=0.1)
    for xb, yb in batches(x, y, 30):
        opt.zero_grad()
        F.cross_entropy(ref(xb), yb).backward()
        opt.step()
    assert torch.allclose(model.weight, ref.weight) and torch.allclose(model.bias, ref.bias)
