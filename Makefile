# Two entry points for a new machine with Python 3.11+ and make: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Test processes (pytest-xdist): `auto` is one per core; `make test TEST_WORKERS=0` runs in one.
TEST_WORKERS ?= auto
# `make demo PORT=8100` serves elsewhere; links in responses follow the port served.
PORT ?= 8000
# The console's scripts and styles: exact versions and integrity hashes in console/package-lock.json.
CONSOLE_ASSETS := console/node_modules/.package-lock.json

.PHONY: demo test lint bench console-assets

$(BIN)/cms: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

$(CONSOLE_ASSETS): console/package.json console/package-lock.json
	cd console && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

console-assets: $(CONSOLE_ASSETS)  ## Install the console's scripts and styles (needs npm and the registry once)

demo: $(BIN)/cms $(CONSOLE_ASSETS)  ## Serve the demo newsroom on SQLite; the console at http://127.0.0.1:$(PORT)/graphql
	$(BIN)/cms serve --demo --port $(PORT)

test: $(BIN)/cms $(CONSOLE_ASSETS)  ## Run the test suite (also on PostgreSQL when CMS_TEST_POSTGRES_URL is set)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --durations=20

lint: $(BIN)/cms
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(BIN)/cms
	$(BIN)/python -m bench.run
