"""Plausible wrong answers to the self-checked exercises, one module per part (as
:mod:`dlbook_code.exercises`): each has ``WRONG = {label: [(wrong answer, a fragment of the
message it must get)]}``. :func:`every_wrong_answer` gathers them for the tests."""

from __future__ import annotations

import importlib
import pkgutil


def every_wrong_answer() -> dict:
    found: dict = {}
    for module in pkgutil.iter_modules(__path__):
        wrong = importlib.import_module(f"{__name__}.{module.name}").WRONG
        if set(wrong) & set(found):
            raise ValueError(f"wrong answers given twice for {set(wrong) & set(found)}")
        found |= wrong
    return found
