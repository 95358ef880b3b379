"""How the pages look: figures readable in the light and the dark theme, pages that fit a
phone's width, and a suite quick enough to run."""

from __future__ import annotations

import pytest

from tests.site.browser.harness import per_page

pytestmark = [pytest.mark.browser, pytest.mark.book]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_figures_are_readable_in_light_and_dark_themes(theme, visits):
    """Each figure, as drawn on screen (over its background, through the theme's filters),
    spans a contrast of at least 3:1; screenshots of both themes are kept."""
    if not any(v.contrast.get(theme) for v in visits.values()):
        pytest.skip("no page with figures")

    def check(v):
        out = []
        if v.themes.get(theme) != theme:
            out.append(f"asked for the {theme} theme, got {v.themes.get(theme)!r}")
        for c in v.contrast.get(theme, []):
            if c["contrast"] < 3.0:
                out.append(f"figure {c['src']} has contrast "
                           f"{c['contrast']:.1f} on {c['background']} (< 3)")
        return out

    problems = per_page(visits, check)
    assert not problems, "\n".join(problems)


def test_phone_width_shows_content_without_horizontal_scrolling(visits):
    def check(v):
        out = []
        m = v.narrow
        if m["scrollWidth"] > m["width"] + 1:
            out.append(f"page is {m['scrollWidth']}px wide on a {m['width']}px "
                       f"screen; too wide: {m['wide']}")
        if m["articleLeft"] < 0 or m["articleWidth"] < 0.8 * m["width"]:
            out.append(f"the text column is {m['articleWidth']:.0f}px at "
                       f"x={m['articleLeft']:.0f} on a {m['width']}px screen")
        return out

    problems = per_page(visits, check)
    assert not problems, "\n".join(problems)


def test_the_browser_suite_is_fast(visits):
    """Keep the suite usable: loading a page takes seconds, not tens of seconds."""
    slow = {d: {k: round(x, 1) for k, x in v.stages.items()}
            for d, v in visits.items() if v.seconds > 20}
    assert not slow, f"pages slower than 20 s to load and check: {slow}"
