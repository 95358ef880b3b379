"""What the build knows about the book's sources, in one place.

The Sphinx extensions, the CI tool (:mod:`dlbook_build.ci`) and the tests all ask this
module, never their own copy:

- where things are: the repository (``ROOT``), the build folder (``BUILD``) and the Colab
  notebooks the build writes there (``COLAB``);
- the pages in reading order (``_toc.yml``, parsed once) and which of them are notebooks;
- the parts of the book (the CI shards);
- the execution cache: its run metadata keys and its fingerprint.

**The fingerprint.** jupyter-cache keys an executed notebook on the notebook's own code cells
only. The outputs also depend on the code the cells import (``dlbook_code``), on the pinned
toolchain (``requirements/*.txt``), on the execution profile and on the kind of device. The
fingerprint is a SHA-256 over all of these, and each fingerprint has its own cache folder,
``_build/.jupyter_cache/<profile>-<device>-<fingerprint[:12]>``: change any of them and the
build finds no executed notebook there, so every chapter runs again; change nothing and
every chapter is reused. Switching back to an earlier profile finds that profile's folder.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The build folder: `_build` unless DLBOOK_BUILD_DIR points at another one (a build made with
# `jupyter-book build . --path-output DIR` writes DIR/_build).
BUILD = Path(os.environ.get("DLBOOK_BUILD_DIR") or ROOT / "_build")
# The Colab notebooks, one per chapter, in the site (dlbook_build/colab.py writes them; `make
# test` executes them through nbmake).
COLAB_DIR = "_colab"
COLAB = BUILD / "html" / COLAB_DIR

# --------------------------------------------------------------------------- the sources


@lru_cache(maxsize=8)
def _toc(file: Path) -> tuple[str, ...]:
    import yaml

    toc = yaml.safe_load(file.read_text(encoding="utf-8"))
    out: list[str] = [toc["root"]]

    def walk(node) -> None:
        if isinstance(node, dict):
            if "file" in node:
                out.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []):
                    walk(child)

    walk(toc)
    return tuple(re.sub(r"\.(md|ipynb)$", "", page) for page in out)


def toc(root: Path | str = ROOT, file: Path | str | None = None) -> list[str]:
    """Every page named in ``root/_toc.yml`` (or in ``file``), root page first, in reading
    order: its path from the root, without suffix."""
    return list(_toc(Path(file or Path(root) / "_toc.yml").resolve()))


def is_notebook(path: Path | str) -> bool:
    """Whether a source file is a notebook: an ``.ipynb``, or MyST Markdown with a kernel."""
    path = Path(path)
    if path.suffix == ".ipynb":
        return True
    head = path.read_text(encoding="utf-8")[:800] if path.exists() else ""
    return head.startswith("---") and "kernelspec:" in head


def toc_files(root: Path | str = ROOT) -> list[Path]:
    """The source file of every page named in ``_toc.yml``, in reading order."""
    return [Path(root) / f"{page}.md" for page in toc(root)]


def chapters(part: str | None = None, root: Path | str = ROOT) -> list[Path]:
    """The source of every notebook page in reading order, or only those of ``part``
    (``"cnn"`` for ``book/cnn/*``)."""
    root = Path(root)
    out = []
    for page in toc(root):
        path = root / f"{page}.md"
        if is_notebook(path) and (part is None or Path(page).parts[1:2] == (part,)):
            out.append(path)
    return out


def colab_notebook(source: Path) -> Path:
    """The Colab notebook the build makes from a chapter's source (``book/cnn/lenet.md`` ->
    ``COLAB/book/cnn/lenet.ipynb``)."""
    return COLAB / source.relative_to(ROOT).with_suffix(".ipynb")


def notebook_docs(app) -> list[str]:
    """A Sphinx build's notebook pages in reading order (a one-page build: that page)."""
    env = app.env
    found = [d for d in env.found_docs if is_notebook(env.doc2path(d))]
    if (Path(app.srcdir) / "_toc.yml").exists():
        return [d for d in toc(app.srcdir) if d in found]
    return sorted(found)


def trains(nb) -> bool:
    """Whether a chapter's notebook trains a model: it calls ``fit`` or takes sizes from the
    profile (then its Colab notebook asks for a GPU)."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return bool(re.search(r"\bfit\(|\.sizes\(", code))


def parts(root: Path | str = ROOT) -> list[str]:
    """The parts that hold notebooks, in reading order (``"."`` for pages directly in book/)."""
    seen: list[str] = []
    for path in chapters(root=root):
        rel = path.relative_to(Path(root) / "book")
        name = rel.parts[0] if len(rel.parts) > 1 else "."
        if name not in seen:
            seen.append(name)
    return seen


# --------------------------------------------------------------------------- the cache

# What is stored with each executed notebook in its jupyter-cache record (``record.data``).
SECONDS = "execution_seconds"  # written by myst-nb and jupyter-cache themselves
PROFILE = "dlbook_profile"
DEVICE = "dlbook_device"
FINGERPRINT = "dlbook_fingerprint"
VERSIONS = "dlbook_versions"
RUN_KEYS = (PROFILE, DEVICE, FINGERPRINT, VERSIONS)

# What the outputs depend on besides a chapter's own code (globs relative to the root).
FINGERPRINT_FILES = ("dlbook_code/**/*.py", "requirements/*.txt")
CACHE_FOLDER = ".jupyter_cache"


def _runtime():
    """dlbook_code's device choice and labels (imported lazily: it imports torch)."""
    from dlbook_code import runtime
    return runtime


def device_label(device) -> str:
    """``"cuda (NVIDIA H100 80GB HBM3)"``, ``"cpu (…)"``: the device kind and its model."""
    return f"{device.type} ({_runtime().device_name(device)})"


def environment() -> dict:
    """The execution profile, device and seed offset the build's kernels use (same
    environment variables: ``DLBOOK_PROFILE``, ``DLBOOK_DEVICE``, ``DLBOOK_SEED``). ``kind``
    is the device type (cuda, mps, cpu); ``seed`` the offset (0: the book's own seeds)."""
    rt = _runtime()
    seed = rt.seed_offset()
    try:
        device = rt.pick_device(None)
    except RuntimeError:  # DLBOOK_DEVICE names a device this machine lacks: the workflow
        kind = os.environ["DLBOOK_DEVICE"].strip().lower()  # renders outputs made on one
        kind = "cuda" if kind == "gpu" else kind
        return {"profile": rt.profile_name(), "kind": kind, "device": f"{kind} (not here)",
                "seed": seed}
    return {"profile": rt.profile_name(), "kind": device.type, "device": device_label(device),
            "seed": seed}


def versions() -> dict[str, str]:
    """The versions the outputs came from (shown in the execution report)."""
    import platform

    import torch

    return {"python": platform.python_version(), "torch": torch.__version__}


def fingerprint(profile: str, kind: str, root: Path | str = ROOT, seed: int = 0) -> str:
    """SHA-256 (hex) of the package's sources, the lock files, the profile, device kind and
    seed offset (left out when 0, so the book's own fingerprints do not depend on it)."""
    root = Path(root)
    h = hashlib.sha256(f"profile={profile}\ndevice={kind}\n".encode())
    if seed:  # other seeds, other outputs: a DLBOOK_SEED build never reuses the book's cells
        h.update(f"seed={seed}\n".encode())
    files = sorted({p for pattern in FINGERPRINT_FILES for p in root.glob(pattern) if p.is_file()})
    for path in files:
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def run_metadata(env: dict | None = None) -> dict:
    """What is stored with each notebook executed here: profile, device, fingerprint, versions."""
    env = env or environment()
    return {PROFILE: env["profile"], DEVICE: env["device"],
            FINGERPRINT: fingerprint(env["profile"], env["kind"], seed=env.get("seed", 0)),
            VERSIONS: versions()}


def cache_name(profile: str, kind: str, fp: str, seed: int = 0) -> str:
    """The cache folder of one fingerprint, readable at a glance: ``quick-cpu-1a2b3c4d5e6f``
    (``quick-cpu-seed7-…`` with a seed offset)."""
    return f"{profile}-{kind}-{f'seed{seed}-' if seed else ''}{fp[:12]}"


def cache_path(base: Path | str = BUILD / CACHE_FOLDER, root: Path | str = ROOT,
               env: dict | None = None) -> Path:
    """The jupyter-cache folder (inside ``base``) for the current sources, profile, device."""
    env = env or environment()
    seed = env.get("seed", 0)
    fp = fingerprint(env["profile"], env["kind"], root, seed)
    return Path(base) / cache_name(env["profile"], env["kind"], fp, seed)


def read_notebook(path: Path | str, md_config=None, nb_config=None):
    """A page's notebook exactly as myst-nb reads it (so its jupyter-cache hash is the
    build's). Sphinx passes its own configurations; elsewhere they come from _config.yml."""
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.read import create_nb_reader

    if md_config is None:
        import yaml
        from myst_parser.config.main import MdParserConfig

        cfg = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
        md_config = MdParserConfig(
            enable_extensions=set(cfg.get("parse", {}).get("myst_enable_extensions", [])))
    text = Path(path).read_text(encoding="utf-8")
    reader = create_nb_reader(str(path), md_config, nb_config or NbParserConfig(), text)
    return reader.read(text) if reader else None


def cached_record(cache, nb):
    """The jupyter-cache record of an executed ``nb``, or None when it is not cached."""
    try:
        return cache.match_cache_notebook(nb)
    except KeyError:
        return None
