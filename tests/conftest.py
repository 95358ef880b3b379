"""Shared test setup.

Chapters are MyST Markdown; pytest-nbmake collects only ``.ipynb``. At session start every
chapter listed in ``_toc.yml`` that is a notebook (has a kernelspec) is converted with
jupytext into ``_build/notebooks/<part>/<name>.ipynb``, which ``testpaths`` includes, so a
new chapter is executed by the suite with no test edit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "_build" / "notebooks"


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


def convert_chapters() -> None:
    import jupytext

    NOTEBOOKS.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for md in chapter_notebooks():
        rel = md.relative_to(ROOT / "book").with_suffix(".ipynb")
        out = NOTEBOOKS / rel
        wanted.add(out)
        if out.exists() and out.stat().st_mtime >= md.stat().st_mtime:
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        jupytext.write(jupytext.read(md), out)
    for stale in NOTEBOOKS.rglob("*.ipynb"):  # chapters removed from the toc
        if stale not in wanted:
            stale.unlink()


def pytest_sessionstart(session):
    convert_chapters()


@pytest.fixture(autouse=True)
def _offline_data(monkeypatch):
    """Unit tests never touch the network."""
    monkeypatch.setenv("DLBOOK_OFFLINE", "1")


@pytest.fixture
def built_site() -> Path:
    html = ROOT / "_build" / "html"
    if not (html / "index.html").exists():
        pytest.fail("the book is not built: run `make book` (or `jupyter-book build .`) first")
    return html
