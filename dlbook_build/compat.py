"""``make compat``: does ``dlbook_code`` work at the versions ``pyproject.toml`` allows?

A reader installs the package on top of whatever PyTorch they have (Colab's, a laptop's).
The lower bounds in ``pyproject.toml`` are a promise; this command keeps it. For each of two
environments, made fresh in ``_build/compat/<name>`` with this Python:

- ``oldest``: every dependency of the package at exactly its lower bound;
- ``newest``: every dependency at the newest release the registry serves;

it installs the package (not editable: as a reader gets it), runs the package tests
(``tests/package``) and executes one training chapter's notebook, as a reader would in
Colab, in the quick profile. A lesson the run does not show there is reported, not fatal:
another PyTorch may follow another random trajectory; an error is fatal. The installed
versions and the results are printed, and written to ``_build/compat/<name>.json``.

    python -m dlbook_build.compat                 # both
    python -m dlbook_build.compat --only oldest
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from . import sources

CHAPTER = "book/training/softmax-regression.md"
FOLDER = sources.BUILD / "compat"
# What running the tests and a notebook needs besides the package itself (any version).
TOOLS = ["pytest", "ipykernel", "nbclient", "pyyaml"]


def bounds(pyproject: Path = sources.ROOT / "pyproject.toml") -> dict[str, str]:
    """The package's dependencies and their lower bounds: ``{"torch": "2.6", ...}``."""
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    out = {}
    for dep in deps:
        m = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9.]*)\s*", dep)
        if not m:
            raise ValueError(f"pyproject.toml: {dep!r} has no plain lower bound (name>=version)")
        out[m.group(1)] = m.group(2)
    return out


def requirements(which: str) -> list[str]:
    if which == "oldest":
        return [f"{name}=={version}" for name, version in bounds().items()]
    return list(bounds())


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    print("$", " ".join(cmd), flush=True)
    return subprocess.run(cmd, text=True, **kw)


def notebook(work: Path) -> Path:
    """The chapter as the notebook a reader runs (the code cells of the page)."""
    import jupytext

    nb = jupytext.read(sources.ROOT / CHAPTER)
    path = work / (Path(CHAPTER).stem + ".ipynb")
    jupytext.write(nb, path)
    return path


def check(which: str) -> dict:
    env_dir = FOLDER / which
    py = env_dir / "bin" / "python"
    result: dict = {"environment": which, "requirements": requirements(which)}
    if not py.exists():
        run([sys.executable, "-m", "venv", "--clear", str(env_dir)], check=True)
        run([str(py), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    leftover = not (sources.ROOT / "build").exists()  # setuptools builds in the checkout
    install = run([str(py), "-m", "pip", "install", "-q", "--upgrade", str(sources.ROOT),
                   *result["requirements"], *TOOLS], capture_output=True)
    if leftover:
        shutil.rmtree(sources.ROOT / "build", ignore_errors=True)
    if install.returncode:
        result["error"] = "install failed: " + install.stderr[-2000:]
        return result
    freeze = run([str(py), "-m", "pip", "freeze"], capture_output=True, check=True).stdout
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", freeze, re.M))
    result["installed"] = {k: pins.get(k) for k in bounds()}
    print(f"[compat {which}] installed: {result['installed']}", flush=True)

    env = {k: v for k, v in os.environ.items() if k not in ("DLBOOK_LESSONS", "PYTHONPATH")}
    env.update(DLBOOK_PROFILE="quick", DLBOOK_DEVICE="cpu")
    start = time.time()
    tests = run([str(py), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
                 "tests/package"], cwd=sources.ROOT, env={**env, "PYTHONPATH": str(sources.ROOT)},
                capture_output=True)
    result["tests"] = tests.stdout.strip().splitlines()[-1] if tests.stdout.strip() else ""
    result["tests_passed"] = tests.returncode == 0
    if tests.returncode:
        print(tests.stdout[-4000:], tests.stderr[-2000:])

    work = FOLDER / f"{which}-run"
    work.mkdir(parents=True, exist_ok=True)
    # The notebook runs from its chapter's folder, as in the book, but outside the checkout:
    # dlbook_code must come from the environment's installed copy.
    script = (
        "import json, sys, nbformat\n"
        "from nbclient import NotebookClient\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "NotebookClient(nb, timeout=900, kernel_name='python3',\n"
        "               resources={'metadata': {'path': sys.argv[2]}}).execute()\n"
        "checks = [o['metadata']['dlbook_lesson'] for c in nb.cells for o in c.get('outputs', [])\n"
        "          if 'dlbook_lesson' in o.get('metadata', {})]\n"
        "print(json.dumps(checks))\n")
    chapter = run([str(py), "-c", script, str(notebook(work)), str(work)], cwd=work, env=env,
                  capture_output=True)
    result["chapter"] = CHAPTER
    result["chapter_ran"] = chapter.returncode == 0
    if chapter.returncode:
        print(chapter.stderr[-4000:])
    else:
        checks = json.loads(chapter.stdout.strip().splitlines()[-1])
        result["lessons"] = f"{sum(c['held'] for c in checks)} of {len(checks)} held"
        result["not_shown"] = [c["lesson"] for c in checks if not c["held"]]
    result["seconds"] = round(time.time() - start, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dlbook_build.compat", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=["oldest", "newest"])
    args = ap.parse_args(argv)
    FOLDER.mkdir(parents=True, exist_ok=True)
    ok = True
    for which in [args.only] if args.only else ["oldest", "newest"]:
        result = check(which)
        (FOLDER / f"{which}.json").write_text(json.dumps(result, indent=1) + "\n")
        good = result.get("tests_passed") and result.get("chapter_ran")
        ok &= bool(good)
        print(f"[compat {which}] {'ok' if good else 'FAILED'}: "
              + json.dumps({k: v for k, v in result.items() if k != "requirements"}), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
