"""Links on every page: *Open in Colab* and the chapter's notebook, and the book as a PDF.

A chapter page (a notebook in the table of contents) gets an "Open in Colab" entry in the
launch (rocket) menu, pointing at its notebook on the Colab branch
(:func:`dlbook_build.colab.colab_url`), and its download menu offers that notebook
(``_colab/<docname>.ipynb``). Every page's download menu links to the whole book as one PDF,
``dlbook.pdf`` at the site root, which ``make pdf`` puts there.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from . import sources
from .colab import colab_url, repo_parts

PDF_NAME = "dlbook.pdf"  # the site's copy of _build/latex/book.pdf (Makefile: `make pdf`)


def add_page_buttons(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Colab and notebook links on chapter pages, the PDF link on every page."""
    buttons = context.get("header_buttons")
    if buttons is None:
        return
    pathto = context["pathto"]
    download = next((b for b in buttons if b.get("label") == "download-buttons"), None)
    if download is None:
        download = {"type": "group", "tooltip": "Download", "icon": "fas fa-download",
                    "buttons": [], "label": "download-buttons"}
        buttons.insert(0, download)
    entries = [b for b in download["buttons"] if b.get("label") != "download-notebook-button"]
    chapter = pagename in app.env.found_docs and sources.is_notebook(app.env.doc2path(pagename))
    if chapter and repo_parts(app)[1]:
        entries.insert(0, {
            "type": "link", "url": pathto(f"{sources.COLAB_DIR}/{pagename}.ipynb", 1),
            "text": ".ipynb", "icon": "fas fa-code", "label": "download-notebook-button",
            "tooltip": "Download this chapter as a notebook (the one Colab opens)"})
        launch = next((b for b in buttons if b.get("label") == "launch-buttons"), None)
        colab = {"type": "link", "text": "Open in Colab", "tooltip": "Open this chapter in Colab",
                 "icon": "_static/images/logo_colab.png", "url": colab_url(app, pagename),
                 "label": "colab-button"}
        if launch is None:
            buttons.insert(0, {"type": "group", "tooltip": "Launch interactive content",
                               "icon": "fas fa-rocket", "buttons": [colab],
                               "label": "launch-buttons"})
        else:
            launch["buttons"] = [b for b in launch["buttons"] if b.get("text") != "Colab"] + [colab]
    entries.append({"type": "link", "url": pathto(PDF_NAME, 1), "text": "Book (PDF)",
                    "icon": "fas fa-book", "label": "download-book-pdf-button",
                    "tooltip": "Download the whole book as one PDF"})
    download["buttons"] = entries


def setup(app: Sphinx):
    app.setup_extension("dlbook_build.colab")  # the Colab branch setting
    app.connect("html-page-context", add_page_buttons, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
