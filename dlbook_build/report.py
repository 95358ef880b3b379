"""The execution report: the ``{dlbook-execution-report}`` directive (book/execution-report.md).

Two tables, from the build that made the pages: every chapter with the run time, profile,
device, fingerprint and versions its outputs came from (:mod:`dlbook_build.cache`), and every
lesson check each chapter's run made (``dlbook_code.expect`` writes each check into the
notebook's outputs under the metadata key ``dlbook_lesson``) with the value it measured, the
threshold and whether it held. A page reused from the cache keeps the facts of its run.
Both come from the environment data that :mod:`dlbook_build.cache` collects as pages are read.
"""

from __future__ import annotations

from datetime import datetime, timezone

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from . import sources
from .cache import LESSONS, RUN

REPORT = "dlbook_has_report"  # per-page environment data: the page shows the report


class ReportNode(nodes.General, nodes.Element):
    """Placeholder, replaced by the tables once every notebook has been read."""


class ExecutionReport(SphinxDirective):
    has_content = False

    def run(self):
        from myst_nb.sphinx_ import NbMetadataCollector

        NbMetadataCollector.set_doc_data(self.env, self.env.docname, REPORT, True)
        return [ReportNode()]


def report_rows(app: Sphinx) -> list[dict]:
    from myst_nb.sphinx_ import NbMetadataCollector

    rows = []
    for docname in sources.notebook_docs(app):
        data = NbMetadataCollector.get_exec_data(app.env, docname) or {}
        doc = NbMetadataCollector.get_doc_data(app.env).get(docname, {})
        run = doc.get(RUN) or {}
        if data.get("succeeded") is False:
            status = f"failed ({data.get('error')})"
        else:
            status = "ok" if data else "not executed"
        versions = run.get(sources.VERSIONS) or {}
        when = data.get("mtime")
        rows.append({
            "docname": docname,
            "title": app.env.titles[docname].astext() if docname in app.env.titles else docname,
            "runtime": data.get("runtime") or run.get(sources.SECONDS),
            "profile": run.get(sources.PROFILE) or "unknown",
            "device": run.get(sources.DEVICE) or "unknown",
            "fingerprint": (run.get(sources.FINGERPRINT) or "unknown")[:12],
            "versions": ", ".join(f"{k} {v}" for k, v in versions.items()) or "unknown",
            "status": status,
            "executed": (datetime.fromtimestamp(when, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
                         if when else ""),
            "lessons": doc.get(LESSONS) or [],
        })
    return rows


def _table(headers: list[str], widths: list[int], rows: list[list], classes: list[str]):
    table = nodes.table(classes=[*classes, "colwidths-given"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for h in headers:
        row += nodes.entry("", nodes.paragraph(text=h))
    head += row
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            row += nodes.entry("", cell if isinstance(cell, nodes.Node) else nodes.paragraph(text=cell))
        body += row
    return table


def _fmt(x: float) -> str:
    return f"{x:.4g}"


class ExecutionReportTransform(SphinxPostTransform):
    default_priority = 8

    def run(self, **kwargs) -> None:
        for node in list(self.document.findall(ReportNode)):
            node.replace_self(self.tables(self.app, self.env.docname))

    @staticmethod
    def tables(app: Sphinx, fromdoc: str) -> list[nodes.Node]:
        rows = report_rows(app)

        def link(r):
            uri = app.builder.get_relative_uri(fromdoc, r["docname"])
            return nodes.paragraph("", "", nodes.reference("", r["title"], internal=True, refuri=uri))

        runs = _table(
            ["Chapter", "Time (s)", "Profile", "Device", "Fingerprint", "Versions", "Status",
             "Executed"],
            [24, 7, 7, 18, 11, 14, 7, 12],
            [[link(r), f"{r['runtime']:.1f}" if isinstance(r["runtime"], (int, float)) else "–",
              r["profile"], r["device"], r["fingerprint"], r["versions"], r["status"], r["executed"]]
             for r in rows],
            ["dlbook-execution-report"])
        total = sum(r["runtime"] for r in rows if isinstance(r["runtime"], (int, float)))
        summary = nodes.paragraph(
            text=f"{len(rows)} notebooks; {total:.0f} s of execution in all (the time each "
                 f"notebook took when it was last executed; a page reused from the cache keeps "
                 f"its original time).")
        checks = [(r, c) for r in rows for c in r["lessons"]]
        lessons = _table(
            ["Chapter", "Lesson", "Measured", "Expected", "Held"],
            [22, 46, 10, 12, 8],
            [[link(r), c["lesson"], _fmt(c["value"]), f"{c['op']} {_fmt(c['threshold'])}",
              "yes" if c["held"] else "NO"] for r, c in checks],
            ["dlbook-lesson-checks"])
        held = sum(c["held"] for _, c in checks)
        chapters = len({r["docname"] for r, _ in checks})
        heading = nodes.rubric(text="Lesson checks")
        intro = nodes.paragraph(
            text=f"Every lesson check the chapters' runs made, with the profile and device of "
                 f"the table above: {len(checks)} checks in {chapters} chapters, {held} held.")
        return [runs, summary, heading, intro, lessons]


def update_report(app: Sphinx, env):
    """When a notebook page was read again, the report page must be written again."""
    from myst_nb.sphinx_ import NbMetadataCollector

    if not NbMetadataCollector.new_exec_data(env):
        return []
    return [d for d, data in NbMetadataCollector.get_doc_data(env).items() if data.get(REPORT)]


def setup(app: Sphinx):
    app.setup_extension("dlbook_build.cache")
    app.add_node(ReportNode)
    app.add_directive("dlbook-execution-report", ExecutionReport)
    app.add_post_transform(ExecutionReportTransform)
    app.connect("env-updated", update_report)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
