"""A chapter's apparatus: its launch, download and source buttons, copy buttons on code
cells, exercise solutions, the quick-profile note; and the book's reference pages and
metadata: bibliography, glossary, sharing metadata."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from dlbook_build import sources
from dlbook_build.sources import ROOT
from tests.site.browser.harness import (
    CHAPTERS,
    DESKTOP,
    DOCNAMES,
    SITE,
    base_url,
    chapter_visits,
    new_context,
    open_page,
    page_url,
    per_page,
    site_config,
    source_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.book]

MIN_GLOSSARY_TERMS = 25


# ---------------------------------------------------------------------------------------
# Chapter pages: buttons, code cells, exercises, the quick-profile note.
# ---------------------------------------------------------------------------------------

def _well_formed(href: str) -> bool:
    u = urlparse(href)
    return u.scheme == "https" and bool(u.netloc) and " " not in href and ".." not in u.path


def test_launch_buttons_on_chapter_pages_are_well_formed(visits):
    def check(v):
        out = []
        links = v.facts["launch"]
        if not links:
            out.append("no launch (Colab/Binder) button")
        for a in links:
            u = urlparse(a["href"])
            if not _well_formed(a["href"]):
                out.append(f"malformed launch link {a['href']}")
            elif "colab.research.google.com" in u.netloc and not (
                    u.path.startswith("/github/") and u.path.endswith(".ipynb")
                    and Path(v.docname).name in u.path):
                out.append(f"Colab link does not open this chapter's notebook: {a['href']}")
        return out

    problems = per_page(chapter_visits(visits), check)
    assert not problems, "\n".join(problems)


def test_download_buttons_on_chapter_pages_work(visits, browser):
    """The download menu offers the notebook (.ipynb) and its links return files."""
    context = new_context(browser)

    def check(v):
        out = []
        downloads = v.facts["downloads"]
        if not any(urlparse(d["href"]).path.endswith(".ipynb") for d in downloads):
            out.append(f"no .ipynb download ({[d['label'] for d in downloads]})")
        for d in downloads:
            r = context.request.get(d["href"])
            if r.status != 200 or not r.body():
                out.append(f"download {d['href']} -> HTTP {r.status}")
        return out

    problems = per_page(chapter_visits(visits), check)
    context.close()
    assert not problems, "\n".join(problems)


def test_source_issue_and_repository_buttons(visits):
    repo = site_config()["repository"]["url"].rstrip("/")

    def check(v):
        out = []
        b = v.facts["sourceButtons"]
        if b["repository"] is None or b["repository"].rstrip("/") != repo:
            out.append(f"repository button {b['repository']}")
        if b["issues"] is None or not b["issues"].startswith(f"{repo}/issues"):
            out.append(f"issue button {b['issues']}")
        if b["file"] is None or not (b["file"].startswith(f"{repo}/blob/")
                                     and urlparse(b["file"]).path.endswith(f"{v.docname}.md")):
            out.append(f"source-file button {b['file']}")
        return out

    problems = per_page(chapter_visits(visits), check)
    assert not problems, "\n".join(problems)


def test_code_cells_have_copy_buttons(visits):
    problems = per_page(chapter_visits(visits), lambda v: [
        f"{v.facts['copyButtons']} copy buttons for {v.facts['codeCells']} code cells"]
        if v.facts["copyButtons"] < v.facts["codeCells"] else [])
    assert not problems, "\n".join(problems)


def test_copy_button_copies_the_code(browser, server):
    chapter = next((d for d in CHAPTERS), None)
    if chapter is None:
        pytest.skip("no chapter")
    context = new_context(browser, viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    open_page(page, page_url(server, chapter))
    cell = page.locator("article div.cell_input div.highlight").first
    code = cell.locator("pre").inner_text()
    cell.hover()
    cell.locator("button.copybtn").click()
    page.wait_for_timeout(200)
    copied = page.evaluate("navigator.clipboard.readText()")
    context.close()
    assert copied.strip() == code.strip()


def test_exercise_solutions_start_collapsed_and_open_on_click(visits):
    def check(v):
        out = []
        for s in v.solutions:
            if not s["hidden_before"]:
                out.append(f"solution {s['id']} is open before a click")
            if not s["shown_after_click"]:
                out.append(f"solution {s['id']} does not open on click")
        return out

    problems = per_page(visits, check)
    assert not problems, "\n".join(problems)
    chapters = chapter_visits(visits)
    missing = [v.docname for v in chapters if not v.solutions]
    assert not missing, f"chapters without exercise solutions: {missing}"


def test_quick_profile_note_is_visible_and_stands_out(visits):
    """Where a chapter was executed in the quick profile, its note shows near the top of
    the page as a call-out (coloured border and background), in the site's own style."""
    noted = [v for v in chapter_visits(visits) if v.error or v.facts["quickNote"]]
    if not noted:
        pytest.skip("built in the full profile: no quick-profile note")

    def check(v):
        out = []
        q = v.facts["quickNote"]
        if not q["visible"]:
            out.append("note hidden")
        if q["border"] in ("0px", "") or q["background"] in ("rgba(0, 0, 0, 0)", "transparent"):
            out.append(f"note not styled as a call-out ({q})")
        if q["top"] > 2500:
            out.append(f"note far down the page (y={q['top']:.0f}px)")
        return out

    problems = per_page(noted, check)
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------
# Reference pages and metadata.
# ---------------------------------------------------------------------------------------

