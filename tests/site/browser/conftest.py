"""The browser tests' fixtures: the site served on localhost, Chromium, the screenshots kept
for a person, and the visit of every page that most checks read (the helpers they use are in
``harness.py``)."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

from tests.site.browser.harness import (
    AXE,
    CHROMIUM_ARGS,
    DESKTOP,
    DOCNAMES,
    SCREENSHOTS,
    SITE,
    Handler,
    Network,
    NetworkProxy,
    Screenshots,
    Visit,
    block_outside_hosts,
    chromium_path,
    reopen_tab,
    url_prefix,
    visit_each,
    visit_page,
)


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").exists():
        pytest.fail(f"no built website in {SITE}: run `make book` first "
                    f"(or point DLBOOK_SITE at a built _build/html)")
    return SITE


@pytest.fixture(scope="session")
def server(site):
    """Serve the site on 127.0.0.1 under its published path; yields the root URL."""
    handler = functools.partial(type("H", (Handler,), {"prefix": url_prefix()}),
                                directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{url_prefix()}"
    httpd.shutdown()
    httpd.server_close()


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


@pytest.fixture(scope="session")
def screenshots(request) -> Screenshots:
    shots = Screenshots(SCREENSHOTS)
    request.config.pluginmanager.register(shots, "dlbook-screenshots")
    return shots


@pytest.fixture(scope="session")
def visits(browser, server, screenshots) -> dict[str, Visit]:
    """Every page of the table of contents, loaded once in one tab on a desktop-sized
    screen: its facts are read, its exercise solutions clicked, its figures measured in the
    light and the dark theme, then the window is narrowed to a phone's width. A few pages
    are photographed on the way (the landing page and the first pages with figures). Where
    axe-core is installed, it checks the page in both themes and, loaded again, at the phone's
    width (as a phone loads it: the theme makes scrolling boxes focusable on load).

    A page whose visit fails has the error on its Visit (``error``) and the next page is
    visited in a fresh tab; the checks name that page instead of checking it."""
    current = {"network": Network()}
    context = browser.new_context(viewport=DESKTOP)
    block_outside_hosts(context, lambda: current["network"])
    if AXE.exists():
        context.add_init_script(path=str(AXE))

    def new_tab():
        page = context.new_page()
        NetworkProxy(current).attach(page)
        return page

    tab = {"page": new_tab()}
    shots = {"figures": 0}

    def visit(v: Visit) -> None:
        current["network"] = v.network
        try:
            visit_page(tab["page"], v, screenshots, shots)
        except Exception:
            tab["page"] = reopen_tab(tab["page"], new_tab)
            raise

    out = visit_each(DOCNAMES, server, visit)
    context.close()
    return out
