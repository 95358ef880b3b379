"""Where and how a chapter runs: the device, its name, the seed, :func:`setup`, the first
call of every chapter, and :func:`glue`, which puts numbers from the run into the prose.

Also the one test of "am I in a notebook" (:func:`notebook_shell`) and the one way to show
plain text there (:class:`Text`), which the training progress, :func:`setup`'s note and
:func:`glue` share.
"""

from __future__ import annotations

import os
import platform
import random
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .profile import Sizes, profile_name, sizes

# --- the device ----------------------------------------------------------------------------


def pick_device(prefer: str | None = None) -> torch.device:
    """CUDA if available, else Apple's MPS, else the CPU. ``DLBOOK_DEVICE`` or ``prefer``
    (``"cuda"``, ``"mps"``, ``"cpu"``) overrides; asking for an absent GPU is an error."""
    want = (prefer or os.environ.get("DLBOOK_DEVICE", "")).strip().lower()
    if want in ("cuda", "gpu"):
        if not torch.cuda.is_available():
            raise RuntimeError(
                "A CUDA GPU was asked for (DLBOOK_DEVICE or prefer='cuda') but none is "
                "available. In Colab: Runtime > Change runtime type > GPU. Elsewhere unset "
                "DLBOOK_DEVICE to run on the CPU."
            )
        return torch.device("cuda")
    if want == "mps":
        if not torch.backends.mps.is_available():
            raise RuntimeError("MPS was asked for but is not available on this machine; "
                               "unset DLBOOK_DEVICE to run on the CPU.")
        return torch.device("mps")
    if want == "cpu":
        return torch.device("cpu")
    if want:
        raise ValueError(f"DLBOOK_DEVICE={want!r}: use cuda, mps or cpu")
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def device_name(device: torch.device | str) -> str:
    """A readable name for the machine behind ``device``: the GPU's model on CUDA,
    otherwise the processor (with the number of threads PyTorch uses)."""
    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return "Apple GPU (MPS)"
    cpu = platform.processor() or platform.machine() or "CPU"
    try:  # Linux names the model in /proc/cpuinfo; platform.processor() is often terse
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu} ({torch.get_num_threads()} threads)"


SEED_ENV = "DLBOOK_SEED"  # an offset added to every seed the book sets (default 0)


def seed_offset() -> int:
    """``DLBOOK_SEED`` as an integer (0 when unset): :func:`setup` adds it to the chapter's
    seed, so ``book.seed`` and every seed a chapter derives from it move together. The
    book's pages are built with 0; ``python -m dlbook_build.sweep`` runs them with others to
    check that their lessons do not depend on one random trajectory."""
    raw = os.environ.get(SEED_ENV, "").strip()
    if not raw:
        return 0
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{SEED_ENV}={raw!r}: use a whole number (an offset added to every "
                         f"seed the book sets), or unset it for the book's own seeds") from None


def seed_everything(seed: int = 0) -> None:
    """Seed Python, NumPy and PyTorch (all devices) so a re-run gives the same numbers."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


# --- notebooks -----------------------------------------------------------------------------


def notebook_shell():
    """The running Jupyter kernel's IPython shell (Jupyter, Colab, a book build), or ``None``
    in a script or a terminal IPython, where there is no page to display on."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return shell if shell is not None and hasattr(shell, "kernel") else None


class Text:
    """Plain text shown as it is: its only representation, ``text/plain``, is the string
    itself (no quotes), so every notebook viewer shows the same."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


GLUE_PREFIX = "application/papermill.record/"  # myst-nb's key for glued, undisplayed values


def glue(name: str, value: Any, display: bool = False) -> None:
    """Record ``value`` under ``name`` for the prose: ``{glue:}`name``` in the Markdown.

    It writes the same notebook metadata as ``myst_nb.glue`` without needing myst-nb, so
    chapters also run in Colab. Strings are shown as they are (no quotes), so
    ``glue("acc", f"{acc:.1%}")`` reads as ``97.3%``. Numbers can also be formatted in the
    prose: ``{glue:text}`name:.2f```. Outside a notebook this does nothing.
    """
    if notebook_shell() is None:
        return
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    if isinstance(value, str):
        value = Text(value)
    bundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = dict(name=name, mime_prefix=prefix)
    ipy_display({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)


# --- the first call of a chapter -------------------------------------------------------------


@dataclass(frozen=True)
class Book:
    """What :func:`setup` returns: the active profile and device of this run."""

    profile: str
    device: torch.device
    seed: int  # the chapter's seed plus DLBOOK_SEED; a chapter's other seeds are book.seed + k

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
    """The first call of every chapter: seed everything, pick the device, read the profile,
    set the figure style, and, in the quick profile, show a note saying so.

    The seed used is ``seed`` plus ``DLBOOK_SEED`` (:func:`seed_offset`, 0 unless set); it is
    ``book.seed``, from which a chapter derives every other seed it sets
    (``torch.manual_seed(book.seed + 1)``)."""
    from . import plots

    seed = seed + seed_offset()
    seed_everything(seed)
    book = Book(profile=profile_name(), device=pick_device(device), seed=seed)
    plots.use_book_style()
    if book.quick:
        if notebook_shell() is not None:
            from IPython.display import display

            display(_ProfileNote(book))
        else:
            print(repr(_ProfileNote(book)))
    return book
