"""The book's models, one class per architecture, in the style of torchvision's model code.

Every model takes ``in_channels`` and ``num_classes``, maps images ``(N, C, H, W)`` to logits
``(N, num_classes)``, and names its paper in its docstring. Blocks are small modules so that
:func:`summary` can walk a tensor through them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn


class SoftmaxRegression(nn.Module):
    """Multinomial logistic (softmax) regression: one linear layer on flattened pixels.

    Returns logits; the softmax lives in the cross-entropy loss, which is numerically safer.
    """

    def __init__(self, num_inputs: int = 784, num_classes: int = 10):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear = nn.Linear(num_inputs, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(self.flatten(x))


class MLP(nn.Module):
    """A multilayer perceptron on flattened inputs (Rumelhart, Hinton and Williams, 1986).

    ``hidden`` lists the hidden widths; ``activation`` is a module class (``nn.ReLU``,
    ``nn.Sigmoid``, ``nn.Tanh``...); ``dropout`` is applied after each hidden activation
    (Srivastava et al., 2014), or a list of one probability per hidden layer.
    """

    def __init__(self, num_inputs: int = 784, hidden: Sequence[int] = (256,),
                 num_classes: int = 10, activation: type[nn.Module] = nn.ReLU,
                 dropout: float | Sequence[float] = 0.0):
        super().__init__()
        drops = [dropout] * len(hidden) if isinstance(dropout, (int, float)) else list(dropout)
        if len(drops) != len(hidden):
            raise ValueError(f"dropout has {len(drops)} values for {len(hidden)} hidden layers")
        layers: list[nn.Module] = [nn.Flatten()]  # (N, C, H, W) -> (N, num_inputs)
        width = num_inputs
        for h, p in zip(hidden, drops):
            layers += [nn.Linear(width, h), activation()]  # (N, h)
            if p > 0:
                layers.append(nn.Dropout(p))
            width = h
        layers.append(nn.Linear(width, num_classes))  # (N, num_classes)
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: (N, C, H, W) or (N, num_inputs)
        return self.net(x)  # (N, num_classes)


class DeepMLP(nn.Module):
    """A deep multilayer perceptron of equal-width hidden layers, plain or residual, to study
    how signals and gradients travel through depth (the ResNet and initialisation chapters).

    ``num_inputs -> width``, then ``depth`` hidden layers ``width -> width``, then
    ``width -> num_classes``, with ``activation`` (a module class) after every layer but the
    last. With ``residual=True`` each hidden layer adds its output, scaled by
    ``1/sqrt(depth)``, to its input (``h = h + act(layer(h)) / sqrt(depth)``) instead of
    replacing it (He et al., 2016), so that the sum of ``depth`` branches keeps the signal at
    a constant scale. The layers are ``inp``, ``hidden`` (a ``ModuleList``) and ``out``, with
    PyTorch's default initialisation.
    """

    def __init__(self, depth: int, width: int = 64, residual: bool = False,
                 activation: type[nn.Module] = nn.ReLU, num_inputs: int = 784,
                 num_classes: int = 10):
        super().__init__()
        self.inp = nn.Linear(num_inputs, width)
        self.hidden = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.out = nn.Linear(width, num_classes)
        self.act = activation()
        self.residual, self.scale = residual, 1 / math.sqrt(depth) if depth else 1.0

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: (N, C, H, W) or (N, num_inputs)
        h = self.act(self.inp(x.flatten(1)))  # (N, width)
        for layer in self.hidden:
            h = h + self.scale * self.act(layer(h)) if self.residual else self.act(layer(h))
        return self.out(h)  # (N, num_classes)


class CourseConvNet(nn.Module):
    """The course's MNIST convnet (Fleuret, *Deep Learning* course, lecture 1).

    Two 5×5 convolutions (32 then 64 channels), each followed by max-pooling (3 then 2) and
    ReLU, then fully connected 256 → 200 → ``num_classes``. Expects ``(N, 1, 28, 28)``:
    28 → conv 24 → pool 8 → conv 4 → pool 2, and 64·2·2 = 256 features.
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, hidden: int = 200):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 32, kernel_size=5)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=5)
        self.fc1 = nn.Linear(256, hidden)
        self.fc2 = nn.Linear(hidden, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-2:] != (28, 28):
            raise ValueError(f"CourseConvNet expects 28×28 images (N, C, 28, 28), "
                             f"got {tuple(x.shape)}")
        x = F.relu(F.max_pool2d(self.conv1(x), kernel_size=3))  # (N, 32, 24, 24) -> (N, 32, 8, 8)
        x = F.relu(F.max_pool2d(self.conv2(x), kernel_size=2))  # (N, 64, 4, 4) -> (N, 64, 2, 2)
        x = x.flatten(1)  # (N, 256)
        x = F.relu(self.fc1(x))  # (N, hidden)
        return self.fc2(x)  # (N, num_classes)


