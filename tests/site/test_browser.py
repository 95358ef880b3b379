"""The website as a reader meets it: the built book, served on localhost, driven in Chromium.

The site in ``_build/html`` (``make book``) is served by a small HTTP server under the path
of its published address (``html.baseurl`` in ``_config.yml``, e.g. ``/dlbook/``), with the
site's own ``404.html`` for missing pages, as the hosting does. Debian's Chromium is driven
through Playwright (``executable_path``; no browser is downloaded). Every page of the table
of contents is loaded once and what the checks need is read from it; the checks then assert
on those records, so the suite stays fast.

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

Environment (for development; the defaults are what ``make test`` uses):
``DLBOOK_SITE`` the built HTML folder (default ``_build/html``, or ``$DLBOOK_BUILD_DIR/html``
as for the other site tests), ``DLBOOK_TOC`` the table of
contents the site was built from (default ``_toc.yml``), ``DLBOOK_CHROMIUM`` the browser
(default ``/usr/bin/chromium``), ``DLBOOK_SCREENSHOTS`` where screenshots go.
"""

from __future__ import annotations

import functools
import http.server
import io
import os
import re
import shutil
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
import yaml

from dlbook_build import sources
from dlbook_build.sources import BUILD, ROOT, is_notebook

pytestmark = [pytest.mark.browser, pytest.mark.book]

THIRD_PARTY_HOSTS: frozenset[str] = frozenset()  # hosts a page may load from; none
SITE = Path(os.environ.get("DLBOOK_SITE") or BUILD / "html").resolve()
TOC = Path(os.environ.get("DLBOOK_TOC") or ROOT / "_toc.yml").resolve()
SCREENSHOTS = Path(os.environ.get("DLBOOK_SCREENSHOTS") or BUILD / "screenshots")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
SEARCH_TERMS = ("einsum", "broadcasting", "tensor")  # the first one a chapter contains is used
MIN_GLOSSARY_TERMS = 25
AXE = ROOT / "tools" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # WCAG 2.0 and 2.1, levels A and AA
AXE_MODES = ("light", "dark", "phone")


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
# Serving the site and driving the browser.
# ---------------------------------------------------------------------------------------

class _Handler(http.server.SimpleHTTPRequestHandler):
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


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").exists():
        pytest.fail(f"no built website in {SITE}: run `make book` first "
                    f"(or point DLBOOK_SITE at a built _build/html)")
    return SITE


