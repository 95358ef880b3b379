"""One build at a time over one execution cache (dlbook_build/cache.py): a second build stops
at once, names the lock and writes nothing; a build that died leaves no lock behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dlbook_build import cache
from tests.book.onecopy import jupyter_book, one_chapter_copy

HOLD = """\
import sys, time
from pathlib import Path
from dlbook_build.cache import lock_cache
lock_cache(Path(sys.argv[1]))
print("held", flush=True)
time.sleep(120)
"""


@pytest.fixture
def other_build(tmp_path):
    """A process holding the build lock of ``tmp_path / 'cache'``, as a running build does."""
    base = tmp_path / "cache"
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(base)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    yield base, proc
    proc.kill()
    proc.wait()


@pytest.fixture
def release():
    yield
    for lock in cache._held:
        lock.release()
    cache._held.clear()


def test_a_second_build_stops_naming_the_lock(other_build, release):
    base, _ = other_build
    with pytest.raises(cache.BuildRunning) as stopped:
        cache.lock_cache(base)
    assert str(base / cache.LOCK_NAME) in str(stopped.value)
    assert "nothing was written" in str(stopped.value)
    assert not cache._held


def test_a_killed_build_leaves_no_lock(other_build, release):
    base, proc = other_build
    proc.kill()
    proc.wait()
    cache.lock_cache(base)  # the operating system released it with the process
    assert len(cache._held) == 1


@pytest.mark.build
def test_jupyter_book_stops_before_writing_while_another_build_runs(tmp_path):
    root = one_chapter_copy(tmp_path / "book", "# Probe\n\nNo code.\n")
    base = root / "_build" / ".jupyter_cache"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(base)], stdout=subprocess.PIPE,
                              text=True, cwd=root)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        second = jupyter_book(root, DLBOOK_PROFILE="quick")
    finally:
        holder.kill()
        holder.wait()
    log = second.stdout + second.stderr
    assert second.returncode != 0, log[-2000:]
    assert "another build is using the execution cache" in log, log[-2000:]
    assert not (root / "_build" / "html" / "index.html").exists()
    assert not any(Path(base).glob("quick-*")), "the stopped build made a cache folder"
