"""The website as a reader meets it: the built book, served on localhost, driven in Chromium.

The site in ``_build/html`` (``make book``) is served by a small HTTP server under the path
of its published address (``html.baseurl`` in ``_config.yml``, e.g. ``/dlbook/``), with the
site's own ``404.html`` for missing pages, as the hosting does. Debian's Chromium is driven
through Playwright (``executable_path``; no browser is downloaded). Every page of the table
of contents is loaded once and what the checks need is read from it; the checks then assert
on those records, so the suite stays fast. A page whose visit fails (a timeout, a script
error) keeps the error on its record, the other pages are still visited, and every check
that reads the records names that page instead of checking it.

The site must work offline: requests to any host other than the local server are blocked
and reported, unless the host is listed in ``THIRD_PARTY_HOSTS`` (empty: MathJax, fonts and
icons are served by the site itself).

Screenshots for a person to look at (light and dark themes, a phone-width viewport) are
written to ``_build/screenshots/`` and listed at the end of the test output.

Accessibility (WCAG 2.1 AA): axe-core, pinned in ``tools/package.json`` (``npm ci --prefix
tools``), is injected into every page and run with the WCAG 2.0/2.1 A and AA rules in the light
theme, the dark theme and at a phone's width; what axe cannot judge is tested by hand: the
keyboard's path through a chapter (and a visible focus at each stop), and the hidden MathML
that screen readers read for each formula.

This folder: this module (serving, the browser, the page visits, and the checks' helpers),
``conftest.py`` (the fixtures), ``js/`` (the scripts run in the page, read by :func:`script`),
and the tests by concern: ``test_pages.py`` (loading, titles, mathematics, images, links,
navigation, search, 404, sitemap), ``test_chapters.py`` (a chapter's buttons, code cells,
exercises, profile note; bibliography, glossary, sharing metadata), ``test_appearance.py``
(figures in both themes, a phone's width, the suite's speed), ``test_accessibility.py`` (axe,
assistive MathML, the keyboard) and ``test_visits.py`` (the visits' bookkeeping, no browser).

Environment (for development; the defaults are what ``make test`` uses):
``DLBOOK_SITE`` the built HTML folder (default ``_build/html``, or ``$DLBOOK_BUILD_DIR/html``
as for the other site tests), ``DLBOOK_TOC`` the table of
contents the site was built from (default ``_toc.yml``), ``DLBOOK_CHROMIUM`` the browser
(default ``/usr/bin/chromium``), ``DLBOOK_SCREENSHOTS`` where screenshots go.
"""

from __future__ import annotations

import contextlib
import http.server
import io
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
import yaml

from dlbook_build import sources
from dlbook_build.sources import BUILD, ROOT, is_notebook

THIRD_PARTY_HOSTS: frozenset[str] = frozenset()  # hosts a page may load from; none
SITE = Path(os.environ.get("DLBOOK_SITE") or BUILD / "html").resolve()
TOC = Path(os.environ.get("DLBOOK_TOC") or ROOT / "_toc.yml").resolve()
SCREENSHOTS = Path(os.environ.get("DLBOOK_SCREENSHOTS") or BUILD / "screenshots")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
AXE = ROOT / "tools" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # WCAG 2.0 and 2.1, levels A and AA
AXE_MODES = ("light", "dark", "phone")
STAGES = ("load", "themes", "solutions", "phone")  # a page's visit, in order (Visit.stages)


# ---------------------------------------------------------------------------------------
# What the site should contain: read from the sources.
# ---------------------------------------------------------------------------------------

def toc_docnames(toc: Path = TOC) -> list[str]:
    """Every document of the table of contents, root first, in reading order."""
    return sources.toc(file=toc)


def source_of(docname: str) -> Path:
    return ROOT / f"{docname}.md"


def is_chapter(docname: str) -> bool:
    """A chapter is a notebook page (it executes code; the part landing pages do not)."""
    src = source_of(docname)
    return src.exists() and is_notebook(src)


def site_config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def base_url() -> str:
    url = (site_config().get("html") or {}).get("baseurl") or "http://localhost/"
    return url if url.endswith("/") else url + "/"


