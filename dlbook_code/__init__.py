"""dlbook_code: the code behind the executable deep-learning book.

Modules by concern, each readable top to bottom:

- :mod:`dlbook_code.profile` — the execution profiles (``quick``/``full``): training sizes;
- :mod:`dlbook_code.runtime` — device, seed, :func:`setup`, the first call of every
  chapter, and :func:`glue`, which puts numbers from the run into the prose;
- :mod:`dlbook_code.data` — MNIST, Fashion-MNIST and CIFAR-10 as whole tensors;
- :mod:`dlbook_code.models` — the book's architectures, from softmax regression to ResNet;
- :mod:`dlbook_code.measure` — parameter counts, :func:`summary`, MACs, output sizes, the
  smallest input a network accepts, and where a tensor's coefficients sit in memory;
- :mod:`dlbook_code.train` — the training loop, evaluation, per-sample losses;
- :mod:`dlbook_code.lessons` — :func:`expect`, the lesson checks that fail the build when a
  run stops showing what its page says;
- :mod:`dlbook_code.attribution` — occlusion maps for a batch, deletion curves and rank
  correlations, to measure what an attribution map is worth;
- :mod:`dlbook_code.judge` — :func:`judge_samples`, a classifier's verdict on generated
  images (how many are recognised with confidence, how many classes they cover);
- :mod:`dlbook_code.answers` — :func:`check`, which tells a reader whether their answer to an
  exercise is right (the references live in :mod:`dlbook_code.exercises`);
- :mod:`dlbook_code.plots` — figures the chapters share;
- :mod:`dlbook_code.figures` — figures particular to one part (diagrams, timelines).
"""

from .answers import Checked, check
from .data import (
    DataError,
    batches,
    class_names,
    data_root,
    is_sample,
    load_dataset,
    load_tensors,
    resize,
    split,
)
from .judge import Verdict, judge_samples
from .lessons import LessonNotShown, expect
from .measure import count_macs, num_params, summary
from .profile import Sizes, profile_name, sizes
from .runtime import Book, device_name, glue, pick_device, seed_everything, setup
from .train import History, accuracy, amp_dtype, eval_mode, evaluate, fit, per_sample_losses

__all__ = [
    "Book", "Checked", "DataError", "History", "LessonNotShown", "Sizes", "Verdict",
    "accuracy", "amp_dtype", "batches", "check", "class_names", "count_macs", "data_root",
    "device_name", "eval_mode", "evaluate", "expect", "fit", "glue", "is_sample",
    "judge_samples", "load_dataset", "load_tensors", "num_params", "per_sample_losses",
    "pick_device", "profile_name", "resize", "seed_everything", "setup", "sizes", "split",
    "summary",
]
__version__ = "0.1.0"
