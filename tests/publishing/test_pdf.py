"""The book as one PDF (`make pdf`: `jupyter-book build . --builder pdflatex`, XeLaTeX).

Checks the PDF the build made: every chapter is in it with its number, the figures are
embedded, nothing is left unresolved (``??``), no ANSI escape codes or missing glyphs, the
bibliography is there, and the website links to it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from dlbook_build.sources import BUILD, ROOT, chapters, toc_files

pytestmark = pytest.mark.book

LATEX = BUILD / "latex"
PDF = LATEX / "book.pdf"


@pytest.fixture(scope="module")
def pdf() -> Path:
    if not PDF.exists():
        if not (shutil.which("xelatex") and shutil.which("latexmk")):
            pytest.skip("no TeX Live here (xelatex, latexmk): the PDF cannot be built")
        pytest.fail("the PDF is not built: run `make pdf` (or `make book`) first")
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext, pdfimages) is not installed")
    return PDF


@lru_cache
def pdf_text() -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(PDF), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text


def flat(text: str) -> str:
    """Whitespace collapsed and end-of-line hyphenation undone."""
    return re.sub(r"\s+", " ", re.sub(r"-\n(?=[a-z])", "", text))


def title_of(source: Path) -> str:
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return re.sub(r"[`*]", "", line[2:]).strip()
    return ""


def test_pdf_has_every_chapter_numbered(pdf):
    text = flat(pdf_text())
    missing, unnumbered = [], []
    for src in toc_files():
        title = title_of(src) if src.exists() else ""
        if not title or src.stem == "index" and src.parent.name == "book":
            continue
        if flat(title) not in text:
            missing.append(title)
        elif src in chapters() and not re.search(r"\b\d+\.\d+ " + re.escape(flat(title)), text):
            unnumbered.append(title)
    assert not missing, f"chapters missing from the PDF: {missing}"
    assert not unnumbered, f"chapters without a number in the PDF: {unnumbered}"


def test_pdf_embeds_the_figures(pdf):
    """At least as many images as the executed chapters produced PNG outputs."""
    import json

    expected = 0
    for src in chapters():
        nb = BUILD / "jupyter_execute" / src.relative_to(ROOT).with_suffix(".ipynb")
        if nb.exists():
            for cell in json.loads(nb.read_text())["cells"]:
                expected += sum("image/png" in (o.get("data") or {}) for o in cell.get("outputs", []))
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    images = sum(1 for row in listing if row.split()[2] == "image")
    assert images >= expected, f"{images} images in the PDF, {expected} figures in the chapters"


def test_pdf_has_no_unresolved_references_or_bad_characters(pdf):
    text = pdf_text()
    assert "??" not in text, "unresolved references (??) in the PDF"
    assert not re.search(r"\x1b|\[\d{1,2}(;\d{1,2})*m", text), "ANSI escape codes in the PDF"
    log = (LATEX / "book.log").read_text(encoding="utf-8", errors="replace")
    assert "There were undefined references" not in log
    missing = sorted(set(re.findall(r"Missing character: There is no (\S+)", log)))
    assert not missing, f"characters the fonts cannot show: {missing}"


def test_pdf_has_the_bibliography(pdf):
    from pybtex.database import parse_file

    text = flat(pdf_text())
    assert "Bibliography" in text
    entries = parse_file(str(ROOT / "book" / "references.bib")).entries
    absent = []
    for key, entry in entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        if people:
            last = re.sub(r"[{}\\']", "", " ".join(people[0].last_names))
            if last and last not in text:
                absent.append(key)
    assert len(absent) <= len(entries) // 20, f"bibliography entries missing from the PDF: {absent}"


def test_site_links_to_the_pdf(pdf, built_site):
    published = built_site / "dlbook.pdf"
    assert published.exists(), "the PDF is not copied into the site (make pdf does it)"
    assert published.stat().st_size == pdf.stat().st_size
    page = built_site / "book" / "index.html"
    assert 'href="../dlbook.pdf"' in page.read_text(encoding="utf-8"), "no PDF link on the front page"
