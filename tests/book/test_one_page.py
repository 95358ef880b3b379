"""`jupyter-book build book/<part>/<page>.md`, the author's one-chapter loop (CONTRIBUTING),
builds the page with the book's configuration (dlbook_build/strict.py): warnings still
fatal, no 404 page (the theme cannot draw one without the book's table of contents)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.book.onecopy import copy_env, one_chapter_copy

pytestmark = pytest.mark.build

CHAPTER = """\
# Probe

```{code-cell} ipython3
print("one page " + "built")
```
"""


def test_one_page_builds_alone(tmp_path):
    root = one_chapter_copy(tmp_path, CHAPTER)
    jb = Path(sys.executable).with_name("jupyter-book")
    out = subprocess.run([str(jb), "build", "book/probe/probe.md"], cwd=root,
                         env=copy_env(root, DLBOOK_PROFILE="quick", DLBOOK_LESSONS="strict"),
                         capture_output=True, text=True, timeout=300)
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-3000:]
    pages = list(root.glob("_build/_page/**/probe.html"))
    assert pages and "one page built" in pages[0].read_text(encoding="utf-8"), log[-3000:]
    assert not list(root.glob("_build/_page/**/404.html"))
