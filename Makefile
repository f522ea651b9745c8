# kefu — the two commands of the README: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
KEFU_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/kefu
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: demo test lint install install-test chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test chromium

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used).
chromium:
	@if ! command -v chromium >/dev/null; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

demo: install
	$(BIN)/kefu demo --port $(PORT)

lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

test: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/kefu check
	KEFU_DATA_DIR=var/check $(BIN)/kefu makemigrations --check --dry-run
	KEFU_DATA_DIR=var/check $(BIN)/kefu spectacular --validate --fail-on-warn --file var/check/openapi.yaml
	@echo "=== pytest on SQLite ==="
	KEFU_DATA_DIR=var/test-sqlite $(BIN)/pytest $(PYTEST_ARGS) -m "not e2e"
	@echo "=== browser and process tests (e2e) on SQLite ==="
	KEFU_DATA_DIR=var/test-sqlite $(BIN)/pytest -m e2e
	@if $(BIN)/python -c "import psycopg, urllib.parse as u; p = u.urlparse('$(KEFU_TEST_POSTGRES_URL)'); psycopg.connect(p._replace(path='/postgres').geturl(), connect_timeout=3).close()" 2>/dev/null; then \
	  echo "=== pytest on PostgreSQL ($(KEFU_TEST_POSTGRES_URL)) ==="; \
	  KEFU_DATA_DIR=var/test-pg KEFU_DATABASE_URL=$(KEFU_TEST_POSTGRES_URL) $(BIN)/pytest $(PYTEST_ARGS) -m "not e2e" && \
	  echo "=== browser and process tests (e2e) on PostgreSQL ===" && \
	  KEFU_DATA_DIR=var/test-pg KEFU_DATABASE_URL=$(KEFU_TEST_POSTGRES_URL) $(BIN)/pytest -m e2e; \
	elif [ "$$CI" = "true" ]; then \
	  echo "!!! PostgreSQL does not answer at $(KEFU_TEST_POSTGRES_URL): under CI that is a failure"; exit 1; \
	else \
	  echo; echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!!! PostgreSQL does not answer at $(KEFU_TEST_POSTGRES_URL)"; \
	  echo "!!! The suite passed on SQLite only. Set KEFU_TEST_POSTGRES_URL to test PostgreSQL."; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi

clean:
	rm -rf $(VENV) var
