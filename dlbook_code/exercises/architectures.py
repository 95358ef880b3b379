"""Self-checked exercises of the part "Convolutional architectures"."""

from __future__ import annotations

import math

import torch
from torch import nn

from ..answers import Case, exercise

# The counts below were computed with dlbook_code.measure (num_params, count_macs) on the
# networks the chapters build; each chapter's solution recomputes them and its check (run in
# the build) fails if a model of dlbook_code changes them.


# --- lenet ---------------------------------------------------------------------------------

def _nopad_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and got and got[0] == 400:
        return ("400 is with the padding; follow 28 through the unpadded 5×5 convolution, "
                "the pooling, the second convolution and the pooling")
    if isinstance(got, (tuple, list)) and len(got) > 1 and got[1] == 28:
        return "the unpadded network loses 4 pixels at its first convolution"
    return None


@exercise("lenet-ex-nopad", answer="a tuple (values reaching the dense layer, input side "
          "needed)", diagnose=_nopad_hint)
def _nopad():
    return (256, 32)


def _wider_hint(got, case) -> str | None:
    if isinstance(got, (tuple, list)) and len(got) == 2 and got[0] == 61706:
        return "61,706 parameters is the original LeNet-5: count those of the wider network"
    return None


@exercise("lenet-ex-wider", answer="a tuple (parameters, multiply-accumulates per 28×28 "
          "image) of the wider network", diagnose=_wider_hint)
def _wider_counts():
    return (120_382, 1_700_520)


# --- resnet --------------------------------------------------------------------------------

def _count_cases(g: torch.Generator) -> list[Case]:
    from ..models import Residual, ResNet18

    with torch.device("meta"):
        return [Case((ResNet18(),), "ResNet18()"),
                Case((ResNet18(small_input=True),), "ResNet18(small_input=True)"),
                Case((Residual(8, 16, stride=2),), "Residual(8, 16, stride=2), with a "
                     "shortcut convolution"),
                Case((Residual(8, 8),), "Residual(8, 8)"),
                Case((nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)),),
                     "a two-layer perceptron")]


@exercise("resnet-ex-count", cases=_count_cases)
def count_weight_layers(model):
    """The number of convolutions and dense layers of ``model``, shortcut convolutions left
    out."""
    return sum(1 for name, m in model.named_modules()
               if isinstance(m, (nn.Conv2d, nn.Linear)) and "shortcut" not in name)


# --- alexnet -------------------------------------------------------------------------------

def _alexnet_macs() -> int:
    """AlexNet's multiply-accumulates for one 224 × 224 grey image (built on the meta
    device: nothing is allocated)."""
    from ..measure import count_macs
    from ..models import AlexNet

    with torch.device("meta"):
        return count_macs(AlexNet(), (1, 1, 224, 224))


def _small_run(f, case: Case):
    """The shape of the scores for two native 28 × 28 images, and whether the network costs
    at most a tenth of AlexNet's multiply-accumulates per image."""
    from ..measure import count_macs

    net = f().eval()
    with torch.no_grad():
        scores = net(torch.zeros(2, 1, 28, 28))
    return (torch.tensor(scores.shape), 10 * count_macs(net, (1, 1, 28, 28)) <= _alexnet_macs())


def _small_hint(got, case) -> str | None:
    if not isinstance(got, tuple) or len(got) != 2:
        return None
    if got[1] is False:
        return ("it needs more than a tenth of AlexNet's multiply-accumulates per image: use "
                "fewer or narrower layers on the native 28 × 28 images")
    return "the network must return 10 scores for each image: a (2, 10) output for two images"


@exercise("alexnet-ex-simplify", cases=lambda g: [Case((), "two 28 × 28 Fashion-MNIST images")],
          run=_small_run, diagnose=_small_hint, answer="a function small_net() returning the "
          "network")
def small_net():
    """A network for native 28 × 28 grey images with 10 scores out, at a small fraction of
    AlexNet's cost."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(128 * 9, 256), nn.ReLU(), nn.Linear(256, 10))


# --- vgg-nin -------------------------------------------------------------------------------

@exercise("vgg-nin-ex-vgg16", answer="a tuple (parameters of VGG-16, ratio of its MACs to "
          "VGG-11's)", rtol=1e-3)
def _vgg16():
    return (134_300_362, 15_408_406_528 / 7_547_232_256)


def _gap_hint(got, case) -> str | None:
    if isinstance(got, int) and got == 2500:
        return "a dense layer has a bias for each output too"
    return None


@exercise("vgg-nin-ex-gap", answer="a whole number", diagnose=_gap_hint)
def _gap_extra():
    return 2510


# --- googlenet -----------------------------------------------------------------------------

@exercise("googlenet-ex-no-reduce", answer="a tuple (parameters, multiply-accumulates on a "
          "192×28×28 map) of the naive block")
def _naive_inception():
    return (393_472, 308_281_344)


def _min_size_hint(got, case) -> str | None:
    if got in (32, 17, 33, 96):
        return ("that is where the network starts to work well; the question is the smallest "
                "size for which it runs at all (padded layers of stride 2 map 1 pixel to 1)")
    return None


@exercise("googlenet-ex-min-size", answer="a whole number (the side in pixels)",
          diagnose=_min_size_hint)
def _min_size():
    return 1


# --- comparison ----------------------------------------------------------------------------

def _memory_cases(g: torch.Generator) -> list[Case]:
    return [Case((n,), f"{n:,} parameter{'s' * (n != 1)}")
            for n in (61_706, 11_178_378, 1, 0, 2**20)]


def _memory_hint(got, case) -> str | None:
    if not (isinstance(got, (tuple, list)) and len(got) == 3 and case and case.args[0]):
        return None
    n = case.args[0]
    try:
        ratio = float(got[0]) / (4 * n / 2**20)
        adam = float(got[2]) / float(got[0]) if got[0] else 0.0
    except (TypeError, ValueError):
        return None
    if math.isclose(ratio, 2**20 / 1e6, rel_tol=1e-6):
        return "a MiB is 2**20 bytes, not 10**6"
    if math.isclose(ratio, 2**20, rel_tol=1e-6):
        return "these are bytes: divide by 2**20 for MiB"
    if math.isclose(adam, 3, rel_tol=1e-6):
        return "training also keeps a gradient for every parameter, besides Adam's two moments"
    return None


@exercise("comparison-ex-memory", cases=_memory_cases, diagnose=_memory_hint)
def memory_mib(n_params):
    """MiB taken by n_params parameters in float32, in bfloat16, and by training them with
    Adam in float32 (parameters, gradients, two moments)."""
    mib = n_params * 4 / 2**20
    return mib, mib / 2, 4 * mib
