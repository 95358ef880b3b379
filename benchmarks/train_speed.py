"""Training throughput: dlbook_code's loop against the usual DataLoader loop and a minimal loop.

For LeNet-5 on Fashion-MNIST and the course's convnet on MNIST, trains one epoch three ways
and prints samples per second:

  (a) ``dlbook_code.fit``: whole data set as device tensors, batches by index, losses and
      counts accumulated on the device and read once per epoch;
  (b) the common pattern: ``DataLoader`` over the torchvision data set with a per-sample
      ``ToTensor`` transform, and ``float(loss)`` read every batch;
  (c) a minimal hand-written loop over in-memory tensors (``zip(x.split(b), y.split(b))``),
      the ceiling on this machine.

Targets on a 2-core CPU: (a) >= 2x (b) and within 10% of (c). ``--convnet-10-epochs`` also
trains the course convnet for 10 epochs of MNIST with (a) and reports time and test error
(target on a GPU: under 2 s, at most 1.1% error).

    DLBOOK_DATA=... python benchmarks/train_speed.py [--device cuda] [--amp --channels-last]
"""

from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision.transforms import ToTensor

from dlbook_code import device_name, fit, load_dataset, load_tensors, pick_device, seed_everything
from dlbook_code.models import CourseConvNet, LeNet5

BATCH = 100
LR = 0.1


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def run_fit(model, x, y, device, args) -> float:
    h = fit(model, (x, y), epochs=1, lr=LR, batch_size=BATCH, device=device,
            progress=False, amp=args.amp, channels_last=args.channels_last)
    return h.last["samples_per_s"]


def run_dataloader(model, name, device) -> float:
    ds = load_dataset(name, train=True, transform=ToTensor())
    loader = DataLoader(ds, batch_size=BATCH, shuffle=True, num_workers=0)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    model.to(device).train()
    sync(device)
    start = time.perf_counter()
    n = 0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        _ = loss.item()  # the per-batch host read most loops do for logging
        n += len(yb)
    sync(device)
    return n / (time.perf_counter() - start)


def run_minimal(model, x, y, device) -> float:
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    model.to(device).train()
    x, y = x.to(device), y.to(device)
    sync(device)
    start = time.perf_counter()
    for xb, yb in zip(x.split(BATCH), y.split(BATCH)):
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    sync(device)
    return x.shape[0] / (time.perf_counter() - start)


def convnet_10_epochs(device, args) -> None:
    x, y = load_tensors("mnist", device=device)
    xt, yt = load_tensors("mnist", train=False, device=device)
    mu, std = x.mean(), x.std()
    x, xt = (x - mu) / std, (xt - mu) / std
    seed_everything(0)
    model = CourseConvNet()
    fit(model, (x[:1000], y[:1000]), epochs=1, device=device, progress=False)  # warm-up
    seed_everything(0)
    model = CourseConvNet()
    sync(device)
    start = time.perf_counter()
    h = fit(model, (x, y), test=(xt, yt), epochs=10, lr=LR, batch_size=BATCH, device=device,
            progress=False, amp=args.amp, channels_last=args.channels_last,
            torch_compile=args.compile)
    sync(device)
    total = time.perf_counter() - start
    train_s = sum(h["seconds"])
    print(f"\ncourse convnet, MNIST, 10 epochs with fit: {train_s:.1f} s of training "
          f"({total:.1f} s with per-epoch evaluation), test error "
          f"{100 * (1 - h.last['test_acc']):.2f}%")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default=None)
    p.add_argument("--amp", action="store_true", help="mixed precision suited to the GPU")
    p.add_argument("--channels-last", action="store_true")
    p.add_argument("--compile", action="store_true", help="torch.compile the model (GPU)")
    p.add_argument("--repeats", type=int, default=1, help="best of N epochs per variant")
    p.add_argument("--convnet-10-epochs", action="store_true")
    args = p.parse_args()
    device = pick_device(args.device)
    print(f"device: {device} ({device_name(device)}), torch {torch.__version__}, "
          f"threads {torch.get_num_threads()}, batch {BATCH}")
    print(f"{'model / data':<28} {'(a) fit':>10} {'(b) DataLoader':>15} {'(c) minimal':>12} "
          f"{'a/b':>6} {'a/c':>6}")
    for label, cls, data in (("LeNet-5 / Fashion-MNIST", LeNet5, "fashion-mnist"),
                             ("course convnet / MNIST", CourseConvNet, "mnist")):
        x, y = load_tensors(data)
        best = {"a": 0.0, "b": 0.0, "c": 0.0}
        for _ in range(args.repeats):
            seed_everything(0)
            best["c"] = max(best["c"], run_minimal(cls(), x, y, device))
            seed_everything(0)
            best["a"] = max(best["a"], run_fit(cls(), x, y, device, args))
            seed_everything(0)
            best["b"] = max(best["b"], run_dataloader(cls(), data, device))
        print(f"{label:<28} {best['a']:>10,.0f} {best['b']:>15,.0f} {best['c']:>12,.0f} "
              f"{best['a'] / best['b']:>5.2f}x {best['a'] / best['c']:>5.2f}x")
    if args.convnet_10_epochs:
        convnet_10_epochs(device, args)


if __name__ == "__main__":
    main()
