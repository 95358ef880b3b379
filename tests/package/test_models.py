"""Every model in dlbook_code.models: output shapes, and parameter counts checked against
published values or counts done by hand (the arithmetic is in the comments)."""

import pytest
import torch
from torch import nn

from dlbook_code.measure import num_params
from dlbook_code.models import (
    MLP,
    RESNET18,
    VGG,
    AlexNet,
    CourseConvNet,
    GoogLeNet,
    Inception,
    LeNet5,
    NiN,
    Residual,
    ResNet,
    ResNet18,
    SoftmaxRegression,
    nin_block,
    vgg_block,
)


def meta(make):
    """Build a model on the meta device: parameters get shapes but no memory and no
    initialisation, so counting the 129 million of VGG-11 costs nothing."""
    with torch.device("meta"):
        return make()


def conv(cin: int, cout: int, k: int, bias: bool = True) -> int:
    """Parameters of a k×k convolution: one k·k·cin kernel (+ a bias) per output channel."""
    return cout * (cin * k * k + bias)


def dense(nin: int, nout: int) -> int:
    return nout * (nin + 1)


def test_softmax_regression_and_mlp():
    # 784·10 + 10 = 7,850
    assert num_params(SoftmaxRegression()) == 7850
    # (784·256 + 256) + (256·10 + 10) = 200,960 + 2,570 = 203,530
    assert num_params(MLP(784, (256,), 10)) == 203530
    assert MLP(784, (64, 32), 10, dropout=0.5)(torch.zeros(3, 1, 28, 28)).shape == (3, 10)
    with pytest.raises(ValueError):
        MLP(784, (64, 32), 10, dropout=[0.5])


