"""The Colab notebooks: the MyST-to-notebook conversion on its own, then what the build made.

Readers open ``_build/html/_colab/<docname>.ipynb`` (published on the ``colab`` branch) in
Colab; nbmake executes the same files (``testpaths``), so what readers run is what CI ran.
"""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml

from dlbook_build import myst_to_colab as m2c
from dlbook_build import sources
from dlbook_build.sources import BUILD, COLAB, ROOT, chapters, colab_notebook

COLAB_LINK = re.compile(
    r"^https://colab\.research\.google\.com/github/(?P<org>[^/]+)/(?P<repo>[^/]+)/blob/"
    r"(?P<branch>[^/]+)/(?P<path>.+\.ipynb)$")


# --------------------------------------------------------------------------- conversion

SOURCE = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

(demo)=
# Demo

:::{admonition} What you will learn
:class: tip

- one thing, see {ref}`the tensors part <tensors-landing>`
:::

% a MyST comment
The accuracy is {glue:}`acc` and the loss {glue:text}`loss:.2f`, as in
{cite}`lecun1998gradient`; see {numref}`fig-demo` and {eq}`eq-demo`, and
{ref}`a role broken over
two lines <tensors-landing>`.

$$
y = x^2
$$ (eq-demo)

```{code-cell} ipython3
from dlbook_code import fit
h = fit(model, data)
```

```{code-cell} ipython3
---
tags: [remove-input]
mystnb:
  image:
    alt: The loss against epochs.
  figure:
    caption: The curve, as in {cite}`lecun1998gradient`.
    name: fig-demo
---
h.plot()
```

:::{admonition} Note
Keep `{glue:}` in code spans and ```{code}``` as they are.
:::

```python
x = "{ref}`untouched`"
```

## Exercises

:::{exercise}
:label: demo-ex-1

Do it.
:::

:::{solution} demo-ex-1
:class: dropdown

Like this: {glue:}`acc`.
:::

:::{exercise}
:label: demo-ex-2

And this.
:::

:::{solution-start} demo-ex-2
:class: dropdown
:::

Gated:

```{code-cell} ipython3
print("gated")
```

