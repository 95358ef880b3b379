"""Run chapters' code cells as plain Python, several at once, until a deadline: the book's
full profile on a machine that has a GPU but no Jupyter (the lent GPU machines hold torch,
torchvision, matplotlib and pandas, not jupyter-book, nbclient or ipykernel).

Each chapter runs in its own process: its code cells in order in one namespace, as a kernel
runs them. The value of a cell's last expression is printed (the tables), each lesson check
prints "Lesson check held" or "not shown" (:func:`dlbook_code.expect` outside a notebook), and
``glue`` prints the value the prose quotes. A cell tagged ``raises-exception`` may raise; any
other exception ends that chapter. The summary gives, per chapter: finished, failed or
stopped at the deadline, seconds, checks held, and every check not shown.

    DLBOOK_PROFILE=full python benchmarks/run_chapters.py --logs LOGDIR --parallel 4 \\
        --seconds 300 book/architectures/resnet.md book/training/mlp.md

The book's own build (jupyter-book) and the sweep (``dlbook_build.sweep``) remain the
reference: this runner exists for the GPU machine, where they cannot be installed.
``benchmarks/gpu_run.sh`` is the script that machine runs (CONTRIBUTING, "On a GPU").
"""

from __future__ import annotations

import argparse
import ast
import linecache
import os
import re
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OPEN = re.compile(r"^(`{3,})\{code-cell\}")


def code_cells(text: str):
    """(line, header, code) of every ``{code-cell}`` of a MyST chapter; ``header`` holds its
    options (``:tags: ...`` lines or a ``---`` block)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        fence, start = m.group(1), i + 1
        j = start
        while lines[j].rstrip() != fence:
            j += 1
        body, header = lines[start:j], []
        if body and body[0].strip() == "---":
            k = body.index("---", 1)
            header, body = body[1:k], body[k + 1:]
        else:
            while body and body[0].startswith(":"):
                header.append(body.pop(0))
        yield start + 1, "\n".join(header), "\n".join(body)
        i = j + 1


def _show(value) -> None:
    if value is not None and not hasattr(value, "_ipython_display_"):
        print(repr(value), flush=True)


def run_one(path: str) -> int:
    """Run one chapter in this process; 0 when every cell ran."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sys.path.insert(0, str(ROOT))
    import dlbook_code
    import dlbook_code.runtime

    def glue(name, value, display=False):
        print(f"GLUE {name} = {value!r}", flush=True)

    dlbook_code.glue = dlbook_code.runtime.glue = glue  # before the chapter imports it
    ns = {"__name__": "__main__", "display": lambda *a, **k: [_show(x) for x in a]}
    t0 = time.perf_counter()
    n = 0
    for line, header, code in code_cells(Path(path).read_text()):
        n += 1
        tc = time.perf_counter()
        name = f"<{path}:{line}>"  # its source kept, as IPython keeps it (inspect.getsource)
        linecache.cache[name] = (len(code), None, code.splitlines(True), name)
        try:
            tree = ast.parse(code)
            last = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            exec(compile(tree, name, "exec"), ns)
            if last is not None:
                _show(eval(compile(last, name, "eval"), ns))
        except Exception:
            if "raises-exception" not in header:
                traceback.print_exc()
                print(f"CHAPTER-ERROR {path} cell {n} line {line}", flush=True)
                return 1
            print(f"[cell {n} line {line}: raised, as tagged]", flush=True)
        finally:
            plt.close("all")
        if time.perf_counter() - tc > 5:
            print(f"[cell {n} line {line}: {time.perf_counter() - tc:.1f} s]", flush=True)
    print(f"CHAPTER-DONE {path} {n} cells {time.perf_counter() - t0:.1f} s", flush=True)
    return 0


def run_many(chapters: list[str], logs: Path, parallel: int, seconds: float) -> None:
    """Run the chapters, ``parallel`` at a time, each in its own process with its log in
    ``logs``; stop what still runs after ``seconds``; print the summary."""
    logs.mkdir(parents=True, exist_ok=True)
    deadline = time.time() + seconds
    queue, running, done = list(chapters), {}, {}
    log_of = {md: logs / (md.removeprefix("book/").removesuffix(".md").replace("/", "--")
                          + ".log") for md in chapters}
    while queue or running:
        while queue and len(running) < parallel and time.time() < deadline - 20:
            md = queue.pop(0)
            log = open(log_of[md], "w")
            p = subprocess.Popen([sys.executable, __file__, "--one", md], stdout=log,
                                 stderr=subprocess.STDOUT)
            running[md] = (p, time.time(), log)
        for md, (p, t0, log) in list(running.items()):
            if p.poll() is not None:
                done[md] = ("finished" if p.returncode == 0 else "FAILED", time.time() - t0)
            elif time.time() > deadline:
                p.kill()
                p.wait()
                log.write("\nSTOPPED AT THE DEADLINE\n")
                done[md] = ("stopped at the deadline", time.time() - t0)
            else:
                continue
            log.close()
            del running[md]
        if queue and time.time() >= deadline - 20:
            done.update({md: ("not started: deadline", 0.0) for md in queue})
            queue = []
        time.sleep(0.5)
    for md in chapters:
        status, secs = done[md]
        text = log_of[md].read_text() if log_of[md].exists() else ""
        held = len(re.findall(r"^Lesson check held", text, re.M))
        missed = re.findall(r"^Lesson check not shown.*$", text, re.M)
        print(f"{md}: {status}, {secs:.0f} s, {held} checks held, {len(missed)} not shown")
        for m in missed:
            print("    NOT SHOWN:", m[:400])
        if status == "FAILED":
            print("    " + "\n    ".join(text.strip().splitlines()[-8:]))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("chapters", nargs="+", help="book/<part>/<chapter>.md")
    p.add_argument("--one", action="store_true", help="run one chapter in this process")
    p.add_argument("--logs", type=Path, default=Path("_build/run_chapters"))
    p.add_argument("--parallel", type=int, default=1)
    p.add_argument("--seconds", type=float, default=600)
    args = p.parse_args()
    if args.one:
        sys.exit(run_one(args.chapters[0]))
    missing = [c for c in args.chapters if not Path(c).is_file()]
    if missing:
        p.error(f"no such chapter: {', '.join(missing)} (give paths like "
                f"book/architectures/resnet.md, from the repository's root)")
    os.environ.setdefault("MPLBACKEND", "Agg")
    run_many(args.chapters, args.logs, args.parallel, args.seconds)


if __name__ == "__main__":
    main()
