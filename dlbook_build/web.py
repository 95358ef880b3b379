"""The website as a reader meets it: small fixes checked by tests/site/browser/.

- Sphinx 7.4 adds the scripts that extensions register after the builder started twice to
  every page (sphinx-thebe's inline configuration among them, whose second copy throws
  "Identifier 'THEBE_JS_URL' has already been declared" in the console); each page keeps
  the first copy of each script.
- A page's description for sharing (``og:description`` and ``<meta name="description">``) is
  taken from its prose only, not from code cells and their outputs (such as the
  quick-profile note): the page's ``og:description`` field, sphinxext-opengraph's documented
  per-page override, is set as each page is read, and the meta tag is written beside it
  (the extension then writes none of its own).
- Accessibility (WCAG 2.1 AA, checked with axe-core in the browser tests): each expand/collapse
  toggle of the sidebar gets a name (pydata-sphinx-theme 0.17 leaves its ``<summary>``, a bare
  chevron, nameless: axe's summary-name); the bibliography's entries are list items
  (docutils 0.21 gives them the deprecated DPUB-ARIA role ``doc-biblioentry`` inside a
  ``role="list"``: axe's aria-deprecated-role and aria-required-children). The theme's other
  fixes are template overrides in ``_templates/`` and CSS/JS in ``_static/``.
"""

from __future__ import annotations

import html


def _script_key(script) -> tuple:
    """A script's file name and attributes (its inline body is one), not its priority."""
    filename = getattr(script, "filename", script) or ""  # inline: None or "" (the duplicate)
    attributes = getattr(script, "attributes", {}) or {}
    return (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))


def dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            kept.append(script)
    scripts[:] = kept  # in place: it is the builder's list, to which later handlers add


def _name_sidebar_toggles(generate):
    """Wrap the theme's ``generate_toctree_html`` so that each sidebar ``<summary>`` (the
    chevron that opens a part) is named after the entry it opens: "Contents of 1.
    Introduction". Upstream fix: the same name in pydata-sphinx-theme's
    ``toctree.add_collapse_checkboxes``, where the ``<summary>`` is made."""

    def generate_named(kind, *args, **kwargs):
        soup = generate(kind, *args, **kwargs)
        if kind != "sidebar" or isinstance(soup, str):
            return soup
        for summary in soup.select("li.has-children > details > summary"):
            link = summary.find_parent("li").find("a", recursive=False)
            if link is not None and not summary.get_text(strip=True):
                summary["aria-label"] = f"Contents of {link.get_text(' ', strip=True)}"
        return soup  # the theme caches it: naming again changes nothing

    return generate_named


def accessible_page(app, pagename, templatename, context, doctree):
    generate = context.get("generate_toctree_html")  # set by the theme, before this handler
    if generate is not None:
        context["generate_toctree_html"] = _name_sidebar_toggles(generate)
    if "body" in context:  # docutils' bibliography entries: list items of their role="list"
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def _in_code_cell(node) -> bool:
    from docutils import nodes

    while node is not None:
        if isinstance(node, nodes.container) and node.get("nb_element") == "cell_code":
            return True
        node = node.parent
    return False


def prose_description(doctree, length: int) -> str:
    """The page's prose (its paragraphs outside code cells, in order), cut to ``length``
    characters with an ellipsis."""
    from docutils import nodes

    text = ""
    for para in doctree.findall(nodes.paragraph):
        if not _in_code_cell(para):
            text = f"{text} {' '.join(para.astext().split())}".strip()
            if len(text) > length:
                return text[:length - 3].rstrip() + "..."
    return text


def describe_prose_only(app, doctree) -> None:
    length = getattr(app.config, "ogp_description_length", None)  # None: no sphinxext-opengraph
    fields = app.env.metadata[app.env.docname]
    if length and "og:description" not in fields:  # a page may still set its own
        description = prose_description(doctree, length)
        if description:
            fields["og:description"] = description


def meta_description(app, pagename, templatename, context, doctree) -> None:
    description = (context.get("meta") or {}).get("og:description")
    if description and 'name="description"' not in context.get("metatags", ""):
        context["metatags"] = (context.get("metatags", "") +
                               f'\n<meta name="description" content="{html.escape(description)}" />')


def setup(app):
    app.connect("doctree-read", describe_prose_only)
    # before sphinxext-opengraph's handler (500), which then sees a description and adds none
    app.connect("html-page-context", meta_description, priority=400)
    # last: other handlers of this event add scripts (and the duplicates) before it
    app.connect("html-page-context", dedupe_scripts, priority=999)
    app.connect("html-page-context", accessible_page, priority=900)  # after the theme's (500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

