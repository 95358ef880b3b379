"""Every figure the book draws keeps to one colour-blind-safe palette (Okabe and Ito,
:data:`dlbook_code.plots.PALETTE`): its colours stay apart for readers with any of the three
kinds of colour blindness, and the figure code uses no colour outside it (a palette colour,
a lighter tint of one, or a grey; colour maps from a short list that is safe too)."""

import ast
import itertools
import re
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest

import dlbook_code.figures as figures
from dlbook_code import plots

FIGURE_CODE = [Path(plots.__file__), *sorted(Path(figures.__file__).parent.glob("*.py"))]
BASES = [*plots.PALETTE, plots.YELLOW]  # colours a figure may use, or tints of them
# Perceptually ordered (gray, viridis...) or ColorBrewer maps marked colour-blind safe.
SAFE_CMAPS = {"gray", "Greys", "binary", "viridis", "cividis", "magma", "inferno", "Blues",
              "Oranges", "Greens", "Purples", "RdBu", "RdBu_r", "PuOr", "PuOr_r"}
COLOUR_KEYWORDS = {"color", "colors", "c", "facecolor", "facecolors", "edgecolor", "fc", "ec",
                   "fill", "edge", "ink", "mfc", "mec"}
MIN_DELTA_E = 12  # CIE76 distance between two palette colours, as seen by every reader

# Machado, Oliveira and Fernandes (2009), severity 1: linear RGB as seen with no L, M or S
# cones.
VISION = {
    "normal vision": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def _lab(colour: str, vision: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of an sRGB colour as a reader with this ``vision`` sees it."""
    c = np.array(mpl.colors.to_rgb(colour))
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ np.clip(vision @ linear, 0, 1)
    f = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(f > (6 / 29) ** 3, np.cbrt(f), f / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def closest_pair(palette: list[str], vision: np.ndarray) -> tuple[float, str, str]:
    return min((float(np.linalg.norm(_lab(a, vision) - _lab(b, vision))), a, b)
               for a, b in itertools.combinations(palette, 2))


@pytest.mark.parametrize("vision", VISION)
def test_palette_colours_stay_apart_for_colour_blind_readers(vision):
    distance, a, b = closest_pair(plots.PALETTE, VISION[vision])
    assert distance >= MIN_DELTA_E, f"{a} and {b} look alike with {vision} (ΔE {distance:.1f})"
    # the bar means something: matplotlib's default cycle (tab10) fails it for some readers
    tab10 = [mpl.colors.to_hex(c) for c in mpl.colormaps["tab10"].colors[:len(plots.PALETTE)]]
    if vision in ("protanopia", "deuteranopia"):
        assert closest_pair(tab10, VISION[vision])[0] < MIN_DELTA_E


def allowed(colour: str) -> bool:
    """A grey, or a palette colour mixed with white (``plots.tint``), to 2/255 per channel."""
    c = np.array(mpl.colors.to_rgb(colour))
    if c.max() - c.min() <= 2 / 255:
        return True
    for base in map(mpl.colors.to_rgb, BASES):
        room = 1 - np.array(base)  # c = 1 - t * (1 - base) for one t in (0, 1]
        t = float(room @ (1 - c) / (room @ room))
        if 0 < t <= 1 + 1e-9 and np.abs(1 - t * room - c).max() <= 2 / 255:
            return True
    return False


def colour_literals(path: Path):
    """(line, text) of each colour or colour map the source names: hex codes, named colours,
    ``C0``-style and ``tab:``/``xkcd:`` names, one-letter colours passed as a colour."""
    tree = ast.parse(path.read_text())
    one_letter = {id(k.value) for node in ast.walk(tree) if isinstance(node, ast.Call)
                  for k in node.keywords if k.arg in COLOUR_KEYWORDS}
    keys = {id(k) for node in ast.walk(tree) if isinstance(node, ast.Dict) for k in node.keys}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) \
                or id(node) in keys:  # a name ("red" in plots.NAMED_COLOURS), not a colour
            continue
        s = node.value
        if (re.fullmatch(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}(?:[0-9a-fA-F]{2})?", s)
                or re.fullmatch(r"C\d|(?:tab|xkcd):.+", s)
                or (len(s) > 1 and s.lower() in mpl.colors.CSS4_COLORS)
                or (len(s) == 1 and s in "bgrcmykw" and id(node) in one_letter)
                or s in mpl.colormaps):
            yield node.lineno, s


@pytest.mark.parametrize("path", FIGURE_CODE, ids=lambda p: p.name)
def test_figure_code_uses_only_the_palette(path):
    wrong = []
    for line, s in colour_literals(path):
        is_map = s in mpl.colormaps and not mpl.colors.is_color_like(s)
        if (s not in SAFE_CMAPS) if is_map else not allowed(s):
            wrong.append(f"{path.name}:{line}: {s!r}")
    assert not wrong, "colours outside the palette (use PALETTE or plots.tint):\n" + \
        "\n".join(wrong)


def _colours_in(value):
    if isinstance(value, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _colours_in(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _colours_in(v)


def test_figure_modules_colour_constants_are_from_the_palette():
    """The colours the modules compute once (fills of layer kinds, table rows, highlights)."""
    import importlib
    import pkgutil

    wrong = []
    for info in pkgutil.iter_modules(figures.__path__):
        module = importlib.import_module(f"{figures.__name__}.{info.name}")
        for name, value in vars(module).items():
            if name.isupper() or name.startswith("_") and name[1:].isupper():
                wrong += [f"{info.name}.{name}: {c}" for c in _colours_in(value)
                          if not allowed(c)]
    assert not wrong, "\n".join(wrong)


def test_tint_mixes_a_colour_with_white():
    assert plots.tint("#0072B2", 1) == "#0072b2" and plots.tint("#0072B2", 0) == "#ffffff"
    assert allowed(plots.tint(plots.PALETTE[3], 0.3)) and not allowed("#ff0000")


def test_book_style_cycles_through_the_palette():
    plots.use_book_style()
    assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == plots.PALETTE
    assert mpl.rcParams["image.cmap"] in SAFE_CMAPS
