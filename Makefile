# kefu — the two commands of the README: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
KEFU_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/kefu
PYTEST_ARGS ?= -n 2 --dist loadfile
# The unit tests run on SQLite and on PostgreSQL; the tests that start processes (marker `nodes`:
# federation nodes, demos, several web servers; marker `e2e`: browsers) run once, on PostgreSQL, with
# the tests that commit for real (marker `committing`: their flush would empty the next unit tests' data).
# The official TMF621/TMF683/TMF629 files run through schemathesis against kefu in-process (marker
# `schemathesis`, tests/tmf/test_schemathesis.py): a stage of its own, once, on the database the
# process tests use; fixed seed and bounded examples, so it is repeatable and takes about a minute.
# Real SIP calls (marker `sip`, tests/sip/): kefu, its router, Kamailio and SIPp on loopback; a stage of its
# own, once, on PostgreSQL (or SQLite when PostgreSQL does not answer), after the process tests.
UNIT := not e2e and not nodes and not committing and not schemathesis and not sip
PROCESSES := nodes or e2e or committing
PROCESS_PYTEST_ARGS ?= -n 2 --dist loadfile
SCHEMATHESIS_PYTEST_ARGS ?= -n 2 --dist loadfile
SIP_PYTEST_ARGS ?= -p no:xdist

.PHONY: demo test lint install install-test chromium sip-tools clean

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
install-test: $(VENV)/.installed-test chromium sip-tools

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used).
chromium:
	@if ! command -v chromium >/dev/null; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

# The SIP stage drives Debian's Kamailio (the proxy, with the modules its deploy/kamailio/kamailio.cfg loads:
# tm/tmx, async, http_client, jansson, jsonrpcs, htable, usrloc/registrar) and SIPp (package sip-tester).
SIP_PACKAGES := kamailio kamailio-extra-modules kamailio-utils-modules kamailio-json-modules sip-tester
sip-tools:
	@MODULES=$$(ls -d /usr/lib/*/kamailio/modules 2>/dev/null | head -1); \
	if ! command -v kamailio >/dev/null || ! command -v sipp >/dev/null || \
	    [ ! -e "$$MODULES/http_client.so" ] || [ ! -e "$$MODULES/jansson.so" ]; then \
	  echo "installing Kamailio and SIPp for the SIP tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq $(SIP_PACKAGES) >/dev/null; \
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
	@echo "=== unit tests on SQLite ==="
	KEFU_DATA_DIR=var/test-sqlite $(BIN)/pytest $(PYTEST_ARGS) -m "$(UNIT)"
	@if $(BIN)/python -c "import psycopg, urllib.parse as u; p = u.urlparse('$(KEFU_TEST_POSTGRES_URL)'); psycopg.connect(p._replace(path='/postgres').geturl(), connect_timeout=3).close()" 2>/dev/null; then \
	  echo "=== unit tests on PostgreSQL ($(KEFU_TEST_POSTGRES_URL)) ==="; \
	  KEFU_DATA_DIR=var/test-pg KEFU_DATABASE_URL=$(KEFU_TEST_POSTGRES_URL) $(BIN)/pytest $(PYTEST_ARGS) -m "$(UNIT)" && \
	  echo "=== multi-process tests (nodes, browsers) on PostgreSQL ===" && \
	  KEFU_DATA_DIR=var/test-pg KEFU_DATABASE_URL=$(KEFU_TEST_POSTGRES_URL) $(BIN)/pytest $(PROCESS_PYTEST_ARGS) -m "$(PROCESSES)" && \
	  echo "=== schemathesis: official TMF621, TMF683, TMF629 v4 files, GET and POST, on PostgreSQL ===" && \
	  KEFU_DATA_DIR=var/test-pg KEFU_DATABASE_URL=$(KEFU_TEST_POSTGRES_URL) $(BIN)/pytest $(SCHEMATHESIS_PYTEST_ARGS) -m schemathesis tests/tmf && \
	  echo "=== real SIP calls: Kamailio and SIPp on loopback, on PostgreSQL ===" && \
	  KEFU_DATA_DIR=var/test-pg KEFU_DATABASE_URL=$(KEFU_TEST_POSTGRES_URL) $(BIN)/pytest $(SIP_PYTEST_ARGS) -m sip tests/sip; \
	elif [ "$$CI" = "true" ]; then \
	  echo "!!! PostgreSQL does not answer at $(KEFU_TEST_POSTGRES_URL): under CI that is a failure"; exit 1; \
	else \
	  echo; echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!!! PostgreSQL does not answer at $(KEFU_TEST_POSTGRES_URL)"; \
	  echo "!!! The multi-process tests run on SQLite instead; the unit tests ran on SQLite only."; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "=== multi-process tests (nodes, browsers) on SQLite ===" && \
	  KEFU_DATA_DIR=var/test-sqlite $(BIN)/pytest $(PROCESS_PYTEST_ARGS) -m "$(PROCESSES)" && \
	  echo "=== schemathesis: official TMF621, TMF683, TMF629 v4 files, GET and POST, on SQLite ===" && \
	  KEFU_DATA_DIR=var/test-sqlite $(BIN)/pytest $(SCHEMATHESIS_PYTEST_ARGS) -m schemathesis tests/tmf && \
	  echo "=== real SIP calls: Kamailio and SIPp on loopback, on SQLite ===" && \
	  KEFU_DATA_DIR=var/test-sqlite $(BIN)/pytest $(SIP_PYTEST_ARGS) -m sip tests/sip && \
	  echo && echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" && \
	  echo "!!! PostgreSQL does not answer at $(KEFU_TEST_POSTGRES_URL)" && \
	  echo "!!! The suite passed on SQLite only. Set KEFU_TEST_POSTGRES_URL to test PostgreSQL." && \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi

clean:
	rm -rf $(VENV) var
