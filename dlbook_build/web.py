"""The website as a reader meets it: small fixes checked by tests/site/test_browser.py.

- Sphinx 7.4 adds the scripts that extensions register after the builder started twice to
  every page (sphinx-thebe's inline configuration among them, whose second copy throws
  "Identifier 'THEBE_JS_URL' has already been declared" in the console); each page keeps
  the first copy of each script.
- A page's description for sharing (sphinxext-opengraph's ``og:description`` and
  ``<meta name="description">``) is taken from its prose only, not from code cells and
  their outputs (such as the quick-profile note).
"""

from __future__ import annotations


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


def _describe_prose_only() -> None:
    try:
        from docutils import nodes
        from sphinxext.opengraph._description_parser import DescriptionParser
    except ImportError:  # sphinxext-opengraph not installed: nothing to adjust
        return
    if getattr(DescriptionParser, "_dlbook_prose_only", False):
        return
    visit = DescriptionParser.dispatch_visit

    def dispatch_visit(self, node):
        if isinstance(node, nodes.container) and node.get("nb_element") == "cell_code":
            raise nodes.SkipNode
        return visit(self, node)

    DescriptionParser.dispatch_visit = dispatch_visit
    DescriptionParser._dlbook_prose_only = True


def setup(app):
    _describe_prose_only()
    # last: other handlers of this event add scripts (and the duplicates) before it
    app.connect("html-page-context", dedupe_scripts, priority=999)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

