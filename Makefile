# Clientdesk: `make run` serves the app with a demo account; `make test` runs every check.
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
DEV := CLIENTDESK_DEBUG=1
PYTEST_ARGS ?=
# The suite runs on every core (pytest-xdist; one test database per worker); the browser tests
# run after it in one process (one Chromium, one live server). WORKERS=0: everything in one.
WORKERS ?= auto
UNIT := $(if $(filter 0,$(WORKERS)),-p no:xdist,-n $(WORKERS)) --ignore=tests/e2e
E2E := -p no:xdist tests/e2e

.PHONY: setup run test test-sqlite test-postgres lint bench frontend clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend: node_modules/.installed
	npm run --silent build

setup: $(VENV)/.installed frontend
	$(DEV) $(BIN)/clientdesk migrate --verbosity 0

run: setup
	@$(DEV) CLIENTDESK_BASE_URL=http://$(HOST):$(PORT) $(BIN)/clientdesk demo
	@$(DEV) CLIENTDESK_BASE_URL=http://$(HOST):$(PORT) $(BIN)/clientdesk serve --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src/clientdesk/*/services.py src/clientdesk/*/queries.py
	$(DEV) CLIENTDESK_DATABASE_URL=sqlite:///:memory: $(BIN)/clientdesk makemigrations --check --dry-run

test-sqlite: setup
	@echo "=== the suite on SQLite"
	CLIENTDESK_DATABASE_URL= $(BIN)/pytest $(UNIT) $(PYTEST_ARGS)
	CLIENTDESK_DATABASE_URL= $(BIN)/pytest $(E2E) $(PYTEST_ARGS)

test-postgres: setup
	@echo "=== the suite on PostgreSQL"
	$(BIN)/python scripts/with_postgres.py $(BIN)/pytest $(UNIT) $(PYTEST_ARGS)
	$(BIN)/python scripts/with_postgres.py $(BIN)/pytest $(E2E) $(PYTEST_ARGS)

test: lint test-sqlite test-postgres

bench: setup
	@echo "=== client pages at 100,000 clients on SQLite, then PostgreSQL (bench/results/)"
	CLIENTDESK_DATABASE_URL= $(BIN)/python bench/clients.py
	$(BIN)/python scripts/with_postgres.py $(BIN)/python bench/clients.py
	@echo "=== tickets list and jobs report at 1,000,000 tickets (bench/results/tickets-*.md)"
	CLIENTDESK_DATABASE_URL= $(BIN)/python bench/tickets.py
	$(BIN)/python scripts/with_postgres.py $(BIN)/python bench/tickets.py
	@echo "=== devices tab, list API and counts at 1,000,000 devices (bench/results/devices-*.md)"
	CLIENTDESK_DATABASE_URL= $(BIN)/python bench/devices.py
	$(BIN)/python scripts/with_postgres.py $(BIN)/python bench/devices.py
	@echo "=== the Clients list with the software columns at 100,000 clients (bench/results/software-*.md)"
	CLIENTDESK_DATABASE_URL= $(BIN)/python bench/software.py
	$(BIN)/python scripts/with_postgres.py $(BIN)/python bench/software.py
	@echo "=== insights: the metrics API and the page at 100,000 clients (bench/results/insights-*.md)"
	CLIENTDESK_DATABASE_URL= $(BIN)/python bench/insights.py
	$(BIN)/python scripts/with_postgres.py $(BIN)/python bench/insights.py
	@echo "=== imports: 100,000 clients from CSV and XLSX beside django-import-export and the floor, then 1,000,000 for memory and pace (bench/results/imports-*.md)"
	CLIENTDESK_DATABASE_URL= $(BIN)/python bench/imports.py --million
	$(BIN)/python scripts/with_postgres.py $(BIN)/python bench/imports.py --million
	@echo "=== exports of 100,000 clients as CSV and XLSX: first byte, time, memory (bench/results/exports-*.md)"
	CLIENTDESK_DATABASE_URL= $(BIN)/python bench/exports.py
	$(BIN)/python scripts/with_postgres.py $(BIN)/python bench/exports.py
	@echo "=== web servers (bench/results/servers.md)"
	$(BIN)/python bench/servers.py

clean:
	rm -rf $(VENV) node_modules var src/clientdesk/core/static/clientdesk/dist src/clientdesk/core/templates/icons
