"""Figures of the chapter "Normalisation": the computation graph of batch normalisation."""

import matplotlib.pyplot as plt
import torch
from matplotlib.patches import FancyArrowPatch
from torch import nn

from dlbook_code.figures import deep_training as fd


def _reaches(g, roles=("example", "stats", "param")) -> dict[str, set[str]]:
    """For each node, the nodes reachable from it along edges of the given roles."""
    out: dict[str, set[str]] = {}
    for s, t, o in g.edges:
        if o["role"] in roles:
            out.setdefault(s, set()).add(t)

    def walk(n, seen):
        for t in out.get(n, ()):
            if t not in seen:
                seen.add(t)
                walk(t, seen)
        return seen
    return {n: walk(n, set()) for n in g.pos}


def test_batchnorm_graph_dependencies_are_those_of_nn_batchnorm():
    """In training mode every output depends on every input (the Jacobian of
    nn.BatchNorm1d over a batch of three is dense), and so does the graph: each y_i is
    reached from each x_j, through the batch statistics when j != i."""
    rows = ("1", "2", "3")
    g = fd.batchnorm_graph(rows)
    torch.manual_seed(0)
    bn = nn.BatchNorm1d(1).train()
    x = torch.randn(3, 1, dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(lambda v: bn.double()(v), x)[:, 0, :, 0]
    reach = _reaches(g)
    direct = _reaches(g, roles=("example", "param"))  # without the batch statistics
    for i in range(3):
        for j in range(3):
            assert (jac[i, j].abs() > 1e-9) == (f"y{rows[i]}" in reach[f"x{rows[j]}"])
            assert (f"y{rows[i]}" in direct[f"x{rows[j]}"]) == (i == j)
    assert all({f"y{i}" for i in rows} <= reach[p] for p in ("gamma", "beta", "mu", "var"))
    # the running averages hang off the statistics, and nothing flows out of them
    running = [(s, t) for s, t, o in g.edges if o["role"] == "running"]
    assert sorted(running) == [("mu", "run_mean"), ("var", "run_var")]
    assert all(s not in ("run_mean", "run_var") for s, _, _ in g.edges)


def test_batchnorm_figure_draws_every_edge_and_dashes_the_running_averages():
    fig = fd.draw_batchnorm_graph()
    g = fd.batchnorm_graph()
    arrows = {p.get_gid(): p for p in fig.axes[0].patches if isinstance(p, FancyArrowPatch)}
    assert set(arrows) == {f"{s}->{t}" for s, t, _ in g.edges}
    dashed = {gid for gid, p in arrows.items() if p.get_linestyle() not in ("-", "solid")}
    assert dashed == {"mu->run_mean", "var->run_var"}
    labels = [t.get_text() for t in fig.axes[0].texts]
    for name in ("$x_{m}$", "$\\mu$", "$\\sigma^2$", "$\\hat x_{1}$", "$y_{2}$", "$\\gamma$",
                 "$\\beta$"):
        assert name in labels
    plt.close(fig)
