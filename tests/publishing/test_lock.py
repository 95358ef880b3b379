"""The lock installs on every reader's machine: it resolves, without installing anything,
for each platform and Python version the book supports (`make lock`, CONTRIBUTING).

uv resolves ``requirements/lock.txt`` as pip would install it there: the environment markers
select each platform's packages (CUDA libraries only where torch's wheels ask for them), and
every pinned version must have a distribution for that platform and Python. A package
without one fails the test with uv's explanation, which names it. Needs the package
registry (as installing does).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dlbook_build.sources import ROOT

pytestmark = pytest.mark.registry

LOCK = ROOT / "requirements" / "lock.txt"
PLATFORMS = {  # uv's target triples: what readers run
    "Linux x86-64": "x86_64-unknown-linux-gnu",
    "Linux aarch64": "aarch64-unknown-linux-gnu",
    "macOS arm64": "aarch64-apple-darwin",  # macOS 14 or later: torch's wheels need it
    "Windows x86-64": "x86_64-pc-windows-msvc",
}
PYTHONS = ["3.11", "3.12", "3.13"]


def uv() -> str:
    found = Path(sys.executable).with_name("uv")
    return str(found) if found.exists() else (shutil.which("uv") or pytest.skip("uv not installed"))


def _resolve(platform: str, python: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [uv(), "pip", "compile", str(LOCK), "--python-platform", platform, "--python-version",
         python, "--no-header", "--no-annotate", "-q", "--no-deps"],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "MACOSX_DEPLOYMENT_TARGET": "14.0"})


@pytest.fixture(scope="module")
def resolutions() -> dict[tuple[str, str], subprocess.CompletedProcess]:
    """Every platform and Python resolved at once (uv waits on the registry, not the CPU)."""
    from concurrent.futures import ThreadPoolExecutor

    pairs = [(PLATFORMS[name], py) for name in PLATFORMS for py in PYTHONS]
    with ThreadPoolExecutor(max_workers=len(pairs)) as pool:
        return dict(zip(pairs, pool.map(lambda pair: _resolve(*pair), pairs)))


def resolve(resolutions, platform: str, python: str) -> dict[str, str]:
    out = resolutions[platform, python]
    assert out.returncode == 0, f"the lock does not install on {platform}, Python {python}:\n{out.stderr}"
    return dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", out.stdout, re.M))


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("name", list(PLATFORMS))
def test_the_lock_resolves(resolutions, name, python):
    pins = {k.lower().replace("_", "-"): v
            for k, v in resolve(resolutions, PLATFORMS[name], python).items()}
    assert "torch" in pins and "jupyter-book" in pins
    cuda = sorted(p for p in pins if p.startswith("nvidia-") or p == "triton")
    if name.startswith("Linux x86-64"):
        assert cuda, "torch's Linux wheels need their CUDA libraries"
    if not name.startswith("Linux"):
        assert not cuda, f"CUDA packages on {name}: {cuda}"


def test_a_package_missing_on_a_platform_fails_by_name(tmp_path):
    """What the old, Linux-only lock did: a CUDA package pinned without a marker."""
    lock = tmp_path / "lock.txt"
    lock.write_text("cuda-bindings==13.5.0\n")
    out = subprocess.run([uv(), "pip", "compile", str(lock), "--python-platform",
                          PLATFORMS["macOS arm64"], "--python-version", "3.12", "-q",
                          "--no-deps"], capture_output=True, text=True, timeout=300)
    assert out.returncode != 0 and "cuda-bindings" in out.stderr, out.stderr
