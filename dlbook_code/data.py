"""MNIST, Fashion-MNIST and CIFAR-10 as whole tensors, the way the course handles data.

The fast path, :func:`load_tensors`, returns a whole split as two tensors (images
``(N, C, H, W)`` as float32 in ``[0, 1]``, labels ``(N,)`` as int64), optionally moved to the
device once; training then batches by index with :func:`batches` (and enlarges each batch, if
the model wants larger images, as it goes). :func:`load_dataset`
returns the ``torchvision`` data set itself, for readers who want per-sample transforms and a
``DataLoader``.

Files live under :func:`data_root` in the layout ``torchvision.datasets`` leaves after a
download (one entry of ``SPECS`` per data set says where), and are checked with
torchvision's md5 sums. Offline with the files missing, or
with a corrupt file, loading raises one :class:`DataError` that says what to do.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
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


class _CIFAR10Sample(datasets.CIFAR10):
    """The real 1,000-images-per-batch CIFAR-10 sample of the offline mirror (see its
    README): same pickle layout as the official files, other md5 sums."""

    train_list = [
        ["data_batch_1", "461de160337daa1396658fea55934c30"],
        ["data_batch_2", "388567e07724160d492ac3c562ceb223"],
        ["data_batch_3", "83f11597c536116ac19ff3ecbeb9742f"],
        ["data_batch_4", "1bcde159129028aada2e3c4fa3819a96"],
        ["data_batch_5", "22198aa52da958cda3bbec8296931284"],
    ]
    test_list = [["test_batch", "b0e4545a424ef5a6fd6820f9403227db"]]


CIFAR10_SAMPLE_FOLDER = "cifar-10-sample"


@dataclass(frozen=True)
class Spec:
    """Where one data set's files live under :func:`data_root` and where they come from."""

    cls: type                               # the torchvision class that reads and downloads it
    folder: str                             # the folder its unpacked files go into
    archives: tuple[tuple[str, str], ...]   # (path under data_root(), md5) of each download
    urls: tuple[str, ...]                   # where those archives are downloaded from
    sample: tuple[str, type] | None = None  # (folder, class) of a smaller real stand-in


def _mnist_like(cls) -> Spec:
    """MNIST and Fashion-MNIST: four gzipped IDX files under ``<Class>/raw``."""
    return Spec(cls, cls.__name__,
                tuple((f"{cls.__name__}/raw/{f}", md5) for f, md5 in cls.resources),
                tuple(cls.mirrors[0] + f for f, _ in cls.resources))


SPECS = {
    "mnist": _mnist_like(datasets.MNIST),
    "fashion-mnist": _mnist_like(datasets.FashionMNIST),
    "cifar10": Spec(datasets.CIFAR10, datasets.CIFAR10.base_folder,
                    ((datasets.CIFAR10.filename, datasets.CIFAR10.tgz_md5),),
                    (datasets.CIFAR10.url,),
                    sample=(CIFAR10_SAMPLE_FOLDER, _CIFAR10Sample)),
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
    """The torchvision data set, found, extracted, downloaded or explained."""
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
            f"torchvision's.\nFix: delete them and load again (online it downloads them "
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
