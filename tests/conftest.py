"""Shared test setup.

Chapters are MyST Markdown; pytest-nbmake collects only ``.ipynb``. The book's build
(``dlbook_build/colab.py``) writes, for every chapter in ``_toc.yml`` that is a notebook, the
plain notebook that readers open in Colab: ``_build/html/_colab/<part>/<name>.ipynb``.
``testpaths`` includes that folder and the hook in the root ``conftest.py`` collects them
(nbmake alone skips anything under ``_build``), so the suite executes exactly those
notebooks (their Colab install cell does nothing outside Colab), and a new chapter is
executed with no test edit. ``tests/publishing/test_colab.py`` checks that every chapter has its
notebook. Which pages there are, and which are notebooks, comes from
:mod:`dlbook_build.sources`, as for the build itself.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from dlbook_build import sources

matplotlib.use("Agg")  # figures are drawn off-screen in every test

ROOT = sources.ROOT
# The build folder: `_build` unless DLBOOK_BUILD_DIR points at another one (a build made with
# `jupyter-book build . --path-output DIR` writes DIR/_build).
BUILD = sources.BUILD
COLAB = BUILD / "html" / "_colab"
is_notebook = sources.is_notebook


def toc_files() -> list[Path]:
    """Every source file named in _toc.yml, in reading order."""
    return [ROOT / f"{page}.md" for page in sources.toc()]


def chapter_notebooks() -> list[Path]:
    return sources.chapters()


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