def url_prefix() -> str:
    """The path under which the site is published ('/dlbook/'), hence served here."""
    return urlparse(base_url()).path or "/"


DOCNAMES = toc_docnames()
CHAPTERS = [d for d in DOCNAMES if is_chapter(d)]


# ---------------------------------------------------------------------------------------
# Serving the site and driving the browser (the fixtures are in conftest.py).
# ---------------------------------------------------------------------------------------

class Handler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"

    def log_message(self, *args):  # quiet
        pass

    def translate_path(self, path):
        path = urlparse(path).path
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_prefix__")
        return super().translate_path("/" + path[len(self.prefix):])

    def send_head(self):
        if self.prefix != "/" and urlparse(self.path).path in ("/", self.prefix.rstrip("/")):
            self.send_response(301)
            self.send_header("Location", self.prefix)
            self.end_headers()
            return None
        if not Path(self.translate_path(self.path)).exists():
            return self._not_found()
        return super().send_head()

    def _not_found(self):
        """Like GitHub Pages: the site's own 404.html, with status 404."""
        page = Path(self.directory) / "404.html"
        if not page.exists():
            self.send_error(404)
            return None
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def chromium_path() -> str | None:
    wanted = os.environ.get("DLBOOK_CHROMIUM")
    if wanted:
        return wanted
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Screenshots:
    """Collects the screenshots taken and lists them at the end of the test output."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.taken: list[tuple[Path, str]] = []
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()

    def path(self, name: str, what: str) -> Path:
        p = self.folder / f"{name}.png"
        self.taken.append((p, what))
        return p

    def pytest_terminal_summary(self, terminalreporter):
        if not self.taken:
            return
        terminalreporter.section("screenshots for a person to look at")
        for p, what in self.taken:
            if p.exists():
                terminalreporter.write_line(f"{p}  ({what})")


@dataclass
class Network:
    """What went wrong on the wire and in the console while a page was open."""

    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def attach(self, page, expect_status: dict[str, int] | None = None):
        expect_status = expect_status or {}
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(
            f"{m.text} ({m.location.get('url', '')})"))
        page.on("pageerror", lambda e: self.console_errors.append(f"uncaught: {e}"))
        page.on("requestfailed", lambda r: urlparse(r.url).hostname == "127.0.0.1"
                and self.failed.append(f"{r.url}: {r.failure}"))
        page.on("response", lambda r: r.status >= 400
                and expect_status.get(r.url) != r.status
                and self.failed.append(f"{r.url}: HTTP {r.status}"))


class NetworkProxy(Network):
    """Listeners attached once to the reused tab, recording into the current page's Network."""

    def __init__(self, current):
        self.current = current

    @property
    def console_errors(self):
        return self.current["network"].console_errors

    @property
    def failed(self):
        return self.current["network"].failed

    @property
    def external(self):
        return self.current["network"].external


def block_outside_hosts(context, network_now) -> None:
    """Requests leave 127.0.0.1 only for THIRD_PARTY_HOSTS; the others are aborted and
    recorded in ``network_now()`` (a Network, or None)."""
    allowed = ("127.0.0.1", *THIRD_PARTY_HOSTS)

    def route(r):
        url = r.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname in allowed:
            r.continue_()
            return
        network = network_now()
        if network is not None:
            network.external.append(url)
        r.abort()

    context.route("**/*", route)


def new_context(browser, network: Network | None = None, **options):
    """A browser context that reaches no host but the local server."""
    context = browser.new_context(**options)
    block_outside_hosts(context, lambda: network)
    return context


# ---------------------------------------------------------------------------------------
# Scripts run in the page: one function each, in js/<name>.js.
# ---------------------------------------------------------------------------------------

JS = Path(__file__).parent / "js"


def script(name: str) -> str:
    """The JavaScript function in ``js/<name>.js``, for ``page.evaluate``; the comment lines
    (``//``) that open the file say what it returns and are left out."""
    lines = (JS / f"{name}.js").read_text(encoding="utf-8").splitlines()
    while lines and (lines[0].startswith("//") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines).strip()


