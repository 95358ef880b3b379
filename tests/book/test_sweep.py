"""The lesson sweep (dlbook_build/sweep.py): each configuration reaches the chapter's kernel,
every check is tabulated with its worst margin, and an interrupted sweep keeps its results."""

from __future__ import annotations

import json
import math

from dlbook_build import sweep
from tests.book.onecopy import FRONT, one_chapter_copy

CHAPTER = """\
# Probe

```{code-cell} ipython3
import os

from dlbook_code import expect, setup

book = setup(seed=0)
expect(book.seed, ">=", 2, "the seed offset reaches the chapter")
expect(len(os.environ.get("ONEDNN_MAX_CPU_ISA", "")), ">", 0, "the narrow instruction set is set")
```
"""


def test_each_configuration_reaches_the_kernel(tmp_path):
    root = one_chapter_copy(tmp_path / "copy", CHAPTER)
    chapter = root / "book" / "probe" / "probe.md"
    narrow = sweep.run_one(chapter, sweep.Config("quick", 2, "AVX2", 1), 120, root=root)
    native = sweep.run_one(chapter, sweep.Config("quick", 0, "native", 2), 120, root=root)
    assert narrow["error"] is None and narrow["chapter"] == "probe/probe"
    assert [c["held"] for c in narrow["checks"]] == [True, True]
    assert [c["held"] for c in native["checks"]] == [False, False]  # reported, not raised


def result(chapter, config, values, op=">", threshold=0.0, code="current"):
    return {"chapter": chapter, "config": config, "seconds": 1, "error": None, "cpu": "x",
            "code": code,
            "checks": [{"lesson": f"lesson {i}", "value": v, "op": op, "threshold": threshold,
                        "held": (v > threshold) if op == ">" else (v < threshold)}
                       for i, v in enumerate(values)]}


def test_tables_give_worst_margins_and_spreads(tmp_path):
    root, out = tmp_path, tmp_path / "benchmarks" / "sweep"
    hashes = {}
    for chapter in ("a/b", "a/c"):
        path = root / "book" / f"{chapter}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(FRONT + f"```{{code-cell}} ipython3\nprint('{chapter}')\n```\n")
        hashes[chapter] = sweep.code_hash(path)
    runs = [result("a/b", "quick-c1", [0.5, 3.0]), result("a/b", "quick-c2", [0.1, -1.0]),
            result("a/b", "full-c1", [9.0, 9.0]),  # another profile: rows of its own
            result("a/c", "quick-c1", [1.0], op="<", threshold=2.0),
            result("a/c", "quick-c2", [-5.0], op="<", threshold=2.0, code="an older version")]
    for r in runs:
        r["code"] = hashes[r["chapter"]] if r["code"] == "current" else r["code"]
    for r in runs:
        path = out / r["config"] / f"{r['chapter'].replace('/', '--')}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(r))
    configs, rows = sweep.tabulate(sweep.load(out, root))  # the stale a/c run is left out
    assert configs == ["full-c1", "quick-c1", "quick-c2"]
    by = {(r["chapter"], r["lesson"]): r for r in rows if r["profile"] == "quick"}
    full = {(r["chapter"], r["lesson"]): r for r in rows if r["profile"] == "full"}
    assert full[("a/b", "lesson 1")]["worst"] == 9.0 and full[("a/b", "lesson 1")]["n"] == 1
    thin = by[("a/b", "lesson 0")]
    sd = 0.4 / 2 ** 0.5  # the standard deviation of the margins 0.5 and 0.1
    assert math.isclose(thin["worst"], 0.1) and math.isclose(thin["spread"], sd)
    assert math.isclose(thin["ratio"], 0.1 / sd)
    assert by[("a/b", "lesson 1")]["worst"] == -1.0  # not shown in c2
    assert by[("a/c", "lesson 0")]["worst"] == 1.0 and by[("a/c", "lesson 0")]["ratio"] == math.inf
    assert by[("a/c", "lesson 0")]["n"] == 1
    csv_path, md_path = sweep.write_tables(out, root)
    table = md_path.read_text()
    assert "checks not shown in some configuration: 1" in table
    assert table.index("lesson 1") < table.index("lesson 0")  # the failure first
    assert csv_path.read_text().splitlines()[0].startswith(
        "profile,chapter,lesson,op,threshold,full-c1,quick-c1,quick-c2,")


def test_the_full_profile_defaults_to_chapters_that_make_checks():
    # --profile full sweeps FULL_ON_CPU by default: a renamed or removed chapter must not
    # drop out of it silently (main() stops on a name that is not a checking chapter).
    names = {p.relative_to(sweep.sources.ROOT / "book").with_suffix("").as_posix()
             for p in sweep.checking_chapters()}
    assert set(sweep.FULL_ON_CPU) <= names
