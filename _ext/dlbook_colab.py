"""Publishing: a Colab notebook per chapter, Colab/notebook/PDF links on every page, and an
execution report.

Everything derives from one setting, ``repository.url`` in ``_config.yml`` (Jupyter Book
passes it to Sphinx as ``html_theme_options["repository_url"]``):

- the HTML build writes, for every chapter that is a notebook,
  ``_build/html/_colab/<docname>.ipynb``: a plain notebook made by :mod:`myst_to_colab`
  (MyST syntax turned into Markdown, glued values filled in from the executed notebook, a
  first cell that installs ``dlbook_code`` at the build's commit only inside Colab);
- the GitHub workflow pushes that ``_colab`` folder to the branch ``dlbook_colab_branch``
  (default ``colab``), so ``https://colab.research.google.com/github/<org>/<repo>/blob/colab/
  <docname>.ipynb`` opens exactly the notebook CI executed;
- every chapter page gets an "Open in Colab" entry in the launch (rocket) menu, and its
  download menu offers that notebook and the whole book as a PDF (``dlbook.pdf`` at the site
  root, copied there when ``_build/latex/book.pdf`` exists);
- the ``{dlbook-execution-report}`` directive renders a table of every chapter's run time,
  profile, device and status from the last build (the profile and device are stored with
  each executed notebook in the jupyter-cache record, by this extension for notebooks
  executed by the build and by ``tools/execute_part.py`` on the GPU runner).

The build's commit: ``DLBOOK_COMMIT``, else ``GITHUB_SHA``, else ``git rev-parse HEAD``, else
the repository branch.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

sys.path.insert(0, str(Path(__file__).parent))
import myst_to_colab

LOGGER = logging.getLogger(__name__)
COLAB_DIR = "_colab"
PDF_NAME = "dlbook.pdf"
REPORT_KEY = "dlbook_has_report"


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


def is_notebook_source(path: Path) -> bool:
    if path.suffix == ".ipynb":
        return True
    head = path.read_text(encoding="utf-8")[:800] if path.exists() else ""
    return head.startswith("---") and "kernelspec:" in head


def notebook_docs(app: Sphinx) -> list[str]:
    env = app.env
    return [d for d in toc_order(app) if is_notebook_source(Path(env.doc2path(d)))]


def toc_order(app: Sphinx) -> list[str]:
    """Documents in reading order (depth-first through the toctrees from the root)."""
    env = app.env
    seen: list[str] = []

    def walk(doc: str) -> None:
        if doc in seen or doc not in env.found_docs:
            return
        seen.append(doc)
        for child in env.toctree_includes.get(doc, []):
            walk(child)

    walk(app.config.root_doc)
    seen += sorted(d for d in env.found_docs if d not in seen)
    return seen


def read_notebook(app: Sphinx, docname: str):
    """The notebook exactly as myst-nb reads the source (same reader, same config)."""
    from myst_nb.core.read import create_nb_reader

    path = env_path = str(app.env.doc2path(docname))
    text = Path(env_path).read_text(encoding="utf-8")
    reader = create_nb_reader(path, app.env.myst_config, app.env.mystnb_config, text)
    return reader.read(text) if reader else None


# --------------------------------------------------------------------------- run info


_RUN_INFO: dict[str, str] = {}


def run_info() -> dict[str, str]:
    """Profile and device of notebooks executed by this process's kernels (same environment)."""
    if not _RUN_INFO:
        try:
            from dlbook_code.profile import profile_name
            from dlbook_code.runtime import pick_device

            device = pick_device(None)
            name = device.type
            if device.type == "cuda":
                import torch

                name = f"cuda ({torch.cuda.get_device_name(device)})"
            _RUN_INFO.update(profile=profile_name(), device=name)
        except Exception as exc:  # noqa: BLE001 -- the report must not break the build
            _RUN_INFO.update(profile="unknown", device=f"unknown ({type(exc).__name__})")
    return _RUN_INFO


