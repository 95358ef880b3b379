"""Peak memory of the architecture chapters at full size: the data path, measured; the model
and one batch, computed.

For every architecture chapter's full-profile experiment (Fashion-MNIST, 60,000 training
and 10,000 test images, enlarged to the experiment's image size) this prints:

- **data path, measured**: the peak resident memory (``VmHWM`` on Linux) of a fresh Python
  process that loads both splits at their native 28 × 28 and runs one epoch of
  :func:`dlbook_code.fit` with the experiment's ``image_size`` and ``batch_size`` (so every
  batch is enlarged as it is used, in training and in evaluation), with a probe model so
  small that the data are all that is measured. ``base`` is the same process before loading
  anything (Python, torch, dlbook_code): the data path's own share is peak − base.
- **before, whole set enlarged**: the same two splits enlarged at once, as
  ``load_tensors(..., image_size=...)`` does, measured in one process on 1,000 + 250 and
  then 2,000 + 500 images, and extrapolated to the whole set along the line through both
  peaks (the process would not fit in memory at full size); ``computed`` is the float32
  size of the enlarged tensors alone.
- **model + batch, computed**: float32 weights, gradients and Adam's two moments
  (16 bytes per parameter), plus one training batch's activations: the enlarged input and
  the output of every layer (float32; what backpropagation keeps, an upper estimate since
  in-place ReLUs share their input's memory). Computed on PyTorch's ``meta`` device, so
  nothing is allocated. Mixed precision (``amp=True`` on a GPU) roughly halves the
  activations.
- **on a GPU**: what ``fit`` puts on the device: both splits at native resolution, the
  model with its gradients and Adam state, one batch's activations (computed, float32).

    DLBOOK_DATA=... python benchmarks/memory.py            # the table (about a minute, 2 cores)
    DLBOOK_DATA=... python benchmarks/memory.py --data-path 224 128   # one measurement, JSON
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn

from dlbook_code import fit, load_tensors, sizes
from dlbook_code.measure import num_params
from dlbook_code.models import VGG, AlexNet, GoogLeNet, LeNet5, NiN, ResNet18

MB = 2**20
DATA = "fashion-mnist"
# chapter, experiment in dlbook_code.profile, the model the chapter trains
ARCHITECTURES: list[tuple[str, str, Callable[[], nn.Module]]] = [
    ("LeNet-5 (lenet)", "arch.lenet", LeNet5),
    ("AlexNet (alexnet)", "arch.alexnet", AlexNet),
    ("VGG-11 width/4 (vgg-nin)", "arch.vgg", lambda: VGG(width_div=4)),
    ("NiN (vgg-nin)", "arch.nin", NiN),
    ("GoogLeNet (googlenet)", "arch.googlenet", GoogLeNet),
    ("ResNet-18 (resnet)", "arch.resnet", ResNet18),
]
# the two subsets (train, test) on which the old whole-set path is measured
BEFORE_SUBSETS = ((1000, 250), (2000, 500))
FULL_TRAIN, FULL_TEST = 60000, 10000


def _peak_mb() -> float:
    """This process's own peak resident memory so far, in MiB.

    On Linux the kernel's ``VmHWM``: ``ru_maxrss`` would start at the resident memory of the
    process that started this one (it is inherited across fork and exec, so a child of a
    test run holding 1.2 GB reported 1.2 GB before allocating anything). Elsewhere
    ``ru_maxrss`` (macOS reports bytes)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (MB if sys.platform == "darwin" else 1024)


def _probe() -> nn.Module:
    """A model that costs nothing, so that a measurement of ``fit`` measures its data."""
    return nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1, 10))


def measure(image_size: int | None, batch_size: int) -> dict:
    """In this process: the peak memory of loading both splits at native resolution and
    running one epoch of ``fit`` that enlarges each batch. Call it in a fresh process
    (``--data-path``): the peak is the process's."""
    base = _peak_mb()
    train = load_tensors(DATA, train=True)
    test = load_tensors(DATA, train=False)
    torch.manual_seed(0)
    fit(_probe(), train, test=test, epochs=1, batch_size=batch_size, image_size=image_size,
        device="cpu", progress=False)
    return dict(base_mb=base, peak_mb=_peak_mb(), images=len(train[0]) + len(test[0]))


