# The two commands: `make run` and `make test`. Everything else here is what they need.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CONTRACT := tests/contract
HOST ?= 127.0.0.1
PORT ?= 8484
DATA_DIR ?= .lockgw-data

.PHONY: run test lint typecheck pytest bench clean install

run: $(STAMP)
	$(PY) -m gateway.demo --data-dir $(DATA_DIR) --host $(HOST) --port $(PORT)

test: $(STAMP) $(CONTRACT)/node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q

install: $(STAMP)

$(STAMP): pyproject.toml
	@rm -rf $(VENV)
	"$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24,<26"
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

$(CONTRACT)/node_modules/.installed: $(CONTRACT)/package.json $(CONTRACT)/package-lock.json
	cd $(CONTRACT) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

bench: $(STAMP)
	$(PY) bench/api_latency.py

clean:
	rm -rf $(VENV) $(DATA_DIR) $(CONTRACT)/node_modules .mypy_cache .pytest_cache .ruff_cache
