"""The training loop: whole tensors in, a history out, no host synchronisation per batch.

``fit`` follows the course's loop (``zip(x.split(b), y.split(b))``, SGD, cross-entropy) and
adds what a book needs: per-epoch loss and accuracy on the training set and on a validation
and/or a test set, timing, throughput, and a progress line that updates in place in Jupyter
and ends as one clean table on the page.

Losses and correct counts accumulate *on the device* and are read once per epoch: reading
``float(loss)`` every batch would make the CPU wait for the GPU at every step.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from .data import batches, resize
from .runtime import Text, notebook_shell, pick_device

Tensors = tuple[torch.Tensor, torch.Tensor]


_SPLITS = {"val": ("validation", "val"), "test": ("test", "test")}


class MissingSplit(KeyError):
    """Asked for ``val_*`` or ``test_*`` of a run that was not given that held-out set."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


@dataclass
class History:
    """Per-epoch records of a :func:`fit` run, one dict per epoch.

    Every record has ``epoch``, ``train_loss``, ``train_acc``, ``lr``, ``seconds`` and
    ``samples_per_s``; ``val_loss`` and ``val_acc`` when ``fit`` was given ``val=(x, y)``;
    ``test_loss`` and ``test_acc`` when it was given ``test=(x, y)``. ``history["val_acc"]``
    is that column over the epochs, ``history.last`` the final record, and
    ``history.table()`` the text table that ``fit`` prints."""

    records: list[dict] = field(default_factory=list)

    def __getitem__(self, key: str) -> list:
        if self.records and key not in self.records[0]:
            split = key.split("_", 1)[0]
            if split in _SPLITS:
                name, arg = _SPLITS[split]
                raise MissingSplit(f"{key!r}: this run had no {name} set; pass "
                                   f"{arg}=(x, y) to fit to record {split}_loss and "
                                   f"{split}_acc")
            raise KeyError(key)
        return [r[key] for r in self.records]

    def __contains__(self, key: str) -> bool:
        return bool(self.records) and key in self.records[0]

    def __len__(self) -> int:
        return len(self.records)

    @property
    def last(self) -> dict:
        return self.records[-1]

    def table(self) -> str:
        """The history as a fixed-width text table: a loss and an accuracy column for each
        held-out set given to ``fit`` ("val" and/or "test"), and the ``lr`` column only when
        it changed."""
        show_lr = len({r["lr"] for r in self.records}) > 1
        held_out = [s for s in _SPLITS if f"{s}_loss" in self]
        head = f"{'epoch':>5} {'train loss':>10} {'train acc':>9}"
        for s in held_out:
            head += f" {s + ' loss':>9} {s + ' acc':>8}"
        head += (f" {'lr':>8}" if show_lr else "") + f" {'time':>6} {'samples/s':>9}"
        rows = [head]
        for r in self.records:
            row = f"{r['epoch']:>5} {r['train_loss']:>10.4f} {100 * r['train_acc']:>8.2f}%"
            for s in held_out:
                row += f" {r[s + '_loss']:>9.4f} {100 * r[s + '_acc']:>7.2f}%"
            row += (f" {r['lr']:>8.2g}" if show_lr else "")
            rows.append(row + f" {r['seconds']:>5.1f}s {r['samples_per_s']:>9,.0f}")
        return "\n".join(rows)

    def __repr__(self) -> str:
        return self.table()


class _Progress:
    """One line that updates in place in Jupyter/Colab and prints a line per epoch elsewhere.
    The final state (the whole table) is what an executed notebook keeps: no bar debris."""

    def __init__(self, enabled: bool):
        self.handle = None
        self.enabled = enabled
        if not enabled:
            return
        if notebook_shell() is not None:
            from IPython.display import display

            self.handle = display(Text("training..."), display_id=True)

    def update(self, history: History, epochs: int) -> None:
        if not self.enabled:
            return
        if self.handle is not None:
            self.handle.update(Text(history.table()))
        else:
            line = history.table().splitlines()
            if len(history) == 1:
                print(line[0])
            print(line[-1], flush=True)


def amp_dtype(device: torch.device) -> torch.dtype | None:
    """The autocast dtype that suits ``device``, or ``None`` for full float32.

    bfloat16 on GPUs that compute it natively (compute capability 8.0 and later: A100, H100,
    RTX 30xx/40xx); float16, with a gradient scaler, on older GPUs (T4, V100), where bfloat16
    falls back to slow paths; nothing on the CPU or Apple's MPS.
    """
    if device.type != "cuda":
        return None
    major, _ = torch.cuda.get_device_capability(device)
    return torch.bfloat16 if major >= 8 else torch.float16


