"""Figures of the chapter "Optimisers": each draws what it is given, and only that."""

import matplotlib.pyplot as plt
import pytest
import torch

from dlbook_code.figures import deep_training as fd


def test_quadratic_paths_draw_each_path_and_its_loss():
    paths = {"a": torch.tensor([[-4.0, 1.0], [-2.0, 0.5], [0.0, 0.0]]),
             "b": torch.tensor([[-4.0, 1.0], [-4.0, 0.0], [-3.0, 0.0]])}
    fig = fd.plot_quadratic_paths(10.0, paths)
    ax, ax_f = fig.axes[:2]
    drawn = [line for line in ax.get_lines() if line.get_label() in paths]
    assert [line.get_label() for line in drawn] == ["a", "b"]
    assert list(drawn[0].get_xdata()) == [-4.0, -2.0, 0.0]
    losses = ax_f.get_lines()
    assert len(losses) == 2 and ax_f.get_yscale() == "log"
    # f = (w1² + κ w2²) / 2, clipped at the floor where the path reaches the minimum
    assert list(losses[0].get_ydata()) == pytest.approx([13.0, 3.25, 1e-12])
    assert list(losses[1].get_ydata()) == pytest.approx([13.0, 8.0, 4.5])


def _arrows(ax) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """The arrows of a panel by their gid, as (tail, head) points, read from the path each
    draws (in data coordinates). A straight arrow (``arc3``, rad 0) is the quadratic Bézier
    C0 C1 C2 whose control point C1 lies halfway between its ends: the tail is C0 and the
    head 2 C1 - C0 (C2 itself stops short, under the arrow's head)."""
    from matplotlib.patches import ConnectionStyle, FancyArrowPatch
    from matplotlib.path import Path

    out = {}
    for p in ax.patches:
        if isinstance(p, FancyArrowPatch) and p.get_gid():
            style = p.get_connectionstyle()
            assert isinstance(style, ConnectionStyle.Arc3) and style.rad == 0, style
            path = p.get_path()
            assert list(path.codes[:3]) == [Path.MOVETO, Path.CURVE3, Path.CURVE3], path
            c0, c1 = (torch.tensor(q, dtype=torch.float64) for q in path.vertices[:2])
            out[p.get_gid()] = (c0, 2 * c1 - c0)
    return out


def _sgd_step(p0, b_prev, h, lr, mu, nesterov):
    """One torch.optim.SGD step on f = sum(h w²)/2 from p0 with the buffer b_prev."""
    p = p0.clone().requires_grad_()
    opt = torch.optim.SGD([p], lr=lr, momentum=mu, nesterov=nesterov)
    opt.state[p]["momentum_buffer"] = b_prev.clone()
    (0.5 * (h * p * p).sum()).backward()
    opt.step()
    return p.detach(), opt.state[p]["momentum_buffer"]


@pytest.mark.parametrize("kappa, lr, mu, w, b_prev", [
    (10.0, 0.15, 0.9, (-2.5, 0.45), (-6.0, 5.0)),   # the figure's defaults
    (25.0, 0.05, 0.7, (-3.0, -0.6), (-4.0, -9.0))])
def test_momentum_arrows_are_one_torch_sgd_step(kappa, lr, mu, w, b_prev):
    """Each panel's step is what torch.optim.SGD does from the same state, and each
    gradient arrow is -lr times the gradient at its own tail."""
    fig = fd.draw_momentum_vectors(kappa, lr, mu, w, b_prev)
    h = torch.tensor([1.0, kappa], dtype=torch.float64)
    w, b_prev = (torch.tensor(v, dtype=torch.float64) for v in (w, b_prev))
    heavy, nesterov = (_arrows(ax) for ax in fig.axes[:2])
    for arrows in (heavy, nesterov):
        tail, head = arrows["gradient"]
        torch.testing.assert_close(head - tail, -lr * h * tail)
        torch.testing.assert_close(arrows["momentum"][1] - arrows["momentum"][0],
                                   -lr * mu * b_prev)
        torch.testing.assert_close(arrows["step"][0], w)
        torch.testing.assert_close(arrows["previous"][1] - arrows["previous"][0],
                                   -lr * b_prev)  # the last step, which filled the buffer
    # heavy ball: the gradient at the parameters, then the buffer's part, tip to tail
    w_t, _ = _sgd_step(w, b_prev, h, lr, mu, nesterov=False)
    torch.testing.assert_close(heavy["gradient"][0], w)
    torch.testing.assert_close(heavy["momentum"][1], w_t)
    torch.testing.assert_close(heavy["step"][1], w_t)
    # Nesterov: SGD(nesterov=True) stores the look-ahead u = w - lr mu b; w_t = u_t + lr mu b_t
    u = w - lr * mu * b_prev
    u_t, b_t = _sgd_step(u, b_prev, h, lr, mu, nesterov=True)
    torch.testing.assert_close(nesterov["momentum"][1], u)
    torch.testing.assert_close(nesterov["gradient"][0], u)
    torch.testing.assert_close(nesterov["step"][1], u_t + lr * mu * b_t)
    torch.testing.assert_close(nesterov["gradient"][1], u_t + lr * mu * b_t)
    plt.close(fig)


def test_momentum_figure_shows_the_heavy_ball_overshooting():
    """With the defaults the heavy ball crosses the valley's floor (w₂ = 0) and lands
    farther from it than it started; Nesterov ends closer to the floor than it started."""
    fig = fd.draw_momentum_vectors()
    heavy, nesterov = (_arrows(ax)["step"] for ax in fig.axes[:2])
    w2, hb2, n2 = heavy[0][1], heavy[1][1], nesterov[1][1]
    assert hb2 * w2 < 0 and abs(hb2) > abs(w2)
    assert abs(n2) < 0.5 * abs(w2)
    plt.close(fig)
