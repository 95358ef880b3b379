"""Turn a MyST Markdown notebook into a plain notebook that Colab (or any Jupyter) shows well.

Used by the Sphinx extension :mod:`dlbook_build.colab` at build time and by the tests. Plain Python:
no Sphinx needed, so the conversion can be tested on its own. What changes:

- directives (``:::{admonition}``, ``{note}``, ``{exercise}``, ``{solution}``, ``{figure}``,
  ``{math}``...) become blockquotes, bold headings, images or ``$$`` blocks;
- roles become plain Markdown: ``{ref}``/``{numref}``/``{eq}``/``{doc}`` links into the published
  site, ``{cite}`` an author-year citation linked to the bibliography, ``{glue}`` the value the
  build computed (figures glued with ``{glue:figure}`` are embedded as cell attachments);
- ``(label)=`` targets, ``%`` comments and the labels of ``$$...$$ (label)`` equations go
  (numbered equations keep their number as ``\\tag``);
- code cells nested in a directive (a solution with code) become real code cells;
- a first cell installs ``dlbook_code`` from the repository at the commit the site was built
  from, only inside Colab, and the notebook asks Colab for a GPU where the chapter trains.

Why not ``sphinx-tojupyter`` (tried, 0.6.0, 2026-12): it is a second builder (every page read
again) that adds nbconvert, dask[distributed] and nbdime to the toolchain; it writes myst-nb
code cells as Markdown unless ``tojupyter_lang_synonyms`` names ``ipython3``; its exercises
become "Solution to[ Exercise 1](#label)" headings; and the install cell, the GPU request
and links into the published site would still have to be added afterwards, as here.
"""

from __future__ import annotations

import base64
import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import nbformat

# Anything left in a converted notebook's Markdown that matches this is MyST-only syntax.
LEFTOVER_MYST = re.compile(
    r"^\s*(?:`{3,}|~{3,}|:{3,})\s*\{[\w:-]+\}"  # a directive fence
    r"|^\s*:{3,}\s*$"  # a colon-fence closing
    r"|\{[a-z][\w:+-]*\}`"  # a role
    r"|^\s*\([\w.:-]+\)=\s*$"  # a target
    r"|^\s*\+\+\+",  # a jupytext cell break
    re.MULTILINE,
)

INSTALL_MARKER = "dlbook-colab-install"


def leftover_myst(markdown: str) -> list[str]:
    """MyST-only syntax left in Markdown, outside code blocks and code spans."""
    text = re.sub(r"^(\s*)(`{3,}|~{3,})(?!\s*\{)[^\n]*\n.*?^\1\2\s*$", "", markdown,
                  flags=re.MULTILINE | re.DOTALL)
    roles: list[str] = []

    def drop(m: re.Match) -> str:
        if m.group("role"):
            roles.append(m.group("role").split("`")[0] + "`")
        return ""

    text = _ROLE_OR_CODE.sub(drop, text)
    return roles + [m.group(0).strip() for m in LEFTOVER_MYST.finditer(text)]

ADMONITIONS = {
    "note": "Note", "tip": "Tip", "hint": "Hint", "important": "Important",
    "warning": "Warning", "caution": "Caution", "attention": "Attention", "danger": "Danger",
    "error": "Error", "seealso": "See also", "margin": "", "sidebar": "", "topic": "",
    "dropdown": "", "epigraph": "", "pull-quote": "", "highlights": "", "card": "",
    "grid-item-card": "", "tab-item": "", "admonition": "",
}
DROPPED = {"tableofcontents", "toctree", "bibliography", "eval-rst", "glossary", "only",
           "raw", "index", "rubric-hidden"}
CODE_DIRECTIVES = {"code-block", "code", "sourcecode", "literalinclude-inline"}
TRANSPARENT = {"grid", "tab-set", "div", "container", "exercise-end", "solution-end",
               "cssclass", "rst-class", "list-table-body"}

