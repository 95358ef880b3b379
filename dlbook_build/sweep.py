"""Do the book's lessons hold beyond one run? Execute the chapters that make lesson checks
under several configurations and tabulate every check's value in each.

A lesson check (``dlbook_code.expect``) is a claim about every run a reader can make, not
about the one trajectory the book's build followed. Random trajectories move with the seed,
with the processor's instruction set (oneDNN's convolutions and MKL's matrix products sum in
another order on an older CPU) and with the number of threads. The sweep runs each chapter
with ``DLBOOK_LESSONS`` unset (a check that fails is reported, not raised) under every
combination of

- a seed offset ``DLBOOK_SEED`` (added to every seed the book sets; the book uses 0),
- the instruction set: this machine's, or AVX2 only (``ONEDNN_MAX_CPU_ISA=AVX2``,
  ``MKL_ENABLE_INSTRUCTIONS=AVX2``: what a CPU without AVX-512 computes),
- the number of threads (``OMP_NUM_THREADS``),

in one execution profile, and writes one JSON file per chapter and configuration into
``--out``, with a hash of the chapter's code cells: a result of the same code is kept (an
interrupted sweep resumes where it stopped; after an edit only the edited chapters run
again), and the tables leave out results of older code. Then it writes two tables:

- ``lesson-sweep.csv``: every check's value in each configuration, its worst margin;
- ``lesson-sweep.md``: per check and profile (the two profiles' sizes and thresholds
  differ, so their margins are tabulated apart) the range of values, the worst margin and
  the worst margin in standard deviations of the margins across configurations, thinnest
  first, and every check not shown.

The margin of ``value > threshold`` is ``value - threshold`` (of ``<``, ``threshold -
value``); negative means the check failed. A check whose worst margin is smaller than one
standard deviation of its margins across configurations (ratio below 1) is thin: over 12
configurations the worst margin lies about 1.6 standard deviations below the mean, so its
mean margin is then under about 2.6 of them, and new machines and seeds will fail it now
and then. Redesign it (CONTRIBUTING, "Adding an experiment").

    python -m dlbook_build.sweep                          # quick profile, the default grid
    python -m dlbook_build.sweep --profile full --threads 2     # FULL_ON_CPU at lecture size
    python -m dlbook_build.sweep --seeds 0 1 2 3 4 --isa native --threads 2
    python -m dlbook_build.sweep --table-only             # rewrite the tables from --out

Run it alone on the machine: two torch processes on two cores slow each other several-fold.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import sources

OUT = sources.ROOT / "benchmarks" / "sweep"
NARROW_ISA = "AVX2"
#: The chapters whose full profile runs in under ten minutes on two CPU cores (each took
#: 4–300 s when swept, 2026-12); ``--profile full`` sweeps these unless ``--chapters`` says
#: otherwise. The architectures and ``training/training-protocol`` take longer at full size.
FULL_ON_CPU = (
    "intro/what-is-happening", "intro/first-network", "training/sgd",
    "training/softmax-regression", "training/mlp", "training/dropout",
    "cnn/layers-and-pooling", "cnn/convnets-end-to-end", "deep-training/depth",
    "deep-training/validation", "deep-training/optimisers", "deep-training/initialisation",
    "deep-training/normalisation", "deep-training/regularisation",
    "deep-training/losses-and-transfer", "generative/under-the-hood", "generative/upsampling",
    "generative/autoencoders", "generative/vae",
)


@dataclass(frozen=True)
class Config:
    profile: str
    seed: int
    isa: str  # "native" or an instruction set name for oneDNN and MKL
    threads: int

    @property
    def name(self) -> str:
        return f"{self.profile}-seed{self.seed}-{self.isa.lower()}-t{self.threads}"

    def environ(self) -> dict[str, str | None]:
        """The environment variables this configuration sets (None: removed)."""
        isa = None if self.isa == "native" else self.isa
        return {
            "DLBOOK_PROFILE": self.profile, "DLBOOK_SEED": str(self.seed),
            "DLBOOK_LESSONS": None, "DLBOOK_DEVICE": "cpu",
            "OMP_NUM_THREADS": str(self.threads), "MKL_NUM_THREADS": str(self.threads),
            "ONEDNN_MAX_CPU_ISA": isa, "MKL_ENABLE_INSTRUCTIONS": isa,
        }


def checking_chapters(root: Path = sources.ROOT) -> list[Path]:
    """The notebook pages, in reading order, whose code makes lesson checks."""
    return [p for p in sources.chapters(root=root) if "expect(" in p.read_text(encoding="utf-8")]


def code_hash(path: Path) -> str:
    """SHA-256 of a chapter's code cells: a result made from other code is stale (prose
    edits do not count; an edit to ``dlbook_code`` is not seen: rerun with ``--force``).
    A self-checked exercise's starter and check cells are left out: they change nothing a
    lesson measures (``dlbook_code.answers.is_exercise_cell``)."""
    import hashlib

    from dlbook_code.answers import is_exercise_cell

    nb = sources.read_notebook(path)
    code = "\n\0".join(c.source for c in nb.cells
                        if c.cell_type == "code" and not is_exercise_cell(c.source))
    return hashlib.sha256(code.encode()).hexdigest()[:16]


def current(result: dict, root: Path = sources.ROOT) -> bool:
    """Whether a stored result was made from the chapter's present code."""
    path = root / "book" / f"{result['chapter']}.md"
    return path.exists() and result.get("code") == code_hash(path)


