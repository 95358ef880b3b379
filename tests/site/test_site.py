"""Checks of the built website in _build/html (built by `make book` before the tests run)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from dlbook_build.sources import ROOT, chapters, toc_files

pytestmark = pytest.mark.book


def page_for(source: Path, html: Path) -> Path:
    return html / source.relative_to(ROOT).with_suffix(".html")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images: list[str] = []
        self.classes: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img" and a.get("src"):
            self.images.append(a["src"])
        if a.get("class"):
            self.classes.append(a["class"])


def parse(page: Path) -> _Collector:
    c = _Collector()
    c.feed(page.read_text(encoding="utf-8"))
    return c


def test_every_toc_entry_produced_a_page(built_site):
    missing = [str(p.relative_to(ROOT)) for p in toc_files() if not page_for(p, built_site).exists()]
    assert not missing, f"no HTML page for: {missing}"


def test_no_output_holds_an_error_or_traceback(built_site):
    bad = []
    for src in chapters():
        page = page_for(src, built_site)
        text = page.read_text(encoding="utf-8")
        classes = " ".join(parse(page).classes)
        if ("traceback" in classes or "Traceback (most recent call last)" in text
                or "output stderr" in classes):
            bad.append(page.name)
    assert not bad, f"error, traceback or stderr output on: {bad}"


def test_no_ansi_escape_codes(built_site):
    ansi = re.compile(r"\x1b\[|\[(?:\d{1,2};)*\d{1,2}m\b")
    bad = [str(p.relative_to(built_site)) for p in built_site.rglob("*.html")
           if ansi.search(p.read_text(encoding="utf-8"))]
    assert not bad, f"ANSI escape codes in: {bad}"


def test_every_referenced_image_exists(built_site):
    missing = []
    for page in built_site.rglob("*.html"):
        for src in parse(page).images:
            url = urlparse(src)
            if url.scheme in ("http", "https", "data") or url.netloc:
                continue
            target = (page.parent / unquote(url.path)).resolve()
            if not target.exists():
                missing.append(f"{page.relative_to(built_site)} -> {src}")
    assert not missing, f"missing images: {missing[:20]}"


def test_chapters_have_exercises_and_summary(built_site):
    """Each chapter follows the guide: exercises with collapsed solutions and a summary."""
    problems = []
    for src in chapters():
        md = src.read_text(encoding="utf-8")
        if "## Exercises" not in md or "## Summary" not in md:
            problems.append(f"{src.name}: missing Exercises or Summary")
        if md.count(":::{exercise}") < 3:
            problems.append(f"{src.name}: fewer than 3 exercises")
    assert not problems, problems


def test_quick_profile_pages_say_so(built_site):
    """Built without CUDA or with DLBOOK_PROFILE=quick, every chapter that calls setup()
    shows the quick-profile note."""
    from dlbook_code.profile import profile_name

    if profile_name() != "quick":
        pytest.skip("built in the full profile")
    missing = [src.name for src in chapters()
               if "setup(" in src.read_text(encoding="utf-8")
               and "Quick profile" not in page_for(src, built_site).read_text(encoding="utf-8")]
    assert not missing, f"quick-profile note missing on: {missing}"


def test_api_reference_documents_the_package(built_site):
    text = (built_site / "book" / "api.html").read_text(encoding="utf-8")
    for name in ("dlbook_code.train.fit", "dlbook_code.data.load_tensors",
                 "dlbook_code.models.CourseConvNet", "dlbook_code.runtime.setup"):
        assert f'id="{name}"' in text, f"{name} not documented on the API page"



def _text(html: str) -> str:
    from html import unescape

    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def test_execution_report_lists_every_lesson_check(built_site):
    """Every lesson check in the executed chapters (dlbook_code.expect's output metadata, in
    the execution cache the pages came from) is a row of the report's lesson table, in
    reading order, with its measured value, threshold and whether it held; and every chapter
    row names its profile, device and fingerprint."""
    from jupyter_cache import get_cache

    from dlbook_build import sources
    from dlbook_build.cache import lesson_checks

    cache = get_cache(str(sources.cache_path()))
    expected = []
    for src in chapters():
        record = sources.cached_record(cache, sources.read_notebook(src))
        assert record is not None, f"{src.name} is not in the cache of this fingerprint"
        expected += lesson_checks(cache.get_cache_bundle(record.pk).nb)
    assert expected, "no chapter made a lesson check"

    report = (built_site / "book" / "execution-report.html").read_text(encoding="utf-8")
    runs, lessons = (re.search(rf'<table class="[^"]*{name}.*?</table>', report, re.S).group(0)
                     for name in ("dlbook-execution-report", "dlbook-lesson-checks"))
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", runs, re.S)[1:]:
        assert "unknown" not in _text(row), f"run metadata missing: {_text(row)}"
    rows = [_text(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", lessons, re.S)[1:]]
    assert len(rows) == len(expected)
    for check, row in zip(expected, rows):
        cells = f"{check['lesson']} {check['value']:.4g} {check['op']} {check['threshold']:.4g} "
        assert cells + ("yes" if check["held"] else "NO") in row, (check, row)


def test_execution_report_lists_every_self_checked_exercise(built_site):
    """Every exercise a chapter checks with dlbook_code.check (its output metadata) is a row
    of the report's exercise table, with what the check made of the book's own solution; and
    every registered exercise is there, its solution passing."""
    from jupyter_cache import get_cache

    from dlbook_build import sources
    from dlbook_build.cache import exercise_checks
    from dlbook_code.answers import exercises

    cache = get_cache(str(sources.cache_path()))
    solutions = {}
    for src in chapters():
        record = sources.cached_record(cache, sources.read_notebook(src))
        nb = cache.get_cache_bundle(record.pk).nb
        solutions |= {e["label"]: e for e in exercise_checks(nb) if e["solution"]}
    assert set(solutions) == set(exercises()), "every registered exercise checks its solution"

    report = (built_site / "book" / "execution-report.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="[^"]*dlbook-exercise-checks.*?</table>', report, re.S).group(0)
    rows = [_text(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]]
    assert len(rows) == len(solutions)
    for row in rows:
        label = next(label for label in solutions if f" {label} " in f" {row} ")
        assert row.endswith(f"correct {solutions[label]['cases']}"), row