def test_course_convnet():
    # conv1 32·(1·25)+32 = 832; conv2 64·(32·25)+64 = 51,264;
    # fc1 256·200+200 = 51,400; fc2 200·10+10 = 2,010; total 105,506
    assert num_params(CourseConvNet()) == 105506 == (
        conv(1, 32, 5) + conv(32, 64, 5) + dense(256, 200) + dense(200, 10))
    assert CourseConvNet()(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    with pytest.raises(ValueError, match="28×28"):
        CourseConvNet()(torch.zeros(2, 1, 32, 32))


def test_lenet5():
    # C1 6·(25)+6 = 156; C3 16·(6·25)+16 = 2,416; F5 400·120+120 = 48,120;
    # F6 120·84+84 = 10,164; output 84·10+10 = 850; total 61,706
    assert num_params(LeNet5()) == 61706 == (
        conv(1, 6, 5) + conv(6, 16, 5) + dense(400, 120) + dense(120, 84) + dense(84, 10))
    assert LeNet5()(torch.zeros(2, 1, 28, 28)).shape == (2, 10)


def test_alexnet():
    # convs: 96·(121)+96 = 11,712; 256·(96·25)+256 = 614,656; 384·(256·9)+384 = 885,120;
    # 384·(384·9)+384 = 1,327,488; 256·(384·9)+256 = 884,992 (sum 3,723,968);
    # dense: 6400·4096+4096 = 26,218,496; 4096·4096+4096 = 16,781,312; 4096·10+10 = 40,970;
    # total 46,764,746 (1 input channel, 10 classes, 4096 hidden)
    expected = (conv(1, 96, 11) + conv(96, 256, 5) + conv(256, 384, 3) + conv(384, 384, 3)
                + conv(384, 256, 3) + dense(6400, 4096) + dense(4096, 4096) + dense(4096, 10))
    assert num_params(meta(AlexNet)) == 46764746 == expected
    model = AlexNet(hidden=16).eval()  # same features, a small classifier
    assert model(torch.zeros(1, 1, 65, 65)).shape == (1, 10)   # the smallest size it takes
    with pytest.raises(RuntimeError):
        model(torch.zeros(1, 1, 64, 64))


def test_vgg11():
    # torchvision's vgg11 (3 channels, 1000 classes) has 132,863,336 parameters; with one
    # input channel the first conv loses 64·2·9 = 1,152 and the last layer 4096·990+990 =
    # 4,056,030: 132,863,336 - 1,152 - 4,056,030 = 128,806,154
    assert num_params(meta(VGG)) == 128806154
    assert VGG(width_div=8, hidden=64)(torch.zeros(2, 1, 32, 32)).shape == (2, 10)
    block = vgg_block(2, 3, 8)
    # two convs: 8·(3·9)+8 = 224 and 8·(8·9)+8 = 584
    assert num_params(block) == 224 + 584
    assert block(torch.zeros(1, 3, 16, 16)).shape == (1, 8, 8, 8)


def test_nin():
    # block 1: 96·121+96 = 11,712 and two 1×1: 2·(96·96+96) = 18,624 -> 30,336
    # block 2: 614,656 + 2·(256·256+256) = 746,240; block 3: 885,120 + 2·147,840 = 1,180,800
    # block 4, wide until the scores: 384·384·9+384 = 1,327,488, 1×1: 147,840, scores:
    # 384·10+10 = 3,850 -> 1,479,178; total 3,436,554
    assert num_params(meta(NiN)) == 3436554
    assert num_params(nin_block(96, 256, 5, 1, 2)) == 746240
    head = nin_block(384, 384, 3, 1, 1, scores=10)
    assert num_params(head) == 1479178
    assert not isinstance(head[-1], torch.nn.ReLU)  # a class score can be negative
    assert NiN().eval()(torch.zeros(2, 1, 67, 67)).shape == (2, 10)


def inception_params(cin, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
    return (conv(cin, ch1x1, 1) + conv(cin, ch3x3red, 1) + conv(ch3x3red, ch3x3, 3)
            + conv(cin, ch5x5red, 1) + conv(ch5x5red, ch5x5, 5) + conv(cin, pool_proj, 1))


def test_inception_and_googlenet():
    block = Inception(192, ch1x1=64, ch3x3red=96, ch3x3=128, ch5x5red=16, ch5x5=32,
                      pool_proj=32)
    # 12,352 + 18,528 + 110,720 + 3,088 + 12,832 + 6,176 = 163,696
    assert num_params(block) == inception_params(192, 64, 96, 128, 16, 32, 32) == 163696
    assert block(torch.zeros(1, 192, 12, 12)).shape == (1, 64 + 128 + 32 + 32, 12, 12)
    # the paper's nine blocks (Szegedy et al., 2015, table 1), with their input widths
    blocks = [(192, 64, 96, 128, 16, 32, 32), (256, 128, 128, 192, 32, 96, 64),
              (480, 192, 96, 208, 16, 48, 64), (512, 160, 112, 224, 24, 64, 64),
              (512, 128, 128, 256, 24, 64, 64), (512, 112, 144, 288, 32, 64, 64),
              (528, 256, 160, 320, 32, 128, 128), (832, 256, 160, 320, 32, 128, 128),
              (832, 384, 192, 384, 48, 128, 128)]
    expected = (conv(1, 64, 7) + conv(64, 64, 1) + conv(64, 192, 3)
                + sum(inception_params(*b) for b in blocks) + dense(1024, 10))
    assert num_params(meta(GoogLeNet)) == expected == 5977530
    assert GoogLeNet()(torch.zeros(2, 1, 32, 32)).shape == (2, 10)


def test_residual_and_resnet18():
    same = Residual(64, 64)
    # two 3×3 convs without bias (2·64·64·9 = 73,728) and two batch norms (2·2·64 = 256)
    assert num_params(same) == 73984
    assert isinstance(same.shortcut, nn.Identity)
    down = Residual(64, 128, stride=2)
    assert down(torch.zeros(1, 64, 8, 8)).shape == (1, 128, 4, 4)
    # torchvision's resnet18 (3 channels, 1000 classes) has 11,689,512 parameters; one
    # input channel saves 64·2·49 = 6,272 and 10 classes save 512·990+990 = 507,870:
    # 11,689,512 - 6,272 - 507,870 = 11,175,370
    assert num_params(meta(ResNet18)) == 11175370
    assert ResNet18()(torch.zeros(2, 1, 64, 64)).shape == (2, 10)
    # the small-input stem: a 3×3 conv (576) instead of a 7×7 one (3,136)
    assert num_params(meta(lambda: ResNet18(small_input=True))) == 11175370 - 3136 + 576


@pytest.mark.parametrize("make, size", [
    (lambda w: AlexNet(width_div=w), 67), (lambda w: VGG(width_div=w), 32),
    (lambda w: NiN(width_div=w), 67), (lambda w: GoogLeNet(width_div=w), 32),
    (lambda w: ResNet18(width_div=w), 32)])
def test_width_div_thins_the_convolutions(make, size):
    """Dividing every width by 4 divides a convolution's weights by about 16: the thin
    network is much smaller, and still maps images to ten logits."""
    full, thin = make(1), make(4)
    conv_params = [sum(num_params(m) for m in net.modules() if isinstance(m, nn.Conv2d))
                   for net in (full, thin)]
    assert conv_params[1] < conv_params[0] / 8
    assert thin(torch.zeros(2, 1, size, size)).shape == (2, 10)


def test_resnet_stages_follow_the_table():
    net = ResNet(((8, 1), (16, 3)), small_input=True)
    assert [len(stage) for stage in net.layers] == [1, 3]
    assert net.layers[1][0].conv1.stride == (2, 2)
    assert net(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    assert num_params(meta(lambda: ResNet(RESNET18))) == num_params(meta(ResNet18))
