"""The MyST-to-Colab conversion, construct by construct (no build needed).

Each case is a construct that the earlier, regular-expression converter got wrong, or one the
chapters rely on; the last test converts every chapter of the book.
"""

from __future__ import annotations

import re

import pytest
from myst_nb.core.read import read_myst_markdown_notebook

from dlbook_build import myst_to_colab as m2c
from dlbook_build import sources

DOC = "book/demo"


def _context(**kw) -> m2c.Context:
    links = {("ref", "x"): ("https://x.io/x.html#x", "The X section")}
    defaults = dict(docname=DOC, resolve=lambda kind, target: links.get((kind, target)),
                    cite=lambda keys, textual: f"({', '.join(keys)})",
                    glue={"acc": {"text/plain": "'97.5%'"}})
    return m2c.Context(**{**defaults, **kw})


def convert(text: str, **kw):
    """The Colab notebook of a chapter whose text is ``text`` (read as myst-nb reads it)."""
    nb = read_myst_markdown_notebook(text, config=m2c.book_config(), add_source_map=True)
    return m2c.to_colab(nb, _context(source=text, **kw), "https://github.com/o/r", "main")


def markdown(text: str, **kw) -> str:
    nb = convert(text, **kw)
    return "\n\n".join(c.source for c in nb.cells[1:] if c.cell_type == "markdown")


def fails(text: str, *patterns: str, **kw) -> str:
    with pytest.raises(m2c.ConversionError) as err:
        convert(text, **kw)
    for p in patterns:
        assert re.search(p, str(err.value)), (p, str(err.value))
    return str(err.value)


# --------------------------------------------------------------------------- code stays code


def test_fenced_code_is_copied_as_written_blank_lines_included():
    block = "```python\nx = \"{ref}`x`\"\n\n\n\ny = 1  \n```"
    tilde = "~~~\n{glue:}`acc`\n~~~"
    out = markdown(f"See {{ref}}`x`.\n\n{block}\n\n{tilde}\n")
    assert block in out and tilde in out
    assert "See [The X section](https://x.io/x.html#x)." in out


def test_a_colon_fenced_code_block_is_refused_not_rewritten():
    """The old converter knew colon fences in one pass only, so it rewrote roles in them."""
    fails("Text.\n\n:::{code-block} python\n{ref}`x`\n:::\n", rf"^{DOC}\.md:3: ", r"\{code-block\}",
          r"myst_to_colab\.py")


def test_a_role_inside_a_double_backtick_code_span_stays():
    out = markdown("Write ``{glue:}`acc` `` to show {glue:}`acc`.\n")
    assert out == "Write ``{glue:}`acc` `` to show 97.5%."


def test_roles_in_table_cells_and_across_lines_are_replaced_where_they_are():
    out = markdown("| a | b |\n|---|---|\n| {ref}`x` | {ref}`x` |\n\nA {ref}`broken\nover lines <x>` role.\n")
    link = "[The X section](https://x.io/x.html#x)"
    assert f"| {link} | {link} |" in out
    assert "A [broken over lines](https://x.io/x.html#x) role." in out


# --------------------------------------------------------------------------- directives


def test_admonition_title_and_body_are_split_as_myst_splits_them():
    out = markdown(":::{admonition} What you will learn\n:class: tip\n\n- a {ref}`x`\n- b\n:::\nAfter.\n")
    assert out == ("> **What you will learn**\n>\n> - a [The X section](https://x.io/x.html#x)\n> - b\n\n"
                   "After."), "the quote is closed before the next paragraph"


def test_note_with_text_is_refused():
    """MyST reads ``{note} text`` as a body, not a title; the chapters use {admonition}."""
    fails(":::{note} text\n:::\n", rf"{DOC}\.md:1: ", r"\{note\}", "admonition")


def test_an_admonition_needs_its_title():
    fails(":::{admonition}\nbody\n:::\n", r"\{admonition\}: 1 argument\(s\) required")


EXERCISE = """\
## Exercises

:::{exercise}
---
label: >-
  demo-ex
---
Do it.
:::

:::{solution} demo-ex
:class: dropdown

Done.
:::
"""


