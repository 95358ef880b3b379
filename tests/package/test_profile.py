"""Execution profiles, device choice and names, setup(), glue() and the notebook test."""

import pytest
import torch

from dlbook_code import runtime
from dlbook_code.profile import EXPERIMENTS, Sizes, profile_name, sizes
from dlbook_code.runtime import _ProfileNote, device_name, pick_device, setup


def test_profile_from_environment(monkeypatch):
    monkeypatch.setenv("DLBOOK_PROFILE", "full")
    assert profile_name() == "full"
    monkeypatch.setenv("DLBOOK_PROFILE", " Quick ")
    assert profile_name() == "quick"


def test_default_profile_follows_cuda(monkeypatch):
    monkeypatch.delenv("DLBOOK_PROFILE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert profile_name() == "full"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert profile_name() == "quick"


def test_unknown_profile_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("DLBOOK_PROFILE", "medium")
    with pytest.raises(ValueError, match="quick, full"):
        profile_name()


def test_every_experiment_has_both_profiles_and_quick_is_not_bigger():
    for name, entry in EXPERIMENTS.items():
        assert set(entry) == {"quick", "full"}, name
        q, f = entry["quick"], entry["full"]
        assert isinstance(q, Sizes) and isinstance(f, Sizes)
        assert q.epochs <= f.epochs, name
        if f.n_train is not None:
            assert q.n_train is not None and q.n_train <= f.n_train, name
        if q.image_size and f.image_size:
            assert q.image_size <= f.image_size, name


def test_sizes_lookup_and_unknown_experiment():
    name = next(iter(EXPERIMENTS))
    assert sizes(name, "quick") is EXPERIMENTS[name]["quick"]
    with pytest.raises(KeyError, match="add it there"):
        sizes("no.such.experiment")


def test_asking_for_an_absent_gpu_says_what_to_do(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="Change runtime type"):
        pick_device("cuda")
    assert pick_device("cpu").type == "cpu"
    with pytest.raises(ValueError):
        pick_device("tpu")


def test_setup_seeds_and_reports(monkeypatch, capsys):
    monkeypatch.setenv("DLBOOK_PROFILE", "quick")
    monkeypatch.delenv("DLBOOK_DEVICE", raising=False)
    book = setup(seed=3)
    a = torch.rand(3)
    setup(seed=3)
    assert torch.equal(a, torch.rand(3))
    assert book.quick and book.profile == "quick"
    assert "Quick profile" in capsys.readouterr().out  # outside Jupyter: printed
    assert book.sizes(next(iter(EXPERIMENTS))) == sizes(next(iter(EXPERIMENTS)), "quick")


def test_full_profile_shows_no_note(monkeypatch, capsys):
    monkeypatch.setenv("DLBOOK_PROFILE", "full")
    monkeypatch.setenv("DLBOOK_DEVICE", "cpu")
    assert not setup().quick
    assert "Quick profile" not in capsys.readouterr().out


def test_profile_note_is_markdown_without_escape_codes():
    book = setup(device="cpu")
    md = _ProfileNote(book)._repr_markdown_()
    assert md.startswith("> **Quick profile.**") and "\x1b" not in md


def test_device_name():
    name = device_name("cpu")
    assert isinstance(name, str) and name.endswith(f"({torch.get_num_threads()} threads)")
    assert device_name("mps") == "Apple GPU (MPS)"


class FakeKernelShell:
    kernel = object()


def test_notebook_is_detected_one_way(monkeypatch):
    """A Jupyter kernel (Jupyter, Colab, the book build) counts; a script or a terminal
    IPython, with no page to display on, does not."""
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert runtime.notebook_shell() is None
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())  # terminal IPython
    assert runtime.notebook_shell() is None
    shell = FakeKernelShell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert runtime.notebook_shell() is shell


def test_glue_records_strings_without_quotes(monkeypatch):
    shown = []
    monkeypatch.setattr(runtime, "notebook_shell", lambda: FakeKernelShell())
    import IPython.display

    monkeypatch.setattr(IPython.display, "display",
                        lambda data, raw, metadata: shown.append((data, metadata)))
    runtime.glue("acc", "97.5%")
    data, metadata = shown[0]
    assert data == {runtime.GLUE_PREFIX + "text/plain": "97.5%"}
    assert metadata["scrapbook"] == {"name": "acc", "mime_prefix": runtime.GLUE_PREFIX}


def test_glue_outside_a_notebook_does_nothing(monkeypatch):
    monkeypatch.setattr(runtime, "notebook_shell", lambda: None)
    runtime.glue("acc", 0.5)  # no IPython display call, no error
