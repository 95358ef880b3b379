"""MNIST, Fashion-MNIST and CIFAR-10 as whole tensors, the way the course handles data.

The fast path, :func:`load_tensors`, returns a whole split as two tensors (images
``(N, C, H, W)`` as float32 in ``[0, 1]``, labels ``(N,)`` as int64), optionally moved to the
device once; training then batches by index with :func:`batches` (and enlarges each batch, if
the model wants larger images, as it goes). :func:`load_dataset`
returns the ``torchvision`` data set itself, for readers who want per-sample transforms and a
``DataLoader``.

Files live under :func:`data_root` in the layout ``torchvision.datasets`` leaves after a
download (one entry of ``SPECS`` per data set says where), and are checked with
the data sets' published md5 sums. Only torchvision's documented API is used: each data
set's class with ``root``, ``train``, ``download`` and ``transform``. Offline with the files missing, or
with a corrupt file, loading raises one :class:`DataError` that says what to do.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import pickle
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from filelock import FileLock
from torch.utils.data import Dataset
from torchvision import datasets

CLASS_NAMES = {
    "mnist": [str(d) for d in range(10)],
    "fashion-mnist": ["t-shirt", "trouser", "pullover", "dress", "coat",
                      "sandal", "shirt", "sneaker", "bag", "ankle boot"],
    "cifar10": ["airplane", "automobile", "bird", "cat", "deer",
                "dog", "frog", "horse", "ship", "truck"],
}

DOWNLOAD_TIMEOUT_S = 30


class DataError(RuntimeError):
    """A data set could not be loaded; the message says why and what to do."""


def data_root() -> Path:
    """Where data sets live: ``$DLBOOK_DATA``, else a per-user cache folder."""
    env = os.environ.get("DLBOOK_DATA")
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "dlbook" / "data"


def _check_name(name: str) -> str:
    key = name.lower().replace("_", "-")
    key = {"fashionmnist": "fashion-mnist", "cifar-10": "cifar10"}.get(key, key)
    if key not in SPECS:
        raise ValueError(f"unknown data set {name!r}; use one of {', '.join(SPECS)}")
    return key


def _md5(path: Path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _offline() -> bool:
    return os.environ.get("DLBOOK_OFFLINE", "").lower() in ("1", "true", "yes")


@contextlib.contextmanager
def _cleanup_on_failure(folder: Path, archives: list[Path]) -> Iterator[None]:
    """If the block fails, remove every file it created under ``folder`` and every newly
    created archive (a partial download): nothing half-written is left behind."""
    existed = folder.exists()
    before = set(folder.rglob("*")) if existed else set()
    new_archives = [a for a in archives if not a.exists()]
    try:
        yield
    except BaseException:
        if folder.exists():
            created = [p for p in folder.rglob("*") if p not in before]
            for p in sorted(created, key=lambda p: len(p.parts), reverse=True):
                p.unlink() if p.is_file() or p.is_symlink() else p.rmdir()
            if not existed:
                with contextlib.suppress(OSError):
                    folder.rmdir()
        for archive in new_archives:
            if archive.is_file():
                archive.unlink()
        raise


def _quiet_download(cls, root: Path, train: bool, transform):
    """torchvision's download (or mere extraction of verified archives), without its prints
    and with a network timeout so that a dead network fails fast instead of hanging."""
    old = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return cls(str(root), train=train, download=True, transform=transform)
    finally:
        socket.setdefaulttimeout(old)


CIFAR10_SAMPLE_FOLDER = "cifar-10-sample"
# The real sample of the offline mirror (its README): the first 1,000 images of each official
# batch in the official pickle layout, so other md5 sums than the full set's.
CIFAR10_SAMPLE_MD5 = {
    "data_batch_1": "461de160337daa1396658fea55934c30",
    "data_batch_2": "388567e07724160d492ac3c562ceb223",
    "data_batch_3": "83f11597c536116ac19ff3ecbeb9742f",
    "data_batch_4": "1bcde159129028aada2e3c4fa3819a96",
    "data_batch_5": "22198aa52da958cda3bbec8296931284",
    "test_batch": "b0e4545a424ef5a6fd6820f9403227db",
    "batches.meta": "5ff9c542aee3614f3951f8cda6e48888",
}


class CIFAR10Sample(Dataset):
    """The CIFAR-10 sample in ``<root>/cifar-10-batches-py``, read like
    ``torchvision.datasets.CIFAR10`` reads the full set (``data`` ``(N, 32, 32, 3)`` uint8,
    ``targets``, ``classes``, ``class_to_idx``; items are PIL images and labels), its files
    checked against :data:`CIFAR10_SAMPLE_MD5`. A missing or altered file raises ``RuntimeError``, as
    torchvision's own class does."""

    def __init__(self, root: str, train: bool = True, download: bool = False, transform=None):
        folder = Path(root) / "cifar-10-batches-py"
        names = [f"data_batch_{i}" for i in range(1, 6)] if train else ["test_batch"]
        for name in [*names, "batches.meta"]:
            path = folder / name
            if not path.is_file() or _md5(path) != CIFAR10_SAMPLE_MD5[name]:
                raise RuntimeError(f"{path}: missing, or its md5 differs from the sample's")
        batches = [pickle.loads((folder / n).read_bytes(), encoding="latin1") for n in names]
        self.data = np.concatenate([b["data"] for b in batches]).reshape(-1, 3, 32, 32)
        self.data = self.data.transpose(0, 2, 3, 1)  # (N, H, W, C), as torchvision keeps it
        self.targets = [label for b in batches for label in b["labels"]]
        meta = pickle.loads((folder / "batches.meta").read_bytes(), encoding="latin1")
        self.classes = meta["label_names"]
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}
        self.transform = transform

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, i: int):
        from PIL import Image

        image = Image.fromarray(self.data[i])
        return (self.transform(image) if self.transform else image), self.targets[i]