def test_options_are_read_by_myst_parser_yaml_blocks_included():
    """A folded YAML value (``>-``) is the value, not the text ``>-``."""
    nb = convert(EXERCISE)
    assert [c.source for c in nb.cells[1:]] == [
        "## Exercises", "### Exercise 1\n\nDo it.", "#### Solution to Exercise 1", "Done."]


def test_an_option_continued_on_the_next_line_is_read_as_myst_reads_it():
    """myst-parser ends a ``:key: value`` block at the first line not starting with ``:``:
    the continuation is body text, on the site as here (not an option value)."""
    nb = convert(":::{exercise}\n:label: demo-ex\n  continued\n:::\n")
    assert nb.cells[1].source == "## Exercise 1\n\n  continued"  # no section: level 2
    assert nb.cells[1].metadata["id"] == "demo-ex"


def test_an_option_the_conversion_does_not_honour_is_refused():
    fails(":::{exercise}\n:label: e\n:nonumber:\n\nDo it.\n:::\n", r"\{exercise\}", "nonumber")


def test_a_code_cell_nested_in_a_directive_is_refused():
    fails(":::{solution-start} e\n:::\n", "no exercise above")
    text = ":::{exercise}\n:label: e\n:::\n\n:::{solution} e\n```{code-cell} ipython3\n1\n```\n:::\n"
    fails(text, rf"{DOC}\.md:6: ", r"\{code-cell\}")


def test_an_unclosed_directive_is_refused():
    fails("Text.\n\n:::{admonition} Title\nbody\n", r"md:3: ", "not closed")


# --------------------------------------------------------------------------- solutions in Colab

GATED = """\
## Exercises

:::{exercise}
:label: e1

One.
:::

:::{solution-start} e1
:class: dropdown
:::

```{code-cell} ipython3
print(1)
```

Explained.

:::{solution-end}
:::

:::{exercise}
:label: e2

Two.
:::

:::{solution} e2
:class: dropdown

Done.
:::

## Summary

- point
"""


def test_solutions_are_collapsed_sections_ending_at_the_next_heading():
    nb = convert(GATED)
    cells = [(c.cell_type, c.metadata["id"], c.source) for c in nb.cells[1:]]
    assert cells == [
        ("markdown", "cell-1", "## Exercises"),
        ("markdown", "e1", "### Exercise 1\n\nOne."),
        ("markdown", "e1-solution", "#### Solution to Exercise 1"),
        ("code", "cell-4", "print(1)"),
        ("markdown", "cell-5", "Explained."),
        ("markdown", "e2", "### Exercise 2\n\nTwo."),
        ("markdown", "e2-solution", "#### Solution to Exercise 2"),
        ("markdown", "cell-8", "Done."),
        ("markdown", "cell-9", "## Summary\n\n- point"),
    ]
    assert nb.metadata["colab"]["collapsed_sections"] == ["e1-solution", "e2-solution"]
    assert all(c.id == c.metadata["id"] for c in nb.cells), "Colab reads the id from the metadata"


def test_a_starter_and_its_check_stay_visible_above_the_collapsed_solution():
    """A self-checked exercise: text and code cells between the exercise and its solution."""
    starter = GATED.replace(":::\n\n:::{solution-start} e1", ":::\n\nWrite it.\n\n"
                            "```{code-cell}\nf = ...\n```\n\n```{code-cell}\ncheck('e1', f)\n```\n"
                            "\n:::{solution-start} e1", 1)
    nb = convert(starter)
    cells = [(c.cell_type, c.source) for c in nb.cells[1:5]]
    assert cells == [("markdown", "## Exercises"), ("markdown", "### Exercise 1\n\nOne.\n\nWrite it."),
                     ("code", "f = ..."), ("code", "check('e1', f)")]
    assert nb.cells[5].source == "#### Solution to Exercise 1"
    assert nb.metadata["colab"]["collapsed_sections"] == ["e1-solution", "e2-solution"]


def test_a_solution_without_dropdown_is_not_collapsed():
    nb = convert(EXERCISE.replace(":class: dropdown\n", ""))
    assert nb.metadata["colab"]["collapsed_sections"] == []