:::{solution-end}
:::
"""

def _context() -> m2c.Context:
    links = {("ref", "tensors-landing"): ("https://x.io/book/tensors/index.html#tensors-landing", "Tensors"),
             ("numref", "fig-demo"): ("https://x.io/book/demo.html#fig-demo", "Fig. 3.1"),
             ("eq", "eq-demo"): ("https://x.io/book/demo.html#equation-eq-demo", "3.1")}
    return m2c.Context(
        docname="book/demo", site_url="https://x.io/",
        resolve=lambda kind, target: links.get((kind, target)),
        cite=lambda keys, textual: "(LeCun et al., 1998)",
        glue={"acc": {"text/plain": "'97.5%'"}, "loss": {"text/plain": "0.123456"}},
        equation_numbers={"eq-demo": "3.1"})


@pytest.fixture(scope="module")
def demo() -> nbformat.NotebookNode:
    import jupytext

    nb = jupytext.reads(SOURCE, fmt="md:myst")
    return m2c.to_colab(nb, _context(), "https://github.com/o/r", "a" * 40, title="T")


def _markdown(nb) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_conversion_gives_a_valid_notebook_with_the_install_cell_first(demo):
    nbformat.validate(demo)
    first = demo.cells[0]
    assert first.cell_type == "code" and m2c.INSTALL_MARKER in first.metadata["tags"]
    assert 'if "google.colab" in sys.modules:' in first.source
    assert '%pip install -q "dlbook_code @ git+https://github.com/o/r@' + "a" * 40 + '"' in first.source
    assert "torch" not in first.source.split("%pip", 1)[1], "the install cell must not touch PyTorch"


def test_install_cell_is_inert_outside_colab_and_installs_inside(demo):
    from IPython.core.inputtransformer2 import TransformerManager

    code = TransformerManager().transform_cell(demo.cells[0].source)
    calls = []

    class FakeIPython:
        def run_line_magic(self, name, line):
            calls.append((name, line))

    namespace = {"get_ipython": lambda: FakeIPython()}
    exec(code, namespace)  # noqa: S102 -- the notebook's own cell
    assert calls == [], "the install cell ran pip outside Colab"
    sys.modules["google.colab"] = type(sys)("google.colab")
    try:
        exec(code, namespace)  # noqa: S102
    finally:
        del sys.modules["google.colab"]
    assert calls and calls[0][0] == "pip" and "git+https://github.com/o/r@" in calls[0][1]


def test_no_myst_syntax_is_left(demo):
    text = _markdown(demo)
    leftovers = m2c.leftover_myst(text)
    assert not leftovers, leftovers
    assert m2c.leftover_myst("see {ref}`x` and\n:::{note}\nhi\n:::") == ["{ref}`x`", ":::{note}"]
    assert "(demo)=" not in text and "% a MyST comment" not in text


def test_roles_become_markdown(demo):
    text = _markdown(demo)
    assert "The accuracy is 97.5% and the loss 0.12," in text
    assert "(LeCun et al., 1998)" in text
    assert "[Fig. 3.1](https://x.io/book/demo.html#fig-demo)" in text
    assert "[(3.1)](https://x.io/book/demo.html#equation-eq-demo)" in text
    assert "[the tensors part](https://x.io/book/tensors/index.html#tensors-landing)" in text
    assert "[a role broken over two lines](https://x.io/book/tensors/index.html#tensors-landing)" in text
    assert "\\tag{3.1}" in text, "a numbered equation keeps its number"
    assert "`{glue:}`" in text, "code spans stay as they are"
    assert 'x = "{ref}`untouched`"' in text, "code blocks stay as they are"


def test_directives_become_markdown(demo):
    text = _markdown(demo)
    assert "> **What you will learn**" in text
    assert "> - one thing" in text
    assert "> **Note**" in text
    sources = [c.source for c in demo.cells]
    assert "### Exercise 1\n\nDo it." in sources and "### Exercise 2\n\nAnd this." in sources
    assert "Like this: 97.5%." in sources


def test_solutions_open_collapsed_in_colab(demo):
    """Each solution: a heading cell of its own, one level below its exercise, listed (by its
    cell id, which Colab reads from the cell's metadata) in collapsed_sections."""
    by_id = {c.metadata.get("id"): c for c in demo.cells}
    assert all(c.metadata.get("id") == c.id for c in demo.cells)
    collapsed = demo.metadata["colab"]["collapsed_sections"]
    assert collapsed == ["demo-ex-1-solution", "demo-ex-2-solution"]
    assert [by_id[i].source for i in collapsed] == [f"#### Solution to Exercise {n}" for n in (1, 2)]
    cells = [c.source for c in demo.cells]
    gated = cells.index("#### Solution to Exercise 2")
    assert cells[gated + 1:] == ["Gated:", 'print("gated")'], "the gated solution's cells follow its heading"


def test_code_cells_are_kept_and_captions_follow(demo):
    code = [c.source for c in demo.cells if c.cell_type == "code"][1:]
    assert code == ["from dlbook_code import fit\nh = fit(model, data)", "h.plot()", 'print("gated")']
    after = demo.cells[[c.source for c in demo.cells].index("h.plot()") + 1]
    assert after.source == "*The curve, as in (LeCun et al., 1998).*"


def test_a_chapter_that_trains_asks_for_a_gpu(demo):
    assert demo.metadata["accelerator"] == "GPU"
    plain = m2c.to_colab(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]),
                         m2c.Context(), "https://github.com/o/r", "main")
    assert "accelerator" not in plain.metadata


# --------------------------------------------------------------------------- the build


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])


def _hrefs(page: Path) -> list[str]:
    p = _Links()
    p.feed(page.read_text(encoding="utf-8"))
    return p.hrefs


def _repository() -> tuple[str, str]:
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    org, repo = re.match(r"https://github\.com/([^/]+)/([^/]+?)/?$", url).groups()
    return org, repo


@pytest.mark.book
def test_every_chapter_page_links_to_its_colab_notebook(built_site):
    org, repo = _repository()
    manifest = json.loads((COLAB / "manifest.json").read_text())
    problems = []
    for src in chapters():
        rel = src.relative_to(ROOT).with_suffix("")
        page = built_site / rel.with_suffix(".html")
        links = [h for h in _hrefs(page) if COLAB_LINK.match(h)]
        if not links:
            problems.append(f"{rel}: no Open in Colab link")
            continue
        m = COLAB_LINK.match(links[0])
        if (m["org"], m["repo"]) != (org, repo) or m["branch"] != manifest["branch"]:
            problems.append(f"{rel}: Colab link {links[0]} is not derived from repository.url")
        if not (COLAB / m["path"]).exists():
            problems.append(f"{rel}: Colab link points at {m['path']}, which the build did not make")
        downloads = [h for h in _hrefs(page) if h.endswith(".ipynb") and not h.startswith("http")]
        if not any((page.parent / h).resolve() == (COLAB / m["path"]).resolve() for h in downloads):
            problems.append(f"{rel}: the download button does not offer the Colab notebook")
    assert not problems, problems