def _autocast(device: torch.device, dtype: torch.dtype | None):
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device.type, dtype=dtype)


@contextlib.contextmanager
def eval_mode(model: nn.Module):
    """Put ``model`` in eval mode for the block and restore its mode after, even on error."""
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


def _prepare(xb: torch.Tensor, image_size: int | None, channels_last: bool) -> torch.Tensor:
    """A batch as the model sees it: enlarged to ``image_size`` here, on the device, one
    batch at a time, so memory grows with the batch and not with the data set."""
    if image_size is not None and xb.dim() == 4 and xb.shape[-1] != image_size:
        xb = resize(xb, image_size)
    if channels_last and xb.dim() == 4:
        xb = xb.contiguous(memory_format=torch.channels_last)
    return xb


def _check_data(name: str, data: Tensors) -> Tensors:
    if not (isinstance(data, (tuple, list)) and len(data) == 2):
        raise TypeError(f"{name} must be a pair (x, y) of tensors, got {type(data).__name__}")
    x, y = data
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"{name}: x has {x.shape[0]} samples but y has {y.shape[0]}")
    return x, y


@torch.no_grad()
def evaluate(model: nn.Module, data: Tensors, batch_size: int = 1000,
             loss_fn: Callable = F.cross_entropy, device: torch.device | None = None,
             amp: bool = False, channels_last: bool = False,
             image_size: int | None = None) -> tuple[float, float]:
    """Mean loss and accuracy of ``model`` on ``data = (x, y)``, in eval mode.

    ``loss_fn`` is called as in :func:`fit`, ``loss_fn(output, labels)``, and returns the mean
    over the batch; the batch means are weighted by the batch sizes. ``image_size`` enlarges
    each batch on the device (see :func:`fit`); ``amp`` uses the device's mixed precision
    (:func:`amp_dtype`)."""
    x, y = _check_data("data", data)
    device = device or next(model.parameters()).device
    dtype = amp_dtype(device) if amp else None
    loss_sum = torch.zeros((), device=device)
    correct = torch.zeros((), device=device, dtype=torch.int64)
    with eval_mode(model):
        for xb, yb in batches(x, y, batch_size):
            xb, yb = xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)
            xb = _prepare(xb, image_size, channels_last and device.type == "cuda")
            with _autocast(device, dtype):
                out = model(xb)
            loss_sum += loss_fn(out.float(), yb) * yb.shape[0]
            correct += (out.argmax(1) == yb).sum()
    n = x.shape[0]
    return loss_sum.item() / n, correct.item() / n


def accuracy(model: nn.Module, data: Tensors, batch_size: int = 1000,
             image_size: int | None = None) -> float:
    """Fraction of ``data = (x, y)`` that ``model`` classifies correctly."""
    return evaluate(model, data, batch_size, image_size=image_size)[1]


@torch.no_grad()
def per_sample_losses(model: nn.Module, data: Tensors, batch_size: int = 1000,
                      image_size: int | None = None) -> torch.Tensor:
    """The cross-entropy of every sample, ``(N,)`` on the CPU (for loss histograms)."""
    x, y = _check_data("data", data)
    device = next(model.parameters()).device
    with eval_mode(model):
        out = [F.cross_entropy(model(_prepare(xb.to(device), image_size, False)).float(),
                               yb.to(device), reduction="none")
               for xb, yb in batches(x, y, batch_size)]
    return torch.cat(out).cpu()


