"""Collect the Colab notebooks that the build writes to ``_build/html/_colab`` for nbmake.

nbmake ignores every path with a ``_build`` folder in it, so pytest would silently execute
no chapter at all. This hook (at the root, so that it applies to ``_build``) hands those
notebooks to nbmake's own collector when nbmake is on (``make test`` passes ``--nbmake``);
everything else is in ``tests/conftest.py``.
"""

from __future__ import annotations

from pathlib import Path

from dlbook_build.sources import COLAB

_COLAB = COLAB.resolve()


def pytest_collect_file(file_path: Path, parent):
    if not getattr(parent.config.option, "nbmake", False) or file_path.suffix != ".ipynb":
        return None
    if _COLAB in file_path.resolve().parents:
        from nbmake.pytest_items import NotebookFile

        return NotebookFile.from_parent(parent, path=file_path)
    return None