_FENCE = re.compile(r"^(?P<indent>\s*)(?P<mark>`{3,}|~{3,}|:{3,})\s*(?P<rest>.*)$")
_DIRECTIVE = re.compile(r"^\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$")
_OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):\s*(?P<value>.*)$")
_ROLE_OR_CODE = re.compile(
    r"(?P<role>\{(?P<name>[a-z][\w:+-]*)\}`(?P<text>[^`]+)`)|(?P<code>`+)[^`]*?(?P=code)")
_TARGET = re.compile(r"^\s*\([\w.:-]+\)=\s*$")
_DMATH_LABEL = re.compile(r"^(?P<pre>.*\$\$)\s*\((?P<label>[\w.:-]+)\)\s*$")
_TITLED = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)


@dataclass
class Context:
    """What the conversion knows about the book (all optional: defaults degrade gracefully).

    ``resolve(kind, target)`` returns ``(url, text)`` for a cross-reference (``kind`` is
    ``ref``, ``numref``, ``eq`` or ``doc``) or None; ``cite(keys, textual)`` returns the
    citation text; ``glue`` maps a glued name to its MIME bundle from the executed notebook.
    """

    docname: str = ""
    site_url: str = ""
    raw_url: str = ""  # base URL of the repository's files at the build's commit
    resolve: Callable[[str, str], tuple[str, str] | None] = lambda kind, target: None
    cite: Callable[[list[str], bool], str] | None = None
    glue: dict[str, dict[str, Any]] = field(default_factory=dict)
    equation_numbers: dict[str, str] = field(default_factory=dict)
    substitutions: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- inline


def _split_titled(text: str) -> tuple[str | None, str]:
    m = _TITLED.match(text.strip())
    if m:
        return m.group("text").strip(), m.group("target").strip()
    return None, text.strip()


def _glue_text(ctx: Context, spec: str, kind: str) -> str:
    name, _, fmt = spec.partition(":")
    bundle = ctx.glue.get(name.strip())
    if not bundle:
        return f"*(`{name.strip()}`, computed when the notebook runs)*"
    if kind == "md" and "text/markdown" in bundle:
        return str(bundle["text/markdown"]).strip()
    text = str(bundle.get("text/plain", "")).strip()
    if fmt and kind == "text":
        try:
            return format(float(text), fmt)
        except ValueError:
            return text
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return text


def convert_role(name: str, text: str, ctx: Context) -> str:
    """The plain-Markdown form of one MyST role."""
    if name in ("ref", "numref", "eq", "doc", "std:ref", "std:doc"):
        kind = name.split(":")[-1]
        title, target = _split_titled(text)
        found = ctx.resolve(kind, target)
        if kind == "eq":
            number = ctx.equation_numbers.get(target) or (found[1] if found else "")
            label = f"({number})" if number else "(the equation above)"
            return f"[{label}]({found[0]})" if found else label
        if found:
            url, default = found
            shown = title or default or target
            if kind == "numref" and "%s" in shown:
                shown = shown.replace("%s", default.split()[-1] if default else "")
            if kind == "numref" and "{number}" in shown:
                shown = shown.replace("{number}", default.split()[-1] if default else "")
            return f"[{shown}]({url})"
        return title or target
    if name.startswith("cite"):
        keys = [k.strip() for k in text.split(",") if k.strip()]
        textual = name in ("cite:t", "cite:ts", "cite:author", "cite:year")
        if ctx.cite:
            return ctx.cite(keys, textual)
        return "[" + "; ".join(keys) + "]"
    if name.startswith("glue"):
        kind = name.partition(":")[2] or "any"
        return _glue_text(ctx, text, kind)
    if name == "math":
        return f"${text}$"
    if name in ("sub", "subscript"):
        return f"<sub>{text}</sub>"
    if name in ("sup", "superscript"):
        return f"<sup>{text}</sup>"
    if name in ("kbd", "guilabel", "menuselection", "file", "samp", "command", "program",
                "code") or name.startswith("py:") or name in ("func", "class", "meth", "mod",
                                                               "attr", "obj", "data", "exc"):
        title, target = _split_titled(text)
        return f"`{title or target.lstrip('~')}`"
    if name == "download":
        title, target = _split_titled(text)
        return f"[{title or target}]({ctx.raw_url}/{target})" if ctx.raw_url else (title or target)
    if name in ("abbr",):
        return re.sub(r"\s*\(.*\)\s*$", "", text)
    if name in ("term",):
        title, target = _split_titled(text)
        return title or target
    title, target = _split_titled(text)
    return title or target


