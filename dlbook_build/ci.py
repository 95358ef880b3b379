"""The steps of the publishing workflow (.github/workflows/book.yml), runnable by hand from
the repository root:

    python -m dlbook_build.ci parts                      # JSON list of the book's parts (shards)
    python -m dlbook_build.ci fingerprint                # the cache folder's name: quick-cpu-1a2b...
    python -m dlbook_build.ci execute --part cnn         # execute one part into the cache
    python -m dlbook_build.ci execute --jobs 2           # every part, two chapters at a time
    python -m dlbook_build.ci threads --jobs 2           # each one's threads, as VAR=value (for env)
    python -m dlbook_build.ci merge-caches A B --into C  # merge the shards' caches
    python -m dlbook_build.ci check-cache                # every chapter cached: the build won't execute

``execute`` reads each chapter exactly as myst-nb does and executes it the way myst-nb's
``cache`` mode does (same kernel, working directory, timeout), storing the result in the
cache folder of the current fingerprint (:mod:`dlbook_build.sources`), which ``jupyter-book
build`` then reuses: the HTML and PDF builds only render. Chapters already there (code
unchanged since the last run) are not executed again. A failed chapter fails the step; its
partly executed notebook and traceback are written to ``--reports`` (kept as a workflow
artifact), with a JSON summary of every chapter's run time, profile, device and status.
``--cache`` names the folder that holds the fingerprints' folders (default
``_build/.jupyter_cache``); ``fingerprint`` is what the workflows key their caches on.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from . import sources

CACHES = sources.BUILD / sources.CACHE_FOLDER
SWEEP_RECORDS = sources.ROOT / "benchmarks" / "sweep" / "quick-seed0-native-t1"


def timeout() -> int:
    import yaml

    cfg = yaml.safe_load((sources.ROOT / "_config.yml").read_text(encoding="utf-8"))
    return int(cfg.get("execute", {}).get("timeout", 600))


def current() -> tuple[Path, dict]:
    """The current fingerprint's cache folder (relative to the caches' folder) and what each
    notebook executed here records (as :mod:`dlbook_build.cache` does in the build)."""
    env = sources.environment()
    return sources.cache_path("", env=env), sources.run_metadata(env)


def threads_per_job(jobs: int) -> int | None:
    """How many threads each of ``jobs`` chapters executed at once may use: the machine's
    cores shared out (one each on two cores, the sweep's one-thread configuration), or None
    (torch's own choice) for one chapter at a time."""
    return max(1, (os.cpu_count() or 1) // jobs) if jobs > 1 else None


def _longest_first(paths: list[Path]) -> list[Path]:
    """The chapters in the order that finishes soonest on several workers: longest first,
    by the one-thread quick runs the sweep recorded (benchmarks/sweep); unrecorded chapters
    (new ones) first of all, in reading order."""
    def seconds(path: Path) -> float:
        rel = path.relative_to(sources.ROOT / "book").with_suffix("").as_posix()
        record = SWEEP_RECORDS / f"{rel.replace('/', '--')}.json"
        try:
            return float(json.loads(record.read_text())["seconds"])
        except (OSError, ValueError, KeyError, TypeError):
            return float("inf")
    return sorted(paths, key=seconds, reverse=True)


def _execute_one(path: Path, threads: int | None) -> dict:
    """Execute one chapter as myst-nb's ``cache`` mode does (in a worker process when
    several run at once; the kernel inherits the thread count). Returns the executed
    notebook and what happened, in a form that crosses processes."""
    from jupyter_cache.executors.utils import single_nb_execution

    if threads is not None:
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(threads)
    nb = sources.read_notebook(path)
    start = time.time()
    result = single_nb_execution(nb, cwd=str(path.parent), timeout=timeout(),
                                 allow_errors=False, meta_override=True)
    return {"nb": nb, "seconds": time.time() - start, "time": result.time,
            "error": None if result.err is None else type(result.err).__name__,
            "log": None if result.err is None else (result.exc_string or repr(result.err))}


def execute(part: str | None, reports: Path, caches: Path = CACHES, jobs: int = 1) -> int:
    """Execute the chapters of ``part`` (every part: None) that the cache of the current
    fingerprint lacks, ``jobs`` at a time, and store each in the cache as it finishes (this
    process alone writes the cache)."""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    from .cache import BuildRunning, lock_cache

    try:  # as a build does: one process at a time executes into these caches
        lock_cache(caches)
    except BuildRunning as e:
        print(e, file=sys.stderr)
        return 1
    folder, info = current()
    cache = get_cache(str(caches / folder))
    reports.mkdir(parents=True, exist_ok=True)
    summary, failed, todo = [], 0, []
    chapters = sources.chapters(part)
    if not chapters:
        print(f"no chapter in part {part!r}", file=sys.stderr)
        return 1
    for path in chapters:
        rel = path.relative_to(sources.ROOT).as_posix()
        record = sources.cached_record(cache, sources.read_notebook(path))
        if record is None:
            todo.append(path)
            continue
        data = record.data or {}
        summary.append({"chapter": rel, "status": "cached", "seconds": data.get(sources.SECONDS),
                        **{k: data.get(k) for k in sources.RUN_KEYS}})
        print(f"[cached]   {rel}", flush=True)
    threads = threads_per_job(jobs)
    if jobs > 1 and todo:
        print(f"executing {len(todo)} chapters, {jobs} at a time with {threads} thread(s) each",
              flush=True)

    def store(path: Path, run: dict) -> None:
        nonlocal failed
        rel = path.relative_to(sources.ROOT).as_posix()
        entry = {"chapter": rel, "seconds": round(run["seconds"], 1), **info}
        if run["error"] is not None:
            failed += 1
            entry["status"] = f"failed ({run['error']})"
            out = reports / Path(rel).with_suffix("")
            out.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(run["nb"], str(out.with_suffix(".ipynb")))
            log = re.sub(r"\x1b\[[0-9;]*m", "", run["log"])
            out.with_suffix(".err.log").write_text(log)
            print(run["log"], file=sys.stderr)
        else:
            entry["status"] = "ok"
            cache.cache_notebook_bundle(
                CacheBundleIn(run["nb"], str(path), data={sources.SECONDS: run["time"], **info}),
                check_validity=False, overwrite=True)
        print(f"[{entry['status']}] {rel} in {run['seconds']:.1f} s", flush=True)
        summary.append(entry)

    if jobs <= 1:
        for path in todo:
            print(f"[execute]  {path.relative_to(sources.ROOT).as_posix()} ...", flush=True)
            store(path, _execute_one(path, None))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            running = {pool.submit(_execute_one, path, threads): path
                       for path in _longest_first(todo)}
            for done in as_completed(running):
                store(running[done], done.result())
    name = part or "all"
    (reports / f"{name}.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 1 if failed else 0


def merge_caches(shards: list[Path], caches: Path = CACHES) -> int:
    """Merge the current fingerprint's folder of each shard (a copy of a ``--cache`` folder)
    into this machine's."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    folder, _ = current()
    target = get_cache(str(caches / folder))
    n = 0
    for shard in shards:
        if not (shard / folder).is_dir():
            print(f"{shard} holds no cache for {folder} (another fingerprint?)", file=sys.stderr)
            return 1
        cache = get_cache(str(shard / folder))
        for record in cache.list_cache_records():
            bundle = cache.get_cache_bundle(record.pk)
            target.cache_notebook_bundle(
                CacheBundleIn(bundle.nb, record.uri, data=record.data or {}),
                check_validity=False, overwrite=True)
            n += 1
    print(f"merged {n} cached notebooks from {len(shards)} caches into {caches / folder}")
    return 0


def check_cache(caches: Path = CACHES) -> int:
    from jupyter_cache import get_cache

    folder, _ = current()
    cache = get_cache(str(caches / folder))
    todo = sources.chapters()
    missing = [path.relative_to(sources.ROOT).as_posix() for path in todo
               if sources.cached_record(cache, sources.read_notebook(path)) is None]
    if missing:
        print("not executed (the build would execute them here):", *missing, sep="\n  ", file=sys.stderr)
        return 1
    print(f"all {len(todo)} chapters are in the cache {caches / folder}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dlbook_build.ci",
                                     description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("parts")
    sub.add_parser("fingerprint")
    p = sub.add_parser("threads")
    p.add_argument("--jobs", type=int, required=True)
    p = sub.add_parser("execute")
    p.add_argument("--part", help="one part (default: every part)")
    p.add_argument("--jobs", type=int, default=1,
                   help="chapters executed at once, each on its share of the cores")
    p.add_argument("--reports", type=Path, default=sources.BUILD / "reports")
    p.add_argument("--cache", type=Path, default=CACHES)
    p = sub.add_parser("merge-caches")
    p.add_argument("shards", type=Path, nargs="+")
    p.add_argument("--into", type=Path, default=CACHES)
    p = sub.add_parser("check-cache")
    p.add_argument("--cache", type=Path, default=CACHES)
    args = parser.parse_args(argv)
    if args.command == "parts":
        print(json.dumps(sources.parts()))
        return 0
    if args.command == "fingerprint":
        print(current()[0])
        return 0
    if args.command == "threads":  # nothing when one job leaves torch its own choice
        n = threads_per_job(args.jobs)
        print(f"OMP_NUM_THREADS={n} MKL_NUM_THREADS={n}" if n else "")
        return 0
    if args.command == "execute":
        return execute(args.part, args.reports, args.cache, args.jobs)
    if args.command == "merge-caches":
        return merge_caches(args.shards, args.into)
    return check_cache(args.cache)


if __name__ == "__main__":
    sys.exit(main())