def test_text_after_a_solution_must_start_a_section():
    """Colab would hide it inside the collapsed solution."""
    fails(GATED.replace("## Summary", "Summary."), r"md:34: ", "follows an exercise's solution", "heading")
    fails(GATED.replace(":::{solution-end}\n:::\n", ":::{solution-end}\n:::\n\n```{code-cell}\n2\n```\n"),
          "code cell follows an exercise's solution")
    fails(GATED.replace(":::{solution-end}\n:::\n", ""), r"md:20: ", "an exercise inside a solution")


# --------------------------------------------------------------------------- roles, equations, substitutions


def test_a_role_the_chapters_do_not_use_is_refused_with_its_line():
    fails("One.\n\nTwo\nand {download}`data.csv`.\n", rf"^{DOC}\.md:4: ", r"\{download\}")


def test_a_labelled_equation_loses_its_label_and_keeps_its_number():
    out = markdown("$$\ny = x\n$$ (eq-y)\n\nSee {eq}`eq-y`.\n", equation_numbers={"eq-y": "2.1"})
    assert out == "$$\ny = x\n\\tag{2.1}\n$$\n\nSee (2.1)."


def test_targets_and_comments_go():
    assert markdown("(sec-a)=\n# A\n\n% a comment\nText.\n") == "# A\n\nText."


def test_substitution_values_are_written_as_they_are():
    """The old converter used values as ``re.sub`` templates: ``\\a`` was a bell."""
    out = markdown("Rate {{ eta }} and {{ ref_x }}.\n",
                   substitutions={"eta": r"$\alpha_1 \eta$", "ref_x": "{ref}`x`"})
    assert out == r"Rate $\alpha_1 \eta$ and [The X section](https://x.io/x.html#x)."
    fails("Rate {{ nope }}.\n", r"md:1: ", "no substitution")


# --------------------------------------------------------------------------- the parser


def test_role_spans_are_exact():
    """The one reliance on markdown-it internals (``_record_spans``): the span stored for a
    role is exactly its text, in a paragraph, a heading, a table cell, across lines."""
    text = "# T {eq}`a`\n\nx {ref}`b\nc <d>` y\n\n| {cite}`e` | {glue:}`f` |\n|-|-|\n| 1 | 2 |\n"
    spans = []
    for tok in m2c.myst_parser().parse(text):
        for child in tok.children or []:
            if child.type == "myst_role":
                start, end = child.meta["span"]
                spans.append(tok.content[start:end])
    assert spans == ["{eq}`a`", "{ref}`b\nc <d>`", "{cite}`e`", "{glue:}`f`"]


def test_leftovers_are_found_by_parsing_the_output_again():
    found = m2c.leftover_myst("a {ref}`x` b\n\n(t)=\n\n:::{note}\nhi\n:::\n")
    assert found == ["{ref}`x`", "(t)=", ":::{note}"]
    assert m2c.leftover_myst("``{ref}`x` ``\n\n```\n{ref}`x`\n```\n\n$$\na\n$$\n") == []


# --------------------------------------------------------------------------- the book


@pytest.mark.parametrize("path", sources.chapters(), ids=lambda p: p.stem)
def test_every_chapter_converts_with_its_solutions_collapsed(path):
    """Every chapter converts (nothing refused, no MyST left), keeps its code cells, and has
    one collapsed heading cell per solution, holding only the heading."""
    text = path.read_text(encoding="utf-8")
    nb = sources.read_notebook(path)
    docname = path.relative_to(sources.ROOT).with_suffix("").as_posix()
    ctx = _context(docname=docname, source=text, glue={})
    colab = m2c.to_colab(nb, ctx, "https://github.com/o/r", "main")
    assert [c.source for c in colab.cells[1:] if c.cell_type == "code"] == \
        [c.source for c in nb.cells if c.cell_type == "code"]
    solutions = len(re.findall(r"^:::\{solution(?:-start)?\}", text, flags=re.MULTILINE))
    collapsed = colab.metadata["colab"]["collapsed_sections"]
    assert len(collapsed) == solutions
    by_id = {c.metadata["id"]: c for c in colab.cells}
    for cell_id in collapsed:
        assert re.fullmatch(r"#{2,6} Solution to Exercise \d+", by_id[cell_id].source), by_id[cell_id].source
