"""The one ILSVRC table: consistent data, and the bar chart that both chapters draw from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dlbook_code.figures import reference as ref

BOOK = Path(__file__).resolve().parents[2] / "book"
CHAPTERS = ["intro/neural-networks-to-deep-learning.md", "architectures/alexnet.md"]


def test_ilsvrc_errors_fall_every_year_and_cross_human_level_in_2015():
    errors = [e for _, e, _ in ref.ILSVRC_TOP5]
    assert all(a > b for a, b in zip(errors, errors[1:]))
    first_below = min(y for y, e, _ in ref.ILSVRC_TOP5 if e < ref.HUMAN_TOP5)
    assert first_below == 2015
    table = {y: (e, who) for y, e, who in ref.ILSVRC_TOP5}
    assert table[2012] == (16.4, "AlexNet") and table[2013] == (11.7, "ZFNet")


def bar_heights(fig) -> list[float]:
    return [round(b.get_height(), 1) for b in fig.axes[0].containers[0]]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_chapter_draws_the_table_one_bar_per_year(chapter):
    """Run the chapter's own call: its bars are the table's rows, in order, with the entry
    named above each bar."""
    call = re.search(r"^plot_imagenet_errors\(.*\);$", (BOOK / chapter).read_text(), re.M)
    fig = eval(call[0].rstrip(";"), {"plot_imagenet_errors": ref.plot_imagenet_errors})
    shown = bar_heights(fig)
    assert shown == [e for _, e, _ in ref.ILSVRC_TOP5[:len(shown)]]
    labels = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert all(who in labels for _, _, who in ref.ILSVRC_TOP5[:len(shown)])


def test_plot_options_cut_the_years_and_the_human_line():
    full = ref.plot_imagenet_errors()
    assert len(bar_heights(full)) == len(ref.ILSVRC_TOP5)
    assert any(line.get_linestyle() == "--" for line in full.axes[0].lines)
    short = ref.plot_imagenet_errors(human=None, until=2015)
    assert bar_heights(short) == [28.2, 25.8, 16.4, 11.7, 6.7, 3.6]
    assert not short.axes[0].lines
