"""Turn a chapter (a MyST Markdown notebook) into a plain notebook that Colab shows well.

Used by the Sphinx extension :mod:`dlbook_build.colab` at build time and by the tests; it needs
no Sphinx application, so the conversion can be tested on its own.

**How.** Each Markdown cell is parsed by MyST's own parser (myst-parser's markdown-it setup,
with the book's extensions), and only the tokens that are MyST-only are replaced, by their
line maps; every other line is copied as written. So code blocks and code spans are never
touched (the parser knows where they are), and a directive's arguments, options and body are
split by myst-parser's own ``parse_directive_text`` with the real directive class, exactly as
the site's build splits them. The output is parsed again, and any MyST-only token left in it
is an error (:func:`leftover_myst`).

**What.** Plain Markdown is copied; of MyST, exactly what the chapters use. Anything else
raises :class:`ConversionError` naming the chapter's line, so that a new construct is taught
here before it reaches readers:

- ``:::{admonition} Title`` becomes a blockquote with a bold title;
- ``{exercise}`` becomes a heading cell "Exercise n" one level below the section it is in;
  ``{solution}`` (or ``{solution-start}`` ... ``{solution-end}``, code cells between)
  a heading "Solution to Exercise n" one level deeper, alone in its cell, with the solution
  in the cells under it. Colab's ``metadata.colab.collapsed_sections`` lists the solution
  headings whose directive has ``:class: dropdown``, so Colab opens them collapsed, as the
  site does. A Colab section runs to the next heading of the same or a higher level, so text
  after a solution that does not start with such a heading would be hidden with it: an error;
- roles: ``{ref}``/``{numref}``/``{eq}`` become links into the published site, ``{cite}``
  and ``{cite:t}`` author-year citations, ``{glue:}``/``{glue:text}`` the value the build
  computed;
- ``(label)=`` targets and ``%`` comments go; a ``$$...$$ (label)`` equation loses its label
  and keeps its number as ``\\tag``; ``{{ name }}`` substitutions take their value, as
  written (a backslash stays a backslash);
- a figure caption in a code cell's ``mystnb`` metadata follows the cell in italics;
- a first cell installs ``dlbook_code`` from the repository at the commit the site was built
  from, only inside Colab, and the notebook asks Colab for a GPU where the chapter trains.

Why not ``sphinx-tojupyter`` (tried, 0.6.0, 2026-12): it is a second builder (every page read
again) that adds nbconvert, dask[distributed] and nbdime to the toolchain; it writes myst-nb
code cells as Markdown unless ``tojupyter_lang_synonyms`` names ``ipython3``; its exercises
become "Solution to[ Exercise 1](#label)" headings; and the install cell, the GPU request
and links into the published site would still have to be added afterwards, as here.
"""

from __future__ import annotations

import bisect
import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NoReturn

import nbformat
from docutils.parsers.rst.directives.admonitions import Admonition
from docutils.parsers.rst.states import MarkupError
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.directives import parse_directive_text
from myst_parser.parsers.mdit import create_md_parser
from sphinx.util.nodes import split_explicit_title
from sphinx_exercise.directive import (
    ExerciseDirective,
    SolutionDirective,
    SolutionEndDirective,
    SolutionStartDirective,
)

from . import sources

INSTALL_MARKER = "dlbook-colab-install"

# The directives the chapters use, with the class myst-parser reads them with, and the options
# the conversion honours (any other option would change what the reader sees: an error).
DIRECTIVES: dict[str, tuple[type, set[str]]] = {
    "admonition": (Admonition, {"class"}),
    "exercise": (ExerciseDirective, {"label", "class"}),
    "solution": (SolutionDirective, {"class"}),
    "solution-start": (SolutionStartDirective, {"class"}),
    "solution-end": (SolutionEndDirective, set()),
}
ROLES = {"ref", "numref", "eq", "cite", "cite:t", "glue", "glue:", "glue:any", "glue:text"}