@pytest.fixture(scope="session")
def server(site):
    """Serve the site on 127.0.0.1 under its published path; yields the root URL."""
    handler = functools.partial(type("H", (_Handler,), {"prefix": url_prefix()}),
                                directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{url_prefix()}"
    httpd.shutdown()
    httpd.server_close()


def chromium_path() -> str | None:
    wanted = os.environ.get("DLBOOK_CHROMIUM")
    if wanted:
        return wanted
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: `pip install -r requirements/lock.txt`")
    exe = chromium_path()
    if exe is None:
        message = ("Chromium not found: `apt-get install chromium` (Debian) or set "
                   "DLBOOK_CHROMIUM to a Chromium binary")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
    yield b
    b.close()
    pw.stop()


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


@pytest.fixture(scope="session")
def screenshots(request) -> Screenshots:
    shots = Screenshots(SCREENSHOTS)
    request.config.pluginmanager.register(shots, "dlbook-screenshots")
    return shots


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


WAIT_FOR_MATH = """async () => {
  const mj = window.MathJax;
  if (mj && mj.startup && mj.startup.promise) { await mj.startup.promise; }
  if (document.fonts && document.fonts.ready) { await document.fonts.ready; }
}"""

# After a resize or a theme switch: two frames, then every finite CSS transition finished.
SETTLE = """async () => {
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const finite = document.getAnimations()
      .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity);
  await Promise.all(finite.map(a => a.finished.catch(() => null)));
}"""

# Everything the checks need from a page, read in one go after it loaded.
FACTS = r"""() => {
  const visible = (el) => !!(el
      && (el.offsetWidth || el.offsetHeight || el.getClientRects().length))
      && getComputedStyle(el).visibility !== 'hidden';
  const article = document.querySelector('article.bd-article') || document.body;
  const meta = (sel) => {
    const m = document.querySelector(sel);
    return m ? m.getAttribute('content') : null;
  };
  // text outside code, for raw LaTeX left untypeset
  const skip = 'pre, code, script, style, mjx-container, mjx-assistive-mml, .highlight, '
             + 'textarea, .cell_input';
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  let text = '';
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement.closest(skip)) text += n.nodeValue + ' ';
  }
  const raw = [];
  for (const re of [/\$\$/, /\\\(/, /\\\[/, /\\begin\{/, /\$\\[a-zA-Z]+/]) {
    const m = text.match(re);
    if (m) raw.push(text.slice(Math.max(0, m.index - 30), m.index + 50).replace(/\s+/g, ' '));
  }
  const maths = [...article.querySelectorAll('.math')];
  return {
    text: article.innerText,
    title: document.title,
    theme: document.documentElement.dataset.theme || '',
    description: meta('meta[name="description"]'),
    ogTitle: meta('meta[property="og:title"]'),
    ogUrl: meta('meta[property="og:url"]'),
    canonical: (document.querySelector('link[rel="canonical"]') || {}).href || null,
    h1: [...article.querySelectorAll('h1')].map(h => h.textContent.trim()),
    mathTotal: maths.length,
    mathUntypeset: maths.filter(m => !m.querySelector('mjx-container'))
                        .map(m => m.textContent.trim().slice(0, 60)),
    // a formula a screen reader can read: a hidden MathML copy beside the drawing it hides
    mathUnreadable: [...article.querySelectorAll('mjx-container')]
                        .filter(c => !c.querySelector(':scope > mjx-assistive-mml > math')
                                     || c.querySelector(':scope > mjx-math')
                                         .getAttribute('aria-hidden') !== 'true')
                        .map(c => `a formula in section #${(c.closest('section[id]') || {}).id}`),
    mathJaxErrors: [...article.querySelectorAll('mjx-merror, [data-mjx-error]')]
                        .map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 80)),
    rawLatex: raw,
    images: [...article.querySelectorAll('img')].map(i => ({
        src: i.getAttribute('src'), natural: i.naturalWidth, complete: i.complete,
        alt: (i.getAttribute('alt') || '').trim(), shown: visible(i)})),
    figures: [...article.querySelectorAll('figure')].map(f => ({
        id: f.id || (f.querySelector('[id]') || {}).id || '',
        number: ((f.querySelector('figcaption .caption-number') || {}).textContent || '').trim(),
        caption: ((f.querySelector('figcaption') || {}).textContent || '').trim().slice(0, 80)})),
    equations: [...article.querySelectorAll('div.math[id]')].map(d => ({
        id: d.id, number: ((d.querySelector('.eqno') || {}).textContent || '').trim()})),
    next: (document.querySelector('.prev-next-area a.right-next') || {}).href || null,
    prev: (document.querySelector('.prev-next-area a.left-prev') || {}).href || null,
    sidebar: [...document.querySelectorAll('.bd-sidebar-primary nav.bd-docs-nav a.reference')]
                  .map(a => a.href),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href)
                  .filter(h => h.startsWith(location.origin)),
    ids: [...document.querySelectorAll('[id]')].map(e => e.id),
    downloads: [...document.querySelectorAll('.dropdown-download-buttons a[href]')]
                  .map(a => ({href: a.href, label: a.textContent.trim()})),
    launch: [...document.querySelectorAll('a[href]')]
                  .filter(a => a.closest('.dropdown-launch-buttons')
                               || /colab\.research\.google\.com|mybinder|binder/.test(a.href))
                  .map(a => ({href: a.getAttribute('href'), label: a.textContent.trim()})),
    sourceButtons: {
        repository: (document.querySelector('a.btn-source-repository-button') || {}).href || null,
        file: (document.querySelector('a.btn-source-file-button') || {}).href || null,
        issues: (document.querySelector('a.btn-source-issues-button') || {}).href || null},
    codeCells: article.querySelectorAll('div.cell_input div.highlight').length,
    copyButtons: article.querySelectorAll('div.cell_input div.highlight button.copybtn').length,
    solutions: article.querySelectorAll('div.solution.dropdown').length,
    quickNote: (() => {
        const q = [...article.querySelectorAll('div.cell_output blockquote, div.cell_output p')]
                    .find(e => /Quick profile\./.test(e.textContent));
        if (!q) return null;
        const box = q.closest('blockquote') || q;
        const st = getComputedStyle(box);
        return {visible: visible(box), top: box.getBoundingClientRect().top + window.scrollY,
                border: st.borderLeftWidth, background: st.backgroundColor};
    })(),
  };
}"""


# Contrast of a figure as drawn on screen: the image composited over its own CSS background
# (or the nearest ancestor's), through its CSS filter. Ink is the 0.5th percentile of
# luminance (a sparse line plot has little of it: thin lines and tick labels), paper the 98th.
FIGURE_CONTRAST = r"""(img) => {
  let bg = 'rgba(0, 0, 0, 0)';
  for (let e = img; e && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent'); e = e.parentElement) {
    bg = getComputedStyle(e).backgroundColor;
  }
  const w = Math.min(img.naturalWidth, 600);
  const h = Math.round(img.naturalHeight * w / img.naturalWidth);
  const c = document.createElement('canvas'); c.width = w; c.height = h;
  const ctx = c.getContext('2d');
  ctx.fillStyle = bg; ctx.fillRect(0, 0, w, h);
  const filter = getComputedStyle(img).filter;
  ctx.filter = filter && filter !== 'none' ? filter : 'none';
  ctx.drawImage(img, 0, 0, w, h);
  const d = ctx.getImageData(0, 0, w, h).data, lum = [];
  const lin = (v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  };
  for (let i = 0; i < d.length; i += 16) {  // every 4th pixel
    lum.push(0.2126 * lin(d[i]) + 0.7152 * lin(d[i + 1]) + 0.0722 * lin(d[i + 2]));
  }
  lum.sort((a, b) => a - b);
  const lo = lum[Math.floor(lum.length * 0.005)], hi = lum[Math.floor(lum.length * 0.98)];
  return {background: bg, filter, contrast: (hi + 0.05) / (lo + 0.05)};
}"""


NARROW = r"""() => {
  const W = document.documentElement.clientWidth;
  const wide = [];
  const scrolls = (e) => {  // inside a box that scrolls (or clips) sideways by itself
    for (let p = e.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  for (const e of document.querySelectorAll('article *')) {
    const r = e.getBoundingClientRect();
    if (r.width && r.right > W + 1 && !scrolls(e)) {
      wide.push(`${e.tagName.toLowerCase()}.${e.className}`.slice(0, 80));
    }
  }
  const a = document.querySelector('article.bd-article').getBoundingClientRect();
  return {scrollWidth: document.documentElement.scrollWidth, width: W,
          articleLeft: a.left, articleWidth: a.width, wide: wide.slice(0, 5)};
}"""


@dataclass
class Visit:
    docname: str
    url: str
    facts: dict
    network: Network
    solutions: list[dict] = field(default_factory=list)
    contrast: dict[str, list[dict]] = field(default_factory=dict)  # theme -> one per image
    themes: dict[str, str] = field(default_factory=dict)  # asked -> what the page showed
    narrow: dict = field(default_factory=dict)
    axe: dict[str, list[dict]] = field(default_factory=dict)  # mode -> axe's violations
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # where the seconds went


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


SOLUTION_SHOWN = """(sol) => [...sol.children]
    .filter(c => !c.classList.contains('admonition-title'))
    .some(c => !!(c.offsetWidth || c.offsetHeight || c.getClientRects().length)
               && getComputedStyle(c).visibility !== 'hidden')"""


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


# axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now: each violation with the
# elements it found (a CSS selector and the start of their HTML).
RUN_AXE = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                     resultTypes: ['violations']});
  return r.violations.map(v => ({rule: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 100)}))}));
}"""


def run_axe(page) -> list[dict]:
    return page.evaluate(RUN_AXE, AXE_TAGS)


@pytest.fixture(scope="session")
def visits(browser, server, screenshots) -> dict[str, Visit]:
    """Every page of the table of contents, loaded once in one tab on a desktop-sized
    screen: its facts are read, its exercise solutions clicked, its figures measured in the
    light and the dark theme, then the window is narrowed to a phone's width. A few pages
    are photographed on the way (the landing page and the first pages with figures). Where
    axe-core is installed, it checks the page in both themes and, loaded again, at the phone's
    width (as a phone loads it: the theme makes scrolling boxes focusable on load)."""
    current = {"network": Network()}
    context = browser.new_context(viewport=DESKTOP)
    block_outside_hosts(context, lambda: current["network"])
    if AXE.exists():
        context.add_init_script(path=str(AXE))
    page = context.new_page()
    proxy = _NetworkProxy(current)
    proxy.attach(page)
    out: dict[str, Visit] = {}
    figure_shots = 0
    for docname in DOCNAMES:
        current["network"] = Network()
        start = time.perf_counter()
        url = page_url(server, docname)
        page.emulate_media(color_scheme="light")
        page.set_viewport_size(DESKTOP)
        open_page(page, url)
        t = time.perf_counter()
        v = Visit(docname, url, page.evaluate(FACTS), current["network"])
        v.stages["load"] = t - start
        name = docname.replace("/", "-")
        if CHAPTERS and docname == CHAPTERS[0]:  # a chapter's top: title, buttons, profile note
            page.screenshot(path=screenshots.path(f"top-{name}", f"top of a chapter, {docname}"))
        has_figures = any(i["natural"] for i in v.facts["images"])
        shoot = docname == DOCNAMES[0] or (has_figures and figure_shots < 4)
        figure_shots += bool(has_figures and shoot)
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
            open_page(page, url)
            v.axe["phone"] = run_axe(page)
        v.stages["phone"] = time.perf_counter() - t
        v.seconds = time.perf_counter() - start
        out[docname] = v
    context.close()
    return out


class _NetworkProxy(Network):
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


def per_page(visits, check) -> list[str]:
    problems = []
    for v in visits.values():
        problems += [f"{v.docname}: {p}" for p in check(v)]
    return problems


# ---------------------------------------------------------------------------------------
# Every page loads cleanly.
# ---------------------------------------------------------------------------------------

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
    ids = {d: set(v.facts["ids"]) for d, v in visits.items()}
    problems = []
    for v in visits.values():
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
    problems = []
    for before, after in zip(DOCNAMES, DOCNAMES[1:]):
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
    def holders_of(term):
        return {d for d in CHAPTERS if re.search(rf"\b{term}\b", visits[d].facts["text"], re.I)}

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
# Chapter pages: buttons, code cells, exercises, the quick-profile note.
# ---------------------------------------------------------------------------------------

def _chapters(visits):
    if not CHAPTERS:
        pytest.skip("no chapter in the table of contents")
    return [visits[d] for d in CHAPTERS]


def _well_formed(href: str) -> bool:
    u = urlparse(href)
    return u.scheme == "https" and bool(u.netloc) and " " not in href and ".." not in u.path


def test_launch_buttons_on_chapter_pages_are_well_formed(visits):
    problems = []
    for v in _chapters(visits):
        links = v.facts["launch"]
        if not links:
            problems.append(f"{v.docname}: no launch (Colab/Binder) button")
        for a in links:
            u = urlparse(a["href"])
            if not _well_formed(a["href"]):
                problems.append(f"{v.docname}: malformed launch link {a['href']}")
            elif "colab.research.google.com" in u.netloc and not (
                    u.path.startswith("/github/") and u.path.endswith(".ipynb")
                    and Path(v.docname).name in u.path):
                problems.append(f"{v.docname}: Colab link does not open this chapter's "
                                f"notebook: {a['href']}")
    assert not problems, "\n".join(problems)


def test_download_buttons_on_chapter_pages_work(visits, browser):
    """The download menu offers the notebook (.ipynb) and its links return files."""
    context = new_context(browser)
    problems = []
    for v in _chapters(visits):
        downloads = v.facts["downloads"]
        if not any(urlparse(d["href"]).path.endswith(".ipynb") for d in downloads):
            problems.append(f"{v.docname}: no .ipynb download ({[d['label'] for d in downloads]})")
        for d in downloads:
            r = context.request.get(d["href"])
            if r.status != 200 or not r.body():
                problems.append(f"{v.docname}: download {d['href']} -> HTTP {r.status}")
    context.close()
    assert not problems, "\n".join(problems)


def test_source_issue_and_repository_buttons(visits):
    repo = site_config()["repository"]["url"].rstrip("/")
    problems = []
    for v in _chapters(visits):
        b = v.facts["sourceButtons"]
        if b["repository"] is None or b["repository"].rstrip("/") != repo:
            problems.append(f"{v.docname}: repository button {b['repository']}")
        if b["issues"] is None or not b["issues"].startswith(f"{repo}/issues"):
            problems.append(f"{v.docname}: issue button {b['issues']}")
        if b["file"] is None or not (b["file"].startswith(f"{repo}/blob/")
                                     and urlparse(b["file"]).path.endswith(f"{v.docname}.md")):
            problems.append(f"{v.docname}: source-file button {b['file']}")
    assert not problems, "\n".join(problems)


def test_code_cells_have_copy_buttons(visits):
    problems = [f"{v.docname}: {v.facts['copyButtons']} copy buttons for "
                f"{v.facts['codeCells']} code cells"
                for v in _chapters(visits) if v.facts["copyButtons"] < v.facts["codeCells"]]
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
    problems = []
    for v in visits.values():
        for s in v.solutions:
            if not s["hidden_before"]:
                problems.append(f"{v.docname}: solution {s['id']} is open before a click")
            if not s["shown_after_click"]:
                problems.append(f"{v.docname}: solution {s['id']} does not open on click")
    assert not problems, "\n".join(problems)
    chapters = _chapters(visits)
    missing = [v.docname for v in chapters if not v.solutions]
    assert not missing, f"chapters without exercise solutions: {missing}"


def test_quick_profile_note_is_visible_and_stands_out(visits):
    """Where a chapter was executed in the quick profile, its note shows near the top of
    the page as a call-out (coloured border and background), in the site's own style."""
    noted = [v for v in _chapters(visits) if v.facts["quickNote"]]
    if not noted:
        pytest.skip("built in the full profile: no quick-profile note")
    problems = []
    for v in noted:
        q = v.facts["quickNote"]
        if not q["visible"]:
            problems.append(f"{v.docname}: note hidden")
        if q["border"] in ("0px", "") or q["background"] in ("rgba(0, 0, 0, 0)", "transparent"):
            problems.append(f"{v.docname}: note not styled as a call-out ({q})")
        if q["top"] > 2500:
            problems.append(f"{v.docname}: note far down the page (y={q['top']:.0f}px)")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------
