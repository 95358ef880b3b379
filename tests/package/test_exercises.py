"""Every self-checked exercise: the book's solution passes it (in the build, through
``check(..., solution=True)``), plausible wrong answers are rejected with the intended hint
(here), and its chapter has the starter, the check and the solution's check."""

from __future__ import annotations

import re

import pytest

from dlbook_build.sources import ROOT
from dlbook_code import check
from dlbook_code.answers import exercises

from .wrong_answers import every_wrong_answer

WRONG = every_wrong_answer()


def test_every_exercise_has_wrong_answers_to_reject():
    registered = set(exercises())
    assert not registered - set(WRONG), "exercises without wrong answers in the tests"
    assert not set(WRONG) - registered, "wrong answers to exercises that are not registered"


@pytest.mark.parametrize("label, wrong, fragment",
                         [(label, w, f) for label, cases in WRONG.items() for w, f in cases])
def test_a_plausible_wrong_answer_is_rejected_with_its_hint(label, wrong, fragment):
    result = check(label, wrong, seed=1)
    assert result.status == "wrong"
    assert fragment in " ".join(result.message.split())


CHECK = re.compile(r'\bcheck\("([\w-]+)", [^\n]*?(, solution=True)?\)$', re.M)


def checks_in_chapters() -> dict[str, list[tuple[str, bool]]]:
    found: dict[str, list[tuple[str, bool]]] = {}
    for path in sorted((ROOT / "book").rglob("*.md")):
        for m in CHECK.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(m.group(1), []).append((path.stem, bool(m.group(2))))
    return found


def test_each_exercise_has_a_readers_check_and_a_checked_solution_in_its_chapter():
    found = checks_in_chapters()
    assert set(found) == set(exercises()), "checks in chapters vs registered exercises"
    for label, uses in found.items():
        assert sorted(solution for _, solution in uses) == [False, True], (label, uses)
        text = next((ROOT / "book").rglob(f"{uses[0][0]}.md")).read_text(encoding="utf-8")
        assert f":label: {label}" in text, f"{label} is checked in a chapter without it"


@pytest.mark.parametrize("label", sorted(exercises()))
def test_the_books_reference_passes_its_own_check(label):
    # every case is tried (a wrong answer stops at its first failing case, so a case the
    # reference itself cannot run would otherwise surface only in the chapter's build)
    assert check(label, exercises()[label].reference, seed=3).status == "correct"
