"""MNIST, Fashion-MNIST and CIFAR-10 as whole tensors, the way the course handles data.

The fast path, :func:`load_tensors`, returns a whole split as two tensors (images
``(N, C, H, W)`` as float32 in ``[0, 1]``, labels ``(N,)`` as int64), optionally moved to the
device once; training then batches by index with :func:`batches`. :func:`load_dataset`
returns the ``torchvision`` data set itself, for readers who want per-sample transforms and a
``DataLoader``.

Files live under :func:`data_root` in the layout ``torchvision.datasets`` leaves after a
download, and are checked with torchvision's md5 sums. Offline with the files missing, or
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
from pathlib import Path

import torch
import torch.nn.functional as F
from torchvision import datasets

# torchvision class and the folder it keeps its files in, per data set.
_CLASSES = {
    "mnist": datasets.MNIST,
    "fashion-mnist": datasets.FashionMNIST,
    "cifar10": datasets.CIFAR10,
}

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
    if key not in _CLASSES:
        raise ValueError(f"unknown data set {name!r}; use one of {', '.join(_CLASSES)}")
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
def _cleanup_on_failure(folder: Path, archive: Path | None = None) -> Iterator[None]:
    """If the block fails, remove every file it created under ``folder`` and a newly
    created ``archive`` (a partial download): nothing half-written is left behind."""
    existed = folder.exists()
    before = set(folder.rglob("*")) if existed else set()
    archive_existed = archive is not None and archive.exists()
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
        if archive is not None and not archive_existed and archive.is_file():
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


def _mnist_archives_bad(cls, root: Path) -> list[str]:
    """Archives present in the raw folder whose md5 differs from torchvision's."""
    raw = root / cls.__name__ / "raw"
    bad = []
    for filename, md5 in cls.resources:
        name = os.path.basename(filename)
        path = raw / name
        if path.exists() and _md5(path) != md5:
            bad.append(str(path))
    return bad


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


def _missing_message(key: str, root: Path, why: str) -> str:
    return (
        f"The {key} data set is not in {root} and could not be downloaded ({why}).\n"
        f"Fix: go online once (it downloads by itself), or set DLBOOK_DATA to a folder that "
        f"holds it in torchvision's layout (for example a writable copy of the book's "
        f"offline mirror: cp -r shared/datasets /tmp/dlbook-data && "
        f"export DLBOOK_DATA=/tmp/dlbook-data)."
    )


@functools.cache
def _load(key: str, train: bool, transform=None):
    """The torchvision data set, found, extracted, downloaded or explained."""
    cls = _CLASSES[key]
    root = data_root()
    split = "train" if train else "test"

    # 1. Already there and intact.
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return cls(str(root), train=train, download=False, transform=transform)
    except RuntimeError:
        pass  # not found (or, for CIFAR-10, failing its md5 check): go on
    except Exception as e:  # unreadable files
        raise DataError(
            f"The {key} {split} files in {root} are corrupt ({type(e).__name__}: {e}).\n"
            f"Fix: delete {root / cls.__name__} (or its unpacked files) and load again."
        ) from None

    # 2. Archives present but corrupt: say so rather than trying to download over them.
    if key != "cifar10":
        bad = _mnist_archives_bad(cls, root)
        if bad:
            raise DataError(
                f"The {key} archive(s) {', '.join(bad)} are corrupt: their md5 differs from "
                f"torchvision's.\nFix: delete them and load again (online it re-downloads), "
                f"or copy intact files from the offline mirror."
            )
        folder = root / cls.__name__
    else:
        folder = root / cls.base_folder

    # 3. Extract verified archives, or download them (unless told to stay offline).
    if not root.exists():
        try:
            root.mkdir(parents=True)
        except OSError as e:
            raise DataError(f"Cannot create the data folder {root} ({e}); set DLBOOK_DATA "
                            f"to a writable folder.") from None
    why = "DLBOOK_OFFLINE is set"
    try:
        if key == "cifar10" and _offline() and not (root / cls.filename).exists():
            raise OSError(why)
        if key != "cifar10" and _offline():
            raw = folder / "raw"
            names = [os.path.basename(f) for f, _ in cls.resources]
            if not all((raw / n).exists() for n in names):
                raise OSError(why)
        archive = root / cls.filename if key == "cifar10" else None
        with _cleanup_on_failure(folder, archive):
            return _quiet_download(cls, root, train, transform)
    except PermissionError as e:
        raise DataError(
            f"The data folder {root} is not writable ({e}). torchvision unpacks archives next "
            f"to themselves: point DLBOOK_DATA at a writable copy."
        ) from None
    except Exception as e:  # network down, DNS failure, HTTP error, timeout
        why = str(e) or type(e).__name__

    # 4. CIFAR-10 only: fall back to the real sample of the offline mirror, loudly.
    if key == "cifar10":
        sample_root = root / CIFAR10_SAMPLE_FOLDER
        if sample_root.exists():
            try:
                ds = _CIFAR10Sample(str(sample_root), train=train, download=False,
                                    transform=transform)
            except RuntimeError:
                raise DataError(
                    f"The CIFAR-10 sample in {sample_root} fails its md5 check: a file is "
                    f"corrupt. Fix: copy it again from the offline mirror."
                ) from None
            print(f"CIFAR-10: the full set is not available ({why}); using the real sample in "
                  f"{sample_root} instead: {len(ds):,} {split} images, the first 1,000 of each "
                  f"official batch. Results are not comparable with full CIFAR-10.")
            ds.is_sample = True
            return ds
    raise DataError(_missing_message(key, root, why))


def load_dataset(name: str, train: bool = True, transform=None):
    """The ``torchvision.datasets`` object for ``name`` (``"mnist"``, ``"fashion-mnist"``,
    ``"cifar10"``), for use with a ``DataLoader`` and per-sample ``transform``."""
    return _load(_check_name(name), bool(train), transform)


def load_tensors(name: str, train: bool = True, n: int | None = None,
                 device: torch.device | str | None = None,
                 image_size: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """A whole split as tensors: images ``(N, C, H, W)`` float32 in ``[0, 1]`` and labels
    ``(N,)`` int64.

    ``n`` keeps the first ``n`` samples (a subset for the quick profile); ``image_size``
    resizes to ``image_size × image_size``; ``device`` moves both tensors there once.
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
