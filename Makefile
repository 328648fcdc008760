# Two entry points for a new machine with Python 3.11+ and make: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Test processes (pytest-xdist): `auto` is one per core; `make test TEST_WORKERS=0` runs in one.
TEST_WORKERS ?= auto

.PHONY: demo test lint bench

$(BIN)/cms: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

demo: $(BIN)/cms  ## Serve the demo newsroom on SQLite; GraphiQL at http://127.0.0.1:8000/graphql
	$(BIN)/cms serve --demo

test: $(BIN)/cms  ## Run the test suite (also on PostgreSQL when CMS_TEST_POSTGRES_URL is set)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --durations=20

lint: $(BIN)/cms
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(BIN)/cms
	$(BIN)/python -m bench.run