# Tokens of plain Markdown (CommonMark, tables, dollar maths), which Colab renders as they are.
PLAIN_BLOCK = {
    "inline", "paragraph_open", "paragraph_close", "heading_open", "heading_close",
    "bullet_list_open", "bullet_list_close", "ordered_list_open", "ordered_list_close",
    "list_item_open", "list_item_close", "blockquote_open", "blockquote_close", "hr",
    "table_open", "table_close", "thead_open", "thead_close", "tbody_open", "tbody_close",
    "tr_open", "tr_close", "th_open", "th_close", "td_open", "td_close",
    "code_block", "fence", "html_block", "math_block",
}
PLAIN_INLINE = {
    "text", "text_special", "softbreak", "hardbreak", "code_inline", "em_open", "em_close",
    "strong_open", "strong_close", "link_open", "link_close", "image", "html_inline",
    "math_inline",
}


class ConversionError(ValueError):
    """A chapter uses MyST the Colab conversion does not handle (the message says where)."""


@dataclass
class Context:
    """What the conversion knows about the book (all optional: defaults degrade gracefully).

    ``resolve(kind, target)`` returns ``(url, text)`` for a cross-reference (``kind`` is
    ``ref``, ``numref`` or ``eq``) or None; ``cite(keys, textual)`` returns the citation text;
    ``glue`` maps a glued name to its MIME bundle from the executed notebook. ``source`` is the
    chapter's text (errors then name its lines); ``myst_config`` the build's MyST configuration
    (default: the extensions in ``_config.yml``).
    """

    docname: str = ""
    site_url: str = ""
    resolve: Callable[[str, str], tuple[str, str] | None] = lambda kind, target: None
    cite: Callable[[list[str], bool], str] | None = None
    glue: dict[str, dict[str, Any]] = field(default_factory=dict)
    equation_numbers: dict[str, str] = field(default_factory=dict)
    substitutions: dict[str, str] = field(default_factory=dict)
    source: str = ""
    myst_config: MdParserConfig | None = None


# --------------------------------------------------------------------------- the parser


@lru_cache(maxsize=1)
def book_config() -> MdParserConfig:
    """The MyST extensions of ``_config.yml``, as :func:`dlbook_build.sources.read_notebook`
    reads chapters outside Sphinx."""
    import yaml

    cfg = yaml.safe_load((sources.ROOT / "_config.yml").read_text(encoding="utf-8"))
    return MdParserConfig(enable_extensions=set(cfg.get("parse", {}).get("myst_enable_extensions", [])))


def myst_parser(config: MdParserConfig | None = None) -> MarkdownIt:
    """MyST's own markdown-it parser, whose roles and substitutions know where they are."""
    md = create_md_parser(config or book_config(), RendererHTML)
    _record_spans(md, ("myst_role", "substitution_inline"))
    return md


def _record_spans(md: MarkdownIt, rules: tuple[str, ...]) -> None:
    """Make the inline rules named ``rules`` store in ``token.meta["span"]`` the (start, end)
    offsets, in their inline token's content, of the text they parsed.

    markdown-it gives block tokens a line map but inline tokens no position at all, and a role
    must be replaced exactly where it is (a role can sit in a table cell, or break over two
    lines). So each rule is wrapped, through the ruler's public API (``get_active_rules``,
    ``getRules``, ``at``), by one that reads ``state.pos`` before and after it. That a rule
    moves ``state.pos`` over exactly what it parsed is markdown-it's inline contract, not a
    documented API: ``test_role_spans_are_exact`` fails if it changes.
    """
    ruler = md.inline.ruler
    found = dict(zip(ruler.get_active_rules(), ruler.getRules("")))
    for name in rules:
        if name not in found:
            continue

        def wrapped(state, silent: bool, rule=found[name]) -> bool:
            start, count = state.pos, len(state.tokens)
            ok = rule(state, silent)
            if ok and not silent and len(state.tokens) > count:
                state.tokens[-1].meta["span"] = (start, state.pos)
            return ok

        ruler.at(name, wrapped)


def directive_name(tok: Token) -> str | None:
    """The directive a fence opens (``{name} arguments``, split as myst-parser splits it)."""
    name = (tok.info.split() or [""])[0]
    return name[1:-1] if name.startswith("{") and name.endswith("}") else None


