"""``expect``, the book's promise (dlbook_code/lessons.py, CONTRIBUTING "The promise every
page keeps"): a check that holds says so; one that does not stops a strict run naming the
lesson, and leaves a note in a reader's run; NaN and infinities never hold; every check is
recorded in the notebook output, where the build's report reads it."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dlbook_code.lessons import STRICT_ENV, LessonNotShown, expect

LESSON = "the wide network fits its training set"


@pytest.fixture
def reader(monkeypatch):
    """A reader's run: no DLBOOK_LESSONS."""
    monkeypatch.delenv(STRICT_ENV, raising=False)


@pytest.fixture
def strict(monkeypatch):
    """The book's build and CI: DLBOOK_LESSONS=strict."""
    monkeypatch.setenv(STRICT_ENV, "strict")


@pytest.mark.parametrize("value, op, threshold", [
    (0.02, "<", 0.05), (0.05, "<=", 0.05), (torch.tensor(0.9), ">", 0.5),
    (np.float32(0.5), ">=", torch.tensor(0.5)), (1.0, "<", math.inf)])
def test_a_check_that_holds_returns_true_and_says_so(strict, capsys, value, op, threshold):
    assert expect(value, op, threshold, LESSON) is True
    assert capsys.readouterr().out.startswith(f"Lesson check held: {LESSON} (")


def test_a_strict_run_stops_naming_the_lesson_and_both_values(strict):
    with pytest.raises(LessonNotShown) as raised:
        expect(torch.tensor(0.75), ">", 0.9, LESSON)
    assert isinstance(raised.value, AssertionError)  # what pytest and nbmake report as a failure
    message = str(raised.value)
    assert LESSON in message and "measured 0.75" in message and "expected > 0.9" in message


def test_a_readers_run_goes_on_with_a_note(reader, capsys):
    assert expect(torch.tensor(0.75), ">", 0.9, LESSON) is False
    note = capsys.readouterr().out
    assert note.startswith(f"Lesson check not shown by this run: {LESSON} (measured 0.75, "
                           "expected > 0.9).")
    assert "another seed can end differently" in note  # why a reader's run may differ


@pytest.mark.parametrize("value, op", [
    (math.nan, "<"), (math.nan, ">="), (torch.tensor(math.nan), "<="),
    (math.inf, ">"), (math.inf, ">="), (-math.inf, "<"), (np.float64(-math.inf), "<=")])
def test_nan_and_infinities_never_hold(strict, value, op):
    # ">" is true of +inf and "<" of -inf: a diverged run must still not show a lesson
    with pytest.raises(LessonNotShown):
        expect(value, op, 0.0, LESSON)


def test_nan_and_infinities_leave_a_note_in_a_readers_run(reader, capsys):
    assert expect(math.inf, ">", 0.0, LESSON) is False
    assert expect(math.nan, "<", 1.0, LESSON) is False
    assert capsys.readouterr().out.count("Lesson check not shown by this run") == 2


@pytest.mark.parametrize("op", ["==", "lt", "=>", ""])
def test_an_unknown_comparison_is_an_error_not_a_check(reader, capsys, op):
    with pytest.raises(ValueError, match="op must be one of <, <=, >, >="):
        expect(1.0, op, 0.0, LESSON)
    assert capsys.readouterr().out == "", "an invalid check was recorded"


CELL = """\
from dlbook_code import expect

expect(0.02, "<", 0.05, "held lesson")
expect(0.75, ">", 0.9, "lesson not shown")
print("the run went on")
"""


def test_a_notebook_output_carries_the_record_the_report_reads(reader):
    """In a Jupyter kernel (a book build, Colab), each check is one output whose text is the
    note and whose metadata is the record that the build reads back
    (:func:`dlbook_build.cache.lesson_checks`) and the report lists."""
    import nbformat
    from nbclient import NotebookClient

    pytest.importorskip("sphinx", reason="the build side reads the record (`make compat` "
                        "runs these tests without it)")
    from dlbook_build.cache import lesson_checks
    from dlbook_build.report import describe, not_shown

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs

    assert lesson_checks(nb) == [
        {"lesson": "held lesson", "value": 0.02, "op": "<", "threshold": 0.05, "held": True},
        {"lesson": "lesson not shown", "value": 0.75, "op": ">", "threshold": 0.9, "held": False}]
    assert [describe(c) for c in not_shown(lesson_checks(nb))] == [
        "lesson not shown (measured 0.75, expected > 0.9)"]
    notes = [o for o in outputs if o.get("metadata")]
    assert [o.output_type for o in notes] == ["display_data"] * 2
    assert [set(o.data) for o in notes] == [{"text/plain"}] * 2  # the same text in every viewer
    assert notes[0].data["text/plain"] == "Lesson check held: held lesson (0.02 < 0.05)."
    assert notes[1].data["text/plain"].startswith("Lesson check not shown by this run: lesson "
                                                  "not shown (measured 0.75, expected > 0.9).")
    assert outputs[-1].text == "the run went on\n"