WAIT_FOR_MATH = script("wait_for_math")
SETTLE = script("settle")
FACTS = script("facts")
FIGURE_CONTRAST = script("figure_contrast")
NARROW = script("narrow")
SOLUTION_SHOWN = script("solution_shown")
RUN_AXE = script("run_axe")
FOCUSED = script("focused")


# ---------------------------------------------------------------------------------------
# Visiting a page: what the checks read from it.
# ---------------------------------------------------------------------------------------

@dataclass
class Visit:
    docname: str
    url: str
    facts: dict = field(default_factory=dict)
    network: Network = field(default_factory=Network)
    solutions: list[dict] = field(default_factory=list)
    contrast: dict[str, list[dict]] = field(default_factory=dict)  # theme -> one per image
    themes: dict[str, str] = field(default_factory=dict)  # asked -> what the page showed
    narrow: dict = field(default_factory=dict)
    axe: dict[str, list[dict]] = field(default_factory=dict)  # mode -> axe's violations
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # where the seconds went
    error: str = ""  # why the visit stopped short; its records are then incomplete


def page_url(root: str, docname: str) -> str:
    return f"{root}{docname}.html"


def docname_of(url: str, root: str) -> str | None:
    """'http://127.0.0.1:p/dlbook/book/x.html#y' -> 'book/x'; None outside the site."""
    url, _ = urldefrag(url)
    if not url.startswith(root):
        return None
    rel = unquote(url[len(root):].split("?")[0])
    if rel in ("", "index.html"):
        rel = "index.html"
    return re.sub(r"\.html$", "", rel)


def open_page(page, url: str):
    page.goto(url, wait_until="load")
    page.evaluate(WAIT_FOR_MATH)


def try_solutions(page) -> list[dict]:
    """For each exercise solution: hidden at first? shown after a click on its title?"""
    out = []
    solutions = page.locator("article div.solution.dropdown")
    for i in range(solutions.count()):
        sol = solutions.nth(i)
        before = sol.evaluate(SOLUTION_SHOWN)
        title = sol.locator(":scope > .admonition-title")
        (title if title.count() else sol.locator("button.toggle-button")).first.click()
        try:
            page.wait_for_function(SOLUTION_SHOWN, arg=sol.element_handle(), timeout=2000)
            after = True
        except Exception:
            after = False
        out.append({"id": sol.get_attribute("id"), "hidden_before": not before,
                    "shown_after_click": after})
    return out


def figure_contrasts(page) -> list[dict]:
    imgs = page.locator("article img")
    out = []
    for k in range(imgs.count()):
        img = imgs.nth(k)
        if img.evaluate("i => i.complete && i.naturalWidth > 0"):
            out.append({"src": img.get_attribute("src"), **img.evaluate(FIGURE_CONTRAST)})
    return out


def set_theme(page, theme: str) -> str:
    """Switch the reader's colour preference; the theme (mode 'auto') follows it live."""
    page.emulate_media(color_scheme=theme)
    try:
        page.wait_for_function(f"document.documentElement.dataset.theme === '{theme}'",
                               timeout=3000)
    except Exception:
        pass
    page.evaluate(SETTLE)
    return page.evaluate("document.documentElement.dataset.theme")


def screenshot_first_figure(page, path: Path):
    img = page.locator("article img").first
    if img.count():
        img.scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -150)")
    page.screenshot(path=path)
    page.evaluate("window.scrollTo(0, 0)")


def run_axe(page) -> list[dict]:
    return page.evaluate(RUN_AXE, AXE_TAGS)


