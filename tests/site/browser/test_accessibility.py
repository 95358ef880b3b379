"""Accessibility, WCAG 2.1 AA: axe-core's rules on every page (light, dark, a phone's
width); what axe cannot judge, by hand: the hidden MathML that screen readers read for each
formula, and the keyboard's path through a chapter with a visible focus at each stop."""

from __future__ import annotations

import os

import pytest

from tests.site.browser.harness import (
    AXE,
    AXE_MODES,
    DESKTOP,
    FOCUSED,
    SOLUTION_SHOWN,
    chapter_visits,
    failed_visits,
    new_context,
    open_page,
    per_page,
    visited,
)

pytestmark = [pytest.mark.browser, pytest.mark.book]

MAX_TAB_STOPS = 800


@pytest.mark.parametrize("mode", AXE_MODES)
def test_axe_finds_no_wcag_violation(mode, visits):
    """axe-core's WCAG 2.0/2.1 A and AA rules pass on every page, in the light and dark
    themes and at a phone's width; a failure names the rule, the page and the element."""
    if not AXE.exists():  # as for Chromium: required on CI, skipped where npm is missing
        message = f"axe-core is not installed ({AXE}): run `npm ci --prefix tools`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    problems, count = failed_visits(visits), {}
    for v in visited(visits).values():
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


# ---------------------------------------------------------------------------------------
# The keyboard.
# ---------------------------------------------------------------------------------------

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
    return next((v.url for v in chapter_visits(visits)
                 if not v.error and v.facts["solutions"]), None) \
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
