"""The execution report: the ``{dlbook-execution-report}`` directive (book/execution-report.md).

Three tables, from the build that made the pages: every chapter with the run time, profile,
device, fingerprint and versions its outputs came from (:mod:`dlbook_build.cache`); every
lesson check each chapter's run made (``dlbook_code.expect`` writes each check into the
notebook's outputs under the metadata key ``dlbook_lesson``) with the value it measured, the
threshold and whether it held; and every self-checked exercise (``dlbook_code.check``
writes ``dlbook_exercise``), with how many cases the book's own solution passed. A page
reused from the cache keeps the facts of its run. All come from the environment data that
:mod:`dlbook_build.cache` collects as pages are read.

**A lesson not shown.** A page whose run did not show one of its lessons gets a visible note
at its top, naming the lesson, the value measured and the value expected (the check's own
cell is hidden). At the end of the build every lesson not shown is listed. In a reader's
build that is all: the build finishes and exits 0, every page written. With
``DLBOOK_LESSONS=strict`` (``.ci/run`` and the publishing workflow) each one is also a
warning, so the build fails, even for pages whose outputs came from the cache. ``make
test`` fails on them in any case: ``tests/book/test_lessons.py`` reads the checks of the
executed notebooks (:func:`cached_checks`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import sources
from .cache import EXERCISES, LESSONS, RUN, lesson_checks

LOGGER = logging.getLogger(__name__)

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
            "executed": (datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d %H:%M UTC")
                         if when else ""),
            "lessons": doc.get(LESSONS) or [],
            "exercises": doc.get(EXERCISES) or [],
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
        return [runs, summary, heading, intro, lessons, *ExecutionReportTransform.exercises(
            rows, link)]

    @staticmethod
    def exercises(rows: list[dict], link) -> list[nodes.Node]:
        """The self-checked exercises: per chapter, each exercise whose answer a reader can
        check, and what the check made of the book's own solution."""
        found = []
        for r in rows:
            solutions = {e["label"]: e for e in r["exercises"] if e.get("solution")}
            for label in dict.fromkeys(e["label"] for e in r["exercises"]):
                found.append((r, label, solutions.get(label)))
        table = _table(
            ["Chapter", "Exercise", "The book's solution", "Cases tried"],
            [30, 30, 25, 15],
            [[link(r), label, "not checked" if s is None else s["status"],
              "–" if s is None else str(s["cases"])] for r, label, s in found],
            ["dlbook-exercise-checks"])
        passed = sum(s is not None and s["status"] == "correct" for _, _, s in found)
        intro = nodes.paragraph(text=(
            f"Every exercise whose answer a reader can check with dlbook_code.check, on "
            f"random inputs: {len(found)} exercises in {len({r['docname'] for r, _, _ in found})} "
            f"chapters; the book's own solution passes the check in {passed}."))
        return [nodes.rubric(text="Self-checked exercises"), intro, table]


def update_report(app: Sphinx, env):
    """When a notebook page was read again, the report page must be written again."""
    from myst_nb.sphinx_ import NbMetadataCollector

    if not NbMetadataCollector.new_exec_data(env):
        return []
    return [d for d, data in NbMetadataCollector.get_doc_data(env).items() if data.get(REPORT)]


# --------------------------------------------------------------------- lessons not shown


def describe(check: dict) -> str:
    """One line for a check that did not hold: the lesson, measured and expected values."""
    return (f"{check['lesson']} (measured {_fmt(check['value'])}, expected {check['op']} "
            f"{_fmt(check['threshold'])})")


def not_shown(checks: list[dict]) -> list[dict]:
    return [c for c in checks if not c.get("held")]


def note_on_page(app: Sphinx, doctree) -> None:
    """Put a visible note at the top of a page whose run did not show a lesson."""
    from myst_nb.sphinx_ import NbMetadataCollector

    doc = NbMetadataCollector.get_doc_data(app.env).get(app.env.docname, {})
    missed = not_shown(doc.get(LESSONS) or [])
    if not missed:
        return
    note = nodes.warning(classes=["dlbook-lesson-not-shown"])
    note += nodes.paragraph(text=(
        f"This page's run did not show {len(missed)} of the lessons its text describes; "
        f"the numbers below are this run's, and where they contradict the text, the text "
        f"is wrong for this run:"))
    items = nodes.bullet_list()
    for check in missed:
        items += nodes.list_item("", nodes.paragraph(text=describe(check)))
    note += items
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None and section.children and isinstance(section[0], nodes.title):
        section.insert(1, note)
    else:
        doctree.insert(0, note)


def summarise(app: Sphinx, exception) -> None:
    """At the end of the build: every lesson not shown, and in a strict build, a failure."""
    from myst_nb.sphinx_ import NbMetadataCollector

    if exception is not None:
        return
    from dlbook_code.lessons import strict

    missed = [(docname, c) for docname, data in sorted(NbMetadataCollector.get_doc_data(
        app.env).items()) for c in not_shown(data.get(LESSONS) or [])]
    if not missed:
        return
    LOGGER.info(f"\n[dlbook] {len(missed)} lesson(s) not shown by this build's runs:")
    for docname, check in missed:
        line = f"  {docname}: {describe(check)}"
        if strict():
            LOGGER.warning(f"lesson not shown: {line.strip()}")
        else:
            LOGGER.info(line)
    if not strict():
        LOGGER.info("[dlbook] every page was written, each with a note saying which lesson it "
                    "did not show. The book's own build (DLBOOK_LESSONS=strict) and `make "
                    "test` fail on these.")


def cached_checks(root=sources.ROOT, caches=None) -> dict[str, list[dict] | None]:
    """The lesson checks of every chapter's executed notebook in the execution cache of the
    current fingerprint (profile, device), by chapter (``None``: not executed there)."""
    from jupyter_cache import get_cache

    caches = caches or sources.BUILD / sources.CACHE_FOLDER
    folder = sources.cache_path(caches, root=root)
    cache = get_cache(str(folder)) if folder.is_dir() else None
    out: dict[str, list[dict] | None] = {}
    for path in sources.chapters(root=root):
        chapter = path.relative_to(root).with_suffix("").as_posix()
        record = sources.cached_record(cache, sources.read_notebook(path)) if cache else None
        out[chapter] = (lesson_checks(cache.get_cache_bundle(record.pk).nb)
                        if cache is not None and record is not None else None)
    return out


def setup(app: Sphinx):
    app.connect("doctree-read", note_on_page, priority=600)  # after cache.record_run
    app.connect("build-finished", summarise)
    app.setup_extension("dlbook_build.cache")
    app.add_node(ReportNode)
    app.add_directive("dlbook-execution-report", ExecutionReport)
    app.add_post_transform(ExecutionReportTransform)
    app.connect("env-updated", update_report)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