@dataclass(frozen=True)
class Spec:
    """Where one data set's files live under :func:`data_root` and where they come from:
    the data sets' own published file names, md5 sums and addresses (torchvision checks the
    same sums when it downloads)."""

    cls: type                               # the torchvision class that reads and downloads it
    folder: str                             # the folder its unpacked files go into
    archives: tuple[tuple[str, str], ...]   # (path under data_root(), md5) of each download
    urls: tuple[str, ...]                   # where those archives are downloaded from
    sample: tuple[str, type] | None = None  # (folder, class) of a smaller real stand-in


_IDX = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def _idx_files(cls, base_url: str, md5s: tuple[str, ...]) -> Spec:
    """MNIST and Fashion-MNIST: four gzipped IDX files under ``<Class>/raw``."""
    folder = cls.__name__
    return Spec(cls, folder, tuple((f"{folder}/raw/{f}", md5) for f, md5 in zip(_IDX, md5s)),
                tuple(base_url + f for f in _IDX))


SPECS = {
    "mnist": _idx_files(datasets.MNIST, "https://ossci-datasets.s3.amazonaws.com/mnist/", (
        "f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
        "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c")),
    "fashion-mnist": _idx_files(
        datasets.FashionMNIST, "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", (
            "8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
            "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310")),
    "cifar10": Spec(datasets.CIFAR10, "cifar-10-batches-py",
                    (("cifar-10-python.tar.gz", "c58f30108f718f92721af3b95e74349a"),),
                    ("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",),
                    sample=(CIFAR10_SAMPLE_FOLDER, CIFAR10Sample)),
}


def _missing_message(key: str, spec: Spec, root: Path, why: str) -> str:
    files = "\n".join(f"  {url}  ->  {root / path}"
                      for url, (path, _) in zip(spec.urls, spec.archives))
    offline = " unset DLBOOK_OFFLINE and" if _offline() else ""
    return (
        f"The {key} data set is not in {root} and could not be downloaded ({why}).\n"
        f"Fix, either:\n- with internet access,{offline} load again: it downloads by itself;\n"
        f"- or download these files yourself and put them where shown:\n{files}\n"
        f"- or, if you already have the data set in torchvision's layout "
        f"({root / spec.folder}), set DLBOOK_DATA to the folder that holds it."
    )