class LeNet5(nn.Module):
    """LeNet-5 (LeCun, Bottou, Bengio and Haffner, 1998), as modern books write it.

    Two 5×5 convolutions (6 and 16 channels) with sigmoid activations and 2×2 average
    pooling, then 120 → 84 → ``num_classes``. The first convolution is padded by 2 so that
    28×28 inputs (MNIST, Fashion-MNIST) behave like the paper's 32×32.
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10,
                 activation: type[nn.Module] = nn.Sigmoid):
        super().__init__()
        self.features = nn.Sequential(  # shapes for a 28×28 input
            nn.Conv2d(in_channels, 6, kernel_size=5, padding=2), activation(),  # (N, 6, 28, 28)
            nn.AvgPool2d(kernel_size=2, stride=2),  # (N, 6, 14, 14)
            nn.Conv2d(6, 16, kernel_size=5), activation(),  # (N, 16, 10, 10)
            nn.AvgPool2d(kernel_size=2, stride=2),  # (N, 16, 5, 5)
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),  # (N, 400)
            nn.Linear(16 * 5 * 5, 120), activation(),  # (N, 120)
            nn.Linear(120, 84), activation(),  # (N, 84)
            nn.Linear(84, num_classes),  # (N, num_classes)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: (N, in_channels, 28, 28)
        return self.classifier(self.features(x))  # (N, num_classes)


def he_init(model: nn.Module) -> nn.Module:
    """Initialise ``model``'s convolutions and linear layers for ReLU networks (He et al.,
    2015): weights from N(0, 2 / fan_in), biases at zero, as torchvision does for VGG.

    PyTorch's default, U(±1/√fan_in), has a third of that variance, so every ReLU layer of a
    deep network without batch normalisation shrinks the signal, and the first updates of
    VGG, NiN or GoogLeNet barely move the loss. Returns ``model``.
    """
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return model


class AlexNet(nn.Module):
    """AlexNet (Krizhevsky, Sutskever and Hinton, 2012), single-tower, for ``in_channels``
    inputs as the course uses it on Fashion-MNIST resized to 224×224.

    Five convolutions (11×11 stride 4, 5×5, three 3×3) with ReLU and 3×3/2 max-pooling,
    then two dropout-regularised ``hidden``-wide layers. An adaptive average pool before the
    classifier brings any input of at least 65×65 to 5×5 maps. ``width_div`` divides every
    width, convolutions and hidden layers (the quick profile trains a thinner network).
    Shapes in the comments are for a 224×224 input at full width.
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, hidden: int = 4096,
                 dropout: float = 0.5, width_div: int = 1):
        super().__init__()
        c1, c2, c3, c4, c5 = (c // width_div for c in (96, 256, 384, 384, 256))
        hidden //= width_div
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, c1, kernel_size=11, stride=4, padding=1), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(c1, c2, kernel_size=5, padding=2), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(c2, c3, kernel_size=3, padding=1), nn.ReLU(),
            nn.Conv2d(c3, c4, kernel_size=3, padding=1), nn.ReLU(),
            nn.Conv2d(c4, c5, kernel_size=3, padding=1), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((5, 5))
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(c5 * 5 * 5, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, num_classes),
        )
        he_init(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)  # (N, 256, 5, 5)
        x = self.avgpool(x)  # (N, 256, 5, 5): any input of at least 65×65 gives 5×5
        return self.classifier(x)  # (N, num_classes)