def _myst_tokens(tokens: list[Token]):
    """Every token, inline children (and an image's alt text) included, that is MyST-only."""
    for tok in tokens:
        if tok.type not in PLAIN_BLOCK | PLAIN_INLINE or (tok.type == "fence" and directive_name(tok)):
            yield tok
        yield from _myst_tokens(tok.children or [])


def leftover_myst(markdown: str, md: MarkdownIt | None = None) -> list[str]:
    """MyST-only syntax left in (converted) Markdown, found by parsing it with MyST's parser
    (``md``, default :func:`myst_parser`): roles, directives, targets, labelled equations,
    substitutions... (code blocks and code spans are code, not MyST)."""
    lines = markdown.split("\n")
    out = []
    for tok in _myst_tokens((md or myst_parser()).parse(markdown)):
        if tok.type == "myst_role":
            out.append(f"{{{tok.meta['name']}}}`{tok.content}`")
        elif tok.map:
            out.append(lines[tok.map[0]].strip())
        else:
            out.append(tok.type)
    return out


# --------------------------------------------------------------------------- the conversion


@dataclass
class Heading:
    """A heading the conversion adds (an exercise, a solution): it starts a new cell."""

    text: str
    id: str
    alone: bool = False  # the cell holds the heading only (a collapsed section's title)
    collapsed: bool = False


# Where a solution ends, a new cell starts: Colab ends a section only at a cell that begins
# with a heading, so what follows (a section heading) must begin its own cell.
CELL_BREAK = Heading("", "")