@pytest.mark.book
def test_every_chapter_has_a_valid_colab_notebook(built_site):
    manifest = json.loads((COLAB / "manifest.json").read_text())
    assert re.fullmatch(r"[0-9a-f]{40}|[\w.-]+", manifest["commit"])
    problems = []
    for src in chapters():
        path = colab_notebook(src)
        if not path.exists():
            problems.append(f"{path.relative_to(BUILD)}: missing")
            continue
        nb = nbformat.read(str(path), as_version=4)
        try:
            nbformat.validate(nb)
        except nbformat.ValidationError as exc:
            problems.append(f"{path.name}: invalid nbformat: {exc.message}")
        first = nb.cells[0]
        if m2c.INSTALL_MARKER not in first.metadata.get("tags", []) or \
                f"@{manifest['commit']}\"" not in first.source:
            problems.append(f"{path.name}: first cell is not the install cell at the build's commit")
        text = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        leftovers = sorted(set(m2c.leftover_myst(text)))
        if leftovers:
            problems.append(f"{path.name}: MyST syntax left: {leftovers[:5]}")
        if "*(`" in text and "computed when the notebook runs" in text:
            problems.append(f"{path.name}: a glued value was not filled in from the build")
        if sources.trains(sources.read_notebook(src)) and nb.metadata.get("accelerator") != "GPU":
            problems.append(f"{path.name}: trains but does not ask Colab for a GPU")
        solutions = len(re.findall(r"^:::\{solution(?:-start)?\}", src.read_text(encoding="utf-8"), re.M))
        if len(nb.metadata["colab"].get("collapsed_sections", [])) != solutions:
            problems.append(f"{path.name}: not every solution opens collapsed in Colab")
    assert not problems, problems


@pytest.mark.book
def test_colab_notebooks_run_the_same_code_as_the_site(built_site):
    """Every code cell of the page (as myst-nb executed it) is in the Colab notebook, in order."""
    executed = BUILD / "jupyter_execute"
    compared = 0
    for src in chapters():
        site_nb = executed / src.relative_to(ROOT).with_suffix(".ipynb")
        if not any(c.cell_type == "code" for c in sources.read_notebook(src).cells):
            continue  # a page without code: myst-nb writes no executed notebook for it
        assert site_nb.exists(), f"{src.name}: the build left no executed notebook to compare"
        compared += 1
        site = [c["source"] for c in json.loads(site_nb.read_text())["cells"] if c["cell_type"] == "code"]
        site = ["".join(s) if isinstance(s, list) else s for s in site]
        colab = [c.source for c in nbformat.read(str(colab_notebook(src)), as_version=4).cells
                 if c.cell_type == "code"]
        it = iter(colab)
        assert all(any(s == c for c in it) for s in site), f"{src.name}: code differs from the site"
    assert compared, "no chapter's code was compared"


@pytest.mark.book
def test_make_test_executes_every_colab_notebook(built_site):
    """`make test` runs pytest with nbmake on (plain `pytest` leaves it off) over testpaths
    that hold the Colab folder; nbmake skips paths under `_build`, so the root conftest.py
    must hand the notebooks over. pytest's arguments are read from `make -n test` (which
    runs nothing: its last pytest command, up to `||`), and the suite is collected exactly as
    `make test` collects it."""
    import os
    import shlex
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    plan = subprocess.run(["make", "-n", "--no-print-directory", "test"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=True).stdout
    command = [line for line in plan.splitlines() if " -m pytest" in line][-1]
    args = shlex.split(command.split(" -m pytest", 1)[1].split("||")[0])
    out = subprocess.run([sys.executable, "-m", "pytest", *args, "--collect-only", "-q",
                          "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300, check=False).stdout
    collected = {line.split("::")[0] for line in out.splitlines() if ".ipynb::" in line}
    expected = {colab_notebook(src) for src in chapters()}
    missing = [p.name for p in expected
               if not any(c.endswith(p.relative_to(COLAB).as_posix()) for c in collected)]
    assert not missing, f"nbmake would not execute: {missing}\n{out[-2000:]}"
