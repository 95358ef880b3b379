"""A Colab notebook per chapter, made by the HTML build.

Everything derives from one setting, ``repository.url`` in ``_config.yml`` (Jupyter Book
passes it to Sphinx as ``html_theme_options["repository_url"]``):

- the HTML build writes, for every chapter that is a notebook,
  ``_build/html/_colab/<docname>.ipynb``: a plain notebook made by
  :mod:`dlbook_build.myst_to_colab` (MyST syntax turned into Markdown, glued values filled in
  from the executed notebook, a first cell that installs ``dlbook_code`` at the build's commit
  only inside Colab), plus ``manifest.json`` (commit, branch, each notebook's Colab URL);
- the GitHub workflow pushes that ``_colab`` folder to the branch ``dlbook_colab_branch``
  (default ``colab``), so ``https://colab.research.google.com/github/<org>/<repo>/blob/colab/
  <docname>.ipynb`` opens exactly the notebook CI executed (:mod:`dlbook_build.buttons` links
  every chapter page to it).

The build's commit: ``DLBOOK_COMMIT``, else ``GITHUB_SHA``, else ``git rev-parse HEAD``, else
the repository branch.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import subprocess
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from . import cache, myst_to_colab, sources

LOGGER = logging.getLogger(__name__)


# --------------------------------------------------------------------------- settings


def repo_parts(app: Sphinx) -> tuple[str, str, str]:
    """(repository URL, org, repo) from the one repository setting."""
    url = (app.config.html_theme_options or {}).get("repository_url", "") or ""
    url = url.rstrip("/").removesuffix(".git")
    m = re.match(r"^https://github\.com/([^/]+)/([^/]+)$", url)
    if not m:
        return url, "", ""
    return url, m.group(1), m.group(2)


def site_url(app: Sphinx) -> str:
    """The published site: ``html_baseurl`` if set, else GitHub Pages of the repository."""
    if app.config.html_baseurl:
        return app.config.html_baseurl.rstrip("/") + "/"
    _, org, repo = repo_parts(app)
    return f"https://{org}.github.io/{repo}/" if org else ""


def colab_url(app: Sphinx, docname: str) -> str:
    _, org, repo = repo_parts(app)
    branch = app.config.dlbook_colab_branch
    return f"https://colab.research.google.com/github/{org}/{repo}/blob/{branch}/{docname}.ipynb"


def build_commit(app: Sphinx) -> str:
    for var in ("DLBOOK_COMMIT", "GITHUB_SHA"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=app.srcdir, capture_output=True,
                             text=True, timeout=10, check=False)
        if out.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", out.stdout.strip()):
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return (app.config.html_theme_options or {}).get("repository_branch") or "main"


# --------------------------------------------------------------------------- Colab notebooks


def cite_function(app: Sphinx, resolve):
    """``{cite}`` as author-year text linked to the bibliography page."""
    entries: dict[str, tuple[str, str]] = {}
    try:
        from pybtex.database import parse_file

        for bib in app.config.bibtex_bibfiles:
            data = parse_file(str(Path(app.srcdir) / bib))
            for key, entry in data.entries.items():
                people = entry.persons.get("author") or entry.persons.get("editor") or []
                names = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in people]
                if len(names) > 2:
                    who = f"{names[0]} et al."
                elif names:
                    who = " and ".join(names)
                else:
                    who = entry.fields.get("title", key).strip("{}")
                entries[key.lower()] = (who, entry.fields.get("year", "n.d."))
    except Exception as exc:  # noqa: BLE001 -- citations then fall back to their keys
        LOGGER.info(f"[dlbook_colab] bibliography not read for citations: {exc}")
    found = resolve("ref", "bibliography")
    bib_url = found[0] if found else ""

    def cite(keys: list[str], textual: bool) -> str:
        parts = []
        for key in keys:
            who, year = entries.get(key.lower(), (key, ""))
            text = (f"{who} ({year})" if textual else f"{who}, {year}") if year else who
            parts.append(f"[{text}]({bib_url})" if bib_url else text)
        return "; ".join(parts) if textual else "(" + "; ".join(parts) + ")"

    return cite


def make_resolver(app: Sphinx, base: str, docname: str):
    env = app.env
    std = env.domaindata["std"]
    math = env.domaindata.get("math", {}).get("objects", {})

    def number(doc: str, figtype: str, node_id: str) -> str:
        nums = env.toc_fignumbers.get(doc, {}).get(figtype, {}).get(node_id)
        return ".".join(map(str, nums)) if nums else ""

    def resolve(kind: str, target: str):
        if kind == "doc":
            doc = posixpath.normpath(posixpath.join(posixpath.dirname(docname), target))
            doc = re.sub(r"\.(md|ipynb)$", "", doc.lstrip("/"))
            if doc in env.titles:
                return f"{base}{doc}.html", env.titles[doc].astext()
            return None
        if kind == "eq":
            if target not in math:
                return None
            doc, n = math[target][0], math[target][1]
            eqno = number(doc, "displaymath", f"equation-{target}") or str(n)
            return f"{base}{doc}.html#equation-{target}", eqno
        target = target.lower()
        if target in std["labels"]:
            doc, labelid, sectname = std["labels"][target]
        elif target in std["anonlabels"]:
            doc, labelid = std["anonlabels"][target]
            sectname = ""
        else:
            return None
        url = f"{base}{doc}.html" + (f"#{labelid}" if labelid else "")
        if kind == "numref":
            for figtype, fmt in (app.config.numfig_format or {}).items():
                n = number(doc, figtype, labelid)
                if n:
                    return url, fmt % n
        return url, sectname

    return resolve


def glued_values(app: Sphinx, docname: str) -> dict[str, dict]:
    """name -> MIME bundle of every value glued in the page's executed notebook: the
    notebook from the execution cache (jupyter-cache's API), its glued outputs found by
    myst-nb's own reader. Empty when the page was not executed (no values to fill in)."""
    from myst_nb.ext.glue import extract_glue_data_cell

    record = cache.page_record(app, docname)
    if record is None:
        return {}
    nb = cache.get_cache(app).get_cache_bundle(record.pk).nb
    return {name: {k: "".join(v) if isinstance(v, list) else v
                   for k, v in (output.get("data") or {}).items()}
            for cell in nb.cells if cell.cell_type == "code"
            for name, output in extract_glue_data_cell(cell)}


def write_colab_notebooks(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    import nbformat

    repo_url, org, _ = repo_parts(app)
    if not org:
        LOGGER.warning("[dlbook_colab] repository.url is not a GitHub repository: no Colab notebooks")
        return
    commit = build_commit(app)
    base = site_url(app)
    outdir = Path(app.outdir) / sources.COLAB_DIR
    written = []
    env = app.env
    for docname in sources.notebook_docs(app):
        nb = sources.read_notebook(env.doc2path(docname), env.myst_config,  # type: ignore[attr-defined]
                                   env.mystnb_config)  # type: ignore[attr-defined]
        if nb is None:
            continue
        resolve = make_resolver(app, base, docname)
        math = app.env.domaindata.get("math", {}).get("objects", {})
        eqs = {}
        for label, (doc, *_rest) in math.items():
            if doc == docname:
                found = resolve("eq", label)
                if found:
                    eqs[label] = found[1]
        ctx = myst_to_colab.Context(
            docname=docname, site_url=base, resolve=resolve,
            cite=cite_function(app, resolve), glue=glued_values(app, docname),
            equation_numbers=eqs, substitutions=dict(app.config.myst_substitutions or {}),
            source=Path(env.doc2path(docname)).read_text(encoding="utf-8"),
            myst_config=env.myst_config)  # type: ignore[attr-defined]
        title = app.config.html_title or app.config.project
        colab = myst_to_colab.to_colab(nb, ctx, repo_url, commit, title=title)
        target = outdir / f"{docname}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(colab, str(target))
        written.append(docname)
    for stale in outdir.rglob("*.ipynb"):  # chapters removed from the toc
        if stale.relative_to(outdir).with_suffix("").as_posix() not in written:
            stale.unlink()
    manifest = {"commit": commit, "repository": repo_url,
                "branch": app.config.dlbook_colab_branch,
                "notebooks": {d: colab_url(app, d) for d in written}}
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (outdir / "README.md").write_text(
        f"# Colab notebooks of {app.config.project}\n\nGenerated from {repo_url} at commit "
        f"{commit}; do not edit: every build replaces this branch.\n")
    LOGGER.info(f"[dlbook_colab] wrote {len(written)} Colab notebooks to {outdir}")


# --------------------------------------------------------------------------- setup


def setup(app: Sphinx):
    app.add_config_value("dlbook_colab_branch", "colab", "html")
    app.connect("build-finished", write_colab_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
