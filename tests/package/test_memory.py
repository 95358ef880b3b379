"""Memory: the full-profile data path grows with the batch, not with the data set.

Runs ``benchmarks/memory.py --data-path`` in a fresh process: the whole Fashion-MNIST
(60,000 + 10,000 images) loaded at 28 × 28 and one epoch of ``fit`` enlarging each batch to
the largest full-profile image size. Its peak resident memory must stay under 4 GB (the old
path, the whole set enlarged at once to 224 × 224, needed about 14 GB for the images alone).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dlbook_code import data
from dlbook_code.profile import EXPERIMENTS

ROOT = Path(__file__).resolve().parents[2]
LIMIT_MB = 4 * 1024


def largest_full_data_path() -> tuple[int, int]:
    """(image size, batch size) of the full-profile experiment with the largest batch of
    enlarged images."""
    full = [e["full"] for e in EXPERIMENTS.values() if e["full"].image_size]
    s = max(full, key=lambda s: s.image_size ** 2 * s.batch_size)
    return s.image_size, s.batch_size


def run_memory(*args: str) -> dict:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "memory.py"), *args],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_largest_full_profile_data_path_stays_under_4_gb():
    if not (data.data_root() / "FashionMNIST").exists():
        pytest.skip("no Fashion-MNIST in DLBOOK_DATA")
    size, batch = largest_full_data_path()
    r = run_memory("--data-path", str(size), str(batch))
    assert r["images"] == 70000  # the whole data set, as the full profile loads it
    assert r["peak_mb"] < LIMIT_MB, r


def test_the_measurement_sees_the_old_whole_set_path():
    """The probe can fail: enlarging whole subsets at once costs, per image, the float32
    size of an enlarged image (to 10%)."""
    if not (data.data_root() / "FashionMNIST").exists():
        pytest.skip("no Fashion-MNIST in DLBOOK_DATA")
    r = run_memory("--data-path", "224", "0", "--whole-set")
    (p0, p1), (n0, n1) = r["peak_mb"], r["images"]
    per_image_mb = 4 * 224 * 224 / 2**20
    assert (p1 - p0) / (n1 - n0) == pytest.approx(per_image_mb, rel=0.1), r