def result_path(out: Path, chapter: str, config: Config) -> Path:
    return out / config.name / f"{chapter.replace('/', '--')}.json"


def run_one(path: Path, config: Config, timeout: int, root: Path = sources.ROOT) -> dict:
    """Execute one chapter (``root/book/<part>/<name>.md``) under ``config``, in a fresh
    kernel that inherits the configuration's environment, and return what it measured."""
    from jupyter_cache.executors.utils import single_nb_execution

    from .cache import lesson_checks

    chapter = path.relative_to(root / "book").with_suffix("").as_posix()
    saved = {k: os.environ.get(k) for k in config.environ()}
    try:
        for key, value in config.environ().items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        nb = sources.read_notebook(path)
        start = time.time()
        result = single_nb_execution(nb, cwd=str(path.parent), timeout=timeout,
                                     allow_errors=False, meta_override=True)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    error = None
    if result.err is not None:
        lines = (result.exc_string or repr(result.err)).strip().splitlines()
        error = lines[-1][:300] if lines else type(result.err).__name__
    return {"chapter": chapter, "config": config.name, "seconds": round(time.time() - start, 1),
            "code": code_hash(path), "error": error, "checks": lesson_checks(nb),
            "machine": platform.processor() or
            platform.machine(), "cpu": _cpu_name()}


def write_result(target: Path, result: dict) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=1) + "\n")
    tmp.replace(target)  # never a half-written result


def run_in_child(path: Path, config: Config, target: Path, timeout: int,
                 budget: int | None) -> dict:
    """:func:`run_one` in a child process (and its kernel in the same process group), stopped
    after ``budget`` seconds: then the result says so and holds no check."""
    import signal
    import subprocess

    cmd = [sys.executable, "-m", "dlbook_build.sweep", "--timeout", str(timeout), "--run-one",
           str(path), json.dumps(config.__dict__), str(target)]
    start = time.time()
    child = subprocess.Popen(cmd, cwd=sources.ROOT, start_new_session=True,
                             stderr=subprocess.DEVNULL)
    try:
        child.wait(timeout=budget)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        result = {"chapter": path.relative_to(sources.ROOT / "book").with_suffix("").as_posix(),
                  "config": config.name, "seconds": round(time.time() - start, 1),
                  "error": f"over the budget of {budget} s", "over_budget": True,
                  "checks": [], "cpu": _cpu_name()}
        write_result(target, result)
        return result
    if not target.exists():
        raise RuntimeError(f"the sweep's child process for {path} wrote no result "
                           f"(exit status {child.returncode})")
    return json.loads(target.read_text())


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def margin(check: dict) -> float:
    """How far a check's value is on the holding side of its threshold (< 0: not shown)."""
    v, t = check["value"], check["threshold"]
    if not math.isfinite(v):
        return -math.inf
    return v - t if check["op"] in (">", ">=") else t - v


# --------------------------------------------------------------------------- the tables


def load(out: Path, root: Path = sources.ROOT) -> list[dict]:
    """The results in ``out`` made from the chapters' present code (stale ones are left out)."""
    runs = [json.loads(p.read_text()) for p in sorted(out.glob("*/*.json"))]
    return [r for r in runs if current(r, root)]


def profile_of(config: str) -> str:
    """The execution profile of a configuration's name (``quick-seed0-native-t2``)."""
    return config.split("-", 1)[0]