def visit_page(page, v: Visit, screenshots: Screenshots, shots: dict[str, int]) -> None:
    """Fill in ``v``: load the page on a desktop-sized screen and read its facts, measure its
    figures (and run axe) in the light and the dark theme, click its exercise solutions, then
    narrow the window to a phone's width (and run axe on the page loaded again at that width).
    A few pages are photographed on the way: the landing page, the first chapter, and the
    first pages with figures (``shots`` counts them)."""
    docname = v.docname
    start = time.perf_counter()
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(DESKTOP)
    open_page(page, v.url)
    t = time.perf_counter()
    v.facts = page.evaluate(FACTS)
    v.stages["load"] = t - start
    name = docname.replace("/", "-")
    if CHAPTERS and docname == CHAPTERS[0]:  # a chapter's top: title, buttons, profile note
        page.screenshot(path=screenshots.path(f"top-{name}", f"top of a chapter, {docname}"))
    has_figures = any(i["natural"] for i in v.facts["images"])
    shoot = docname == DOCNAMES[0] or (has_figures and shots["figures"] < 4)
    shots["figures"] += bool(has_figures and shoot)
    for theme in ("light", "dark"):
        v.themes[theme] = set_theme(page, theme)
        v.contrast[theme] = figure_contrasts(page)
        if AXE.exists():
            v.axe[theme] = run_axe(page)
        if shoot:
            screenshot_first_figure(page, screenshots.path(
                f"{theme}-{name}", f"{theme} theme, {docname}"))
    set_theme(page, "light")
    v.stages["themes"] = time.perf_counter() - t
    t = time.perf_counter()
    if v.facts["solutions"]:
        v.solutions = try_solutions(page)
    v.stages["solutions"] = time.perf_counter() - t
    t = time.perf_counter()
    page.set_viewport_size(PHONE)
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate(SETTLE)
    v.narrow = page.evaluate(NARROW)
    if docname == DOCNAMES[0] or (CHAPTERS and docname == CHAPTERS[0]):
        page.screenshot(path=screenshots.path(f"phone-{name}",
                                              f"phone width {PHONE['width']}px, {docname}"))
    if AXE.exists():
        open_page(page, v.url)
        v.axe["phone"] = run_axe(page)
    v.stages["phone"] = time.perf_counter() - t


def visit_each(docnames: Iterable[str], root: str, visit: Callable[[Visit], None]
               ) -> dict[str, Visit]:
    """A Visit per page, filled in by ``visit`` and timed. An exception on one page (a
    timeout, a script error) is recorded on its Visit, as ``error``, with the stage it stopped
    in; what was read before stays, and the next pages are visited as usual."""
    out: dict[str, Visit] = {}
    for docname in docnames:
        v = Visit(docname, page_url(root, docname))
        start = time.perf_counter()
        try:
            visit(v)
        except Exception as e:  # any failure belongs to this page: record it, go on
            stage = next((s for s in STAGES if s not in v.stages), STAGES[-1])
            message = (str(e).strip().splitlines() or [""])[0]
            v.error = f"visit failed in stage {stage!r}: {type(e).__name__}: {message}"
        v.seconds = time.perf_counter() - start
        out[docname] = v
    return out


def reopen_tab(page, new_tab: Callable[[], object]):
    """A fresh tab for the next page, after a visit failed in ``page`` (which may be dead)."""
    with contextlib.suppress(Exception):
        page.close()
    return new_tab()


# ---------------------------------------------------------------------------------------
# Checking the visits.
# ---------------------------------------------------------------------------------------

def per_page(visits: Mapping[str, Visit] | Iterable[Visit], check) -> list[str]:
    """``check(visit)``'s problems on each page, each named after its page. A page whose visit
    failed is not checked (its records are incomplete): its failure is its problem."""
    problems = []
    for v in visits.values() if isinstance(visits, Mapping) else visits:
        problems += [f"{v.docname}: {p}" for p in ([v.error] if v.error else check(v))]
    return problems


def failed_visits(visits: Mapping[str, Visit] | Iterable[Visit]) -> list[str]:
    """'<docname>: <why its visit failed>' for each page whose visit failed."""
    return per_page(visits, lambda v: [])


def visited(visits: Mapping[str, Visit]) -> dict[str, Visit]:
    """The pages whose visit went through, for the checks that look across pages (which
    report the others with :func:`failed_visits`)."""
    return {d: v for d, v in visits.items() if not v.error}


def chapter_visits(visits: Mapping[str, Visit]) -> list[Visit]:
    if not CHAPTERS:
        pytest.skip("no chapter in the table of contents")
    return [visits[d] for d in CHAPTERS]