def measure_whole_set(image_size: int | None) -> dict:
    """In this process: the old path, every image of a subset enlarged at once, on the
    subsets of ``BEFORE_SUBSETS`` in turn; the peak after each."""
    base, peaks, images = _peak_mb(), [], []
    for train in (True, False):  # read the files first: their cost is fixed, not per image
        load_tensors(DATA, train=train, n=1)
    for n_train, n_test in BEFORE_SUBSETS:
        train = load_tensors(DATA, train=True, n=n_train, image_size=image_size)
        test = load_tensors(DATA, train=False, n=n_test, image_size=image_size)
        peaks.append(_peak_mb())
        images.append(len(train[0]) + len(test[0]))
        del train, test
    return dict(base_mb=base, peak_mb=peaks, images=images)


def extrapolate(whole: dict, images: int) -> float:
    """The peak the old path reaches on ``images`` images, on the line through the two
    measured peaks (a fixed cost, the data set's files, plus a cost per image)."""
    (p0, p1), (n0, n1) = whole["peak_mb"], whole["images"]
    return p1 + (p1 - p0) / (n1 - n0) * (images - n1)


def measure_in_child(image_size: int | None, batch_size: int, *extra: str) -> dict:
    """:func:`measure` in a fresh Python process, so that its peak is this path's alone."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--data-path",
           str(image_size or 0), str(batch_size), *extra]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=os.environ)
    return json.loads(out.stdout.strip().splitlines()[-1])


def model_and_batch_mb(make: Callable[[], nn.Module], batch_size: int,
                       image_size: int) -> tuple[float, float]:
    """(weights + gradients + Adam state, one batch's activations) in MiB, float32,
    computed on the ``meta`` device."""
    with torch.device("meta"):
        model = make()
    params = num_params(model)
    activations = [0]

    def count(module, inputs, output):
        if isinstance(output, torch.Tensor):
            activations[0] += output.numel()

    hooks = [m.register_forward_hook(count) for m in model.modules()
             if not list(m.children())]  # leaf layers: every output once
    x = torch.empty(batch_size, 1, image_size, image_size, device="meta")
    model.train()
    model(x)
    for h in hooks:
        h.remove()
    return 16 * params / MB, 4 * (activations[0] + x.numel()) / MB


def table() -> str:
    rows = ["| chapter | image size, batch | data path, peak (base) | before: whole set enlarged "
            "(images alone) | model + Adam | batch activations | on a GPU |",
            "|---|---|---:|---:|---:|---:|---:|"]
    measured: dict[tuple, tuple[dict, dict]] = {}
    images = FULL_TRAIN + FULL_TEST
    native = 4 * images * 28 * 28 / MB  # both splits, float32, as fit moves them to the GPU
    for chapter, experiment, make in ARCHITECTURES:
        s = sizes(experiment, "full")
        size = s.image_size or 28
        key = (s.image_size, s.batch_size)
        if key not in measured:
            measured[key] = (measure_in_child(s.image_size, s.batch_size),
                             s.image_size and measure_in_child(s.image_size, 0, "--whole-set"))
        now, whole = measured[key]
        enlarged = 4 * images * size * size / MB
        before = (f"{extrapolate(whole, images):,.0f} MiB ({enlarged:,.0f})" if whole
                  else "the same: nothing to enlarge")
        weights, acts = model_and_batch_mb(make, s.batch_size, size)
        rows.append(f"| {chapter} | {size} × {size}, {s.batch_size} | "
                    f"{now['peak_mb']:,.0f} MiB ({now['base_mb']:,.0f}) | "
                    f"{before} | "
                    f"{weights:,.0f} MiB | {acts:,.0f} MiB | "
                    f"{native + weights + acts:,.0f} MiB |")
    return "\n".join(rows)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data-path", nargs=2, type=int, metavar=("IMAGE_SIZE", "BATCH"),
                   help="measure one data path in this process and print JSON "
                        "(IMAGE_SIZE 0: native resolution)")
    p.add_argument("--whole-set", action="store_true",
                   help="with --data-path: the old path, every image of a subset enlarged at "
                        "once (BATCH is ignored)")
    args = p.parse_args()
    if args.data_path:
        size, batch = args.data_path
        result = measure_whole_set(size or None) if args.whole_set else measure(size or None, batch)
        print(json.dumps(result))
        return
    print(f"Fashion-MNIST, full profile ({FULL_TRAIN:,} + {FULL_TEST:,} images), CPU, "
          f"torch {torch.__version__}; memory in MiB")
    print(table())


if __name__ == "__main__":
    main()
