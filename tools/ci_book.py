"""The steps of the publishing workflow (.github/workflows/book.yml), runnable by hand.

    python tools/ci_book.py parts                      # JSON list of the book's parts (the shards)
    python tools/ci_book.py execute --part cnn         # execute one part into the jupyter-cache
    python tools/ci_book.py merge-caches A B --into C  # merge the shards' caches
    python tools/ci_book.py check-cache                # every chapter is cached: build won't execute

``execute`` reads each chapter exactly as myst-nb does and executes it the way myst-nb's
``cache`` mode does (same kernel, working directory, timeout), storing the result in the
jupyter-cache that ``jupyter-book build`` then reuses: the HTML and PDF builds only render.
Chapters already cached (code unchanged since the last run) are not executed again. A
failed chapter fails the step; its partly executed notebook and traceback are written to
``--reports`` (kept as a workflow artifact), with a JSON summary of every chapter's run time,
profile, device and status.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / ".jupyter_cache"


def toc_entries() -> list[str]:
    """Every file named in _toc.yml (without suffix), in order. Plain text parsing: this runs
    before anything is installed."""
    text = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    root = re.search(r"^root:\s*(\S+)", text, re.MULTILINE)
    files = re.findall(r"^\s*-?\s*file:\s*(\S+)", text, re.MULTILINE)
    return ([root.group(1)] if root else []) + files


def is_notebook(path: Path) -> bool:
    head = path.read_text(encoding="utf-8")[:800] if path.exists() else ""
    return head.startswith("---") and "kernelspec:" in head


def chapters(part: str | None = None) -> list[Path]:
    out = []
    for entry in toc_entries():
        path = ROOT / f"{entry}.md"
        if is_notebook(path) and (part is None or Path(entry).parts[1:2] == (part,)):
            out.append(path)
    return out


def parts() -> list[str]:
    seen: list[str] = []
    for path in chapters():
        rel = path.relative_to(ROOT / "book")
        name = rel.parts[0] if len(rel.parts) > 1 else "."
        if name not in seen:
            seen.append(name)
    return seen


def config() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def read_chapter(path: Path):
    """The notebook as myst-nb reads it, so that its jupyter-cache hash is the build's."""
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.read import create_nb_reader
    from myst_parser.config.main import MdParserConfig

    cfg = config()
    md = MdParserConfig(enable_extensions=set(cfg.get("parse", {}).get("myst_enable_extensions", [])))
    text = path.read_text(encoding="utf-8")
    reader = create_nb_reader(str(path), md, NbParserConfig(), text)
    return reader.read(text)


def run_info() -> dict[str, str]:
    from dlbook_code.profile import profile_name
    from dlbook_code.runtime import pick_device

    device = pick_device(None)
    name = device.type
    if device.type == "cuda":
        import torch

        name = f"cuda ({torch.cuda.get_device_name(device)})"
    return {"profile": profile_name(), "device": name}


def execute(part: str, reports: Path, cache_path: Path = CACHE) -> int:
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.executors.utils import single_nb_execution

    cache = get_cache(str(cache_path))
    timeout = int(config().get("execute", {}).get("timeout", 600))
    info = run_info()
    reports.mkdir(parents=True, exist_ok=True)
    summary, failed = [], 0
    todo = chapters(part)
    if not todo:
        print(f"no chapter in part {part!r}", file=sys.stderr)
        return 1
    for path in todo:
        rel = path.relative_to(ROOT).as_posix()
        nb = read_chapter(path)
        try:
            record = cache.match_cache_notebook(nb)
        except KeyError:
            record = None
        if record is not None:
            data = record.data or {}
            summary.append({"chapter": rel, "status": "cached", "seconds": data.get("execution_seconds"),
                            "profile": data.get("dlbook_profile"), "device": data.get("dlbook_device")})
            print(f"[cached]   {rel}", flush=True)
            continue
        print(f"[execute]  {rel} ...", flush=True)
        start = time.time()
        result = single_nb_execution(nb, cwd=str(path.parent), timeout=timeout,
                                     allow_errors=False, meta_override=True)
        seconds = time.time() - start
        entry = {"chapter": rel, "seconds": round(seconds, 1), **info}
        if result.err is not None:
            failed += 1
            entry["status"] = f"failed ({type(result.err).__name__})"
            out = reports / Path(rel).with_suffix("")
            out.parent.mkdir(parents=True, exist_ok=True)
            import nbformat

            nbformat.write(nb, str(out.with_suffix(".ipynb")))
            log = re.sub(r"\x1b\[[0-9;]*m", "", result.exc_string or repr(result.err))
            out.with_suffix(".err.log").write_text(log)
            print(result.exc_string, file=sys.stderr)
        else:
            entry["status"] = "ok"
            cache.cache_notebook_bundle(
                CacheBundleIn(nb, str(path), data={"execution_seconds": result.time,
                                                   "dlbook_profile": info["profile"],
                                                   "dlbook_device": info["device"]}),
                check_validity=False, overwrite=True)
        print(f"[{entry['status']}] {rel} in {seconds:.1f} s", flush=True)
        summary.append(entry)
    (reports / f"{part}.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 1 if failed else 0


def merge_caches(sources: list[Path], into: Path) -> int:
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    target = get_cache(str(into))
    n = 0
    for src in sources:
        cache = get_cache(str(src))
        for record in cache.list_cache_records():
            bundle = cache.get_cache_bundle(record.pk)
            target.cache_notebook_bundle(
                CacheBundleIn(bundle.nb, record.uri, data=record.data or {}),
                check_validity=False, overwrite=True)
            n += 1
    print(f"merged {n} cached notebooks from {len(sources)} caches into {into}")
    return 0


def check_cache(cache_path: Path = CACHE) -> int:
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_path))
    missing = []
    for path in chapters():
        try:
            cache.match_cache_notebook(read_chapter(path))
        except KeyError:
            missing.append(path.relative_to(ROOT).as_posix())
    if missing:
        print("not executed (the build would execute them here):", *missing, sep="\n  ", file=sys.stderr)
        return 1
    print(f"all {len(chapters())} chapters are in the cache")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("parts")
    p = sub.add_parser("execute")
    p.add_argument("--part", required=True)
    p.add_argument("--reports", type=Path, default=ROOT / "_build" / "reports")
    p.add_argument("--cache", type=Path, default=CACHE)
    p = sub.add_parser("merge-caches")
    p.add_argument("sources", type=Path, nargs="+")
    p.add_argument("--into", type=Path, default=CACHE)
    p = sub.add_parser("check-cache")
    p.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args(argv)
    if args.command == "parts":
        print(json.dumps(parts()))
        return 0
    if args.command == "execute":
        return execute(args.part, args.reports, args.cache)
    if args.command == "merge-caches":
        return merge_caches(args.sources, args.into)
    return check_cache(args.cache)


if __name__ == "__main__":
    sys.exit(main())