class Converter:
    """Converts one notebook's cells in order. State crosses cells: exercise numbers, the
    section level, a gated solution whose code cells lie between its start and end."""

    def __init__(self, ctx: Context, source_map: list[int] | None = None):
        self.ctx = ctx
        self.md = myst_parser(ctx.myst_config)
        self.source_map = source_map
        self.cells: list[nbformat.NotebookNode] = []
        self.collapsed: list[str] = []  # ids of the heading cells Colab opens collapsed
        self.exercises: dict[str, int] = {}
        self.section_level = 1
        self.open_solution: tuple[int, int] | None = None  # (heading level, line) of a solution-start
        self.hidden: int | None = None  # after a solution: the level of its heading
        self.cell_no = 0
        self.absolute = False  # whether line numbers are the chapter's own
        self._text: list[str] = []
        self._text_id = ""

    # -- errors
    def fail(self, line: int, message: str) -> NoReturn:
        where = (f"{self.ctx.docname}.md:{line + 1}" if self.absolute else
                 f"{self.ctx.docname or 'notebook'} (Markdown cell {self.cell_no + 1}, line {line + 1})")
        raise ConversionError(f"{where}: {message}")

    def first_line(self, index: int) -> int:
        """The chapter line (0-based) where cell ``index`` starts, from myst-nb's source map
        (for a Markdown cell: before the blank lines myst-nb strips, skipped here). Without a
        source map (a notebook not read by myst-nb), lines count from the cell's start."""
        if not (self.source_map and index < len(self.source_map)):
            self.absolute = False
            return 0
        self.absolute = True
        line = self.source_map[index]
        lines = self.ctx.source.split("\n") if self.ctx.source else []
        while line < len(lines) and lines[line] == "":
            line += 1
        return line

    # -- cells
    def markdown(self, cell: nbformat.NotebookNode, index: int) -> None:
        self.cell_no = index
        self.emit(self.convert(cell.source, self.first_line(index)))
        self.flush()

    def code(self, cell: nbformat.NotebookNode, index: int) -> None:
        self.cell_no = index
        line = self.first_line(index)
        self.visible(line, "this code cell")
        meta = copy.deepcopy(dict(cell.metadata))
        self.flush()
        self.cells.append(nbformat.v4.new_code_cell(cell.source, metadata=meta))
        caption = ((meta.get("mystnb") or {}).get("figure") or {}).get("caption")
        if caption:
            self.emit([f"*{self.inline(str(caption), line)}*"])
            self.flush()

    def raw(self, cell: nbformat.NotebookNode, index: int) -> None:
        self.cell_no = index
        self.visible(self.first_line(index), "this raw cell")
        self.flush()
        self.cells.append(nbformat.v4.new_raw_cell(cell.source))

    def finish(self) -> None:
        self.flush()
        if self.open_solution:
            self.fail(self.open_solution[1], "{solution-start} has no {solution-end}")

    def emit(self, items: list[str | Heading]) -> None:
        for item in items:
            if isinstance(item, str):
                self._text.append(item)
                continue
            self.flush()
            if item is CELL_BREAK:
                continue
            if item.collapsed:
                self.collapsed.append(item.id)
            if item.alone:
                self.cells.append(nbformat.v4.new_markdown_cell(item.text, metadata={"id": item.id}))
            else:
                self._text, self._text_id = [item.text + "\n\n"], item.id

    def flush(self) -> None:
        text = "".join(self._text).strip("\n")
        if text.strip():
            self.cells.append(nbformat.v4.new_markdown_cell(
                text, metadata={"id": self._text_id} if self._text_id else {}))
        self._text, self._text_id = [], ""

    # -- sections: where Colab's collapsed solutions end
    def heading(self, level: int, line: int, what: str = "a heading") -> None:
        """A section starts: it ends the section of a solution above it (Colab's rule)."""
        if self.open_solution:
            self.fail(line, f"{what} inside a solution ({{solution-start}} without {{solution-end}})")
        if self.hidden is not None and level > self.hidden:
            self.fail(line, f"a level-{level} heading after a solution would be hidden with the "
                            "solution in Colab: make it a section heading, or move it above the exercise")
        self.hidden = None

    def visible(self, line: int, what: str = "this text") -> None:
        if self.hidden is not None:
            self.fail(line, f"{what} follows an exercise's solution, so Colab would hide it inside "
                            "the collapsed solution: start it with a section heading (such as "
                            "`## Summary`), or move it above the exercise")

    # -- Markdown
    def convert(self, text: str, line0: int, nested: bool = False) -> list[str | Heading]:
        """``text`` with its MyST replaced: the lines between replacements as written.
        ``line0`` is the chapter line of the text's first line; ``nested`` for a directive's
        body, where sections (headings, exercises) cannot start."""
        tokens = self.md.parse(text)
        lines = text.split("\n")
        starts = [0]
        for row in lines:
            starts.append(starts[-1] + len(row) + 1)

        def at(line: int) -> int:  # offset of a line's start (the end of the text at most)
            return min(starts[line], len(text))

        edits: list[tuple[int, int, list[str | Heading]]] = []
        cells_done: dict[int, int] = {}  # line -> column after the table cells located on it
        for i, tok in enumerate(tokens):
            line = line0 + (tok.map[0] if tok.map else 0)
            if tok.level == 0 and tok.nesting >= 0 and not nested and tok.type not in (
                    "heading_open", "myst_target", "myst_line_comment", "colon_fence", "fence"):
                self.visible(line)
            kind = tok.type
            if kind == "inline":
                edits += self.inline_edits(tok, tokens[i - 1].type, lines, starts, line0, cells_done)
            elif kind in ("colon_fence", "fence") and directive_name(tok) is not None:
                assert tok.map is not None  # block tokens carry their line span
                self.at_top(tok, line, "a directive")
                last = lines[tok.map[1] - 1].strip()
                if tok.map[1] - tok.map[0] < 2 or not last.startswith(tok.markup) or last.strip(last[0]):
                    self.fail(line, f"{tok.info.split()[0]} is not closed by {tok.markup}")
                items = self.directive(tok, line, nested)
                edits.append((at(tok.map[0]), at(tok.map[1]), self.padded(items, lines, tok.map)))
            elif kind == "fence":
                if tok.level == 0 and not nested:
                    self.visible(line)
            elif kind == "heading_open":
                if nested:
                    self.fail(line, "a heading inside a directive: MyST does not allow it")
                if tok.level == 0:
                    self.section_level = int(tok.tag[1])
                    self.heading(self.section_level, line)
            elif kind in ("myst_target", "myst_line_comment"):
                assert tok.map is not None
                self.at_top(tok, line, "a target or comment")
                edits.append((at(tok.map[0]), at(tok.map[1]), []))
            elif kind == "math_block_label":
                assert tok.map is not None
                self.at_top(tok, line, "a labelled equation")
                number = self.ctx.equation_numbers.get(tok.info)
                tag = f"\n\\tag{{{number}}}" if number else ""
                edits.append((at(tok.map[0]), at(tok.map[1]),
                              [f"$$\n{tok.content.strip(chr(10))}{tag}\n$$\n"]))
            elif kind == "substitution_block":
                assert tok.map is not None
                self.at_top(tok, line, "a substitution")
                value = "".join(self.text_only(self.convert(self.substitute(tok.content, line), line, True),
                                               line, "a substitution"))
                edits.append((at(tok.map[0]), at(tok.map[1]), self.padded([value], lines, tok.map)))
            elif kind not in PLAIN_BLOCK:
                self.fail(line, f"`{lines[tok.map[0]].strip() if tok.map else kind}` ({kind}) is MyST "
                                "syntax the book does not use: write it in the chapters' usual way, "
                                "or teach dlbook_build/myst_to_colab.py to convert it")
        out: list[str | Heading] = []
        pos = 0
        for start, end, items in sorted(edits, key=lambda e: e[0]):
            out.append(text[pos:start])
            out += items
            pos = end
        out.append(text[pos:])
        return out

    def at_top(self, tok: Token, line: int, what: str) -> None:
        """Whole-line replacements would lose a list's or a quote's prefix."""
        if tok.level:
            self.fail(line, f"{what} inside a list or a quote: the chapters have none there")

    @staticmethod
    def padded(items: list[str | Heading], lines: list[str], span: list[int]) -> list[str | Heading]:
        """A block's replacement, with blank lines around it where its neighbours are text
        (else a paragraph after a quote would continue the quote)."""
        before: list[str | Heading] = ["\n"] if span[0] > 0 and lines[span[0] - 1].strip() else []
        after: list[str | Heading] = ["\n"] if span[1] < len(lines) and lines[span[1]].strip() else []
        return before + items + after if items else items

    def text_only(self, items: list[str | Heading], line: int, where: str) -> list[str]:
        if any(isinstance(i, Heading) for i in items):
            self.fail(line, f"an exercise or solution inside {where}")
        return items  # type: ignore[return-value]

    def inline(self, text: str, line: int) -> str:
        """One line of MyST (a title, a caption) as Markdown."""
        return "".join(self.text_only(self.convert(text, line, True), line, "a title")).strip()

    def inline_edits(self, tok: Token, parent: str, lines: list[str], starts: list[int], line0: int,
                     cells_done: dict[int, int]) -> list[tuple[int, int, list[str | Heading]]]:
        """The roles and substitutions of one inline token, as edits of the text."""
        assert tok.map is not None  # inline tokens of blocks carry their block's lines
        direct = {id(c) for c in tok.children or []}
        for child in _myst_tokens(tok.children or []):
            if child.type not in ("myst_role", "substitution_inline") or id(child) not in direct:
                self.fail(line0 + tok.map[0], f"{child.type} in `{tok.content[:60]}`: MyST syntax the "
                          "book does not use here; teach dlbook_build/myst_to_colab.py to convert it")
        found = [c for c in tok.children or [] if "span" in c.meta]
        if not found:
            return []
        # Where each line of the token's content starts in the text: a paragraph's or a
        # heading's content line is the end of its source line (a list's or a quote's prefix
        # stripped); table cells are found left to right.
        begins, offset = [], 0
        for k, content in enumerate(tok.content.split("\n")):
            row = tok.map[0] + k
            source = lines[row]
            if parent in ("td_open", "th_open"):
                col = source.find(content, cells_done.get(row, 0))
                cells_done[row] = col + len(content)
            elif source.rstrip().endswith(content.rstrip()):
                col = len(source.rstrip()) - len(content.rstrip())
            else:  # a heading closed by #s
                col = source.find(content)
            if col < 0:
                self.fail(line0 + row, "cannot find this line's text in the cell (a tab in an indent?)")
            begins.append((offset, starts[row] + col))
            offset += len(content) + 1

        def where(pos: int) -> int:
            start, base = next(b for b in reversed(begins) if b[0] <= pos)
            return base + pos - start

        edits: list[tuple[int, int, list[str | Heading]]] = []
        for child in found:
            start, end = child.meta["span"]
            line = line0 + bisect.bisect_right(starts, where(start)) - 1
            if child.type == "myst_role":
                new = self.role(child.meta["name"], child.content, line)
            else:
                new = self.inline(self.substitute(child.content, line), line)
            edits.append((where(start), where(end), [new]))
        return edits

    # -- directives
    def directive(self, tok: Token, line: int, nested: bool) -> list[str | Heading]:
        name = directive_name(tok)
        first = (tok.info.strip().split(maxsplit=1) + [""])[1]
        if name not in DIRECTIVES:
            self.fail(line, f"the directive {{{name}}} is not one the chapters use (the Colab "
                            f"conversion knows {', '.join(sorted(DIRECTIVES))}): use one of those, or "
                            "teach dlbook_build/myst_to_colab.py to convert it")
        cls, honoured = DIRECTIVES[name]
        content, shift = tok.content, 0
        if tok.type == "colon_fence" and content.startswith(":::"):  # as myst-parser does
            content, shift = "\n" + content, -1
        try:
            parsed = parse_directive_text(cls, first, content, line=line + 1)
        except MarkupError as exc:
            self.fail(line, f"{{{name}}}: {exc}")
        if parsed.warnings:
            self.fail(line, f"{{{name}}}: {parsed.warnings[0].msg}")
        unused = sorted(set(parsed.options) - honoured)
        if unused:
            self.fail(line, f"{{{name}}}: the Colab conversion does not honour the option(s) "
                            f"{unused}; the chapters use only {sorted(honoured) or 'none'}")
        body, body_line = "\n".join(parsed.body), line + 1 + parsed.body_offset + shift
        if name == "admonition":
            if not nested:
                self.visible(line)
            title = self.inline(parsed.arguments[0], line)
            text = "".join(self.text_only(self.convert(body, body_line, True), line, "an admonition"))
            quoted = [f"**{title}**", "", *text.strip("\n").split("\n")]
            return ["\n".join(">" + (" " + q if q else "") for q in quoted) + "\n"]
        if nested:
            self.fail(line, f"{{{name}}} inside another directive: the chapters have none there")
        level = min(self.section_level + 1, 6)
        if name == "exercise":
            self.heading(level, line, "an exercise")
            number = len(self.exercises) + 1
            label = parsed.options.get("label", "")
            self.exercises[label or f"exercise-{number}"] = number
            title = f" ({self.inline(parsed.arguments[0], line)})" if parsed.arguments else ""
            head = Heading(f"{'#' * level} Exercise {number}{title}", _cell_id(label or f"exercise-{number}"))
            # a blank line after the body: text that follows (a self-checked exercise's
            # instructions above its starter cell) is a paragraph of its own
            return [head, *self.convert(body, body_line, True), "\n"]
        if name == "solution-end":
            if not self.open_solution:
                self.fail(line, "{solution-end} without {solution-start}")
            self.hidden, self.open_solution = self.open_solution[0], None
            return [CELL_BREAK]
        label = parsed.arguments[0]
        if label not in self.exercises:
            self.fail(line, f"{{{name}}} {label}: no exercise above has this label")
        level = min(level + 1, 6)
        self.heading(level, line, "a solution")
        head = Heading(f"{'#' * level} Solution to Exercise {self.exercises[label]}",
                       _cell_id(f"{label}-solution"), alone=True,
                       collapsed="dropdown" in parsed.options.get("class", []))
        items = [head, *self.convert(body, body_line, True)]
        if name == "solution-start":
            self.open_solution = (level, line)
        else:
            self.hidden = level
            items.append(CELL_BREAK)
        return items

    # -- roles and substitutions
    def substitute(self, key: str, line: int) -> str:
        key = key.strip()
        if key not in self.ctx.substitutions:
            self.fail(line, f"no substitution {{{{ {key} }}}} in myst_substitutions")
        return str(self.ctx.substitutions[key])

    def role(self, name: str, text: str, line: int) -> str:
        if name not in ROLES:
            self.fail(line, f"the role {{{name}}} is not one the chapters use (the Colab conversion "
                            f"knows {', '.join(sorted(ROLES))}): use one of those, or teach "
                            "dlbook_build/myst_to_colab.py to convert it")
        if name in ("ref", "numref", "eq"):
            explicit, title, target = split_explicit_title(text.strip())
            found = self.ctx.resolve(name, target)
            if name == "eq":
                number = self.ctx.equation_numbers.get(target) or (found[1] if found else "")
                label = f"({number})" if number else "(the equation above)"
                return f"[{label}]({found[0]})" if found else label
            if not found:
                return title
            url, default = found
            shown = title if explicit else default or target
            if name == "numref":  # "Figure %s" or "Figure {number}" in an explicit title
                number = default.split()[-1] if default else ""
                shown = shown.replace("%s", number).replace("{number}", number)
            return f"[{shown}]({url})"
        if name.startswith("cite"):
            keys = [k.strip() for k in text.split(",") if k.strip()]
            if self.ctx.cite:
                return self.ctx.cite(keys, name == "cite:t")
            return "[" + "; ".join(keys) + "]"
        key, _, fmt = text.partition(":")  # glue
        bundle = self.ctx.glue.get(key.strip())
        if not bundle:
            return f"*(`{key.strip()}`, computed when the notebook runs)*"
        value = str(bundle.get("text/plain", "")).strip()
        if fmt and name == "glue:text":
            try:
                return format(float(value), fmt)
            except ValueError:
                return value
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]  # a glued string's repr
        return value


