"""Shared test setup.

Chapters are MyST Markdown; pytest-nbmake collects only ``.ipynb``. The book's build
(``_ext/dlbook_colab.py``) writes, for every chapter in ``_toc.yml`` that is a notebook, the
plain notebook that readers open in Colab: ``_build/html/_colab/<part>/<name>.ipynb``.
``testpaths`` includes that folder and the hook in the root ``conftest.py`` collects them
(nbmake alone skips anything under ``_build``), so the suite executes exactly those
notebooks (their Colab install cell does nothing outside Colab), and a new chapter is
executed with no test edit. ``tests/test_colab.py`` checks that every chapter has its
notebook.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # figures are drawn off-screen in every test

ROOT = Path(__file__).resolve().parents[1]
# The build folder: `_build` unless DLBOOK_BUILD_DIR points at another one (a build made with
# `jupyter-book build . --path-output DIR` writes DIR/_build).
BUILD = Path(os.environ.get("DLBOOK_BUILD_DIR") or ROOT / "_build")
COLAB = BUILD / "html" / "_colab"


def toc_files() -> list[Path]:
    """Every source file named in _toc.yml, in reading order."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    out: list[Path] = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                out.append(ROOT / f"{node['file']}.md")
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []):
                    walk(child)

    out.append(ROOT / f"{toc['root']}.md")
    walk(toc)
    return out


def is_notebook(path: Path) -> bool:
    head = path.read_text(encoding="utf-8")[:800]
    return head.startswith("---") and "kernelspec:" in head


def chapter_notebooks() -> list[Path]:
    return [p for p in toc_files() if p.exists() and is_notebook(p)]


def colab_notebook(source: Path) -> Path:
    """The Colab notebook the build made from a chapter's source."""
    return COLAB / source.relative_to(ROOT).with_suffix(".ipynb")


@pytest.fixture(autouse=True)
def _close_figures():
    """Each test starts with no open figure and leaves none behind."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(autouse=True)
def _offline_data(monkeypatch):
    """Unit tests never touch the network."""
    monkeypatch.setenv("DLBOOK_OFFLINE", "1")


@pytest.fixture
def built_site() -> Path:
    html = BUILD / "html"
    if not (html / "index.html").exists():
        pytest.fail("the book is not built: run `make book` (or `jupyter-book build .`) first")
    return html