# Reference pages, metadata, 404, sitemap.
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


# ---------------------------------------------------------------------------------------
# Themes and small screens.
# ---------------------------------------------------------------------------------------



@pytest.mark.parametrize("theme", ["light", "dark"])
def test_figures_are_readable_in_light_and_dark_themes(theme, visits):
    """Each figure, as drawn on screen (over its background, through the theme's filters),
    spans a contrast of at least 3:1; screenshots of both themes are kept."""
    if not any(v.contrast.get(theme) for v in visits.values()):
        pytest.skip("no page with figures")
    problems = []
    for v in visits.values():
        if v.themes.get(theme) != theme:
            problems.append(f"{v.docname}: asked for the {theme} theme, "
                            f"got {v.themes.get(theme)!r}")
        for c in v.contrast.get(theme, []):
            if c["contrast"] < 3.0:
                problems.append(f"{v.docname}: figure {c['src']} has contrast "
                                f"{c['contrast']:.1f} on {c['background']} (< 3)")
    assert not problems, "\n".join(problems)


def test_phone_width_shows_content_without_horizontal_scrolling(visits):
    problems = []
    for v in visits.values():
        m = v.narrow
        if m["scrollWidth"] > m["width"] + 1:
            problems.append(f"{v.docname}: page is {m['scrollWidth']}px wide on a {m['width']}px "
                            f"screen; too wide: {m['wide']}")
        if m["articleLeft"] < 0 or m["articleWidth"] < 0.8 * m["width"]:
            problems.append(f"{v.docname}: the text column is {m['articleWidth']:.0f}px at "
                            f"x={m['articleLeft']:.0f} on a {m['width']}px screen")
    assert not problems, "\n".join(problems)