def get_cache(app: Sphinx):
    from jupyter_cache import get_cache as _get

    return _get(app.env.mystnb_config.execution_cache_path)


def cache_record(app: Sphinx, docname: str):
    try:
        nb = read_notebook(app, docname)
        return get_cache(app).match_cache_notebook(nb) if nb is not None else None
    except Exception:  # noqa: BLE001 -- not cached (KeyError) or no usable cache
        return None


def record_run_info(app: Sphinx, doctree) -> None:
    """After myst-nb executed a notebook in this build, store profile and device in its
    jupyter-cache record, so later builds that reuse the cache still report them."""
    from myst_nb.sphinx_ import NbMetadataCollector

    docname = app.env.docname
    exec_data = NbMetadataCollector.get_exec_data(app.env, docname)
    if not exec_data or exec_data.get("mtime", 0) < app.dlbook_build_start - 1:
        return  # not executed, or taken from the cache
    record = cache_record(app, docname)
    if record is None or (record.data or {}).get("dlbook_profile"):
        return
    from jupyter_cache.cache.db import NbCacheRecord, session_context

    info = run_info()
    with session_context(get_cache(app).db) as session:
        rec = session.query(NbCacheRecord).filter_by(pk=record.pk).one()
        rec.data = {**(rec.data or {}), "dlbook_profile": info["profile"],
                    "dlbook_device": info["device"]}
        session.commit()


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
    """name -> MIME bundle of every value glued in the executed notebook of ``docname``."""
    folder = Path(app.outdir).parent / "jupyter_execute"
    glue_file = folder / f"{docname}.glue.json"  # myst-nb writes the glued values here
    if glue_file.exists():
        data = json.loads(glue_file.read_text(encoding="utf-8"))
        return {name: {k: "".join(v) if isinstance(v, list) else v
                       for k, v in (out.get("data") or {}).items()}
                for name, out in data.items()}
    path = folder / f"{docname}.ipynb"
    if not path.exists():
        return {}
    nb = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, dict] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            meta = (output.get("metadata") or {}).get("scrapbook") or {}
            if meta.get("name"):
                prefix = meta.get("mime_prefix", "")
                out[meta["name"]] = {k[len(prefix):]: "".join(v) if isinstance(v, list) else v
                                     for k, v in (output.get("data") or {}).items()
                                     if k.startswith(prefix)}
    return out


def write_colab_notebooks(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    import nbformat

    repo_url, org, _ = repo_parts(app)
    if not org:
        LOGGER.warning("[dlbook_colab] repository.url is not a GitHub repository: no Colab notebooks")
        return
    commit = app.dlbook_commit
    base = site_url(app)
    raw = f"https://raw.githubusercontent.com/{repo_url.split('github.com/')[1]}/{commit}"
    outdir = Path(app.outdir) / COLAB_DIR
    written = []
    for docname in notebook_docs(app):
        nb = read_notebook(app, docname)
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
            docname=docname, site_url=base, raw_url=raw, resolve=resolve,
            cite=cite_function(app, resolve), glue=glued_values(app, docname),
            equation_numbers=eqs, substitutions=dict(app.config.myst_substitutions or {}))
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
    pdf = Path(app.outdir).parent / "latex" / "book.pdf"
    if pdf.exists():
        shutil.copy2(pdf, Path(app.outdir) / PDF_NAME)


