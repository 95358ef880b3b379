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

from conftest import ROOT

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


def resolve(platform: str, python: str) -> dict[str, str]:
    out = subprocess.run(
        [uv(), "pip", "compile", str(LOCK), "--python-platform", platform, "--python-version",
         python, "--no-header", "--no-annotate", "-q", "--no-deps"],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "MACOSX_DEPLOYMENT_TARGET": "14.0"})
    assert out.returncode == 0, f"the lock does not install on {platform}, Python {python}:\n{out.stderr}"
    return dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", out.stdout, re.M))


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("name", list(PLATFORMS))
def test_the_lock_resolves(name, python):
    pins = {k.lower().replace("_", "-"): v for k, v in resolve(PLATFORMS[name], python).items()}
    assert "torch" in pins and "jupyter-book" in pins
    cuda = sorted(p for p in pins if p.startswith("nvidia-") or p == "triton")
    if name.startswith("Linux x86-64"):
        assert cuda, "torch's Linux wheels need their CUDA libraries"
    if not name.startswith("Linux"):
        assert not cuda, f"CUDA packages on {name}: {cuda}"
