# The two commands: `make run` and `make test`. Everything else here is what they need.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CONTRACT := tests/contract
ZWAVE_SIM := hardware-sim/zwave
HOST ?= 127.0.0.1
PORT ?= 8484
DATA_DIR ?= .lockgw-data

.PHONY: run test lint typecheck pytest bench bench-vs-fake bench-fleet bench-dashboard clean install system-packages

run: $(STAMP) $(ZWAVE_SIM)/node_modules/.installed
	@mkdir -p $(DATA_DIR)
	@# the first key; the store's set-up lines are shown only if creating it fails
	@test -s $(DATA_DIR)/api-key || { out="$$($(VENV)/bin/lockgw keys create --data-dir $(DATA_DIR) \
		--name "make run" 2>&1)" || { echo "$$out" >&2; exit 1; }; \
		echo "$$out" | tail -n 1 > $(DATA_DIR)/api-key && chmod 600 $(DATA_DIR)/api-key; }
	@echo "lockgw: API URL http://$(HOST):$(PORT)"
	@echo "lockgw: API key $$(cat $(DATA_DIR)/api-key)"
	scripts/run-sim $(DATA_DIR) $(HOST) $(PORT)

test: $(STAMP) $(CONTRACT)/node_modules/.installed $(ZWAVE_SIM)/node_modules/.installed system-packages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/pytest -q

install: $(STAMP)

system-packages:
	@scripts/system-packages

$(STAMP): pyproject.toml
	@rm -rf $(VENV)
	"$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24,<26"
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

$(CONTRACT)/node_modules/.installed: $(CONTRACT)/package.json $(CONTRACT)/package-lock.json
	cd $(CONTRACT) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(ZWAVE_SIM)/node_modules/.installed: $(ZWAVE_SIM)/package.json $(ZWAVE_SIM)/package-lock.json
	cd $(ZWAVE_SIM) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

bench: $(STAMP)
	$(PY) -m bench.api_latency

FAKE_SEAM := bench/fake-seam
$(FAKE_SEAM)/node_modules/.installed: $(FAKE_SEAM)/package.json $(FAKE_SEAM)/package-lock.json
	cd $(FAKE_SEAM) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The hub side by side with Seam's in-memory fake of its cloud API (bench/vs_fake.py).
bench-vs-fake: $(STAMP) $(FAKE_SEAM)/node_modules/.installed
	$(PY) -m bench.vs_fake

# A fleet: calls through one front, then two, vs directly on a hub; 500 simulated hubs on one
# Mosquitto (bench/fleet.py; HUBS=50 for a quick run).
bench-fleet: $(STAMP) system-packages
	$(PY) -m bench.fleet --hubs $(or $(HUBS),500)

# The dashboard's overview in a real browser (Debian's chromium): first paint, 50 locks x 200 codes.
bench-dashboard: $(STAMP) system-packages
	$(PY) -m bench.dashboard

clean:
	rm -rf $(VENV) $(DATA_DIR) $(CONTRACT)/node_modules $(ZWAVE_SIM)/node_modules $(FAKE_SEAM)/node_modules .mypy_cache .pytest_cache .ruff_cache