def convert_inline(line: str, ctx: Context) -> str:
    def repl(m: re.Match) -> str:
        if m.group("role"):
            return convert_role(m.group("name"), m.group("text"), ctx)
        return m.group(0)  # a code span stays as it is

    line = _ROLE_OR_CODE.sub(repl, line)
    if ctx.substitutions and "{{" in line:
        for key, value in ctx.substitutions.items():
            line = re.sub(r"\{\{\s*" + re.escape(key) + r"\s*\}\}", str(value), line)
    return line


# --------------------------------------------------------------------------- blocks


@dataclass
class _Open:
    name: str
    mark: str  # the fence characters that close it
    prefix: str  # blockquote prefix added to its body lines
    kind: str  # "quote", "drop", "code", "math", "plain", "figure", "codecell", "table"
    arg: str = ""
    options: dict[str, str] = field(default_factory=dict)
    body: list[str] = field(default_factory=list)
    header_done: bool = False


class Converter:
    """Converts the Markdown cells of one notebook, keeping state across cells (a solution
    that holds a code cell spans several cells)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.stack: list[_Open] = []
        self.exercise_numbers: dict[str, int] = {}
        self.cells: list[nbformat.NotebookNode] = []
        self._md: list[str] = []
        self._attachments: dict[str, dict[str, str]] = {}

    # -- output helpers
    def prefix(self) -> str:
        return "".join(o.prefix for o in self.stack)

    def emit(self, text: str) -> None:
        p = self.prefix()
        self._md.append((p + text).rstrip() if text else p.rstrip())

    def flush(self) -> None:
        kept: list[str] = []
        for line in self._md:  # no runs of blank lines
            if kept and line.strip(" >") == "" and kept[-1].strip(" >") == "":
                continue
            kept.append(line)
        text = "\n".join(kept).strip("\n")
        if text.strip(" >\n"):
            cell = nbformat.v4.new_markdown_cell(text)
            if self._attachments:
                cell["attachments"] = self._attachments
            self.cells.append(cell)
        self._md, self._attachments = [], {}

    def add_code(self, source: str, metadata: dict | None = None) -> None:
        self.flush()
        self.cells.append(nbformat.v4.new_code_cell(source, metadata=metadata or {}))

    # -- directives
    def open_directive(self, name: str, arg: str, mark: str, lines: list[str], i: int) -> int:
        """Handle a directive opening at lines[i-1]; returns the index after its options."""
        options: dict[str, str] = {}
        if i < len(lines) and lines[i].strip() == "---":  # YAML options block
            j = i + 1
            while j < len(lines) and lines[j].strip() != "---":
                m = re.match(r"^\s*([\w-]+):\s*(.*)$", lines[j])
                if m:
                    options[m.group(1)] = m.group(2)
                j += 1
            i = j + 1
        while i < len(lines) and (m := _OPTION.match(lines[i])):
            options[m.group("key")] = m.group("value").strip()
            i += 1
        close = mark[0] * len(mark)
        base = name.split(":")[0] if name.startswith("glue") else name
        if name in DROPPED:
            self.stack.append(_Open(name, close, "", "drop"))
        elif name in CODE_DIRECTIVES:
            self.emit(f"```{arg.split()[0] if arg else ''}")
            self.stack.append(_Open(name, close, "", "code"))
        elif name == "code-cell":
            self.stack.append(_Open(name, close, "", "codecell", arg, options))
        elif name == "math":
            self.stack.append(_Open(name, close, "", "math", arg, options))
        elif name in ("figure", "image", "glue:figure", "glue:math") or base == "glue" and name == "glue":
            self.stack.append(_Open(name, close, "", "figure", arg, options))
        elif name in ("list-table",):
            self.stack.append(_Open(name, close, "", "table", arg, options))
        elif name in ("exercise", "exercise-start"):
            n = len(self.exercise_numbers) + 1
            label = options.get("label", f"exercise-{n}")
            self.exercise_numbers[label] = n
            title = convert_inline(arg, self.ctx).strip()
            self.emit("")
            self.emit(f"**Exercise {n}**" + (f" ({title})" if title else ""))
            self.emit("")
            self.stack.append(_Open(name, close, "", "plain"))
        elif name in ("solution", "solution-start"):
            n = self.exercise_numbers.get(arg.strip())
            self.emit("")
            self.emit(f"**Solution to Exercise {n}**" if n else "**Solution**")
            self.emit("")
            self.stack.append(_Open(name, close, "", "plain"))
        elif name in TRANSPARENT:
            self.stack.append(_Open(name, close, "", "plain"))
        else:  # admonitions and anything unknown: a blockquote with a bold title
            title = arg.strip() or ADMONITIONS.get(name, name.replace("-", " ").capitalize())
            self.emit("")
            self.stack.append(_Open(name, close, "> ", "quote"))
            if title:
                self.emit(f"**{convert_inline(title, self.ctx)}**")
                self.emit("")
        return i

    def close_directive(self) -> None:
        o = self.stack.pop()
        if o.kind == "code":
            self.emit("```")
        elif o.kind == "codecell":
            body = o.body
            if body and body[0].strip() == "---":  # YAML cell options
                end = next((k for k in range(1, len(body)) if body[k].strip() == "---"), 0)
                body = body[end + 1:]
            self.add_code("\n".join(body).strip("\n"))
        elif o.kind == "math":
            self.emit("$$")
            self.emit("\n".join(o.body).strip())
            label = o.options.get("label")
            number = self.ctx.equation_numbers.get(label or "")
            if number:
                self.emit(f"\\tag{{{number}}}")
            self.emit("$$")
        elif o.kind == "figure":
            self._figure(o)
        elif o.kind == "table":
            self._list_table(o)
        elif o.kind == "quote":
            self.emit("")

    def _figure(self, o: _Open) -> None:
        caption = " ".join(convert_inline(x, self.ctx) for x in o.body if x.strip()).strip()
        alt = o.options.get("alt", caption or "figure")
        if o.name.startswith("glue"):
            bundle = self.ctx.glue.get(o.arg.strip(), {})
            for mime in ("image/png", "image/jpeg", "image/svg+xml"):
                if mime in bundle:
                    ext = mime.split("/")[1].split("+")[0]
                    key = f"{o.arg.strip()}.{ext}"
                    data = bundle[mime]
                    if mime == "image/svg+xml":
                        data = base64.b64encode(str(data).encode()).decode()
                    self._attachments[key] = {mime: data if isinstance(data, str) else "".join(data)}
                    self.emit(f"![{alt}](attachment:{key})")
                    break
            else:
                if o.name == "glue:math" and "text/latex" in bundle:
                    self.emit(str(bundle["text/latex"]))
                else:
                    self.emit(f"*(The figure `{o.arg.strip()}` is drawn by the code above.)*")
        else:
            src = o.arg.strip()
            if not re.match(r"^[a-z]+://", src) and self.ctx.raw_url:
                folder = self.ctx.docname.rsplit("/", 1)[0] if "/" in self.ctx.docname else ""
                src = (f"{self.ctx.raw_url}/{folder}/{src}" if not src.startswith("/")
                       else f"{self.ctx.raw_url}{src}")
            self.emit(f"![{alt}]({src})")
        if caption:
            self.emit("")
            self.emit(f"*{caption}*")
        self.emit("")

    def _list_table(self, o: _Open) -> None:
        rows: list[list[str]] = []
        for line in o.body:
            m = re.match(r"^\s*\*\s+-\s+(.*)$", line)
            if m:
                rows.append([m.group(1).strip()])
                continue
            m = re.match(r"^\s+-\s+(.*)$", line)
            if m and rows:
                rows[-1].append(m.group(1).strip())
            elif line.strip() and rows:
                rows[-1][-1] += " " + line.strip()
        if not rows:
            return
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        header = int(o.options.get("header-rows", "0") or 0)
        head = rows[0] if header else [""] * width
        body = rows[1:] if header else rows
        if o.arg.strip():
            self.emit(f"**{convert_inline(o.arg.strip(), self.ctx)}**")
            self.emit("")
        self.emit("| " + " | ".join(convert_inline(c, self.ctx) for c in head) + " |")
        self.emit("|" + "---|" * width)
        for r in body:
            self.emit("| " + " | ".join(convert_inline(c, self.ctx) for c in r) + " |")
        self.emit("")

    # -- a markdown cell
    def markdown(self, source: str) -> None:
        lines = convert_prose(source, self.ctx).split("\n")
        i = 0
        plain_fence: str | None = None  # inside an ordinary ``` code block
        while i < len(lines):
            line = lines[i]
            i += 1
            top = self.stack[-1] if self.stack else None
            if plain_fence is not None:
                self.emit(line)
                if line.strip().startswith(plain_fence) and line.strip().strip(plain_fence[0]) == "":
                    plain_fence = None
                continue
            fence = _FENCE.match(line)
            if top and top.kind in ("code", "codecell", "math", "figure", "table", "drop"):
                if (fence and fence.group("mark")[0] == top.mark[0]
                        and len(fence.group("mark")) >= len(top.mark)
                        and not fence.group("rest").strip()):
                    self.close_directive()
                    continue
                if top.kind == "code":
                    self.emit(line)
                elif top.kind == "drop":
                    if fence and (d := _DIRECTIVE.match(fence.group("rest").strip())):
                        self.stack.append(_Open(d.group("name"), fence.group("mark"), "", "drop"))
                else:
                    top.body.append(line)
                continue
            if fence:
                rest = fence.group("rest").strip()
                d = _DIRECTIVE.match(rest)
                if d:
                    i = self.open_directive(d.group("name"), d.group("arg"), fence.group("mark"), lines, i)
                    continue
                if not rest and self.stack and fence.group("mark")[0] == self.stack[-1].mark[0] \
                        and len(fence.group("mark")) >= len(self.stack[-1].mark):
                    self.close_directive()
                    continue
                if not rest and fence.group("mark")[0] == ":":
                    continue  # a stray closing fence (nothing open): MyST shows nothing
                if fence.group("mark")[0] in "`~":
                    plain_fence = fence.group("mark")
                    self.emit(line)
                    continue
            if _TARGET.match(line):
                continue
            if re.match(r"^\s*%", line):  # a MyST comment
                continue
            m = _DMATH_LABEL.match(line)
            if m:
                number = self.ctx.equation_numbers.get(m.group("label"))
                line = m.group("pre")
                if number:
                    line = line[:-2].rstrip() + f" \\tag{{{number}}} $$"
            self.emit(line)
        self.emit("")


_VERBATIM_OPEN = re.compile(r"^\s*(?P<mark>`{3,}|~{3,})\s*(?P<rest>.*)$")


def convert_prose(source: str, ctx: Context) -> str:
    """Convert the roles of a Markdown cell, leaving fenced code (``` blocks, code-cell,
    code-block and math directives) verbatim. Works on whole paragraphs, so a role whose
    text is broken over two lines is converted too."""
    out: list[str] = []
    prose: list[str] = []
    lines = source.split("\n")
    i = 0
    while i < len(lines):
        m = _VERBATIM_OPEN.match(lines[i])
        rest = m.group("rest").strip() if m else ""
        directive = _DIRECTIVE.match(rest)
        verbatim = m and (not directive or directive.group("name") in
                          CODE_DIRECTIVES | {"code-cell", "math", "raw", "eval-rst", "glue:math"})
        if not verbatim:
            prose.append(lines[i])
            i += 1
            continue
        out.append(convert_inline("\n".join(prose), ctx)) if prose else None
        prose = []
        mark = m.group("mark")
        out.append(lines[i])
        i += 1
        while i < len(lines):
            out.append(lines[i])
            i += 1
            s = out[-1].strip()
            if s.startswith(mark) and not s.strip(mark[0]):
                break
    if prose:
        out.append(convert_inline("\n".join(prose), ctx))
    return "\n".join(out)


def install_cell(repo_url: str, commit: str) -> nbformat.NotebookNode:
    """The first cell: inside Colab, install dlbook_code at the build's commit; elsewhere,
    nothing (the package is already installed where the book is built and tested)."""
    source = (
        "# Colab only: install the book's helper package, at the commit this page was built from.\n"
        "# Colab's own PyTorch stays (dlbook_code's requirements are loose lower bounds).\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install -q "dlbook_code @ git+{repo_url}@{commit}"'
    )
    return nbformat.v4.new_code_cell(
        source, metadata={"tags": ["remove-cell", INSTALL_MARKER], "id": INSTALL_MARKER})


def trains(nb: nbformat.NotebookNode) -> bool:
    """Whether the chapter trains a model (then Colab should give it a GPU)."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return bool(re.search(r"\bfit\(|\.sizes\(", code))  # fit, or sizes from the profile


def to_colab(nb: nbformat.NotebookNode, ctx: Context, repo_url: str, commit: str,
             title: str = "") -> nbformat.NotebookNode:
    """A plain notebook for Colab made from a notebook read from MyST Markdown."""
    conv = Converter(ctx)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            conv.markdown(cell.source)
        elif cell.cell_type == "code":
            meta = copy.deepcopy(dict(cell.metadata))
            figure = (meta.get("mystnb") or {}).get("figure") or {}
            conv.add_code(cell.source, meta)
            if figure.get("caption"):
                conv.emit(f"*{convert_inline(str(figure['caption']), ctx)}*")
                conv.flush()
        elif cell.cell_type == "raw":
            conv.flush()
            conv.cells.append(nbformat.v4.new_raw_cell(cell.source))
    conv.flush()
    out = nbformat.v4.new_notebook()
    cells = [install_cell(repo_url, commit)] + conv.cells
    if ctx.site_url and ctx.docname:
        note = (f"This notebook is a chapter of the book *{title}*. Read it with its "
                f"rendered figures and cross-references at {ctx.site_url}{ctx.docname}.html; "
                f"in Colab, choose *Runtime → Run all*.")
        cells.insert(1, nbformat.v4.new_markdown_cell(note))
    for k, c in enumerate(cells):  # stable cell ids (nbformat 4.5)
        c["id"] = c.get("metadata", {}).get("id") or f"cell-{k}"
        c.get("metadata", {}).pop("id", None)
    out.cells = cells
    kernelspec = dict(nb.metadata.get("kernelspec") or {})
    out.metadata["kernelspec"] = {"name": kernelspec.get("name", "python3"),
                                  "display_name": kernelspec.get("display_name", "Python 3"),
                                  "language": kernelspec.get("language", "python")}
    out.metadata["language_info"] = {"name": "python"}
    out.metadata["colab"] = {"provenance": [], "toc_visible": True}
    if trains(nb):
        out.metadata["accelerator"] = "GPU"
        out.metadata["colab"]["gpuType"] = "T4"
    out.metadata["dlbook"] = {"source": f"{ctx.docname}.md", "commit": commit}
    nbformat.validate(out)
    return out