def fit(model: nn.Module, train: Tensors, *, val: Tensors | None = None,
        test: Tensors | None = None, epochs: int, lr: float = 0.1, batch_size: int = 100,
        optimizer: torch.optim.Optimizer | None = None, scheduler=None,
        loss_fn: Callable = F.cross_entropy, device: torch.device | None = None,
        shuffle: bool = True, amp: bool = False, channels_last: bool = False,
        torch_compile: bool = False, image_size: int | None = None, progress: bool = True,
        on_epoch_end: Callable[[int, nn.Module], None] | None = None) -> History:
    """Train ``model`` on ``train = (x, y)`` for ``epochs`` epochs and return a :class:`History`.

    Parameters
    ----------
    train, val, test
        Pairs of tensors: images ``(N, C, H, W)`` (or features ``(N, D)``) and labels
        ``(N,)``. They are moved to ``device`` once, before the first epoch. ``val`` (a
        validation split, for choosing settings) and ``test`` (the test set, for reporting)
        are optional and evaluated after every epoch when given; the history records
        ``val_loss``/``val_acc`` and ``test_loss``/``test_acc`` for the sets given.
    optimizer
        Defaults to plain ``SGD(lr=lr)``, the course's choice.
    scheduler
        Any ``torch.optim.lr_scheduler`` built on ``optimizer``; stepped once per epoch.
    loss_fn
        Called as ``loss_fn(output, labels)``, returning the mean loss over the batch
        (:func:`evaluate` calls it the same way).
    amp
        Mixed precision suited to the device (:func:`amp_dtype`): bfloat16 autocast on GPUs
        of compute capability 8.0 and later, float16 autocast with a gradient scaler on
        older ones (T4, V100), nothing on the CPU or MPS.
    channels_last, torch_compile
        GPU speed-ups: NHWC memory layout, ``torch.compile``; ignored on the CPU.
    image_size
        Enlarge every batch to ``image_size × image_size`` on the device as it is used (in
        training and evaluation): the data stay at their native resolution, so memory grows
        with the batch, not with the data set.
    on_epoch_end
        Called as ``on_epoch_end(epoch, model)`` after each epoch (e.g. to record per-sample
        losses).
    """
    x, y = _check_data("train", train)
    device = torch.device(device) if device is not None else pick_device()
    on_gpu = device.type == "cuda"
    model.to(device)
    if channels_last and on_gpu:
        model.to(memory_format=torch.channels_last)
    x, y = x.to(device), y.to(device)
    dtype = amp_dtype(device) if amp else None
    # float16 needs its gradients scaled so that small ones do not underflow to zero.
    scaler = torch.amp.GradScaler(device.type, enabled=dtype == torch.float16)
    held_out: dict[str, Tensors] = {}  # "val" and/or "test", moved to the device once
    for name, data in (("val", val), ("test", test)):
        if data is not None:
            hx, hy = _check_data(name, data)
            held_out[name] = (hx.to(device), hy.to(device))
    optimizer = optimizer or torch.optim.SGD(model.parameters(), lr=lr)
    if optimizer.state:
        # An optimizer built before the model moved keeps the state it already has where it
        # was made (Adagrad fills its sums at construction, on the CPU): loading its own
        # state dict moves every state tensor to its parameter's device.
        optimizer.load_state_dict(optimizer.state_dict())
    step_model = torch.compile(model) if (torch_compile and on_gpu) else model
    bar = _Progress(progress)
    history = History()
    n = x.shape[0]
    diverged = False

    for epoch in range(1, epochs + 1):
        model.train()
        start = time.perf_counter()
        loss_sum = torch.zeros((), device=device)
        correct = torch.zeros((), device=device, dtype=torch.int64)
        for xb, yb in batches(x, y, batch_size, shuffle=shuffle):
            xb = _prepare(xb, image_size, channels_last and on_gpu)
            with _autocast(device, dtype):
                out = step_model(xb)
                loss = loss_fn(out.float(), yb)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            # Accumulate on the device: no .item() here.
            loss_sum += loss.detach() * yb.shape[0]
            correct += (out.detach().argmax(1) == yb).sum()
        lr_now = optimizer.param_groups[0]["lr"]
        if scheduler is not None:
            scheduler.step()
        train_loss, train_acc = loss_sum.item() / n, correct.item() / n  # one sync per epoch
        seconds = time.perf_counter() - start
        if not math.isfinite(train_loss) and not diverged:
            diverged = True
            print(f"Epoch {epoch}: the training loss became {train_loss} (the run diverged); "
                  f"a smaller learning rate usually fixes this.", flush=True)
        record = dict(epoch=epoch, train_loss=train_loss, train_acc=train_acc)
        for name, data in held_out.items():
            # evaluated in training-size batches: evaluation never needs more memory
            record[f"{name}_loss"], record[f"{name}_acc"] = evaluate(
                model, data, batch_size=batch_size, device=device, loss_fn=loss_fn, amp=amp,
                channels_last=channels_last, image_size=image_size)
        record.update(lr=lr_now, seconds=seconds, samples_per_s=n / seconds)
        history.records.append(record)
        bar.update(history, epochs)
        if on_epoch_end is not None:
            on_epoch_end(epoch, model)
    return history