def tabulate(runs: list[dict]) -> tuple[list[str], list[dict]]:
    """One row per check (profile, chapter, its n-th check with that lesson), one value per
    config. The profiles get separate rows: their sizes, and often their thresholds, differ,
    so their margins are two distributions, not one."""
    configs = sorted({r["config"] for r in runs})
    rows: dict[tuple, dict] = {}
    for run in runs:
        seen: dict[str, int] = {}
        profile = profile_of(run["config"])
        for check in run["checks"]:
            k = seen[check["lesson"]] = seen.get(check["lesson"], 0) + 1
            key = (profile, run["chapter"], check["lesson"], k)
            row = rows.setdefault(key, {"profile": profile, "chapter": run["chapter"],
                                        "lesson": check["lesson"], "op": check["op"],
                                        "values": {}, "thresholds": {}, "margins": {}})
            row["values"][run["config"]] = check["value"]
            row["thresholds"][run["config"]] = check["threshold"]
            row["margins"][run["config"]] = margin(check)
    order = {c: i for i, c in enumerate(dict.fromkeys(r["chapter"] for r in runs))}
    out = []
    for row in sorted(rows.values(), key=lambda r: (r["profile"] != "quick", r["profile"],
                                                    order[r["chapter"]])):
        values = [v for v in row["values"].values() if math.isfinite(v)]
        # The spread of the margins (their standard deviation), not of the values: some
        # thresholds are measured too (a paired comparison's other arm), and the margin is
        # what must stay positive.
        margins = [m for m in row["margins"].values() if math.isfinite(m)]
        spread = statistics.stdev(margins) if len(margins) > 1 else 0.0
        worst = min(row["margins"].values())
        ts = list(row["thresholds"].values())
        row["threshold"] = ts[0] if max(ts) == min(ts) else None
        row["threshold_text"] = (_g(ts[0]) if row["threshold"] is not None
                                 else f"{_g(min(ts))} … {_g(max(ts))}")
        row.update(n=len(row["values"]), low=min(values, default=math.nan),
                   high=max(values, default=math.nan), spread=spread, worst=worst,
                   ratio=(worst / spread if spread > 0 else math.inf))
        out.append(row)
    return configs, out


def _g(x: float) -> str:
    return "" if x is None else f"{x:.4g}"


def write_tables(out: Path, root: Path = sources.ROOT) -> tuple[Path, Path]:
    runs = load(out, root)
    configs, rows = tabulate(runs)
    csv_path, md_path = out.parent / "lesson-sweep.csv", out.parent / "lesson-sweep.md"
    with csv_path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["profile", "chapter", "lesson", "op", "threshold", *configs,
                    "worst_margin", "margin_sd", "margin_in_sds"])
        for r in rows:
            w.writerow([r["profile"], r["chapter"], r["lesson"], r["op"], r["threshold_text"],
                        *(_g(r["values"].get(c)) for c in configs), _g(r["worst"]),
                        _g(r["spread"]), _g(r["ratio"])])
    failed_runs = [r for r in runs if r["error"] and not r.get("over_budget")]
    over = [r for r in runs if r.get("over_budget")]
    not_shown = [r for r in rows if r["worst"] < 0]
    thin = [r for r in rows if r["worst"] >= 0 and r["ratio"] < 1]
    chapters = sorted({r["chapter"] for r in runs})
    by_profile = {p: {r["chapter"] for r in runs if profile_of(r["config"]) == p}
                  for p in sorted({profile_of(r["config"]) for r in runs})}
    lines = [
        "# Lesson checks across seeds, instruction sets and threads",
        "",
        "Written by `python -m dlbook_build.sweep` (see its docstring); every value per "
        "configuration is in `lesson-sweep.csv` beside this file.",
        "",
        f"- {len(chapters)} chapters, {len(rows)} checks (a check swept in both profiles "
        f"counts twice), {len(configs)} configurations: "
        + ", ".join(f"`{c}`" for c in configs),
        *(f"- {p} profile: {len(cs)} chapters, "
          f"{sum(r['profile'] == p for r in rows)} checks, "
          f"{sum(profile_of(c) == p for c in configs)} configurations"
          for p, cs in by_profile.items()),
        f"- machine: {', '.join(sorted({r['cpu'] for r in runs}))}",
        f"- runs that stopped on an error: {len(failed_runs)}",
        f"- checks not shown in some configuration: {len(not_shown)}",
        f"- checks that held everywhere with a worst margin below one standard deviation of "
        f"their margins: {len(thin)}",
        "",
    ]
    if failed_runs:
        lines += ["## Runs that stopped", "", "| chapter | configuration | error |", "|---|---|---|"]
        lines += [f"| {r['chapter']} | {r['config']} | {r['error']} |" for r in failed_runs]
        lines.append("")
    if over:
        lines += ["## Not swept: over the time budget on this CPU", ""]
        lines += sorted({f"- {r['chapter']} ({r['config']}: {r['error']})" for r in over})
        lines.append("")
    lines += ["## Every check, thinnest margin first", "",
              "| profile | chapter | lesson | check | runs | values | worst margin | margin / SD |",
              "|---|---|---|---|---|---|---|---|"]
    for r in sorted(rows, key=lambda r: (r["ratio"] if r["worst"] >= 0 else -math.inf,
                                         r["worst"])):
        ratio = "∞" if math.isinf(r["ratio"]) and r["ratio"] > 0 else f"{r['ratio']:.2f}"
        lesson = r["lesson"].replace("|", "\\|")
        lines.append(f"| {r['profile']} | {r['chapter']} | {lesson} | {r['op']} "
                     f"{r['threshold_text']} | {r['n']} | {_g(r['low'])} … {_g(r['high'])} "
                     f"| {_g(r['worst'])} | {ratio} |")
    md_path.write_text("\n".join(lines) + "\n")
    return csv_path, md_path


