"""Lesson checks: what a chapter's run must show, stated next to the cell that shows it.

A page of the book interprets its results ("dropout narrows the gap between training and
test accuracy"). :func:`expect` states that interpretation as a comparison the run must
satisfy::

    expect(gap_dropout, "<", gap_plain, "dropout narrows the train-test gap")

In the book's own build and in the test suite (``DLBOOK_LESSONS=strict``, set by ``make``,
``.ci/run`` and the workflows) a check that fails raises :class:`LessonNotShown`, so the
build stops, naming the lesson, instead of publishing a page whose prose its numbers
contradict. In a reader's run (Colab, a laptop) it never stops the notebook: it shows one
note saying which lesson this run did not show, and why that can happen.

Every check, held or not, is also written into the notebook's output with its measured
value and threshold (metadata key ``dlbook_lesson``), so the execution report can list, per
chapter, what this build of the book demonstrated.
"""

from __future__ import annotations

import math
import operator
import os
from typing import Any

from .runtime import notebook_shell

LESSON_KEY = "dlbook_lesson"  # output metadata key read by the execution report
STRICT_ENV = "DLBOOK_LESSONS"  # "strict": a failed check raises (the book build, tests)

_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


class LessonNotShown(AssertionError):
    """A lesson check failed in a strict run: the page's prose would not match its result."""


def strict() -> bool:
    """Whether a failed check stops the run (``DLBOOK_LESSONS=strict``)."""
    return os.environ.get(STRICT_ENV, "").strip().lower() == "strict"


def _number(x: Any) -> float:
    if hasattr(x, "item"):  # 0-d tensors and NumPy scalars
        x = x.item()
    return float(x)


def _fmt(x: float) -> str:
    return f"{x:.4g}"



def expect(value: Any, op: str, threshold: Any, lesson: str) -> bool:
    """Check that ``value op threshold`` holds (``op`` is ``<``, ``<=``, ``>`` or ``>=``).

    ``lesson`` says in a few words what the run demonstrates when the check holds. Returns
    whether it held. A value that is NaN or infinite never holds.
    """
    if op not in _OPS:
        raise ValueError(f"expect: op must be one of {', '.join(_OPS)}, got {op!r}")
    v, t = _number(value), _number(threshold)
    held = math.isfinite(v) and _OPS[op](v, t)
    record = dict(lesson=lesson, value=v, op=op, threshold=t, held=held)
    if held:
        text = f"Lesson check held: {lesson} ({_fmt(v)} {op} {_fmt(t)})."
    else:
        text = (f"Lesson check not shown by this run: {lesson} (measured {_fmt(v)}, expected "
                f"{op} {_fmt(t)}). The page's text describes the book's own build; a run "
                f"with other sizes (DLBOOK_PROFILE), another device or another seed can end "
                f"differently.")
    _show(text, record)
    if not held and strict():
        raise LessonNotShown(
            f"lesson not shown: {lesson} — measured {_fmt(v)}, expected {op} {_fmt(t)}. "
            f"Change the experiment (sizes in dlbook_code/profile.py, learning rate, model) "
            f"until the run shows it; do not change the prose to fit the result."
        )
    return held


def _show(text: str, record: dict) -> None:
    if notebook_shell() is None:
        print(text)
        return
    from IPython.display import display

    display({"text/plain": text}, raw=True, metadata={LESSON_KEY: record})
