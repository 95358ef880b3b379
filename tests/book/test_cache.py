"""The execution cache cannot go stale (dlbook_build/cache.py, README "Building").

In a temporary copy of the repository holding one tiny chapter (and the execution report),
the real build is run several times: a chapter re-executes when a ``dlbook_code`` function it
calls changes, and its page then shows the new result; a rebuild with nothing changed
executes nothing; another profile or seed offset reuses nothing (and leaves the book's own
cache in place); the cached outputs keep the metadata of the run that made them, and the
Colab notebook gets the glued values from the cache. The chapter counts its own executions in
a file beside it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.book.onecopy import jupyter_book, one_chapter_copy, page

pytestmark = pytest.mark.build

CHAPTER = """\
# Probe

```{code-cell} ipython3
from pathlib import Path

from dlbook_code import expect, glue
from dlbook_code.cache_probe import answer

with Path("runs.log").open("a") as f:
    f.write("run\\n")
print(f"the answer is {answer()}")
expect(answer(), ">", 0, "the probe answers")
glue("probe-answer", f"{answer()} exactly")
```

The answer is {glue:}`probe-answer`.
"""


def probe_module(value: int) -> str:
    return f'"""A function the probe chapter calls."""\n\n\ndef answer() -> int:\n    return {value}\n'


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    """A copy of the repository with only the report and one tiny chapter."""
    root = one_chapter_copy(tmp_path_factory.mktemp("book"), CHAPTER)
    (root / "dlbook_code" / "cache_probe.py").write_text(probe_module(41))
    return root


def build(root: Path, profile: str = "quick", seed: int = 0) -> int:
    """Build the copy's website; return how many times the chapter executed."""
    log = root / "book" / "probe" / "runs.log"
    before = len(log.read_text().splitlines()) if log.exists() else 0
    out = jupyter_book(root, DLBOOK_PROFILE=profile, DLBOOK_LESSONS="strict",
                       DLBOOK_SEED=str(seed))
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return len(log.read_text().splitlines()) - before


def cache_folders(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "_build" / ".jupyter_cache").iterdir() if p.is_dir())


def test_cache_follows_code_profile_and_nothing_else(book):
    assert build(book) == 1
    assert "the answer is 41" in page(book)
    assert build(book) == 0, "nothing changed, yet the chapter executed again"

    (book / "dlbook_code" / "cache_probe.py").write_text(probe_module(42))
    assert build(book) == 1, "a dlbook_code function the chapter calls changed: no re-execution"
    assert "the answer is 42" in page(book), "the page still shows the old output"
    assert len([f for f in cache_folders(book) if f.startswith("quick-")]) == 1, \
        "the outdated quick-profile cache was kept"

    assert build(book, "full") == 1, "the full profile reused the quick profile's outputs"
    assert build(book, "quick") == 0, "switching back to quick did not find its cache"
    assert {f.split("-")[0] for f in cache_folders(book)} == {"quick", "full"}
    assert build(book, seed=3) == 1, "a seed offset (DLBOOK_SEED) reused the book's outputs"
    assert build(book) == 0, "the book's own cache was lost to the seed offset's"

    report = (book / "_build" / "html" / "book" / "execution-report.html").read_text(encoding="utf-8")
    from dlbook_build import sources

    fp = sources.fingerprint("quick", sources.environment()["kind"], book)[:12]
    assert fp in report and "the probe answers" in report

    colab = book / "_build" / "html" / sources.COLAB_DIR / "book" / "probe" / "probe.ipynb"
    assert "The answer is 42 exactly" in colab.read_text(encoding="utf-8"), \
        "the Colab notebook lacks the glued value of the cached run"
