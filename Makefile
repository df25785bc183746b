# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-postgres lint typecheck bench clean install install-check postgresql

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/newsdigest run

test: $(STAMP) install-check
	$(BIN)/ruff check newsdigest tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

# The quick loop while developing: everything but the fault-injection and slow tests (make test runs all).
test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow and not faults"

# The whole suite again with every store fixture on PostgreSQL (tests/store and tests/stories run on both in
# `make test` already); CI runs it after `make test`.
test-postgres: $(STAMP)
	NEWSDIGEST_TEST_BACKEND=postgres $(BIN)/pytest

# A venv as a new user gets it: its own stock pip (no upgrade), `pip install .`. Dependencies are resolved afresh
# whenever pyproject.toml changes; the package itself is reinstalled on every run (a few seconds).
CHECK_VENV := .venv-stockpip
$(CHECK_VENV)/.deps: pyproject.toml
	rm -rf $(CHECK_VENV)
	$(PYTHON) -m venv $(CHECK_VENV)
	$(CHECK_VENV)/bin/pip install --quiet --no-compile .
	touch $@

install-check: $(CHECK_VENV)/.deps
	$(CHECK_VENV)/bin/pip install --quiet --no-compile --no-deps --force-reinstall .
	cd /tmp && $(abspath $(CHECK_VENV))/bin/python $(abspath tools/check_install.py)

# PostgreSQL's server binaries for the PostgreSQL tests, which start their own throwaway server (tests/pgserver.py);
# installs the Debian package only where they are missing and starts no service. .ci/run calls it.
postgresql:
	tools/install_postgresql.sh

lint: $(STAMP)
	$(BIN)/ruff check newsdigest tests bench tools

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run_all.py --readme README.md

clean:
	rm -rf $(VENV) $(CHECK_VENV) data .pytest_cache .mypy_cache .ruff_cache
