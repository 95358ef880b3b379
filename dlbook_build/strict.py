"""Warnings fail the build, however it is started; single pages build like the whole book.

`jupyter-book build .` by hand, the Makefile and CI must do the same build, so the policy
lives here rather than in a command-line flag (`-W --keep-going`): every warning is
reported, and the build then exits non-zero.

`jupyter-book build book/<part>/<page>.md` makes the page's folder the Sphinx source
folder, so the bibliography path of _config.yml (relative to the repository root) is
rewritten relative to whichever source folder this build has. Such a one-page build cannot
resolve links to other pages (sections, figures, equations) or citations (they live in the
bibliography page), so those warnings, and only those, are silenced there; the whole-book
build keeps them fatal.
The 404 page (sphinx-notfound-page) is not generated for one page: the theme cannot draw its
sidebar without the book's table of contents.
"""

import os
from pathlib import Path

from sphinx.errors import ExtensionError

from .sources import ROOT


def _bibfiles_from_root(app, config):
    config.bibtex_bibfiles = [
        os.path.relpath(ROOT / f, app.srcdir) if not (Path(app.srcdir) / f).exists() else f
        for f in config.bibtex_bibfiles
    ]
    if _single_page(app):
        config.suppress_warnings = list(config.suppress_warnings) + [
            "ref.ref", "ref.doc", "ref.numref", "ref.eq", "bibtex.key_not_found"]


def _single_page(app) -> bool:
    return Path(app.srcdir).resolve() != ROOT


def _no_404_for_one_page(app):
    """Disconnect sphinx-notfound-page's page generator in a one-page build. Sphinx's
    ``app.disconnect`` is public, but neither Sphinx nor the extension says how to find the
    listener's id (nor has the extension a switch): this reads Sphinx's listener table, and
    stops the build loudly if the generator is no longer found there, so that an upgrade of
    either cannot silently bring the failing page back (tests/book/test_one_page.py)."""
    if not _single_page(app):
        return
    found = [listener for listener in list(app.events.listeners.get("html-collect-pages", []))
             if getattr(listener.handler, "__module__", "").startswith("notfound")]
    if not found:
        raise ExtensionError("dlbook_build/strict.py: sphinx-notfound-page's html-collect-pages "
                             "listener was not found (Sphinx or the extension changed); update "
                             "_no_404_for_one_page")
    for listener in found:
        app.disconnect(listener.id)


def setup(app):
    app.keep_going = True  # report every warning, then fail (Sphinx sets statuscode = 1)
    app.connect("config-inited", _bibfiles_from_root, priority=100)
    app.connect("builder-inited", _no_404_for_one_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
