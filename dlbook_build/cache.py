"""The execution cache of the current fingerprint, and what each executed notebook records.

Before anything is read, the build points myst-nb at the cache folder of the current
fingerprint (:func:`dlbook_build.sources.cache_path`: the package's sources, the lock, the
profile, the device kind). The folder is part of the configuration, so a new fingerprint
also makes Sphinx read every page again: each chapter is looked up in the new folder and
executed when it is not there. Older folders of the same profile and device are deleted;
those of other profiles stay, for switching back.

A notebook in the current folder was executed with the current fingerprint, so a record
without run metadata (one myst-nb has just written) gets the profile, device, fingerprint
and versions of this run (keys in :mod:`dlbook_build.sources`), rewritten through
jupyter-cache's API; a later build that reuses it still reports them, and
``python -m dlbook_build.ci execute`` stores the same.
As each page is read, its run metadata and the lesson checks its outputs hold are kept in
the Sphinx environment for the execution report (:mod:`dlbook_build.report`).

One build at a time: two builds over one cache (two terminals, an editor's build beside
`make test`) would both execute the same notebook and the second would fail writing it
(jupyter-cache: "hashkey already exists") after minutes of work. The first build holds a
lock on the cache folder until it exits; a second one stops before reading anything.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from filelock import FileLock, Timeout
from sphinx.application import Sphinx
from sphinx.errors import SphinxError
from sphinx.util import logging

from dlbook_code.answers import EXERCISE_KEY
from dlbook_code.lessons import LESSON_KEY

from . import sources

LOGGER = logging.getLogger(__name__)
RUN = "dlbook_run"  # per-page environment data: the run metadata of its outputs
LESSONS = "dlbook_lessons"  # per-page environment data: the lesson checks its run made
EXERCISES = "dlbook_exercises"  # per-page environment data: its self-checked exercises


def _records(notebook, key: str) -> list[dict]:
    return [dict(output["metadata"][key])
            for cell in notebook.get("cells", []) for output in cell.get("outputs", [])
            if key in (output.get("metadata") or {})]


def lesson_checks(notebook) -> list[dict]:
    """Every lesson check recorded in an executed notebook, in order: ``dlbook_code.expect``
    writes ``{lesson, value, op, threshold, held}`` into its output's metadata."""
    return _records(notebook, LESSON_KEY)


def exercise_checks(notebook) -> list[dict]:
    """Every answer checked in an executed notebook, in order: ``dlbook_code.check`` writes
    ``{label, status, cases, solution}`` into its output's metadata."""
    return _records(notebook, EXERCISE_KEY)


class BuildRunning(SphinxError):
    category = "Another build is running"


LOCK_NAME = "build.lock"
_held: list[FileLock] = []  # the lock this process holds, released when it exits


def lock_cache(base: Path) -> None:
    """Hold the build lock of the cache folder ``base`` for the rest of this process, or stop
    at once if another process holds it (an operating-system lock: a build that crashed or
    was killed leaves none behind)."""
    base.mkdir(parents=True, exist_ok=True)
    lock = FileLock(base / LOCK_NAME)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise BuildRunning(
            f"another build is using the execution cache {base} (lock {base / LOCK_NAME}). "
            "Wait for it to finish, or stop it, and build again; nothing was written. Two "
            "builds at once need two clones.") from None
    _held.append(lock)


def select_cache(app: Sphinx, config) -> None:
    env = sources.environment()
    base = Path(config.nb_execution_cache_path or Path(app.outdir).parent / sources.CACHE_FOLDER)
    if not _held:  # a process builds the site and then the PDF: one lock for both
        lock_cache(base)
    path = sources.cache_path(base, env=env)
    prefix = sources.cache_name(env["profile"], env["kind"], "", env["seed"])
    if base.is_dir():
        for old in base.iterdir():
            mine = old.name.startswith(prefix) and (  # this profile, device and seed offset
                env["seed"] or not old.name.startswith(prefix + "seed"))
            if old.is_dir() and mine and old != path:
                shutil.rmtree(old)  # outputs of older sources: never valid again
            elif old.name in ("global.db", "executed", "__version__.txt"):  # one cache for all,
                shutil.rmtree(old) if old.is_dir() else old.unlink()  # before fingerprints
    config.nb_execution_cache_path = str(path)
    LOGGER.info(f"[dlbook] execution cache for this fingerprint: {path}")


def get_cache(app: Sphinx):
    from jupyter_cache import get_cache as _get

    # myst-nb keeps its configuration on the environment (Sphinx's types do not know it)
    return _get(app.env.mystnb_config.execution_cache_path)  # type: ignore[attr-defined]


def page_record(app: Sphinx, docname: str):
    """The cache record of a page's notebook as this build reads it, or None."""
    env = app.env
    try:
        nb = sources.read_notebook(env.doc2path(docname), env.myst_config,  # type: ignore[attr-defined]
                                   env.mystnb_config)  # type: ignore[attr-defined]
        return sources.cached_record(get_cache(app), nb) if nb is not None else None
    except Exception:  # noqa: BLE001 -- no usable cache (execution off, unreadable source)
        return None


def stamp(cache, record):
    """The record with this run's metadata added: the notebook cached again with it through
    jupyter-cache's API, which has no way to change a record's data in place. Overwriting
    deletes the record's folder first, so its artifacts are copied out and back."""
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.cache.main import NbArtifacts

    bundle = cache.get_cache_bundle(record.pk)
    data = {**(record.data or {}), **sources.run_metadata()}
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for rel, handle in bundle.artifacts or []:
            paths.append(Path(tmp, rel))
            paths[-1].parent.mkdir(parents=True, exist_ok=True)
            paths[-1].write_bytes(handle.read())
        return cache.cache_notebook_bundle(
            CacheBundleIn(bundle.nb, record.uri, artifacts=NbArtifacts(paths, tmp), data=data),
            check_validity=False, overwrite=True)


def record_run(app: Sphinx, doctree) -> None:
    """Stamp the cache record of a notebook executed with this fingerprint, and keep the
    metadata of every notebook page's outputs in the environment for the report."""
    from myst_nb.sphinx_ import NbMetadataCollector

    env = app.env
    docname = env.docname
    if not NbMetadataCollector.get_exec_data(env, docname):
        return  # not a notebook, or not executed
    record = page_record(app, docname)
    if record is not None and not (record.data or {}).get(sources.FINGERPRINT):
        record = stamp(get_cache(app), record)
    data = (record.data or {}) if record is not None else {}
    run = {key: data.get(key) for key in (sources.SECONDS, *sources.RUN_KEYS)}
    NbMetadataCollector.set_doc_data(env, docname, RUN, run)
    if record is not None:
        nb = get_cache(app).get_cache_bundle(record.pk).nb
        NbMetadataCollector.set_doc_data(env, docname, LESSONS, lesson_checks(nb))
        NbMetadataCollector.set_doc_data(env, docname, EXERCISES, exercise_checks(nb))


def setup(app: Sphinx):
    # after myst-nb read nb_execution_cache_path from _config.yml, before it creates its config
    app.connect("config-inited", select_cache, priority=900)
    app.connect("doctree-read", record_run)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
