"""Wrong answers to the self-checked exercises of the part "Convolutional architectures"."""

from __future__ import annotations

from torch import nn


def _heavy_net():
    return nn.Sequential(nn.Conv2d(1, 256, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(4),
                         nn.Flatten(), nn.Linear(256 * 49, 10))


def _two_scores_net():
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(8 * 14 * 14, 2))


def _alexnet_at_native_size():
    from dlbook_code.models import AlexNet

    return AlexNet()


WRONG = {
    "lenet-ex-nopad": [
        ((400, 28), "400 is with the padding"),
        ((256, 28), "loses 4 pixels"),
        ((256, 36), "value 2 of the tuple: 36 is not right"),
    ],
    "lenet-ex-wider": [
        ((61_706, 1_700_520), "the original LeNet-5"),
        ((120_382, 416_520), "value 2 of the tuple"),
    ],
    "resnet-ex-count": [
        (lambda model: sum(isinstance(m, (nn.Conv2d, nn.Linear)) for m in model.modules()),
         "expected 18, got 21"),
        (lambda model: sum(isinstance(m, (nn.Conv2d, nn.Linear, nn.BatchNorm2d))
                           for name, m in model.named_modules() if "shortcut" not in name),
         "expected 18"),
        (lambda model: sum(isinstance(m, nn.Conv2d) for m in model.modules()), "expected 18"),
    ],
    "vgg-nin-ex-vgg16": [
        ((134_300_362, 0.49), "value 2 of the tuple"),
        ((138_357_544, 2.04), "value 1 of the tuple"),
    ],
    "vgg-nin-ex-gap": [
        (2500, "a bias for each output"),
        (250, "is not right"),
    ],
    "googlenet-ex-no-reduce": [
        ((376_176, 304_107_520), "value 1 of the tuple"),
        (393_472, "expected 2 values"),
    ],
    "googlenet-ex-min-size": [
        (32, "runs at all"),
        (7, "is not right"),
    ],
    "comparison-ex-memory": [
        (lambda n: (n * 4 / 1e6, n * 2 / 1e6, 16 * n / 1e6), "2**20 bytes, not 10**6"),
        (lambda n: (n * 4, n * 2, 16 * n), "these are bytes"),
        (lambda n: (n * 4 / 2**20, n * 2 / 2**20, 12 * n / 2**20), "a gradient for every"),
    ],
    "alexnet-ex-simplify": [
        (_heavy_net, "a tenth of AlexNet's multiply-accumulates"),
        (_two_scores_net, "10 scores for each image"),
        (_alexnet_at_native_size, "raised RuntimeError"),
    ],
}
