"""A page's description for sharing comes from its prose, not from its code cells' outputs
(dlbook_build/web.py, on sphinxext-opengraph's documented per-page ``og:description``)."""

from __future__ import annotations

import re

import pytest

from tests.book.onecopy import jupyter_book, one_chapter_copy, page

pytestmark = pytest.mark.build

CHAPTER = """\
# Probe

```{code-cell} ipython3
from IPython.display import Markdown

Markdown("An output that is not prose.")  # rendered as a paragraph, like the profile note
```

The prose that describes this page.
"""


def test_the_description_is_the_prose(tmp_path):
    root = one_chapter_copy(tmp_path, CHAPTER)
    out = jupyter_book(root, DLBOOK_PROFILE="quick")
    assert out.returncode == 0, (out.stdout + out.stderr)[-3000:]
    html = page(root)
    assert "An output that is not prose." in html  # the output is on the page...
    meta = re.findall(r'<meta name="description" content="([^"]*)"', html)
    og = re.findall(r'<meta property="og:description" content="([^"]*)"', html)
    assert meta == ["The prose that describes this page."], meta  # ...not in its description
    assert og == meta, og