def test_the_browser_suite_is_fast(visits):
    """Keep the suite usable: loading a page takes seconds, not tens of seconds."""
    slow = {d: {k: round(x, 1) for k, x in v.stages.items()}
            for d, v in visits.items() if v.seconds > 20}
    assert not slow, f"pages slower than 20 s to load and check: {slow}"


# ---------------------------------------------------------------------------------------
# Accessibility: WCAG 2.1 AA.
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", AXE_MODES)
def test_axe_finds_no_wcag_violation(mode, visits):
    """axe-core's WCAG 2.0/2.1 A and AA rules pass on every page, in the light and dark
    themes and at a phone's width; a failure names the rule, the page and the element."""
    if not AXE.exists():  # as for Chromium: required on CI, skipped where npm is missing
        message = f"axe-core is not installed ({AXE}): run `npm ci --prefix tools`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    problems, count = [], {}
    for v in visits.values():
        for violation in v.axe.get(mode, []):
            rule = f"{violation['rule']} ({violation['impact']}: {violation['help']})"
            pages, nodes = count.get(rule, (set(), 0))
            count[rule] = (pages | {v.docname}, nodes + len(violation["nodes"]))
            problems += [f"{v.docname}: {violation['rule']}: {n['target']}  {n['html']}"
                         for n in violation["nodes"]]
    table = [f"{rule}: {len(pages)} pages, {nodes} elements"
             for rule, (pages, nodes) in sorted(count.items(), key=lambda kv: -kv[1][1])]
    assert not problems, "\n".join(table + [""] + problems[:60])


