"""The ImageNet challenge's results, one table for the whole book, and its bar chart.

Part of the book's figure code, not an API: the Introduction and the AlexNet chapter both
draw :func:`plot_imagenet_errors` from :data:`ILSVRC_TOP5`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.patches import Patch

from ..plots import PALETTE

#: Top-5 classification test error (%) per year of the winning team's best entry trained on
#: the challenge's data alone, and the team: ``(year, error, entry)``. Most are ensembles
#: of several networks. Two winners did better with extra training data: AlexNet 15.3% in
#: 2012 (seven networks, two pre-trained on ImageNet's 2011 release; 16.4% is its five
#: networks on the challenge's data) and Clarifai 11.2% in 2013 (11.7% without).
#: 2010–2014: Russakovsky et al. (2015) and the winners' papers (2013: the entry was
#: submitted as Clarifai; its network is Zeiler and Fergus's ZFNet, the name the book uses);
#: 2015: He et al. (2016); 2016: ILSVRC 2016 results (Trimps-Soushen ensemble);
#: 2017: Hu et al. (2018), SENet.
ILSVRC_TOP5: list[tuple[int, float, str]] = [
    (2010, 28.2, "NEC-UIUC"),
    (2011, 25.8, "XRCE"),
    (2012, 16.4, "AlexNet"),
    (2013, 11.7, "ZFNet"),
    (2014, 6.7, "GoogLeNet"),
    (2015, 3.6, "ResNet"),
    (2016, 3.0, "Trimps"),
    (2017, 2.3, "SENet"),
]
#: The first winner that was a deep convolutional network (AlexNet); every later one was.
FIRST_DEEP_YEAR = 2012
#: Top-5 error of a trained human annotator (Russakovsky et al., 2015).
HUMAN_TOP5 = 5.1


def plot_imagenet_errors(results: Sequence[tuple[int, float, str]] = ILSVRC_TOP5,
                         human: float | None = HUMAN_TOP5, until: int | None = None):
    """Bar chart of the winners' top-5 error by year, deep networks highlighted, with the
    human annotator's error as a dashed line (``human=None`` leaves it out). ``until``
    keeps the years up to that one."""
    results = [r for r in results if until is None or r[0] <= until]
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    years = [r[0] for r in results]
    errors = [r[1] for r in results]
    colours = [PALETTE[0] if y >= FIRST_DEEP_YEAR else "#999999" for y in years]
    bars = ax.bar(years, errors, color=colours, width=0.7)
    for bar, (_, err, who) in zip(bars, results):
        ax.text(bar.get_x() + bar.get_width() / 2, err + 0.6, f"{err:.1f}%\n{who}",
                ha="center", va="bottom", fontsize=8, linespacing=1.1)
    if human is not None:
        ax.axhline(human, color=PALETTE[1], ls="--", lw=1.2)
        ax.text(years[-1] + 0.5, human, f"human\n{human}%", color=PALETTE[1], ha="left",
                va="center", fontsize=8)
    ax.set_xlim(years[0] - 0.6, years[-1] + (1.4 if human is not None else 0.6))
    ax.set_ylim(0, max(errors) * 1.3)
    ax.set_xticks(years)
    ax.set_xlabel("ILSVRC year")
    ax.set_ylabel("top-5 error (%)")
    ax.legend(handles=[Patch(color="#999999", label="hand-designed features"),
                       Patch(color=PALETTE[0], label="deep convolutional networks")],
              loc="upper right")
    fig.tight_layout()
    return fig
