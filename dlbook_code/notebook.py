"""Notebook plumbing: the first cell of every chapter, and numbers glued into the prose.

:func:`setup` seeds, picks the device, reads the execution profile, sets the figure style
and, in the quick profile, shows a visible note. :func:`glue` stores a value so that the
prose can quote it (``{glue:}`name```) instead of typing a number by hand; it writes the
same notebook metadata as ``myst_nb.glue`` without needing myst-nb, so chapters also run
in Colab.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from .profile import Sizes, pick_device, profile_name, seed_everything, sizes

GLUE_PREFIX = "application/papermill.record/"  # myst-nb's key for glued, undisplayed values


@dataclass(frozen=True)
class Book:
    """What :func:`setup` returns: the active profile and device of this run."""

    profile: str
    device: torch.device
    seed: int

    @property
    def quick(self) -> bool:
        return self.profile == "quick"

    def sizes(self, experiment: str) -> Sizes:
        """The sizes of ``experiment`` in this run's profile."""
        return sizes(experiment, self.profile)


class _ProfileNote:
    """The visible note on a page executed in the quick profile (Markdown in every viewer)."""

    def __init__(self, book: Book):
        self.book = book

    def _repr_markdown_(self) -> str:
        return (
            f"> **Quick profile.** This page was executed with `DLBOOK_PROFILE=quick` on "
            f"`{self.book.device.type}`: training uses data subsets, few epochs and smaller "
            f"images so that the whole book runs in minutes on a laptop CPU. Accuracies and "
            f"times below are therefore not the lectures'. Run with `DLBOOK_PROFILE=full` "
            f"(the default on a GPU) for lecture-size experiments."
        )

    def __repr__(self) -> str:
        return self._repr_markdown_().lstrip("> ").replace("**", "").replace("`", "")


def setup(seed: int = 0, device: str | None = None) -> Book:
    """The first cell of every chapter: seed everything, pick the device, read the profile,
    set the figure style, and, in the quick profile, show a note saying so."""
    from . import plots

    seed_everything(seed)
    book = Book(profile=profile_name(), device=pick_device(device), seed=seed)
    plots.use_book_style()
    if book.quick:
        try:
            from IPython import get_ipython
            from IPython.display import display

            if get_ipython() is not None:
                display(_ProfileNote(book))
            else:
                print(repr(_ProfileNote(book)))
        except ImportError:
            print(repr(_ProfileNote(book)))
    return book


class _Plain:
    """A string shown without quotes (its ``text/plain`` is the string itself)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def glue(name: str, value: Any, display: bool = False) -> None:
    """Record ``value`` under ``name`` for the prose: ``{glue:}`name``` in the Markdown.

    Strings are shown as they are (no quotes), so ``glue("acc", f"{acc:.1%}")`` reads as
    ``97.3%``. Numbers can also be formatted in the prose: ``{glue:text}`name:.2f```.
    Outside Jupyter this does nothing.
    """
    try:
        from IPython import get_ipython
        from IPython.core.formatters import format_display_data
        from IPython.display import display as ipy_display
    except ImportError:
        return
    if get_ipython() is None:
        return
    if isinstance(value, str):
        value = _Plain(value)
    bundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = dict(name=name, mime_prefix=prefix)
    ipy_display({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)
