"""A one-chapter copy of the repository, built by the real ``jupyter-book build``: what the
build-side tests (the cache, lessons not shown) run on, in a few seconds per build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from dlbook_build.sources import ROOT

FRONT = """\
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

"""

TOC = """\
format: jb-book
root: book/execution-report
chapters:
  - file: book/probe/probe
"""


def one_chapter_copy(root: Path, chapter: str) -> Path:
    """``root`` made into a copy of the repository with only the execution report and one
    chapter, ``book/probe/probe.md``, whose MyST text (after the front matter) is ``chapter``."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("dlbook_code", "dlbook_build", "requirements", "_static", "_templates"):
        shutil.copytree(ROOT / folder, root / folder, ignore=ignore)
    shutil.copy(ROOT / "_config.yml", root)
    (root / "_toc.yml").write_text(TOC)
    (root / "book" / "probe").mkdir(parents=True)
    for name in ("references.bib", "execution-report.md"):
        shutil.copy(ROOT / "book" / name, root / "book" / name)
    (root / "book" / "probe" / "probe.md").write_text(FRONT + chapter)
    return root


def copy_env(root: Path, **extra: str | None) -> dict[str, str]:
    """The environment a command in the copy runs with (``None`` removes a variable)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DLBOOK_BUILD_DIR", "DLBOOK_LESSONS")}
    env.update(PYTHONPATH=str(root))
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def jupyter_book(root: Path, **extra: str | None) -> subprocess.CompletedProcess:
    """``jupyter-book build . --builder html`` in the copy; its output, not checked."""
    jb = Path(sys.executable).with_name("jupyter-book")
    return subprocess.run([str(jb), "build", ".", "--builder", "html"], cwd=root,
                          env=copy_env(root, **extra), capture_output=True, text=True,
                          timeout=300)


def page(root: Path) -> str:
    return (root / "_build" / "html" / "book" / "probe" / "probe.html").read_text(encoding="utf-8")