def test_bibliography_page_lists_the_cited_works(visits):
    """The bibliography page (`:all:`) shows each entry of references.bib once; every key a
    chapter cites is one of them (else Sphinx warns, and warnings fail the build)."""
    from pybtex.database import parse_file

    bib = next((d for d in DOCNAMES if d.endswith("references")), None)
    assert bib, "no bibliography page in the table of contents"
    assert "{bibliography}" in source_of(bib).read_text()
    keys = set(parse_file(str(ROOT / "book" / "references.bib")).entries)
    html = (SITE / f"{bib}.html").read_text(encoding="utf-8")
    shown = re.findall(r'<div class="citation" id="[^"]+"', html)
    assert len(shown) == len(keys), f"{len(shown)} entries shown for {len(keys)} in references.bib"
    cited = {k.strip() for chapter in sources.chapters()
             for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", chapter.read_text())
             for k in group.split(",")}
    assert cited and cited <= keys, f"cited but not in references.bib: {sorted(cited - keys)}"


def test_glossary_defines_the_books_terms(browser, server):
    gloss = next((d for d in DOCNAMES if d.endswith("glossary")), None)
    assert gloss, "no glossary page in the table of contents"
    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    open_page(page, page_url(server, gloss))
    terms = page.locator("article dl.glossary > dt")
    n = terms.count()
    names = [terms.nth(i).inner_text().strip().lower() for i in range(n)]
    defs = page.locator("article dl.glossary > dd")
    short = [names[i] for i in range(n) if len(defs.nth(i).inner_text().split()) < 8]
    ids = [terms.nth(i).get_attribute("id") for i in range(n)]
    context.close()
    assert n >= MIN_GLOSSARY_TERMS, f"only {n} glossary terms"
    assert not short, f"terms without a real definition: {short}"
    assert all(ids), "glossary terms without an anchor"
    assert names == sorted(names), "glossary not in alphabetical order"
    for must in ("tensor", "gradient", "epoch", "mini-batch", "convolution", "dropout",
                 "learning rate", "execution profile"):
        assert must in names, f"glossary lacks {must!r}"


def test_every_page_has_sharing_metadata(visits):
    base = base_url()

    def check(v):
        f = v.facts
        out = []
        if not f["title"].strip():
            out.append("empty <title>")
        if not (f["description"] or "").strip():
            out.append("no meta description")
        elif "Quick profile." in f["description"]:
            out.append("the description quotes a cell's output, not the prose")
        if not (f["ogTitle"] or "").strip():
            out.append("no og:title")
        if f["ogUrl"] != f"{base}{v.docname}.html":
            out.append(f"og:url is {f['ogUrl']}")
        if f["canonical"] != f"{base}{v.docname}.html":
            out.append(f"canonical link is {f['canonical']}")
        return out

    problems = per_page(visits, check)
    assert not problems, "\n".join(problems)