def test_formulas_carry_assistive_mathml(visits):
    """Each typeset formula keeps a hidden MathML copy (MathJax's assistive MathML) for
    screen readers, and hides its drawing from them, so that a formula is read once, as
    mathematics."""
    problems = per_page(visits, lambda v: [f"no assistive MathML: {m}"
                                           for m in v.facts["mathUnreadable"]])
    assert not problems, "\n".join(problems[:40])
    assert sum(v.facts["mathTotal"] for v in visits.values()) > 0, "no mathematics anywhere?"


# The element the keyboard focus is on, and whether it is drawn as focused: an outline or a
# box shadow of a colour one can see, on it or on a part of it (the sidebar's toggles draw
# it on their chevron). `kind` names the controls the reader needs.
FOCUSED = r"""() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const opaque = (c) => !/rgba\([^)]*,\s*0\)|transparent/.test(c);
  const ring = (x) => {
    const s = getComputedStyle(x);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                    && opaque(s.outlineColor);
    const shadow = s.boxShadow !== 'none' && opaque(s.boxShadow)
                   && /[1-9][0-9.]*px/.test(s.boxShadow);
    return outline || shadow;
  };
  const solution = e.matches('button.toggle-button') && e.closest('div.solution');
  const scrolls = e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1;
  const kind = e.matches('.dropdown-launch-buttons > button') ? 'launch'
             : e.matches('.dropdown-download-buttons > button') ? 'download'
             : e.matches('.theme-switch-button') ? 'theme'
             : solution ? `solution ${solution.id}`
             : e.closest('mjx-container') && !scrolls ? 'formula' : '';  // not a scroll box
  return {kind, visible: [e, ...e.querySelectorAll('*')].some(ring),
          what: `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} `
                + `"${(e.getAttribute('aria-label') || e.textContent).trim().slice(0, 40)}"`,
          name: e.getAttribute('aria-label') || '', href: e.getAttribute('href') || ''};
}"""
MAX_TAB_STOPS = 800