# --------------------------------------------------------------------------- the command


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dlbook_build.sweep", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profile", default="quick", choices=["quick", "full"])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--isa", nargs="+", default=["native", NARROW_ISA],
                    help="'native' and/or oneDNN/MKL instruction set names (default: native AVX2)")
    ap.add_argument("--threads", type=int, nargs="+", default=[2, 1])
    ap.add_argument("--chapters", nargs="+", metavar="PART/NAME",
                    help="only these chapters (default: every chapter that makes checks; "
                         "with --profile full, those of FULL_ON_CPU)")
    ap.add_argument("--out", type=Path, default=OUT, help=f"results folder (default {OUT})")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    ap.add_argument("--budget", type=int, help="seconds per chapter; a chapter that runs "
                    "longer is stopped and recorded as over budget (default: none in the "
                    "quick profile, 600 in the full: the full profile is swept only where a "
                    "CPU runs it in under ten minutes)")
    ap.add_argument("--table-only", action="store_true", help="only rewrite the tables")
    ap.add_argument("--force", action="store_true",
                    help="run again even where a result of the same code exists (after an "
                         "edit to dlbook_code)")
    ap.add_argument("--run-one", nargs=3, metavar=("CHAPTER", "CONFIG", "TARGET"),
                    help=argparse.SUPPRESS)  # the child process of one run
    args = ap.parse_args(argv)
    if args.run_one:
        path, config, target = args.run_one
        write_result(Path(target), run_one(Path(path), Config(**json.loads(config)), args.timeout))
        return 0
    budget = args.budget or (600 if args.profile == "full" else None)

    if not args.table_only:
        todo = checking_chapters()
        wanted = args.chapters or (FULL_ON_CPU if args.profile == "full" else None)
        if wanted:
            names = {c.removeprefix("book/").removesuffix(".md") for c in wanted}
            todo = [p for p in todo if p.relative_to(sources.ROOT / "book").with_suffix("")
                    .as_posix() in names]
            missing = names - {p.relative_to(sources.ROOT / "book").with_suffix("").as_posix()
                               for p in todo}
            if missing:
                ap.error(f"no chapter with lesson checks named {', '.join(sorted(missing))} "
                         f"(give them as part/name, e.g. training/sgd)")
        # The first thread count over every seed and instruction set first: a sweep stopped
        # half-way has covered the configurations that move trajectories most.
        configs = [Config(args.profile, s, i, t)
                   for t, s, i in itertools.product(args.threads, args.seeds, args.isa)]
        total = len(todo) * len(configs)
        n = 0
        for config in configs:  # one configuration at a time: a partial sweep is still a grid
            for path in todo:
                n += 1
                chapter = path.relative_to(sources.ROOT / "book").with_suffix("").as_posix()
                target = result_path(args.out, chapter, config)
                if target.exists() and not args.force and current(json.loads(target.read_text())):
                    continue  # already measured with this code
                print(f"[{n}/{total}] {config.name} {chapter} ...", flush=True, end=" ")
                result = run_in_child(path, config, target, args.timeout, budget)
                bad = sum(1 for c in result["checks"] if not c["held"])
                print(f"{result['seconds']} s, {len(result['checks'])} checks, {bad} not shown"
                      + (f", ERROR {result['error']}" if result["error"] else ""), flush=True)
    if not list(args.out.glob("*/*.json")):
        print(f"no results in {args.out}", file=sys.stderr)
        return 1
    csv_path, md_path = write_tables(args.out)
    print(f"tables: {csv_path} {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
