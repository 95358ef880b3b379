"""Data loading on small IDX and pickle files written by the tests, offline errors, and the
CIFAR-10 sample fallback."""

import gzip
import hashlib
import pickle
import struct

import numpy as np
import pytest
import torch

from dlbook_code import data
from dlbook_code.data import DataError, batches, load_tensors, resize, split


@pytest.fixture(autouse=True)
def fresh_cache():
    data._load.cache_clear()
    yield
    data._load.cache_clear()


def idx_images(n, rows=28, cols=28, seed=0):
    pixels = np.random.default_rng(seed).integers(0, 256, (n, rows, cols), dtype=np.uint8)
    return struct.pack(">IIII", 2051, n, rows, cols) + pixels.tobytes(), pixels


def idx_labels(n):
    labels = (np.arange(n) % 10).astype(np.uint8)
    return struct.pack(">II", 2049, n) + labels.tobytes(), labels


def write_mnist(root, folder="MNIST", n_train=30, n_test=10):
    raw = root / folder / "raw"
    raw.mkdir(parents=True)
    train_img, pixels = idx_images(n_train)
    (raw / "train-images-idx3-ubyte").write_bytes(train_img)
    (raw / "train-labels-idx1-ubyte").write_bytes(idx_labels(n_train)[0])
    (raw / "t10k-images-idx3-ubyte").write_bytes(idx_images(n_test, seed=1)[0])
    (raw / "t10k-labels-idx1-ubyte").write_bytes(idx_labels(n_test)[0])
    return pixels


def test_mnist_as_tensors(tmp_path, monkeypatch):
    monkeypatch.setenv("DLBOOK_DATA", str(tmp_path))
    pixels = write_mnist(tmp_path)
    x, y = load_tensors("mnist")
    assert x.shape == (30, 1, 28, 28) and x.dtype == torch.float32
    assert y.dtype == torch.int64 and y[:12].tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]
    assert torch.equal(x[3, 0], torch.from_numpy(pixels[3]).float() / 255)
    xt, _ = load_tensors("mnist", train=False, n=4, image_size=14)
    assert xt.shape == (4, 1, 14, 14)


def test_fashion_mnist_uses_its_own_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("DLBOOK_DATA", str(tmp_path))
    write_mnist(tmp_path, folder="FashionMNIST")
    x, _ = load_tensors("fashion-mnist", n=5)
    assert x.shape == (5, 1, 28, 28)
    with pytest.raises(DataError, match="mnist"):
        load_tensors("mnist")  # only Fashion-MNIST is there


def test_missing_offline_is_one_clear_error_and_leaves_nothing(tmp_path, monkeypatch):
    root = tmp_path / "data"
    monkeypatch.setenv("DLBOOK_DATA", str(root))
    with pytest.raises(DataError) as err:
        load_tensors("mnist")
    msg = str(err.value)
    assert "mnist" in msg and str(root) in msg and "DLBOOK_DATA" in msg
    assert list(root.rglob("*")) == []  # nothing half-written


@pytest.mark.parametrize("name", ["mnist", "fashion-mnist", "cifar10"])
def test_missing_advice_names_what_a_reader_has(tmp_path, monkeypatch, name):
    """The advice: go online (unset DLBOOK_OFFLINE), or fetch each file from its URL to its
    path, or point DLBOOK_DATA at a copy; nothing that only the project's machines have."""
    monkeypatch.setenv("DLBOOK_DATA", str(tmp_path))
    monkeypatch.setenv("DLBOOK_OFFLINE", "1")
    with pytest.raises(DataError) as err:
        load_tensors(name)
    msg = str(err.value)
    spec = data.SPECS[name]
    assert "unset DLBOOK_OFFLINE" in msg and "DLBOOK_DATA" in msg
    for url, (path, _) in zip(spec.urls, spec.archives):
        assert url.startswith("http") and f"{url}  ->  {tmp_path / path}" in msg
    assert "shared" not in msg and "mirror" not in msg


def test_corrupt_archive_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("DLBOOK_DATA", str(tmp_path))
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(b"not mnist"))
    with pytest.raises(DataError, match="corrupt"):
        load_tensors("mnist")


def test_corrupt_unpacked_file_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("DLBOOK_DATA", str(tmp_path))
    write_mnist(tmp_path)
    path = tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:100])  # truncated
    with pytest.raises(DataError, match="corrupt"):
        load_tensors("mnist")


def write_cifar_sample(folder, n=4):
    batches_dir = folder / "cifar-10-batches-py"
    batches_dir.mkdir(parents=True)
    md5s = {}
    rng = np.random.default_rng(0)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        d = {"batch_label": name, "labels": list(range(n)),
             "data": rng.integers(0, 256, (n, 3072), dtype=np.uint8)}
        (batches_dir / name).write_bytes(pickle.dumps(d))
        md5s[name] = hashlib.md5((batches_dir / name).read_bytes()).hexdigest()
    meta = {"label_names": data.CLASS_NAMES["cifar10"]}
    (batches_dir / "batches.meta").write_bytes(pickle.dumps(meta))
    md5s["batches.meta"] = hashlib.md5((batches_dir / "batches.meta").read_bytes()).hexdigest()
    return md5s


def test_cifar_falls_back_to_the_sample_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DLBOOK_DATA", str(tmp_path))
    md5s = write_cifar_sample(tmp_path / data.CIFAR10_SAMPLE_FOLDER)
    monkeypatch.setattr(data, "CIFAR10_SAMPLE_MD5", md5s)
    x, y = load_tensors("cifar10")
    assert x.shape == (20, 3, 32, 32)
    ds = data.load_dataset("cifar10")  # what chapters use of torchvision's CIFAR10
    assert ds.data.shape == (20, 32, 32, 3) and len(ds.targets) == len(ds) == 20
    assert ds.class_to_idx["horse"] == ds.classes.index("horse") == 7
    image, label = ds[3]
    assert image.size == (32, 32) and label == ds.targets[3]
    out = capsys.readouterr().out
    assert "sample" in out and "not comparable" in out
    assert data.is_sample("cifar10") and data.is_sample("cifar10", train=False)


