"""The execution cache cannot go stale (dlbook_build/cache.py, README "Building").

In a temporary copy of the repository holding one tiny chapter (and the execution report),
the real build is run several times: a chapter re-executes when a ``dlbook_code`` function it
calls changes, and its page then shows the new result; a rebuild with nothing changed
executes nothing; another profile reuses nothing. The chapter counts its own executions in a
file beside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

CHAPTER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Probe

```{code-cell} ipython3
from pathlib import Path

from dlbook_code import expect
from dlbook_code.cache_probe import answer

with Path("runs.log").open("a") as f:
    f.write("run\\n")
print(f"the answer is {answer()}")
expect(answer(), ">", 0, "the probe answers")
```
"""

TOC = """\
format: jb-book
root: book/execution-report
chapters:
  - file: book/probe/probe
"""


def probe_module(value: int) -> str:
    return f'"""A function the probe chapter calls."""\n\n\ndef answer() -> int:\n    return {value}\n'


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    """A copy of the repository with only the report and one tiny chapter."""
    root = tmp_path_factory.mktemp("book")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("dlbook_code", "dlbook_build", "requirements", "_static"):
        shutil.copytree(ROOT / folder, root / folder, ignore=ignore)
    shutil.copy(ROOT / "_config.yml", root)
    (root / "_toc.yml").write_text(TOC)
    (root / "book" / "probe").mkdir(parents=True)
    for name in ("references.bib", "execution-report.md"):
        shutil.copy(ROOT / "book" / name, root / "book" / name)
    (root / "book" / "probe" / "probe.md").write_text(CHAPTER)
    (root / "dlbook_code" / "cache_probe.py").write_text(probe_module(41))
    return root


def build(root: Path, profile: str = "quick") -> int:
    """Build the copy's website; return how many times the chapter executed."""
    log = root / "book" / "probe" / "runs.log"
    before = len(log.read_text().splitlines()) if log.exists() else 0
    env = {k: v for k, v in os.environ.items() if k != "DLBOOK_BUILD_DIR"}
    env.update(PYTHONPATH=str(root), DLBOOK_PROFILE=profile, DLBOOK_LESSONS="strict")
    jb = Path(sys.executable).with_name("jupyter-book")
    out = subprocess.run([str(jb), "build", ".", "--builder", "html"], cwd=root, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return len(log.read_text().splitlines()) - before


def page(root: Path) -> str:
    return (root / "_build" / "html" / "book" / "probe" / "probe.html").read_text(encoding="utf-8")


def cache_folders(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "_build" / ".jupyter_cache").iterdir() if p.is_dir())


def test_cache_follows_code_profile_and_nothing_else(book):
    assert build(book) == 1
    assert "the answer is 41" in page(book)
    assert build(book) == 0, "nothing changed, yet the chapter executed again"

    (book / "dlbook_code" / "cache_probe.py").write_text(probe_module(42))
    assert build(book) == 1, "a dlbook_code function the chapter calls changed: no re-execution"
    assert "the answer is 42" in page(book), "the page still shows the old output"
    assert len([f for f in cache_folders(book) if f.startswith("quick-")]) == 1, \
        "the outdated quick-profile cache was kept"

    assert build(book, "full") == 1, "the full profile reused the quick profile's outputs"
    assert build(book, "quick") == 0, "switching back to quick did not find its cache"
    assert {f.split("-")[0] for f in cache_folders(book)} == {"quick", "full"}

    report = (book / "_build" / "html" / "book" / "execution-report.html").read_text(encoding="utf-8")
    from dlbook_build import sources

    fp = sources.fingerprint("quick", sources.environment()["kind"], book)[:12]
    assert fp in report and "the probe answers" in report
