"""The bookkeeping of the page visits, without a browser (these run in ``make unit``): a
visit that fails on one page is recorded on that page and the others are still visited and
checked; the scripts in js/ load as the functions ``page.evaluate`` is given."""

from __future__ import annotations

import pytest

from tests.site.browser import harness
from tests.site.browser.harness import Visit, failed_visits, per_page, reopen_tab, script, visit_each, visited

ROOT = "http://127.0.0.1:1/dlbook/"
PAGES = ["book/index", "book/intro/a", "book/intro/b"]


class Timeout(Exception):
    """Stands for Playwright's TimeoutError."""


def visit_failing_on(failing: str, seen: list[str]):
    """A visit that reads every page, but times out on ``failing`` after it loaded."""
    def visit(v: Visit) -> None:
        seen.append(v.docname)
        v.facts = {"h1": [v.docname]}
        v.stages["load"] = 0.1
        if v.docname == failing:
            raise Timeout("Timeout 3000ms exceeded.\n=========================== logs ===")
        v.stages["themes"] = 0.2
    return visit


def test_a_failed_visit_is_recorded_on_its_page_and_the_others_go_on():
    seen: list[str] = []
    visits = visit_each(PAGES, ROOT, visit_failing_on("book/intro/a", seen))
    assert seen == PAGES and list(visits) == PAGES
    failed = visits["book/intro/a"]
    assert failed.error == "visit failed in stage 'themes': Timeout: Timeout 3000ms exceeded."
    assert failed.facts == {"h1": ["book/intro/a"]}  # what was read before the failure stays
    for d in ("book/index", "book/intro/b"):
        assert visits[d].error == "" and visits[d].url == f"{ROOT}{d}.html"
        assert visits[d].facts == {"h1": [d]} and set(visits[d].stages) == {"load", "themes"}


def test_checks_name_the_failed_page_and_check_the_others():
    visits = visit_each(PAGES, ROOT, visit_failing_on("book/intro/a", []))
    checked: list[str] = []

    def check(v):
        checked.append(v.docname)
        return [f"{len(v.facts['h1'])} titles"]

    problems = per_page(visits, check)
    assert checked == ["book/index", "book/intro/b"]
    assert problems == ["book/index: 1 titles",
                        "book/intro/a: visit failed in stage 'themes': Timeout: Timeout "
                        "3000ms exceeded.",
                        "book/intro/b: 1 titles"]
    assert failed_visits(visits) == [problems[1]]
    assert failed_visits(list(visits.values())) == [problems[1]]
    assert list(visited(visits)) == ["book/index", "book/intro/b"]


def test_no_failure_no_problem():
    visits = visit_each(PAGES, ROOT, visit_failing_on("none", []))
    assert failed_visits(visits) == [] and list(visited(visits)) == PAGES


def test_a_dead_tab_is_replaced():
    class DeadTab:
        def close(self):
            raise RuntimeError("Target page, context or browser has been closed")

    assert reopen_tab(DeadTab(), lambda: "new tab") == "new tab"


@pytest.mark.parametrize("js", sorted(p.stem for p in harness.JS.glob("*.js")))
def test_each_script_is_one_function_without_its_comments(js):
    code = script(js)
    assert code.startswith(("(", "async (")) and code.endswith(("}", ")"))
    assert not code.lstrip().startswith("//")
    assert getattr(harness, js.upper()) == code, f"js/{js}.js is not used by the harness"
