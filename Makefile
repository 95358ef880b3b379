# The two quick-start commands: `make book` builds the site, `make test` runs every test.
# Both create .venv on first use and install the pinned toolchain (requirements/lock.txt)
# plus dlbook_code itself (editable), so they work from a fresh clone.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test pdf clean clean-cache

$(STAMP): requirements/lock.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ needed: make PYTHON=python3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements/lock.txt
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

# Execute every chapter (cached: only edited chapters re-run) and write _build/html.
book: $(STAMP)
	$(BIN)/jupyter-book build .

# The whole suite: unit tests, every chapter notebook (nbmake), checks of the built site.
test: book
	$(BIN)/python -m pytest

clean:
	rm -rf _build

clean-cache:
	rm -rf _build/.jupyter_cache
