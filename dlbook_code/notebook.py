"""Numbers from the run, glued into the prose.

:func:`glue` stores a value so that the prose can quote it (``{glue:}`name```) instead of
typing a number by hand; it writes the same notebook metadata as ``myst_nb.glue`` without
needing myst-nb, so chapters also run in Colab. (:func:`~dlbook_code.runtime.setup`, the
first call of a chapter, lives in :mod:`dlbook_code.runtime`.)
"""

from __future__ import annotations

from typing import Any

from .runtime import Text, notebook_shell

GLUE_PREFIX = "application/papermill.record/"  # myst-nb's key for glued, undisplayed values


def glue(name: str, value: Any, display: bool = False) -> None:
    """Record ``value`` under ``name`` for the prose: ``{glue:}`name``` in the Markdown.

    Strings are shown as they are (no quotes), so ``glue("acc", f"{acc:.1%}")`` reads as
    ``97.3%``. Numbers can also be formatted in the prose: ``{glue:text}`name:.2f```.
    Outside a notebook this does nothing.
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
