"""Every page of the book loads cleanly and the reader can find their way: titles,
mathematics, images, numbering, links, the next and previous links, the sidebar, the landing
page, search, the 404 page and the sitemap."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from tests.site.browser.harness import (
    CHAPTERS,
    DESKTOP,
    DOCNAMES,
    Network,
    base_url,
    docname_of,
    failed_visits,
    new_context,
    open_page,
    page_url,
    per_page,
    url_prefix,
    visited,
)

pytestmark = [pytest.mark.browser, pytest.mark.book]

SEARCH_TERMS = ("einsum", "broadcasting", "tensor")  # the first one a chapter contains is used


# ---------------------------------------------------------------------------------------
# Every page loads cleanly.
# ---------------------------------------------------------------------------------------

def test_every_page_could_be_visited(visits):
    """The visit of each page went through; a page whose visit failed is named here with its
    error (and by every check that reads it), while the other pages are still checked."""
    failed = failed_visits(visits)
    assert not failed, "\n".join(failed)


def test_every_toc_page_loads_without_console_errors_or_failed_requests(visits):
    problems = per_page(visits, lambda v: [f"console error: {e}" for e in v.network.console_errors]
                        + [f"failed request: {f}" for f in v.network.failed]
                        + [f"request to an outside host: {u}" for u in v.network.external])
    assert not problems, "\n".join(problems[:40])


def test_every_page_has_one_title(visits):
    problems = per_page(visits, lambda v: [] if len(v.facts["h1"]) == 1
                        else [f"{len(v.facts['h1'])} <h1> headings: {v.facts['h1']}"])
    assert not problems, "\n".join(problems)


def test_mathematics_is_typeset(visits):
    def check(v):
        f = v.facts
        return ([f"MathJax did not typeset: {m!r}" for m in f["mathUntypeset"]]
                + [f"MathJax error: {m!r}" for m in f["mathJaxErrors"]]
                + [f"raw LaTeX left in the text: ...{m}..." for m in f["rawLatex"]])

    problems = per_page(visits, check)
    assert not problems, "\n".join(problems[:40])
    assert sum(v.facts["mathTotal"] for v in visits.values()) > 0, "no mathematics anywhere?"


def _bad_alt(alt: str) -> bool:
    return (not alt or re.search(r"\.(png|jpe?g|svg|gif)$", alt, re.I) is not None
            or alt.startswith(("_images/", "../", "/")))


def test_every_image_loaded_and_has_alt_text(visits):
    def check(v):
        out = []
        for img in v.facts["images"]:
            if not img["complete"] or img["natural"] == 0:
                out.append(f"image did not load: {img['src']}")
            if _bad_alt(img["alt"]):
                out.append(f"image without alt text (alt={img['alt']!r}): {img['src']}")
        return out

    problems = per_page(visits, check)
    assert not problems, "\n".join(problems[:40])


def test_figures_and_equations_are_numbered(visits):
    def check(v):
        out = [f"figure without a number: {f['id'] or f['caption']!r}"
               for f in v.facts["figures"]
               if f["caption"] and not re.match(r"Fig\. ?\d", f["number"])]
        out += [f"labelled equation without a number: {e['id']}"
                for e in v.facts["equations"] if not re.search(r"\d", e["number"])]
        return out

    problems = per_page(visits, check)
    assert not problems, "\n".join(problems)


def test_internal_links_and_cross_references_resolve(visits, server, site):
    """Every link to a page of the site, with or without an anchor (cross-references to
    figures, equations and sections, citations), lands on something that exists."""
    pages = visited(visits)
    ids = {d: set(v.facts["ids"]) for d, v in pages.items()}
    problems = failed_visits(visits)
    for v in pages.values():
        for link in set(v.facts["links"]):
            target = docname_of(link, server)
            if target is None:
                continue
            fragment = unquote(urldefrag(link)[1])
            path = urlparse(link).path[len(url_prefix()):]
            if target in ids:
                if fragment and fragment not in ids[target]:
                    problems.append(f"{v.docname}: {link} -> no #{fragment} on {target}")
            elif not (site / unquote(path)).exists() and not (site / unquote(path)).is_dir():
                problems.append(f"{v.docname}: {link} -> missing file")
    assert not problems, "\n".join(sorted(problems)[:40])


# ---------------------------------------------------------------------------------------
# Navigation.
# ---------------------------------------------------------------------------------------

def test_next_and_previous_links_walk_the_book_in_order(visits, server):
    problems = failed_visits(visits)
    for before, after in zip(DOCNAMES, DOCNAMES[1:]):
        if visits[before].error or visits[after].error:
            continue  # named above
        nxt = visits[before].facts["next"]
        prv = visits[after].facts["prev"]
        if nxt is None or docname_of(nxt, server) != after:
            problems.append(f"'next' on {before} goes to {nxt}, expected {after}")
        if prv is None or docname_of(prv, server) != before:
            problems.append(f"'previous' on {after} goes to {prv}, expected {before}")
    assert not problems, "\n".join(problems)


def test_sidebar_lists_every_page_on_every_page(visits, server):
    want = set(DOCNAMES)
    problems = per_page(visits, lambda v: [
        f"sidebar lacks {sorted(want - {docname_of(a, server) for a in v.facts['sidebar']})}"]
        if want - {docname_of(a, server) for a in v.facts["sidebar"]} else [])
    assert not problems, "\n".join(problems)


def test_sidebar_reaches_every_chapter_by_clicks(browser, server):
    """From the landing page, opening the collapsed parts of the sidebar shows a link to
    every page; clicking the last one opens it."""
    network = Network()
    context = new_context(browser, network, viewport=DESKTOP)
    page = context.new_page()
    network.attach(page)
    open_page(page, page_url(server, DOCNAMES[0]))
    nav = page.locator(".bd-sidebar-primary nav.bd-docs-nav")
    for _ in range(50):  # open collapsed parts with their chevrons, one level at a time
        closed = nav.locator("details:not([open]) > summary .toctree-toggle")
        if closed.count() == 0:
            break
        closed.first.click()
    hidden = []
    for docname in DOCNAMES:
        link = nav.locator(f'a.reference[href$="{Path(docname).name}.html"]')
        if not any(link.nth(i).is_visible() for i in range(link.count())):
            hidden.append(docname)
    assert not hidden, f"not reachable from the sidebar: {hidden}"
    last = DOCNAMES[-1]
    nav.locator(f'a.reference[href$="{Path(last).name}.html"]').first.click()
    page.wait_for_load_state("load")
    assert docname_of(page.url, server) == last
    context.close()
    assert not network.failed and not network.console_errors, network


def test_landing_page_starts_reading_in_one_click(browser, server, screenshots):
    """The site's address shows the landing page, and a 'Start reading' link visible
    without scrolling opens the first part."""
    network = Network()
    context = new_context(browser, network, viewport=DESKTOP)
    page = context.new_page()
    network.attach(page)
    page.goto(server, wait_until="load")  # the bare address redirects to the front page
    page.wait_for_url(f"**/{DOCNAMES[0]}.html", timeout=10_000)
    page.wait_for_load_state("load")
    page.screenshot(path=screenshots.path("landing-desktop", "landing page, desktop"))
    start = page.locator("article a, article .sd-card:has(a)",
                         has_text=re.compile(r"start reading", re.I)).first
    assert start.count() and start.is_visible(), "no 'Start reading' link on the landing page"
    box = start.bounding_box()
    assert box and box["y"] + box["height"] <= DESKTOP["height"], \
        "the 'Start reading' link is below the first screen"
    start.click()
    page.wait_for_load_state("load")
    assert docname_of(page.url, server) == DOCNAMES[1], f"'Start reading' went to {page.url}"
    context.close()
    assert not network.failed and not network.console_errors, network


# ---------------------------------------------------------------------------------------
# Search.
# ---------------------------------------------------------------------------------------

def test_search_finds_a_chapter_term_and_links_to_it(browser, server, visits):
    pages = visited(visits)  # the term is chosen from the chapters that could be read

    def holders_of(term):
        return {d for d in CHAPTERS
                if d in pages and re.search(rf"\b{term}\b", pages[d].facts["text"], re.I)}

    term = next((t for t in SEARCH_TERMS if holders_of(t)), None)
    assert term, f"no chapter page shows any of the words {SEARCH_TERMS}"
    holders = holders_of(term)
    network = Network()
    context = new_context(browser, network, viewport=DESKTOP)
    page = context.new_page()
    network.attach(page)
    page.goto(f"{server}search.html?q={term}", wait_until="load")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(state="visible", timeout=20_000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    found = [h for h in hrefs if docname_of(urldefrag(page.url)[0].rsplit("/", 1)[0] + "/" + h,
                                            server) in holders]
    assert found, f"searching {term!r} found {hrefs}, none of {sorted(holders)}"
    link = results.filter(has=page.locator(f'xpath=self::*[@href="{found[0]}"]')).first
    link.click()
    page.wait_for_load_state("load")
    assert docname_of(page.url, server) in holders
    assert page.locator("article").inner_text().lower().count(term) > 0
    context.close()
    assert not network.failed and not network.console_errors, network


# ---------------------------------------------------------------------------------------
# The 404 page and the sitemap.
# ---------------------------------------------------------------------------------------

def test_missing_page_shows_the_404_page(browser, server, screenshots):
    missing = f"{server}book/no-such-chapter.html"
    network = Network()
    context = new_context(browser, network, viewport=DESKTOP)
    page = context.new_page()
    network.attach(page, expect_status={missing: 404})
    response = page.goto(missing, wait_until="load")
    assert response.status == 404
    network.console_errors = [e for e in network.console_errors  # the 404 itself
                              if not (e.startswith("Failed to load resource") and missing in e)]
    page.screenshot(path=screenshots.path("404", "the page shown for a missing address"))
    assert "not found" in page.locator("article").inner_text().lower()
    # styled like the rest of the site (its CSS and scripts loaded from absolute paths)
    assert page.locator(".bd-sidebar-primary").count() == 1
    assert not network.failed and not network.console_errors and not network.external, network
    home = page.locator("article a", has_text=re.compile("front page", re.I)).first
    assert home.count(), "the 404 page has no link to the front page"
    home.click()
    page.wait_for_load_state("load")
    assert docname_of(page.url, server) == DOCNAMES[0], page.url
    context.close()


def test_sitemap_lists_every_page(site):
    path = site / "sitemap.xml"
    assert path.exists(), "no sitemap.xml"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.parse(path).getroot().findall("s:url/s:loc", ns)]
    base = base_url()
    outside = [loc for loc in locs if not loc.startswith(base)]
    assert not outside, f"sitemap URLs outside {base}: {outside}"
    listed = {loc[len(base):] for loc in locs}
    missing = [d for d in DOCNAMES if f"{d}.html" not in listed]
    assert not missing, f"sitemap lacks {missing}"
    dangling = [p for p in listed if not (site / p).exists()]
    assert not dangling, f"sitemap lists files that do not exist: {dangling}"
    assert "search.html" not in listed and "404.html" not in listed
