"""Execution profiles: the one place where training sizes live, and which profile is active.

Every chapter runs in two sizes. The ``quick`` profile uses data subsets, few epochs and
small images so that the whole book executes in minutes on a laptop CPU; the ``full``
profile uses the lectures' sizes and is what the published book (built on a GPU) shows.

``DLBOOK_PROFILE`` chooses (``quick`` or ``full``); unset, it is ``full`` when CUDA is
available and ``quick`` otherwise. Chapters never write an epoch count or a subset size as a
literal: they ask ``sizes("experiment-name")`` and get a :class:`Sizes`. The device, the
seed and the first call of a chapter live in :mod:`dlbook_code.runtime`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch

PROFILES = ("quick", "full")


@dataclass(frozen=True)
class Sizes:
    """How big one experiment is in one profile.

    ``n_train``/``n_test`` of ``None`` mean the whole split; ``image_size`` of ``None``
    means the data set's native resolution (chapters pass it to ``fit``, which enlarges each
    batch on the device). ``width_div`` divides the widths of a network that has a
    ``width_div`` argument (the quick profile trains thinner architectures).
    """

    epochs: int = 1
    n_train: int | None = None
    n_test: int | None = None
    batch_size: int = 100
    image_size: int | None = None
    width_div: int = 1


def _q_f(quick: Sizes, full: Sizes) -> dict[str, Sizes]:
    return {"quick": quick, "full": full}


# One entry per experiment, grouped by part. Quick sizes keep each chapter to well under a
# minute on two CPU cores; full sizes are the lectures'.
EXPERIMENTS: dict[str, dict[str, Sizes]] = {
    # --- intro ---------------------------------------------------------------------------
    # 15,000 sample passes: enough for confident digits that one gradient-sign step fools.
    "intro.what_is_happening": _q_f(Sizes(epochs=3, n_train=5000, n_test=500),
                                    Sizes(epochs=10, n_train=None, n_test=None)),
    "intro.first_network": _q_f(Sizes(epochs=2, n_train=10000, n_test=2000),
                                Sizes(epochs=10)),
    # --- tensors -------------------------------------------------------------------------
    # --- autograd ------------------------------------------------------------------------
    # --- training ------------------------------------------------------------------------
    "training.sgd": _q_f(Sizes(epochs=2, n_train=2000, n_test=1000, batch_size=100),
                         Sizes(epochs=5, n_train=20000, batch_size=100)),
    "training.linear_regression": _q_f(Sizes(epochs=3, n_train=1000, batch_size=10),
                                       Sizes(epochs=3, n_train=1000, batch_size=10)),
    "training.fashion_reading": _q_f(Sizes(n_train=2000, batch_size=256),
                                     Sizes(n_train=None, batch_size=256)),
    "training.softmax": _q_f(Sizes(epochs=3, n_train=10000, n_test=2000, batch_size=256),
                             Sizes(epochs=10, batch_size=256)),
    "training.softmax_sweep": _q_f(Sizes(epochs=10, n_train=5000, n_test=1000, batch_size=256),
                                   Sizes(epochs=50, batch_size=256)),
    "training.mlp": _q_f(Sizes(epochs=3, n_train=10000, n_test=2000, batch_size=64),
                         Sizes(epochs=10, batch_size=256)),
    # Comparisons of activations, depth, initialisations and optimisers: long enough in both
    # profiles for the early gaps (first epoch) to have narrowed by the last one.
    "training.mlp_compare": _q_f(Sizes(epochs=10, n_train=8000, n_test=1000, batch_size=128),
                                 Sizes(epochs=10, batch_size=256)),
    # Dropout needs a setup that over-fits: a small subset memorised over many epochs (the
    # full profile: five times the images, the whole test set).
    "training.dropout": _q_f(Sizes(epochs=40, n_train=1000, n_test=1000, batch_size=32),
                             Sizes(epochs=60, n_train=5000, batch_size=32)),
    # Capacity: a small subset, long enough for the widest network to memorise it.
    "training.capacity": _q_f(Sizes(epochs=100, n_train=1000, n_test=1000, batch_size=50),
                              Sizes(epochs=100, n_train=1000, batch_size=50)),
    # Long enough for the large constant rate to stop making progress (3 runs per policy);
    # 5,000 validation images: with 1,000 the schedules' lead over the large constant rate
    # ranged 0.1-4.1 points over 12 configurations, with 5,000 1.4-5.7 over 10 seeds.
    "training.lr_schedules": _q_f(Sizes(epochs=20, n_train=4000, n_test=5000, batch_size=50),
                                  Sizes(epochs=30, batch_size=50)),
    # Quick: long enough to over-fit 2,000 images (with momentum); full: the lecture's run.
    "training.cifar_protocol": _q_f(Sizes(epochs=20, n_train=2000, n_test=1000, batch_size=50),
                                    Sizes(epochs=50, batch_size=100)),
    # --- cnn -----------------------------------------------------------------------------
    # The course's MNIST convnet: lr 0.1, batch 100, 10 epochs on the full set (~1% error).
    "cnn.mnist_convnet": _q_f(Sizes(epochs=2, n_train=10000, n_test=2000),
                              Sizes(epochs=10)),
    # The learning-rate comparison on CIFAR-10: one run per rate, so the quick size is small.
    "cnn.cifar_convnet": _q_f(Sizes(epochs=8, n_train=2000, n_test=500, batch_size=50),
                              Sizes(epochs=30)),
    # Shift-invariance of pooling, measured on this many MNIST test digits.
    "cnn.pooling_shift": _q_f(Sizes(n_test=500), Sizes(n_test=10000)),
    # --- deep training (validation, optimisers, initialisation, normalisation,
    # regularisation, losses and transfer) ------------------------------------------------
    # deep.depth
    # Linear regions of two MLPs with the same 128 hidden units (4 x 32 and 1 x 128), trained
    # on n_train images; regions counted exactly on the segments between n_test / 2 pairs of
    # test images.
    "deep.depth.regions": _q_f(Sizes(epochs=5, n_train=6000, n_test=40, batch_size=50),
                               Sizes(epochs=10, n_train=None, n_test=200, batch_size=100)),
    # Depth against width at equal parameter count: 5 paired seeds x 2 networks, with n_test
    # of the n_train images held out for validation (Adam, cosine schedule).
    "deep.depth.width": _q_f(Sizes(epochs=5, n_train=12000, n_test=2400, batch_size=50),
                             Sizes(epochs=10, n_train=None, n_test=10000, batch_size=100)),
    # deep.validation
    # Twenty candidates that differ only by their seed; n_test is the size of the validation
    # split and of the selection set drawn from the test split (the rest of it is "fresh").
    "deep.validation.selection": _q_f(Sizes(epochs=5, n_train=1500, n_test=500, batch_size=50),
                                      Sizes(epochs=10, n_train=10500, n_test=500,
                                            batch_size=50)),
    # Early stopping needs a setup that over-fits: n_train images, half of them for validation.
    "deep.validation.early_stopping": _q_f(Sizes(epochs=40, n_train=2000, n_test=2000,
                                                 batch_size=50),
                                           Sizes(epochs=60, n_train=10000, batch_size=50)),
    # deep.optimisers
    # Five optimisers x three learning rates on a 3-hidden-layer MLP, a budget short enough
    # for the optimiser to matter: 3 x 79 = 237 updates per run (quick, ~13 s CPU in all),
    # 3 x 196 = 588 on the whole training set (full).
    "deep.optimisers": _q_f(Sizes(epochs=3, n_train=6000, n_test=2000, batch_size=64),
                            Sizes(epochs=3, n_train=None, n_test=None, batch_size=256)),
    # deep.init
    # Signal scales at initialisation on one batch; short SGD runs of a 30-layer ReLU MLP,
    # long enough for He's initialisation to leave the uniform guess's loss far behind (9
    # runs: 3 rules x 3 learning rates; the full size also runs in under two minutes on a CPU).
    "deep.init": _q_f(Sizes(epochs=6, n_train=4000, n_test=1000, batch_size=64),
                      Sizes(epochs=6, n_train=20000, n_test=None, batch_size=64)),
    # deep.norm
    # An MLP of ten hidden layers with and without batch norm, 18 short runs across learning
    # rates (a fifth of the images held out for validation). The lesson is about a short,
    # fixed budget: given 2 epochs of the whole set, the default-initialised network starts
    # to learn at one rate, so the full profile stops at 20,000 images.
    "deep.norm.lr": _q_f(Sizes(epochs=2, n_train=5000, n_test=1000, batch_size=50),
                         Sizes(epochs=2, n_train=20000, n_test=None, batch_size=50)),
    # The evaluation-mode pitfall: n_train / batch_size = 10 updates only, in both profiles.
    "deep.norm.few_steps": _q_f(Sizes(epochs=1, n_train=500, batch_size=50),
                                Sizes(epochs=1, n_train=500, batch_size=50)),
    # deep.regularisation
    # One over-fitting setup on CIFAR-10 (a small convnet memorising a small subset over
    # many epochs), trained six times; n_test is also the size of the validation split. The
    # same thin network in both profiles: a wider one memorises even augmented images.
    "deep.regularisation": _q_f(Sizes(epochs=30, n_train=500, n_test=1000, batch_size=25,
                                      width_div=2),
                                Sizes(epochs=60, n_train=2000, n_test=1000, batch_size=50,
                                      width_div=2)),
    # deep.losses
    # Logistic regression by full-batch gradient descent on two classes of the first n_train
    # Fashion-MNIST images (epochs = gradient steps).
    "deep.losses.logistic": _q_f(Sizes(epochs=300, n_train=10000, n_test=2000),
                                 Sizes(epochs=1000, n_train=None, n_test=None)),
    # Transfer: the source task (MNIST) and the few labelled target images (Fashion-MNIST,
    # a third of them held out for validation), which stay few in both profiles.
    "deep.transfer.pretrain": _q_f(Sizes(epochs=2, n_train=7000, batch_size=50),
                                   Sizes(epochs=3, n_train=None, batch_size=50)),
    "deep.transfer.target": _q_f(Sizes(epochs=15, n_train=300, n_test=2000, batch_size=25),
                                 Sizes(epochs=30, n_train=300, n_test=None, batch_size=25)),
    # --- architectures -------------------------------------------------------------------
    # Quick sizes teach on a laptop CPU: every network learns (>= 70% test accuracy) in
    # about ten to twenty seconds, thinner (width_div) and on smaller images than the
    # course's; the learning rates in the chapters were chosen on a validation split at these
    # sizes. The full sizes are the course's: Fashion-MNIST enlarged (per batch) to 224 for
    # AlexNet, VGG and NiN, 96 for GoogLeNet and ResNet, 10 epochs on the whole set, the
    # networks at full width (VGG-11 at a quarter, as in the course's textbook).
    "arch.lenet": _q_f(Sizes(epochs=5, n_train=12000, n_test=1000, batch_size=64),
                       Sizes(epochs=10, batch_size=256)),
    "arch.alexnet": _q_f(Sizes(epochs=3, n_train=6000, n_test=1000, batch_size=64,
                               image_size=67, width_div=4),
                         Sizes(epochs=10, batch_size=128, image_size=224)),
    "arch.vgg": _q_f(Sizes(epochs=3, n_train=6000, n_test=1000, batch_size=64, image_size=32,
                           width_div=8),
                     Sizes(epochs=10, batch_size=128, image_size=224, width_div=4)),
    "arch.nin": _q_f(Sizes(epochs=3, n_train=6000, n_test=1000, batch_size=64, image_size=67,
                           width_div=4),
                     Sizes(epochs=10, batch_size=128, image_size=224)),
    "arch.googlenet": _q_f(Sizes(epochs=3, n_train=8000, n_test=1000, batch_size=64,
                                 image_size=32, width_div=4),
                           Sizes(epochs=10, batch_size=128, image_size=96)),
    "arch.resnet": _q_f(Sizes(epochs=2, n_train=6000, n_test=1000, batch_size=64,
                              image_size=32, width_div=4),
                        Sizes(epochs=10, batch_size=256, image_size=96)),
    # deep MLPs with and without skip connections (resnet chapter)
    "arch.depth": _q_f(Sizes(epochs=3, n_train=3000, n_test=1000, batch_size=64),
                       Sizes(epochs=10, batch_size=128)),
    # --- under the hood and generative models --------------------------------------------
    # MNIST; the convolutional (and denoising) autoencoders: 50,000 sample passes each beat
    # PCA at the same code size by a wide margin.
    "generative.autoencoders": _q_f(Sizes(epochs=5, n_train=10000, n_test=2000, batch_size=64),
                                    Sizes(epochs=10, n_test=None, batch_size=64)),
    # the linear autoencoder: enough Adam steps for its subspace to settle on PCA's
    "generative.linear_autoencoder": _q_f(Sizes(epochs=30, batch_size=128),
                                          Sizes(epochs=30, batch_size=128)),
    # The convolutional VAE, and paired with it (same initial weights and batches) a plain
    # autoencoder and VAEs with two other weights of the KL term: four trainings of 40,000
    # sample passes in the quick profile; n_test is also the number of samples judged.
    "generative.vae": _q_f(Sizes(epochs=4, n_train=10000, n_test=2000, batch_size=64),
                           Sizes(epochs=5, n_test=None, batch_size=64)),
    # Under the hood: the course's MNIST convnet, the network every tool of the chapter
    # looks inside (48,000 sample passes in the quick profile).
    "generative.hood": _q_f(Sizes(epochs=4, n_train=12000, n_test=1000),
                            Sizes(epochs=10, n_test=None)),
    # n_test: the test digits explained (saliency maps, deletion curves, sanity checks).
    "generative.hood.attribution": _q_f(Sizes(n_test=200), Sizes(n_test=2000)),
    # Linear probes: n_train training images (their features) per probe, scored on n_test
    # test images; epochs = L-BFGS iterations of each probe.
    "generative.hood.probes": _q_f(Sizes(epochs=100, n_train=3000, n_test=1000),
                                   Sizes(epochs=200, n_train=20000, n_test=None)),
    # The classifier that judges generated digits (the course's MNIST convnet, SGD with
    # momentum), trained on the VAE's training digits with their labels.
    "generative.judge": _q_f(Sizes(epochs=3, batch_size=100), Sizes(epochs=3, batch_size=100)),
    # The DCGAN on MNIST: about 1,100 generator steps of 64 images with widths divided by 4 in
    # the quick profile (digit-like samples on two CPU cores in about 15 seconds); the whole
    # training set (4,680 steps of 128) and the DCGAN paper's widths (64 channels) in the
    # full one. n_train is also the judge's training set, n_test the number of samples judged.
    "generative.gan": _q_f(Sizes(epochs=7, n_train=10000, n_test=2000, batch_size=64, width_div=4),
                           Sizes(epochs=10, n_test=None, batch_size=128)),
    # Diffusion on the ring: epochs = training steps of the noise-predicting MLP, on batches
    # of batch_size fresh points; n_test = points sampled and judged. Same in both profiles.
    "generative.diffusion.ring": _q_f(Sizes(epochs=6000, batch_size=256, n_test=2000),
                                      Sizes(epochs=6000, batch_size=256, n_test=2000)),
    # DDPM on MNIST: the small U-Net on digits averaged down to 14×14 with its widths halved,
    # about 2,000 steps of 64 in the quick profile (recognisable digits on two CPU cores in
    # under a minute); 28×28, full widths, the whole training set for 20 epochs of 128 in the
    # full one. n_train is also the judge's training set, n_test the number of samples judged.
    "generative.diffusion": _q_f(Sizes(epochs=13, n_train=10000, n_test=500, batch_size=64,
                                       image_size=14, width_div=2),
                                 Sizes(epochs=20, n_test=2000, batch_size=128, image_size=28)),
}


def profile_name() -> str:
    """The active profile: ``DLBOOK_PROFILE`` if set, else ``full`` on CUDA, else ``quick``."""
    name = os.environ.get("DLBOOK_PROFILE", "").strip().lower()
    if not name:
        return "full" if torch.cuda.is_available() else "quick"
    if name not in PROFILES:
        raise ValueError(
            f"DLBOOK_PROFILE={name!r} is not a profile; use one of {', '.join(PROFILES)}."
        )
    return name


def sizes(experiment: str, profile: str | None = None) -> Sizes:
    """The :class:`Sizes` of ``experiment`` in ``profile`` (default: the active profile)."""
    try:
        entry = EXPERIMENTS[experiment]
    except KeyError:
        known = ", ".join(sorted(EXPERIMENTS))
        raise KeyError(
            f"no experiment {experiment!r} in dlbook_code.profile.EXPERIMENTS; "
            f"add it there (known: {known})"
        ) from None
    return entry[profile or profile_name()]
