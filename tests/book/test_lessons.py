"""Every lesson the book's pages describe was shown by their runs; a reader's build that does
not show one still finishes, and says so (dlbook_build/report.py, README "Lesson checks").

``test_every_lesson_shown`` is what makes ``make test`` strict: it reads the lesson checks of
the executed notebooks in the execution cache of the build under test. The other test builds
a one-chapter copy whose only check cannot hold, and checks the three behaviours: the
reader's build exits 0 and names the lesson in its closing summary and on the page; the
strict build fails naming it; and the first test, run on that copy, fails naming it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dlbook_build import sources
from dlbook_build.report import cached_checks, describe, not_shown
from dlbook_build.sources import ROOT
from tests.book.onecopy import copy_env, jupyter_book, one_chapter_copy, page


@pytest.mark.book
def test_every_lesson_shown():
    checks = cached_checks()
    if all(v is None for v in checks.values()):
        pytest.skip("no executed chapter in the execution cache: build the book first (make book)")
    missing = [c for c, v in checks.items() if v is None]
    failed = [f"{chapter}: {describe(c)}" for chapter, v in checks.items() for c in not_shown(v or [])]
    assert not missing, f"chapters not executed in the current cache ({sources.environment()}): {missing}"
    assert not failed, (f"{len(failed)} lesson(s) not shown by the book's runs:\n  "
                        + "\n  ".join(failed))


LESSON = "the probe's impossible lesson"
CHAPTER = f"""\
# Probe

```{{code-cell}} ipython3
from dlbook_code import expect, setup

book = setup(seed=0)
print("the probe ran")
expect(1.0, ">", 2.0, "{LESSON}")
```
"""


@pytest.fixture(scope="module")
def failing(tmp_path_factory) -> Path:
    root = one_chapter_copy(tmp_path_factory.mktemp("lessons"), CHAPTER)
    for name in ("__init__.py", "conftest.py", "book/__init__.py", "book/onecopy.py",
                 "book/test_lessons.py"):
        (root / "tests" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "tests" / name).write_text((ROOT / "tests" / name).read_text())
    return root


@pytest.mark.build
def test_a_lesson_not_shown_is_reported_not_hidden(failing):
    reader = jupyter_book(failing, DLBOOK_PROFILE="quick")
    log = reader.stdout + reader.stderr
    assert reader.returncode == 0, log[-3000:]
    assert "1 lesson(s) not shown" in log and LESSON in log, log[-3000:]
    html = page(failing)
    assert "the probe ran" in html, "the page lost its outputs"
    assert "dlbook-lesson-not-shown" in html and LESSON in html, "no note on the page"

    strict = jupyter_book(failing, DLBOOK_PROFILE="quick", DLBOOK_LESSONS="strict")
    assert strict.returncode != 0, "a strict build published a page whose lesson was not shown"
    assert LESSON in strict.stdout + strict.stderr

    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/book/test_lessons.py::test_every_lesson_shown"],
        cwd=failing, env=copy_env(failing, DLBOOK_PROFILE="quick"), capture_output=True,
        text=True, timeout=300)
    assert tests.returncode == 1, tests.stdout[-3000:] + tests.stderr[-3000:]
    assert f"book/probe/probe: {LESSON} (measured 1, expected > 2)" in tests.stdout, tests.stdout[-3000:]
