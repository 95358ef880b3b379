"""A Colab rehearsal: one training chapter's Colab notebook, run as Colab would run it.

nbmake executes every Colab notebook with its install cell inert (no ``google.colab``). This
test plays the other side as closely as this machine allows:

1. a new virtual environment holding only what Colab preinstalls that the book uses: torch,
   torchvision, numpy, matplotlib and the IPython kernel, with everything they depend on,
   taken from the book's own environment (the lock's versions), and nothing of the book's
   build (no Jupyter Book, no ``dlbook_code``, no ``dlbook_build``);
2. a fake ``google.colab`` module, imported when the kernel starts, as Colab does;
3. the notebook's own install cell, pointed at this repository through ``git+file://…`` at
   the commit the page was built from, instead of GitHub;
4. the notebook executed top to bottom in that kernel, from an empty folder.

It proves that the install cell installs ``dlbook_code`` at the page's commit without
replacing the preinstalled PyTorch, and that the notebook runs without anything from the
book's build. It takes about a minute (the package is built from a clone of the commit).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import venv
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from dlbook_build.sources import COLAB, ROOT

# A training chapter that trains (fit) on Fashion-MNIST and stays short in the quick profile.
CHAPTER = "book/training/softmax-regression"
# What Colab preinstalls that the book's notebooks import (plus the kernel that runs them).
PREINSTALLED = ["torch", "torchvision", "numpy", "matplotlib", "ipython", "ipykernel"]


def _closure(names: list[str]) -> dict[str, metadata.Distribution]:
    """The installed distributions ``names`` need, dependencies included (no extras)."""
    found: dict[str, metadata.Distribution] = {}
    todo = list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional dependency this environment does not have
        found[name] = dist
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return found


def _preinstalled_folder(target: Path) -> dict[str, str]:
    """Link the closure's top-level packages (and their metadata) into ``target``; return
    each distribution's version."""
    target.mkdir()
    versions = {}
    for name, dist in _closure(PREINSTALLED).items():
        versions[name] = dist.version
        for file in dist.files or []:
            top = file.parts[0]
            if top == ".." or top.endswith(".pth") or (target / top).exists():
                continue  # scripts outside site-packages; already linked (namespaces)
            (target / top).symlink_to(Path(dist.locate_file(top)))
    return versions


def _head_has(commit: str) -> bool:
    return subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{commit}^{{commit}}"],
                          capture_output=True).returncode == 0


@pytest.mark.book
def test_colab_notebook_runs_in_a_colab_like_environment(tmp_path, monkeypatch):
    notebook = COLAB / f"{CHAPTER}.ipynb"
    if not notebook.exists():
        pytest.fail(f"{notebook} is missing: run `make book` first")
    if shutil.which("git") is None:
        pytest.skip("git is needed to install from git+file://")
    nb = nbformat.read(notebook, as_version=4)
    install = nb.cells[0]
    match = re.search(r'"dlbook_code @ git\+(\S+)@([0-9a-f]{40})"', install.source)
    assert match, "the first cell is not the install cell"
    commit = match.group(2)
    if not _head_has(commit):
        pytest.skip(f"the notebook was built from commit {commit[:12]}, not in this clone")

    start = time.perf_counter()
    # 1. The environment: a bare venv (pip only) that sees the preinstalled folder.
    env = tmp_path / "colab-env"
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / "bin" / "python"
    # Colab's pip is recent; the one ensurepip bundles may be too old to read a
    # `name @ git+file://` requirement. Take the book's own pip version.
    subprocess.run([python, "-m", "pip", "install", "-q", f"pip=={metadata.version('pip')}"],
                   check=True, capture_output=True)
    site = Path(subprocess.check_output(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        text=True).strip())
    versions = _preinstalled_folder(tmp_path / "preinstalled")
    (site / "colab_preinstalled.pth").write_text(str(tmp_path / "preinstalled") + "\n")
    # 2. Colab's module, imported at start-up (sitecustomize runs in every process of the env).
    fake = tmp_path / "fake-colab"
    (fake / "google" / "colab").mkdir(parents=True)
    (fake / "google" / "colab" / "__init__.py").write_text('"""A stand-in for Colab."""\n')
    (site / "colab_fake.pth").write_text(str(fake) + "\n")
    (site / "sitecustomize.py").write_text("import google.colab  # noqa: F401 -- as in Colab\n")
    probe = ("import json, torch, importlib.util as u; print(json.dumps({'torch': torch.__file__, "
             "'dlbook_code': bool(u.find_spec('dlbook_code')), "
             "'dlbook_build': bool(u.find_spec('dlbook_build')), "
             "'myst_nb': bool(u.find_spec('myst_nb'))}))")
    before = json.loads(subprocess.check_output([python, "-c", probe], text=True, cwd=tmp_path))
    assert not (before["dlbook_code"] or before["dlbook_build"] or before["myst_nb"]), before

    # 3. The install cell, pointed at this repository instead of GitHub.
    install.source = install.source.replace(f"git+{match.group(1)}@", f"git+file://{ROOT}@")
    probe_cell = nbformat.v4.new_code_cell(
        "import dlbook_code, torch, sys\n"
        "print('DLBOOK_CODE', dlbook_code.__file__)\nprint('TORCH', torch.__file__)\n"
        "print('COLAB', 'google.colab' in sys.modules)")
    nb.cells.insert(1, probe_cell)

    # 4. Execute in a kernel of that environment, from an empty folder.
    kernels = tmp_path / "jupyter" / "kernels" / "colab-rehearsal"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab rehearsal", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    workdir = tmp_path / "content"  # Colab's /content: nothing of the repository
    workdir.mkdir()
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    def installing() -> str:
        return "".join(o.get("text", "") for o in nb.cells[0].outputs)

    try:
        NotebookClient(nb, kernel_name="colab-rehearsal", timeout=900,
                       resources={"metadata": {"path": str(workdir)}}).execute()
    except CellExecutionError as error:
        pytest.fail(f"{error}\n\nThe install cell printed:\n{installing()}")
    elapsed = time.perf_counter() - start
    assert "ERROR" not in installing(), installing()
    out = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    assert "COLAB True" in out, out
    installed = re.search(r"DLBOOK_CODE (\S+)", out).group(1)
    assert installed.startswith(str(site)), f"dlbook_code came from {installed}, not the install"
    assert re.search(r"TORCH (\S+)", out).group(1) == before["torch"], "PyTorch was replaced"
    after = subprocess.check_output([python, "-m", "pip", "list", "--format=json"], text=True)
    torch_after = {p["name"].lower(): p["version"] for p in json.loads(after)}["torch"]
    assert torch_after == versions["torch"], "the install cell changed PyTorch's version"
    direct = json.loads(next(site.glob("dlbook_code-*.dist-info")).joinpath(
        "direct_url.json").read_text())
    assert direct["vcs_info"]["commit_id"] == commit, "not the page's commit"
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.get("output_type") == "error"]
    assert not errors
    print(f"Colab rehearsal of {CHAPTER}: {elapsed:.0f} s (venv, install from git, notebook)",
          file=sys.stderr)
