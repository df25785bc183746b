# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint typecheck bench clean install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/newsdigest run

test: $(STAMP)
	$(BIN)/ruff check newsdigest tests bench
	$(BIN)/mypy
	$(BIN)/pytest

# The quick loop while developing: everything but the fault-injection and slow tests (make test runs all).
test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow and not faults"

lint: $(STAMP)
	$(BIN)/ruff check newsdigest tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run_all.py --readme README.md

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
