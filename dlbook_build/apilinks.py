"""Link every mention of a dlbook_code function or class in the prose to the API page.

Chapters name the helpers they use as inline code (``fit``, ``load_tensors``,
``dlbook_code.models.AlexNet``). After Sphinx has resolved references, each such literal
that names a documented object of ``dlbook_code`` becomes a link to its entry on the API
page, so a reader can go from any chapter to the docstring of what it calls. Only the HTML
builders do this; code cells are left alone.
"""

from __future__ import annotations

from docutils import nodes

PACKAGE = "dlbook_code."


def _targets(app) -> dict[str, tuple[str, str]]:
    """Names a reader may write -> (docname, anchor): the full dotted name, the name
    without the package, and the bare name when it is unique."""
    objects = app.env.get_domain("py").objects
    targets: dict[str, tuple[str, str]] = {}
    bare: dict[str, list[tuple[str, str]]] = {}
    for fullname, entry in objects.items():
        if not fullname.startswith(PACKAGE) or entry.objtype not in ("function", "class"):
            continue
        where = (entry.docname, entry.node_id)
        parts = fullname.split(".")
        targets[fullname] = where                      # dlbook_code.train.fit
        targets[".".join(parts[1:])] = where           # train.fit
        targets[f"dlbook_code.{parts[-1]}"] = where    # dlbook_code.fit (re-exports)
        bare.setdefault(parts[-1], []).append(where)
    for name, wheres in bare.items():
        if len(set(wheres)) == 1:
            targets.setdefault(name, wheres[0])        # fit
    return targets


def _link_literals(app, doctree, docname):
    if app.builder.format != "html":
        return
    targets = _targets(app)
    for literal in list(doctree.findall(nodes.literal)):
        text = literal.astext().strip()
        key = text[:-2] if text.endswith("()") else text.split("(")[0]
        if key not in targets:
            continue
        if any(isinstance(a, (nodes.reference, nodes.title, nodes.literal_block))
               for a in _ancestors(literal)):
            continue
        target_doc, anchor = targets[key]
        if target_doc == docname:
            continue  # the API page itself
        uri = app.builder.get_relative_uri(docname, target_doc) + "#" + anchor
        ref = nodes.reference("", "", internal=True, refuri=uri,
                              reftitle=f"API reference: {key}")
        literal.replace_self(ref)
        ref += literal


def _ancestors(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def setup(app):
    app.connect("doctree-resolved", _link_literals)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