# --------------------------------------------------------------------------- page buttons


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
    path = Path(app.env.doc2path(pagename)) if pagename in app.env.found_docs else None
    if path is not None and is_notebook_source(path) and repo_parts(app)[1]:
        entries.insert(0, {
            "type": "link", "url": pathto(f"{COLAB_DIR}/{pagename}.ipynb", 1),
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


# --------------------------------------------------------------------------- execution report


class ReportNode(nodes.General, nodes.Element):
    """Placeholder, replaced by the table once every notebook has been executed."""


class ExecutionReport(SphinxDirective):
    has_content = False

    def run(self):
        from myst_nb.sphinx_ import NbMetadataCollector

        NbMetadataCollector.set_doc_data(self.env, self.env.docname, REPORT_KEY, True)
        return [ReportNode()]


def report_rows(app: Sphinx) -> list[dict]:
    from myst_nb.sphinx_ import NbMetadataCollector

    rows = []
    for docname in notebook_docs(app):
        data = NbMetadataCollector.get_exec_data(app.env, docname) or {}
        record = cache_record(app, docname)
        extra = (record.data or {}) if record is not None else {}
        runtime = data.get("runtime") or extra.get("execution_seconds")
        when = data.get("mtime")
        if data.get("succeeded") is False:
            status = f"failed ({data.get('error')})"
        elif data:
            status = "ok"
        else:
            status = "not executed"
        rows.append({
            "docname": docname,
            "title": app.env.titles[docname].astext() if docname in app.env.titles else docname,
            "runtime": runtime, "profile": extra.get("dlbook_profile", "unknown"),
            "device": extra.get("dlbook_device", "unknown"), "status": status,
            "executed": (datetime.fromtimestamp(when, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
                         if when else ""),
        })
    return rows


class ExecutionReportTransform(SphinxPostTransform):
    default_priority = 8

    def run(self, **kwargs) -> None:
        for node in list(self.document.findall(ReportNode)):
            node.replace_self(self.table(self.app, self.env.docname))

    @staticmethod
    def table(app: Sphinx, fromdoc: str):
        rows = report_rows(app)
        headers = ["Chapter", "Time (s)", "Profile", "Device", "Status", "Executed"]
        table = nodes.table(classes=["dlbook-execution-report", "colwidths-given"])
        group = nodes.tgroup(cols=len(headers))
        table += group
        for width in (34, 9, 9, 17, 9, 22):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        row = nodes.row()
        for h in headers:
            row += nodes.entry("", nodes.paragraph(text=h))
        head += row
        body = nodes.tbody()
        group += body
        total = 0.0
        for r in rows:
            row = nodes.row()
            ref = nodes.reference("", r["title"], internal=True,
                                  refuri=app.builder.get_relative_uri(fromdoc, r["docname"]))
            cells = [nodes.paragraph("", "", ref)]
            runtime = f"{r['runtime']:.1f}" if isinstance(r["runtime"], (int, float)) else "–"
            total += r["runtime"] if isinstance(r["runtime"], (int, float)) else 0.0
            for text in (runtime, r["profile"], r["device"], r["status"], r["executed"]):
                cells.append(nodes.paragraph(text=text))
            for c in cells:
                row += nodes.entry("", c)
            body += row
        summary = nodes.paragraph(
            text=f"{len(rows)} notebooks; {total:.0f} s of execution in all (the time each "
                 f"notebook took when it was last executed; a page reused from the cache keeps "
                 f"its original time).")
        return [table, summary]


def update_report(app: Sphinx, env):
    """When a notebook was executed, the report page must be written again."""
    from myst_nb.sphinx_ import NbMetadataCollector

    if not NbMetadataCollector.new_exec_data(env):
        return []
    return [d for d, data in NbMetadataCollector.get_doc_data(env).items() if data.get(REPORT_KEY)]


# --------------------------------------------------------------------------- setup


def on_builder_inited(app: Sphinx) -> None:
    app.dlbook_build_start = time.time()
    app.dlbook_commit = build_commit(app)


def setup(app: Sphinx):
    app.add_config_value("dlbook_colab_branch", "colab", "html")
    app.add_node(ReportNode)
    app.add_directive("dlbook-execution-report", ExecutionReport)
    app.add_post_transform(ExecutionReportTransform)
    app.connect("builder-inited", on_builder_inited)
    app.connect("doctree-read", record_run_info)
    app.connect("env-updated", update_report)
    app.connect("html-page-context", add_page_buttons, priority=600)
    app.connect("build-finished", write_colab_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