def tab_stops(page) -> list[dict]:
    """Every stop of the Tab key from the top of the page, in order, until it wraps."""
    stops = []
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop is None and stops:  # past the last control (the browser's own UI is next)
            break
        if stop is not None:
            stops.append(stop)
    return stops


def tab_to(page, kind: str) -> dict:
    """Press Tab until the control of this kind has the focus."""
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop is not None and stop["kind"].startswith(kind):
            return stop
    pytest.fail(f"the keyboard never reaches the {kind} control")


@pytest.fixture(scope="module")
def keyboard_chapter(visits) -> str:
    """A chapter page with exercise solutions, whose controls the keyboard is tried on."""
    return next((v.url for v in _chapters(visits) if v.facts["solutions"]), None) \
        or pytest.skip("no chapter with exercise solutions")


def _keyboard_page(browser, url):
    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    open_page(page, url)
    return context, page


def test_keyboard_reaches_every_control_in_order_with_a_visible_focus(browser, keyboard_chapter):
    """Tab goes from the skip link through the page's controls in reading order: the Colab
    (launch) and download menus and the theme switch in the header, then each exercise
    solution's toggle in the order of the page, named after its solution ("Solution to
    Exercise 4.1", not the extension's "Toggle hidden content" on every one); formulas are
    not tab stops (a chapter has hundreds), unless one is too wide and scrolls; each stop is
    drawn as focused."""
    context, page = _keyboard_page(browser, keyboard_chapter)
    stops = tab_stops(page)
    solutions = page.eval_on_selector_all("article div.solution.dropdown", "s => s.map(e => e.id)")
    context.close()
    kinds = [s["kind"] for s in stops if s["kind"]]
    problems = []
    if not stops or "skip to main content" not in stops[0]["what"].lower():
        problems.append(f"the first stop is not the skip link: {stops[:1]}")
    header = ["launch", "download", "theme"]
    if [k for k in kinds if k in header] != header:
        problems.append(f"header controls reached as {[k for k in kinds if k in header]}, "
                        f"expected {header} once each")
    reached = [k.split(" ", 1)[1] for k in kinds if k.startswith("solution ")]
    if reached != solutions:
        problems.append(f"solution toggles reached as {reached}, expected {solutions}")
    elif header[-1] in kinds and reached and kinds.index(header[-1]) > kinds.index(
            f"solution {reached[0]}"):
        problems.append("a solution toggle comes before the header's controls")
    names = [s["name"] for s in stops if s["kind"].startswith("solution ")]
    unnamed = [n for n in names if not n.startswith("Solution to Exercise")]
    if unnamed or len(set(names)) != len(names):
        problems.append(f"solution toggles named {names}: expected each its own "
                        "'Solution to Exercise …'")
    if "formula" in kinds:
        problems.append(f"{kinds.count('formula')} formulas are tab stops")
    problems += [f"no visible focus on {s['what']}" for s in stops if not s["visible"]]
    assert not problems, f"{keyboard_chapter}:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("menu, target", [("launch", "colab.research.google.com"),
                                          ("download", ".ipynb")])