@functools.cache
def _load(key: str, train: bool, transform=None):
    """The torchvision data set, found, extracted, downloaded or explained, by one process
    at a time: torchvision unpacks the archives next to themselves, and a second process
    that loads the same data set meanwhile (two chapters executed at once, ``make book``)
    would read half-written files. The lock is a file in the temporary folder, named after
    the data folder, so that a read-only data folder needs none."""
    with FileLock(str(_lock_file(key))):
        return _load_unlocked(key, train, transform)


def _lock_file(key: str) -> Path:
    """The lock of data set ``key`` under the current data folder, in the temporary folder."""
    name = hashlib.sha1(f"{data_root().resolve()}/{key}".encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"dlbook-data-{name}.lock"


def _load_unlocked(key: str, train: bool, transform=None):
    spec = SPECS[key]
    root = data_root()
    split = "train" if train else "test"
    folder = root / spec.folder

    # 1. Already there and intact.
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return spec.cls(str(root), train=train, download=False, transform=transform)
    except RuntimeError:
        pass  # not found (or failing its md5 check): go on
    except Exception as e:  # unreadable files
        raise DataError(
            f"The {key} {split} files in {root} are corrupt ({type(e).__name__}: {e}).\n"
            f"Fix: delete {folder} (or its unpacked files) and load again."
        ) from None

    # 2. Archives present but corrupt: say so rather than trying to download over them.
    archives = [root / path for path, _ in spec.archives]
    bad = [str(a) for a, (_, md5) in zip(archives, spec.archives)
           if a.exists() and _md5(a) != md5]
    if bad:
        raise DataError(
            f"The {key} archive(s) {', '.join(bad)} are corrupt: their md5 differs from "
            f"the published one.\nFix: delete them and load again (online it downloads them "
            f"afresh), or replace them with intact copies."
        )

    # 3. Extract verified archives, or download them (unless told to stay offline).
    if not root.exists():
        try:
            root.mkdir(parents=True)
        except OSError as e:
            raise DataError(f"Cannot create the data folder {root} ({e}); set DLBOOK_DATA "
                            f"to a writable folder.") from None
    why = "DLBOOK_OFFLINE is set"
    try:
        if _offline() and not all(a.exists() for a in archives):
            raise OSError(why)
        with _cleanup_on_failure(folder, archives):
            return _quiet_download(spec.cls, root, train, transform)
    except PermissionError as e:
        raise DataError(
            f"The data folder {root} is not writable ({e}). torchvision unpacks archives next "
            f"to themselves: point DLBOOK_DATA at a writable copy."
        ) from None
    except Exception as e:  # network down, DNS failure, HTTP error, timeout
        why = str(e) or type(e).__name__

    # 4. Fall back on a real sample of the data set, if it has one and it is there, loudly.
    if spec.sample is not None and (root / spec.sample[0]).exists():
        sample_root = root / spec.sample[0]
        try:
            ds = spec.sample[1](str(sample_root), train=train, download=False,
                                transform=transform)
        except RuntimeError:
            raise DataError(
                f"The {key} sample in {sample_root} fails its md5 check: a file is corrupt. "
                f"Fix: replace it with an intact copy, or delete it to use the full set."
            ) from None
        print(f"{key}: the full set is not available ({why}); using the real sample in "
              f"{sample_root} instead: {len(ds):,} {split} images. Results are not "
              f"comparable with the full set.")
        return ds
    raise DataError(_missing_message(key, spec, root, why))


def is_sample(name: str, train: bool = True) -> bool:
    """Whether ``name`` was loaded from its smaller real sample (offline CIFAR-10) rather
    than the full set."""
    key = _check_name(name)
    sample = SPECS[key].sample
    return sample is not None and isinstance(_load(key, bool(train)), sample[1])


def load_dataset(name: str, train: bool = True, transform=None):
    """The ``torchvision.datasets`` object for ``name`` (``"mnist"``, ``"fashion-mnist"``,
    ``"cifar10"``), for use with a ``DataLoader`` and per-sample ``transform``."""
    return _load(_check_name(name), bool(train), transform)


def load_tensors(name: str, train: bool = True, n: int | None = None,
                 device: torch.device | str | None = None,
                 image_size: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """A whole split as tensors: images ``(N, C, H, W)`` float32 in ``[0, 1]`` and labels
    ``(N,)`` int64.

    ``n`` keeps the first ``n`` samples (a subset for the quick profile); ``device`` moves
    both tensors there once; ``image_size`` resizes every image to ``image_size ×
    image_size`` now, which multiplies the memory by ``(image_size / 28)²`` on
    Fashion-MNIST (64 times at 224: 12.0 GB for its training set). To train at a larger size,
    load at the native resolution and pass ``image_size`` to :func:`~dlbook_code.train.fit`,
    which enlarges one batch at a time.
    """
    ds = load_dataset(name, train)
    data = ds.data if isinstance(ds.data, torch.Tensor) else torch.from_numpy(ds.data)
    targets = torch.as_tensor(ds.targets, dtype=torch.int64)
    if n is not None:
        data, targets = data[:n], targets[:n]
    x = data.unsqueeze(1) if data.dim() == 3 else data.permute(0, 3, 1, 2)  # (N, C, H, W)
    x = x.to(device=device).float().div_(255)
    if image_size is not None and image_size != x.shape[-1]:
        x = resize(x, image_size)
    return x.contiguous(), targets.to(device)


def split(x: torch.Tensor, y: torch.Tensor, n_val: int | float, seed: int = 0
          ) -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    """Split ``(x, y)`` at random into ``(x_train, y_train), (x_val, y_val)``.

    ``n_val`` is the number of validation samples (an int) or a fraction of ``len(x)`` (a
    float). The permutation comes from its own generator seeded with ``seed``, so the
    same call gives the same split on every run and device, whatever the global seed, and
    the two parts never share a sample.
    """
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x has {x.shape[0]} samples but y has {y.shape[0]}")
    n = x.shape[0]
    k = round(n_val * n) if isinstance(n_val, float) else int(n_val)
    if not 0 < k < n:
        raise ValueError(f"n_val={n_val!r} leaves no training or no validation sample out "
                         f"of {n}; use a count between 1 and {n - 1} or a fraction in (0, 1)")
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed)).to(x.device)
    val, train = order[:k], order[k:]
    return (x[train], y[train]), (x[val], y[val])


def resize(x: torch.Tensor, size: int) -> torch.Tensor:
    """Resize images ``(N, C, H, W)`` to ``(N, C, size, size)`` (bilinear, antialiased)."""
    if x.dim() != 4:
        raise ValueError(f"resize expects images (N, C, H, W), got shape {tuple(x.shape)}")
    return F.interpolate(x, size=(size, size), mode="bilinear", antialias=True,
                         align_corners=False)


def batches(x: torch.Tensor, y: torch.Tensor, batch_size: int, shuffle: bool = False,
            generator: torch.Generator | None = None):
    """Mini-batches ``(x[i], y[i])`` by index, as the course does with ``split``."""
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x has {x.shape[0]} samples but y has {y.shape[0]}")
    if not shuffle:
        yield from zip(x.split(batch_size), y.split(batch_size))
        return
    order = torch.randperm(x.shape[0], generator=generator).to(x.device)
    for idx in order.split(batch_size):
        yield x[idx], y[idx]


def class_names(name: str) -> list[str]:
    """The ten class names of ``name``, in label order."""
    return CLASS_NAMES[_check_name(name)]
