"""The book's models, one class per architecture, in the style of torchvision's model code.

Every model takes ``in_channels`` and ``num_classes``, maps images ``(N, C, H, W)`` to logits
``(N, num_classes)``, and names its paper in its docstring. Blocks are small modules so that
:func:`summary` can walk a tensor through them.
"""

from __future__ import annotations

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
        layers: list[nn.Module] = [nn.Flatten()]
        width = num_inputs
        for h, p in zip(hidden, drops):
            layers += [nn.Linear(width, h), activation()]
            if p > 0:
                layers.append(nn.Dropout(p))
            width = h
        layers.append(nn.Linear(width, num_classes))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


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
        x = F.relu(F.max_pool2d(self.conv1(x), kernel_size=3))
        x = F.relu(F.max_pool2d(self.conv2(x), kernel_size=2))
        x = x.flatten(1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


class LeNet5(nn.Module):
    """LeNet-5 (LeCun, Bottou, Bengio and Haffner, 1998), as modern books write it.

    Two 5×5 convolutions (6 and 16 channels) with sigmoid activations and 2×2 average
    pooling, then 120 → 84 → ``num_classes``. The first convolution is padded by 2 so that
    28×28 inputs (MNIST, Fashion-MNIST) behave like the paper's 32×32.
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10,
                 activation: type[nn.Module] = nn.Sigmoid):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, kernel_size=5, padding=2), activation(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.Conv2d(6, 16, kernel_size=5), activation(),
            nn.AvgPool2d(kernel_size=2, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(16 * 5 * 5, 120), activation(),
            nn.Linear(120, 84), activation(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


class AlexNet(nn.Module):
    """AlexNet (Krizhevsky, Sutskever and Hinton, 2012), single-tower, for ``in_channels``
    inputs as the course uses it on Fashion-MNIST resized to 224×224.

    Five convolutions (11×11 stride 4, 5×5, three 3×3) with ReLU and 3×3/2 max-pooling,
    then two dropout-regularised 4096-wide layers. An adaptive average pool before the
    classifier brings any input of at least 65×65 to 5×5 maps, so the same network (same
    parameter count) runs on the quick profile's smaller images.
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, hidden: int = 4096,
                 dropout: float = 0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 96, kernel_size=11, stride=4, padding=1), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(),
            nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((5, 5))
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(256 * 5 * 5, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.avgpool(self.features(x)))


def vgg_block(num_convs: int, in_channels: int, out_channels: int) -> nn.Sequential:
    """``num_convs`` 3×3 convolutions with ReLU, then a 2×2 max-pool that halves the size."""
    layers: list[nn.Module] = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


VGG11 = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))


class VGG(nn.Module):
    """VGG (Simonyan and Zisserman, 2015): repeated blocks of 3×3 convolutions.

    ``arch`` lists ``(num_convs, out_channels)`` per block (default VGG-11); ``width_div``
    divides every width (the quick profile trains a thinner network). The classifier sees
    7×7 maps (adaptive pooling), as in torchvision.
    """

    def __init__(self, arch: Sequence[tuple[int, int]] = VGG11, in_channels: int = 1,
                 num_classes: int = 10, width_div: int = 1, hidden: int = 4096,
                 dropout: float = 0.5):
        super().__init__()
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

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.avgpool(self.features(x)))


def nin_block(in_channels: int, out_channels: int, kernel_size: int, stride: int,
              padding: int) -> nn.Sequential:
    """A convolution followed by two 1×1 convolutions: a per-pixel MLP across channels."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
    )


class NiN(nn.Module):
    """Network in Network (Lin, Chen and Yan, 2014): NiN blocks and global average pooling
    instead of fully connected layers."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10, dropout: float = 0.5):
        super().__init__()
        self.net = nn.Sequential(
            nin_block(in_channels, 96, kernel_size=11, stride=4, padding=0),
            nn.MaxPool2d(3, stride=2),
            nin_block(96, 256, kernel_size=5, stride=1, padding=2),
            nn.MaxPool2d(3, stride=2),
            nin_block(256, 384, kernel_size=3, stride=1, padding=1),
            nn.MaxPool2d(3, stride=2),
            nn.Dropout(dropout),
            nin_block(384, num_classes, kernel_size=3, stride=1, padding=1),
            nn.AdaptiveAvgPool2d((1, 1)),
            nn.Flatten(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class Inception(nn.Module):
    """The Inception block (Szegedy et al., 2015): four parallel paths concatenated on the
    channel axis — 1×1; 1×1 then 3×3; 1×1 then 5×5; 3×3 max-pool then 1×1.

    ``c1`` is path 1's width, ``c2``/``c3`` pairs ``(reduce, out)`` for paths 2 and 3,
    ``c4`` path 4's width. Output channels: ``c1 + c2[1] + c3[1] + c4``.
    """

    def __init__(self, in_channels: int, c1: int, c2: tuple[int, int], c3: tuple[int, int],
                 c4: int):
        super().__init__()
        self.p1 = nn.Sequential(nn.Conv2d(in_channels, c1, kernel_size=1), nn.ReLU())
        self.p2 = nn.Sequential(nn.Conv2d(in_channels, c2[0], kernel_size=1), nn.ReLU(),
                                nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1), nn.ReLU())
        self.p3 = nn.Sequential(nn.Conv2d(in_channels, c3[0], kernel_size=1), nn.ReLU(),
                                nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2), nn.ReLU())
        self.p4 = nn.Sequential(nn.MaxPool2d(kernel_size=3, stride=1, padding=1),
                                nn.Conv2d(in_channels, c4, kernel_size=1), nn.ReLU())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.p1(x), self.p2(x), self.p3(x), self.p4(x)], dim=1)


