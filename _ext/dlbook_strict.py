"""Warnings fail the build, however it is started.

`jupyter-book build .` by hand, the Makefile and CI must do the same build, so the policy
lives here rather than in a command-line flag (`-W --keep-going`): every warning is
reported, and the build then exits non-zero.
"""


def setup(app):
    app.keep_going = True  # report every warning, then fail (Sphinx sets statuscode = 1)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
