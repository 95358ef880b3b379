"""Shared test setup.

Chapters are MyST Markdown; pytest-nbmake collects only ``.ipynb``. The book's build
(``dlbook_build/colab.py``) writes, for every chapter in ``_toc.yml`` that is a notebook, the
plain notebook that readers open in Colab: ``_build/html/_colab/<part>/<name>.ipynb``.
``testpaths`` includes that folder and, with nbmake on (``make test`` passes ``--nbmake``),
the hook in the root ``conftest.py`` collects them (nbmake alone skips anything under
``_build``), so the suite executes exactly those
notebooks (their Colab install cell does nothing outside Colab), and a new chapter is
executed with no test edit. ``tests/publishing/test_colab.py`` checks that every chapter has its
notebook. Which pages there are, which are notebooks, and where the build and its Colab
notebooks are (``ROOT``, ``BUILD``, ``COLAB``) comes from :mod:`dlbook_build.sources`, as for
the build itself: test modules import them from there (``pyproject.toml`` puts the
repository root on ``sys.path``), never from a conftest. This file holds fixtures only.

Markers (``pyproject.toml``) say what a test needs beyond the package: ``book`` (the built
book), ``notebooks``, ``browser``, ``build`` (real one-chapter builds), ``registry`` (the
package registry). ``make unit`` runs the tests that need none of them.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from dlbook_build.sources import BUILD

matplotlib.use("Agg")  # figures are drawn off-screen in every test


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