class GoogLeNet(nn.Module):
    """GoogLeNet (Szegedy et al., 2015): a stem, nine Inception blocks in three stages, and
    global average pooling; the auxiliary classifiers of the paper are left out.

    Five stages ``b1``…``b5``, each halving the resolution (96×96 input → 3×3 before the
    global pool).
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10):
        super().__init__()
        self.b1 = nn.Sequential(nn.Conv2d(in_channels, 64, kernel_size=7, stride=2, padding=3),
                                nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
        self.b2 = nn.Sequential(nn.Conv2d(64, 64, kernel_size=1), nn.ReLU(),
                                nn.Conv2d(64, 192, kernel_size=3, padding=1), nn.ReLU(),
                                nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
        self.b3 = nn.Sequential(Inception(192, 64, (96, 128), (16, 32), 32),
                                Inception(256, 128, (128, 192), (32, 96), 64),
                                nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
        self.b4 = nn.Sequential(Inception(480, 192, (96, 208), (16, 48), 64),
                                Inception(512, 160, (112, 224), (24, 64), 64),
                                Inception(512, 128, (128, 256), (24, 64), 64),
                                Inception(512, 112, (144, 288), (32, 64), 64),
                                Inception(528, 256, (160, 320), (32, 128), 128),
                                nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
        self.b5 = nn.Sequential(Inception(832, 256, (160, 320), (32, 128), 128),
                                Inception(832, 384, (192, 384), (48, 128), 128),
                                nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())
        self.fc = nn.Linear(1024, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for stage in (self.b1, self.b2, self.b3, self.b4, self.b5):
            x = stage(x)
        return self.fc(x)


class Residual(nn.Module):
    """The residual block (He et al., 2016): two 3×3 convolutions with batch normalisation,
    added to the input — through a 1×1 convolution when the shape changes."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1,
                               bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.shortcut(x))


class ResNet18(nn.Module):
    """ResNet-18 (He, Zhang, Ren and Sun, 2016): a 7×7 stem, four stages of two residual
    blocks (64, 128, 256, 512 channels), global average pooling and one linear layer.

    ``small_input=True`` replaces the stem by a 3×3 convolution without pooling, the usual
    choice for 28×28 or 32×32 images.
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, small_input: bool = False):
        super().__init__()
        if small_input:
            self.stem = nn.Sequential(nn.Conv2d(in_channels, 64, 3, padding=1, bias=False),
                                      nn.BatchNorm2d(64), nn.ReLU())
        else:
            self.stem = nn.Sequential(nn.Conv2d(in_channels, 64, 7, stride=2, padding=3,
                                                bias=False),
                                      nn.BatchNorm2d(64), nn.ReLU(),
                                      nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
        stages, c = [], 64
        for i, out in enumerate((64, 128, 256, 512)):
            stride = 1 if i == 0 else 2
            stages.append(nn.Sequential(Residual(c, out, stride), Residual(out, out)))
            c = out
        self.layers = nn.Sequential(*stages)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
                                  nn.Linear(512, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.layers(self.stem(x)))


# --- inspecting a model -----------------------------------------------------------------------

def num_params(model: nn.Module, trainable_only: bool = True) -> int:
    """The number of (trainable) parameters of ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def _leaf_like(module: nn.Module, depth: int, d: int) -> bool:
    return d == depth or not any(True for _ in module.children())


def summary(model: nn.Module, input_size: Sequence[int], depth: int = 1,
            print_fn=print) -> list[tuple[str, tuple[int, ...], int]]:
    """Walk a zero tensor of shape ``input_size`` (``(N, C, H, W)``) through ``model`` and
    print each submodule's output shape and parameter count, down to ``depth`` levels.

    Returns the rows ``(name, output_shape, params)``.
    """
    rows: list[tuple[str, tuple[int, ...], int]] = []
    hooks = []

    def visit(module: nn.Module, prefix: str, d: int) -> None:
        for name, child in module.named_children():
            full = f"{prefix}.{name}" if prefix else name
            if _leaf_like(child, depth, d + 1):
                label = f"{full} ({type(child).__name__})"
                params = num_params(child, trainable_only=False)
                hooks.append(child.register_forward_hook(
                    lambda m, i, o, label=label, params=params:
                    rows.append((label, tuple(o.shape), params))))
            else:
                visit(child, full, d + 1)

    visit(model, "", 0)
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.zeros(*input_size, device=device))
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    width = max([len(r[0]) for r in rows] + [5])
    print_fn(f"{'layer':<{width}}  {'output shape':<20} {'params':>12}")
    for label, shape, params in rows:
        print_fn(f"{label:<{width}}  {str(shape):<20} {params:>12,}")
    print_fn(f"{'total':<{width}}  {'':<20} {num_params(model, False):>12,}")
    return rows


def count_macs(model: nn.Module, input_size: Sequence[int]) -> int:
    """Multiply-accumulates of one forward pass per sample, counting convolutions and linear
    layers (the bulk of the work; activations, pooling and norms are left out)."""
    total = 0

    def conv_hook(m: nn.Conv2d, inp, out):
        nonlocal total
        kh, kw = m.kernel_size
        total += out[0].numel() * (m.in_channels // m.groups) * kh * kw

    def linear_hook(m: nn.Linear, inp, out):
        nonlocal total
        total += out[0].numel() * m.in_features

    hooks = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear_hook))
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.zeros(1, *input_size[1:], device=device))
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    return total
