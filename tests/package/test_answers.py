"""`check` tells a reader whether an answer is right, in one message, without the solution."""

from __future__ import annotations

import pytest
import torch

from dlbook_code import answers, check
from dlbook_code.answers import Case, exercise, is_exercise_cell
from dlbook_code.lessons import LessonNotShown


def _cases(g):
    return [Case((torch.randn(4, 3, generator=g),), "x 4×3"),
            Case((torch.randn(6, 5, generator=g),), "x 6×5")]


@pytest.fixture
def toy():
    """Two toy exercises: a softmax over rows (a function) and the number 42 (a value)."""
    exercise("toy-softmax", cases=_cases)(lambda x: x.softmax(-1))
    exercise("toy-value", answer="a whole number")(lambda: 42)
    yield
    for label in ("toy-softmax", "toy-value"):
        answers._EXERCISES.pop(label)


def flat(text: str) -> str:
    """A message as one line (check wraps it for the page)."""
    return " ".join(text.split())


def message(label, answer, **kw):
    return flat(check(label, answer, **kw).message)


def test_a_right_answer_passes_every_case(toy, capsys):
    result = check("toy-softmax", lambda x: torch.exp(x) / torch.exp(x).sum(1, keepdim=True))
    assert result and result.status == "correct" and result.cases == 2
    assert "correct on all 2 cases (x 4×3; x 6×5)" in flat(capsys.readouterr().out)


def test_the_starter_is_not_attempted_rather_than_an_error(toy):
    def starter(x):
        """Rows to probabilities."""
        ...

    def raises(x):
        raise NotImplementedError

    for answer in (..., None, starter, raises):
        result = check("toy-softmax", answer)
        assert result.status == "not attempted" and not result
        assert "not attempted yet" in flat(result.message)
    assert "not attempted yet" in message("toy-value", ...)


def test_a_function_that_forgot_to_return_is_not_a_starter(toy):
    def forgot(x):
        y = x.softmax(-1)  # noqa: F841

    result = check("toy-softmax", forgot)
    assert result.status == "wrong" and "is a `return` missing?" in flat(result.message)


class Doubler(torch.nn.Module):
    def forward(self, x):
        return 2 * x


def test_a_module_class_is_built_and_run_and_its_starter_is_not_attempted():
    exercise("toy-module", cases=_cases, run=lambda cls, case: cls()(*case.args))(Doubler)
    try:
        class Starter(torch.nn.Module):
            def __init__(self):
                super().__init__()
                ...

            def forward(self, x):
                ...

        assert check("toy-module", Starter).status == "not attempted"
        assert check("toy-module", Doubler)
        assert "constant factor of 2" in message("toy-module", lambda: lambda x: 4 * x)
    finally:
        answers._EXERCISES.pop("toy-module")


@pytest.mark.parametrize("answer, hint", [
    (lambda x: x.exp(), "do not sum to 1"),
    (lambda x: x, "scores (logits), not probabilities"),
    (lambda x: x.log_softmax(-1), "log-probabilities"),
    (lambda x: x.softmax(-1) * len(x), "times too large: a sum where a mean"),
    (lambda x: x.softmax(-1) + 0.5, "a bias missing or added twice"),
    (lambda x: x.softmax(-1).T, "transposed"),
    (lambda x: x.softmax(-1)[:, None], "a dimension of size 1"),
    (lambda x: x.softmax(-1).requires_grad_(), "tracks gradients"),
    (lambda x: x.softmax(-1).tolist(), "expected a tensor of shape (4, 3)"),
    (lambda x: x.softmax(-1).numpy(), "torch.as_tensor"),
    (lambda x: x.add_(0).softmax(-1) if x.mul_(2) is x else None, "changed in place"),
    (lambda x: x.softmax(0), "values differ: largest difference"),
    (lambda x: x @ x, "raised RuntimeError"),
])
def test_a_wrong_answer_gets_what_was_tried_and_a_hint(toy, answer, hint):
    result = check("toy-softmax", answer, seed=3)
    assert result.status == "wrong"
    assert hint in flat(result.message)
    assert "on case 1 of 2 (x 4×3)" in flat(result.message)
    assert "seed=3" in flat(result.message)


def test_the_same_seed_tries_the_same_inputs_and_none_gives_new_ones(toy):
    wrong = lambda x: x.softmax(0)  # noqa: E731
    assert message("toy-softmax", wrong, seed=5) == message("toy-softmax", wrong, seed=5)
    assert len({message("toy-softmax", wrong) for _ in range(5)}) > 1


def test_a_wrong_value_is_not_revealed(toy):
    for wrong in (41, 42.5, 4.2):
        text = message("toy-value", wrong)
        assert "is not right" in text and "42" not in text.replace(repr(wrong), "")
    assert check("toy-value", 42) and check("toy-value", torch.tensor(42.0))
    assert "expected a number, got str" in message("toy-value", "42")


def test_checking_leaves_the_chapters_random_state_as_it_was(toy):
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    check("toy-softmax", lambda x: torch.nn.Linear(x.shape[1], 2)(x))  # draws initial weights
    assert torch.equal(torch.rand(3), expected)


def test_an_unknown_label_names_the_closest_one(toy):
    with pytest.raises(ValueError, match="did you mean 'toy-softmax'"):
        check("toy-sofmax", lambda x: x)


def test_a_failing_solution_stops_a_strict_run_and_a_readers_answer_never_does(toy, monkeypatch):
    monkeypatch.setenv("DLBOOK_LESSONS", "strict")
    assert check("toy-softmax", lambda x: x).status == "wrong"  # a reader's answer
    with pytest.raises(LessonNotShown, match="solution of exercise toy-softmax"):
        check("toy-softmax", lambda x: x, solution=True)
    assert check("toy-softmax", lambda x: x.softmax(1), solution=True)


def test_registering_a_label_twice_is_refused(toy):
    with pytest.raises(ValueError, match="registered twice"):
        exercise("toy-value")(lambda: 1)


def test_starter_and_check_cells_are_told_apart_from_cells_that_compute():
    inert = ['def f(x):\n    """Doc."""\n    ...  # your code here',
             "sizes = ...  # (a, b)", 'check("e", f)', 'check("e", f, solution=True)',
             'from dlbook_code import check\n\ncheck("e", f)',
             "class M(nn.Module):\n    def __init__(self, c):\n        super().__init__()\n"
             "        ...\n\n    def forward(self, x):\n        ...\n"]
    computing = ["def f(x):\n    return 2 * x", "sizes = (1, 2)", 'check("e", f)\nprint(f(1))',
                 "class M(nn.Module):\n    def forward(self, x):\n        return x\n", "",
                 "torch.manual_seed(0)",
                 "from dlbook_code import check, glue"]
    assert all(is_exercise_cell(c) for c in inert)
    assert not any(is_exercise_cell(c) for c in computing)
