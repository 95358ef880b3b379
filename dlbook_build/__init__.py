"""The book's build side: Sphinx extensions and the CI tool (not installed for readers).

Jupyter Book loads the extensions from ``_config.yml`` (``sphinx: local_extensions`` puts the
repository root on ``sys.path``); the CI tool runs as ``python -m dlbook_build.ci`` from the
repository root; the tests import it from there too. :mod:`dlbook_build.sources` is the one
module that knows the book's sources (table of contents, notebooks, the execution cache).

- :mod:`~dlbook_build.strict`: warnings fail the build; single pages build like the book.
- :mod:`~dlbook_build.cache`: the execution cache of the current fingerprint, and what each
  executed notebook records about its run.
- :mod:`~dlbook_build.report`: the execution report (run time, profile, device, lesson checks).
- :mod:`~dlbook_build.colab`: a Colab notebook per chapter (:mod:`~dlbook_build.myst_to_colab`).
- :mod:`~dlbook_build.buttons`: Colab, notebook and PDF links on every page.
- :mod:`~dlbook_build.web`, :mod:`~dlbook_build.apilinks`: website fixes, links to the API page.
"""