def _cell_id(text: str) -> str:
    """A valid nbformat cell id (letters, digits, - and _; at most 64 characters)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)[:64]


# --------------------------------------------------------------------------- the notebook


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


def to_colab(nb: nbformat.NotebookNode, ctx: Context, repo_url: str, commit: str,
             title: str = "") -> nbformat.NotebookNode:
    """A plain notebook for Colab made from a notebook read from MyST Markdown."""
    conv = Converter(ctx, nb.metadata.get("source_map"))
    for index, cell in enumerate(nb.cells):
        getattr(conv, cell.cell_type)(cell, index)  # conv.markdown, conv.code or conv.raw
    conv.finish()
    cells = [install_cell(repo_url, commit)] + conv.cells
    if ctx.site_url and ctx.docname:
        note = (f"This notebook is a chapter of the book *{title}*. Read it with its "
                f"rendered figures and cross-references at {ctx.site_url}{ctx.docname}.html; "
                f"in Colab, choose *Runtime → Run all*.")
        cells.insert(1, nbformat.v4.new_markdown_cell(note))
    for k, c in enumerate(cells):  # stable ids: nbformat 4.5's, and Colab's in the metadata
        c["id"] = c.metadata.get("id") or f"cell-{k}"
        c.metadata["id"] = c["id"]
    ids = [c["id"] for c in cells]
    if len(set(ids)) != len(ids):
        raise ConversionError(f"{ctx.docname}: two cells have the same id (two exercises with one label?)")
    for c in cells:
        if c.cell_type == "markdown" and (left := leftover_myst(c.source, conv.md)):
            raise ConversionError(f"{ctx.docname}: MyST left in the Colab notebook: {left[:3]} "
                                  f"in cell {c['id']}; dlbook_build/myst_to_colab.py missed it")
    out = nbformat.v4.new_notebook()
    out.cells = cells
    kernelspec = dict(nb.metadata.get("kernelspec") or {})
    out.metadata["kernelspec"] = {"name": kernelspec.get("name", "python3"),
                                  "display_name": kernelspec.get("display_name", "Python 3"),
                                  "language": kernelspec.get("language", "python")}
    out.metadata["language_info"] = {"name": "python"}
    out.metadata["colab"] = {"provenance": [], "toc_visible": True,
                             "collapsed_sections": conv.collapsed}
    if sources.trains(nb):
        out.metadata["accelerator"] = "GPU"
        out.metadata["colab"]["gpuType"] = "T4"
    out.metadata["dlbook"] = {"source": f"{ctx.docname}.md", "commit": commit}
    nbformat.validate(out)
    return out