def test_keyboard_opens_the_colab_and_download_menus(browser, keyboard_chapter, menu, target):
    """Enter on the launch (download) button opens its menu, and the next Tab lands on the
    Colab link (the notebook's download link), drawn as focused."""
    context, page = _keyboard_page(browser, keyboard_chapter)
    tab_to(page, menu)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    stop = page.evaluate(FOCUSED)
    context.close()
    assert stop and target in stop["href"], f"after Enter and Tab on the {menu} menu: {stop}"
    assert stop["visible"], f"no visible focus on {stop['what']}"


def test_keyboard_switches_the_theme_and_opens_a_solution(browser, keyboard_chapter):
    context, page = _keyboard_page(browser, keyboard_chapter)
    mode = page.evaluate("document.documentElement.dataset.mode")
    tab_to(page, "theme")
    page.keyboard.press("Enter")
    switched = page.evaluate("document.documentElement.dataset.mode")
    solution = tab_to(page, "solution")["kind"].split(" ", 1)[1]
    page.keyboard.press("Enter")
    try:
        page.wait_for_function(SOLUTION_SHOWN, arg=page.locator(f'[id="{solution}"]')
                               .element_handle(), timeout=2000)
        opened = True
    except Exception:
        opened = False
    context.close()
    assert switched != mode, f"Enter on the theme switch left the mode at {mode!r}"
    assert opened, f"Enter on the toggle of {solution} did not show the solution"
