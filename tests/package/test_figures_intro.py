"""Tests of dlbook_code.figures.intro: the reference data are consistent and every figure
function draws what it promises."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from dlbook_code.figures import intro


def test_history_is_chronological_and_spans_1943_to_2017():
    years = [e[0] for e in intro.HISTORY]
    assert years == sorted(years)
    assert years[0] == 1943 and years[-1] == 2017
    assert all(kind in intro._KIND_COLOURS for *_, kind in intro.HISTORY)


def test_timeline_has_one_marker_per_event():
    fig = intro.draw_timeline()
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == len(intro.HISTORY)
    assert any("1958" in t and "Rosenblatt" in t for t in texts)


def test_compute_prices_reproduce_the_lecture_column():
    lecture = [0.7, 0.5, 1.7, 14.2, 23.7, 23.0]  # GFLOPS per dollar in the lecture's table
    ours = [round(1000 * tf / price, 1) for _, _, tf, price in intro.COMPUTE_PRICES]
    assert ours == lecture
    fig = intro.plot_compute_prices()
    widths = [round(b.get_width(), 1) for b in fig.axes[0].patches if b.get_width() > 0]
    assert widths == lecture


def test_log_scatter_fit_recovers_a_known_doubling_time():
    years = np.arange(2000, 2011)
    values = 2.0 ** ((years - 2000) / 2.0)  # doubles every 2 years = 24 months
    fig = intro.plot_log_scatter([str(y) for y in years], years, values, "v", fit=True)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    labels = ax.get_legend_handles_labels()[1]
    assert any("24 months" in lab for lab in labels)


def test_data_sets_and_training_compute_are_positive_and_dated():
    for name, _, year, images, size in intro.VISION_DATASETS:
        assert 1990 < year < 2030 and images > 0 and size > 0, name
    assert max(r[3] for r in intro.VISION_DATASETS) == 5.85e9  # LAION-5B
    flops = dict((name, f) for name, _, f in intro.TRAINING_COMPUTE)
    assert flops["GPT-3"] == pytest.approx(3.14e23)
    assert flops["AlexNet"] < flops["GPT-3"] < flops["PaLM"]


def test_semantic_gap_writes_the_pixel_values():
    img = torch.arange(3 * 32 * 32, dtype=torch.int64).remainder(256).to(torch.uint8)
    img = img.view(3, 32, 32)
    fig = intro.plot_semantic_gap(img, rows=2, cols=3)
    numbers = [t.get_text() for t in fig.axes[1].texts]
    assert numbers == [str(int(v)) for v in img[0, :2, :3].flatten()]


def test_operator_graph_has_a_box_per_operator():
    fig = intro.draw_operator_graph()
    texts = [t.get_text() for t in fig.axes[0].texts]
    for op, _, _ in intro.CONVNET_OPERATORS:
        assert op in texts
    assert texts.count("conv2d") == 2 and texts.count("linear") == 2


def test_adversarial_and_occlusion_figures():
    x = torch.rand(1, 28, 28)
    delta = 0.1 * torch.randn(1, 28, 28).sign()
    p = torch.softmax(torch.randn(10), 0)
    p_adv = torch.softmax(torch.randn(10), 0)
    fig = intro.plot_adversarial(x, delta, (x + delta).clamp(0, 1), p, p_adv)
    assert len(fig.axes) == 4
    assert f"{100 * p.max():.1f}%" in fig.axes[0].get_title()
    assert len(fig.axes[3].patches) == 20  # two bars per class
    fig = intro.plot_occlusion(x, torch.rand(10, 10), "7")
    assert "7" in fig.axes[0].get_title()