def vgg_block(num_convs: int, in_channels: int, out_channels: int) -> nn.Sequential:
    """``num_convs`` 3×3 convolutions with ReLU, then a 2×2 max-pool that halves the size."""
    layers: list[nn.Module] = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


VGG11 = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))  # (num_convs, out_channels)


class VGG(nn.Module):
    """VGG (Simonyan and Zisserman, 2015): repeated blocks of 3×3 convolutions.

    ``arch`` lists ``(num_convs, out_channels)`` per block (default VGG-11); ``width_div``
    divides every width, convolutions and hidden layers (the quick profile trains a thinner
    network). The classifier sees 7×7 maps (adaptive pooling), as in torchvision. Shapes in
    the comments are for a 224×224 input at full width.
    """

    def __init__(self, arch: Sequence[tuple[int, int]] = VGG11, in_channels: int = 1,
                 num_classes: int = 10, width_div: int = 1, hidden: int = 4096,
                 dropout: float = 0.5):
        super().__init__()
        hidden //= width_div
        blocks = []
        c = in_channels
        for num_convs, out in arch:
            blocks.append(vgg_block(num_convs, c, out // width_div))
            c = out // width_div
        self.features = nn.Sequential(*blocks)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(c * 7 * 7, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, num_classes),
        )
        he_init(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)  # (N, 512, 7, 7): five blocks halve 224 five times
        x = self.avgpool(x)  # (N, 512, 7, 7): smaller inputs are brought to 7×7
        return self.classifier(x)  # (N, num_classes)


def nin_block(in_channels: int, out_channels: int, kernel_size: int, stride: int,
              padding: int, scores: int | None = None) -> nn.Sequential:
    """A convolution followed by two 1×1 convolutions: a per-pixel MLP across channels.

    With ``scores``, the last 1×1 convolution outputs that many maps and has no ReLU: the
    block that ends the network and gives one score map per class."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        *([nn.Conv2d(out_channels, scores, kernel_size=1)] if scores else
          [nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU()]),
    )


class NiN(nn.Module):
    """Network in Network (Lin, Chen and Yan, 2014): NiN blocks and global average pooling
    instead of fully connected layers.

    ``width_div`` divides the width of the first three blocks (the quick profile trains a
    thinner network). As in the paper (not the course's notebook, whose last block is ten
    channels wide throughout), the last block stays wide until its final 1×1 convolution,
    which gives one map per class; that one has no ReLU, so a class score can be negative. Shapes in the
    comments are for a 224×224 input at full width.
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, dropout: float = 0.5,
                 width_div: int = 1):
        super().__init__()
        c1, c2, c3 = (c // width_div for c in (96, 256, 384))
        self.net = nn.Sequential(
            nin_block(in_channels, c1, kernel_size=11, stride=4, padding=0),  # (N, 96, 54, 54)
            nn.MaxPool2d(3, stride=2),  # (N, 96, 26, 26)
            nin_block(c1, c2, kernel_size=5, stride=1, padding=2),  # (N, 256, 26, 26)
            nn.MaxPool2d(3, stride=2),  # (N, 256, 12, 12)
            nin_block(c2, c3, kernel_size=3, stride=1, padding=1),  # (N, 384, 12, 12)
            nn.MaxPool2d(3, stride=2),  # (N, 384, 5, 5)
            nn.Dropout(dropout),
            nin_block(c3, c3, kernel_size=3, stride=1, padding=1,
                      scores=num_classes),  # (N, 10, 5, 5): one score map per class
            nn.AdaptiveAvgPool2d((1, 1)),  # (N, 10, 1, 1)
            nn.Flatten(),  # (N, 10)
        )
        he_init(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)  # (N, num_classes)


class Inception(nn.Module):
    """The Inception block (Szegedy et al., 2015): four parallel paths concatenated on the
    channel axis — 1×1; 1×1 then 3×3; 1×1 then 5×5; 3×3 max-pool then 1×1.

    Arguments are named as in torchvision: ``ch1x1`` is path 1's width, ``ch3x3red`` and
    ``ch5x5red`` the 1×1 reductions before the 3×3 and 5×5 convolutions of widths ``ch3x3``
    and ``ch5x5``, ``pool_proj`` the 1×1 projection after the pooling. Output channels:
    ``ch1x1 + ch3x3 + ch5x5 + pool_proj``, at the input's height and width.
    """

    def __init__(self, in_channels: int, ch1x1: int, ch3x3red: int, ch3x3: int,
                 ch5x5red: int, ch5x5: int, pool_proj: int):
        super().__init__()
        self.p1 = nn.Sequential(nn.Conv2d(in_channels, ch1x1, kernel_size=1), nn.ReLU())
        self.p2 = nn.Sequential(nn.Conv2d(in_channels, ch3x3red, kernel_size=1), nn.ReLU(),
                                nn.Conv2d(ch3x3red, ch3x3, kernel_size=3, padding=1), nn.ReLU())
        self.p3 = nn.Sequential(nn.Conv2d(in_channels, ch5x5red, kernel_size=1), nn.ReLU(),
                                nn.Conv2d(ch5x5red, ch5x5, kernel_size=5, padding=2), nn.ReLU())
        self.p4 = nn.Sequential(nn.MaxPool2d(kernel_size=3, stride=1, padding=1),
                                nn.Conv2d(in_channels, pool_proj, kernel_size=1), nn.ReLU())

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: (N, in_channels, H, W)
        paths = [self.p1(x), self.p2(x), self.p3(x), self.p4(x)]  # each (N, ch_i, H, W)
        return torch.cat(paths, dim=1)  # (N, ch1x1 + ch3x3 + ch5x5 + pool_proj, H, W)


# The nine Inception blocks of GoogLeNet, by stage, with the paper's widths
# (ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj).
GOOGLENET_INCEPTIONS = (
    ((64, 96, 128, 16, 32, 32), (128, 128, 192, 32, 96, 64)),  # stage 3
    ((192, 96, 208, 16, 48, 64), (160, 112, 224, 24, 64, 64), (128, 128, 256, 24, 64, 64),
     (112, 144, 288, 32, 64, 64), (256, 160, 320, 32, 128, 128)),  # stage 4
    ((256, 160, 320, 32, 128, 128), (384, 192, 384, 48, 128, 128)),  # stage 5
)


class GoogLeNet(nn.Module):
    """GoogLeNet (Szegedy et al., 2015) without the paper's auxiliary classifiers.

    Five stages ``b1``…``b5``, each but the last halving the resolution: two convolutional
    stages (the stem), then three stages holding the nine Inception blocks of
    :data:`GOOGLENET_INCEPTIONS`, and global average pooling before one linear layer.
    ``width_div`` divides every width (the quick profile trains a thinner network). Shapes
    in the comments are for a 96×96 input at full width.
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, width_div: int = 1):
        super().__init__()
        w = width_div
        self.b1 = nn.Sequential(
            nn.Conv2d(in_channels, 64 // w, kernel_size=7, stride=2, padding=3), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
        self.b2 = nn.Sequential(
            nn.Conv2d(64 // w, 64 // w, kernel_size=1), nn.ReLU(),
            nn.Conv2d(64 // w, 192 // w, kernel_size=3, padding=1), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
        c = 192 // w
        stages = []
        for i, table in enumerate(GOOGLENET_INCEPTIONS):
            blocks: list[nn.Module] = []
            for widths in table:
                ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj = (v // w for v in widths)
                blocks.append(Inception(c, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5,
                                        pool_proj))
                c = ch1x1 + ch3x3 + ch5x5 + pool_proj
            last = i == len(GOOGLENET_INCEPTIONS) - 1
            blocks += ([nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten()] if last else
                       [nn.MaxPool2d(kernel_size=3, stride=2, padding=1)])
            stages.append(nn.Sequential(*blocks))
        self.b3, self.b4, self.b5 = stages
        self.fc = nn.Linear(c, num_classes)
        he_init(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.b1(x)  # (N, 64, 24, 24)
        x = self.b2(x)  # (N, 192, 12, 12)
        x = self.b3(x)  # (N, 480, 6, 6)
        x = self.b4(x)  # (N, 832, 3, 3)
        x = self.b5(x)  # (N, 1024): global average pool
        return self.fc(x)  # (N, num_classes)


class Residual(nn.Module):
    """The residual block (He et al., 2016): two 3×3 convolutions with batch normalisation,
    added to the input — through a 1×1 convolution when the shape changes — then a ReLU:
    ``y = relu(x + f(x))``."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1,
                               bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: (N, C_in, H, W)
        y = F.relu(self.bn1(self.conv1(x)))  # (N, C_out, H/stride, W/stride)
        y = self.bn2(self.conv2(y))  # (N, C_out, H/stride, W/stride)
        return F.relu(y + self.shortcut(x))  # same shape: the shortcut matches it


RESNET18 = ((64, 2), (128, 2), (256, 2), (512, 2))  # (out_channels, num_blocks) per stage


class ResNet(nn.Module):
    """ResNet (He, Zhang, Ren and Sun, 2016): a stem, stages of residual blocks given by
    ``arch`` as ``(out_channels, num_blocks)`` (the first block of every stage but the first
    halves the resolution), global average pooling and one linear layer.

    ``small_input=True`` replaces the 7×7 stride-2 stem and its pooling by a 3×3 convolution,
    the usual choice for 28×28 or 32×32 images. ``width_div`` divides every width.
    """

    def __init__(self, arch: Sequence[tuple[int, int]] = RESNET18, in_channels: int = 1,
                 num_classes: int = 10, small_input: bool = False, width_div: int = 1):
        super().__init__()
        c = arch[0][0] // width_div
        if small_input:
            self.stem = nn.Sequential(nn.Conv2d(in_channels, c, 3, padding=1, bias=False),
                                      nn.BatchNorm2d(c), nn.ReLU())
        else:
            self.stem = nn.Sequential(nn.Conv2d(in_channels, c, 7, stride=2, padding=3,
                                                bias=False),
                                      nn.BatchNorm2d(c), nn.ReLU(),
                                      nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
        stages = []
        for i, (out, num_blocks) in enumerate(arch):
            out //= width_div
            blocks = [Residual(c, out, stride=1 if i == 0 else 2)]
            blocks += [Residual(out, out) for _ in range(num_blocks - 1)]
            stages.append(nn.Sequential(*blocks))
            c = out
        self.layers = nn.Sequential(*stages)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
                                  nn.Linear(c, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # shapes for 96×96, full width
        x = self.stem(x)  # (N, 64, 24, 24)
        x = self.layers(x)  # (N, 512, 3, 3): stages at 24, 12, 6, 3 pixels
        return self.head(x)  # (N, num_classes)


class ResNet18(ResNet):
    """ResNet-18: four stages of two residual blocks, 64, 128, 256 and 512 channels
    (:data:`RESNET18`)."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10, small_input: bool = False,
                 width_div: int = 1):
        super().__init__(RESNET18, in_channels, num_classes, small_input, width_div)