def test_full_set_is_not_the_sample(tmp_path, monkeypatch):
    monkeypatch.setenv("DLBOOK_DATA", str(tmp_path))
    write_mnist(tmp_path)
    assert not data.is_sample("mnist")


def test_corrupt_cifar_archive_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("DLBOOK_DATA", str(tmp_path))
    (tmp_path / data.SPECS["cifar10"].archives[0][0]).write_bytes(b"not a tar.gz")
    with pytest.raises(DataError, match="corrupt"):
        load_tensors("cifar10")


def test_cifar_sample_with_wrong_md5_is_corrupt(tmp_path, monkeypatch):
    monkeypatch.setenv("DLBOOK_DATA", str(tmp_path))
    write_cifar_sample(tmp_path / data.CIFAR10_SAMPLE_FOLDER)  # md5s differ from the mirror's
    with pytest.raises(DataError, match="md5"):
        load_tensors("cifar10")


def test_no_sample_no_cifar(tmp_path, monkeypatch):
    monkeypatch.setenv("DLBOOK_DATA", str(tmp_path))
    with pytest.raises(DataError, match="cifar10"):
        load_tensors("cifar10")


def test_unknown_name_and_bad_shapes():
    with pytest.raises(ValueError, match="unknown data set"):
        load_tensors("imagenet")
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        resize(torch.zeros(28, 28), 14)
    with pytest.raises(ValueError, match="samples"):
        next(batches(torch.zeros(4, 2), torch.zeros(3), 2))


def test_batches_cover_every_sample_once():
    x, y = torch.arange(10).float()[:, None], torch.arange(10)
    seen = torch.cat([yb for _, yb in batches(x, y, 3, shuffle=True)])
    assert sorted(seen.tolist()) == list(range(10))
    assert [len(yb) for _, yb in batches(x, y, 3)] == [3, 3, 3, 1]


def test_real_cifar_horse_is_image_43():
    """The lectures' horse: channel 0 of training image 43 starts 99 98 100 103..."""
    if not (data.data_root() / "cifar-10-batches-py").exists() and \
            not (data.data_root() / data.CIFAR10_SAMPLE_FOLDER).exists():
        pytest.skip("no CIFAR-10 in DLBOOK_DATA")
    ds = data.load_dataset("cifar10")
    first = torch.from_numpy(ds.data[43]).permute(2, 0, 1)[0, 0, :8].tolist()
    assert first == [99, 98, 100, 103, 105, 107, 108, 110]


def test_split_is_reproducible_disjoint_and_complete():
    x = torch.arange(100.0).view(100, 1)
    y = torch.arange(100)
    (xa, ya), (va, vya) = split(x, y, 0.2, seed=3)
    torch.manual_seed(123)  # the global seed does not move the split
    (xb, _), (vb, _) = split(x, y, 20, seed=3)
    assert len(va) == 20 and len(xa) == 80
    assert torch.equal(va, vb) and torch.equal(xa, xb)
    assert set(ya.tolist()).isdisjoint(vya.tolist())
    assert sorted(ya.tolist() + vya.tolist()) == list(range(100))
    assert torch.equal(xa[:, 0].long(), ya)  # images stay with their labels
    (_, _), (vc, _) = split(x, y, 20, seed=4)
    assert not torch.equal(va, vc)


@pytest.mark.parametrize("n_val", [0, 100, 1.0, 0.0])
def test_split_that_leaves_a_part_empty_is_refused(n_val):
    with pytest.raises(ValueError, match="n_val"):
        split(torch.zeros(100, 1), torch.zeros(100), n_val)


def test_the_table_matches_the_real_files():
    """The md5 sums the book states itself (no torchvision internals) are those of the real
    files, where the offline mirror holds them."""
    mirror = data.data_root()
    found = 0
    for spec in data.SPECS.values():
        for path, md5 in spec.archives:
            if (mirror / path).is_file():
                assert data._md5(mirror / path) == md5, path
                found += 1
    sample = mirror / data.CIFAR10_SAMPLE_FOLDER / "cifar-10-batches-py"
    for name, md5 in data.CIFAR10_SAMPLE_MD5.items():
        if (sample / name).is_file():
            assert data._md5(sample / name) == md5, name
            found += 1
    if not found:
        pytest.skip(f"no data set files in {mirror}")


def test_one_process_at_a_time_loads_a_data_set(tmp_path, monkeypatch):
    """torchvision unpacks archives next to themselves: a second process that loads the same
    data set meanwhile must wait for the first (two chapters executed at once), and then
    finds it ready."""
    import subprocess
    import sys
    import time

    from filelock import FileLock

    monkeypatch.setenv("DLBOOK_DATA", str(tmp_path))
    write_mnist(tmp_path)
    code = ("from dlbook_code import load_tensors; print('imported', flush=True); "
            "print(len(load_tensors('mnist')[0]))")
    with FileLock(str(data._lock_file("mnist"))):  # this process is loading MNIST
        other = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        assert other.stdout.readline().strip() == "imported"
        time.sleep(2)  # loading 30 images takes a fraction of this
        assert other.poll() is None, "the second process did not wait for the first"
    out, _ = other.communicate(timeout=60)
    assert other.returncode == 0 and out.strip() == "30"
