# The commands the README gives. Everything installs from the lock files into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The Node client tests (tests/js) need their `ws` installed; without node and npm they skip.
NODE_TESTS := tests/js
HAVE_NPM := $(shell command -v node >/dev/null && command -v npm >/dev/null && echo yes)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint audit format bench bench-district lock clean

run: $(VENV)/.runtime  ## install, migrate, serve on http://127.0.0.1:3000 (SQLite unless DATABASE_URL says otherwise)
	$(BIN)/headcount serve

# Test files run in TEST_WORKERS processes (pytest-xdist), each with its own servers and
# databases: most of a test's time is spent waiting on servers, so two keep two cores busy.
TEST_WORKERS ?= 2

test: $(VENV)/.dev $(if $(HAVE_NPM),$(NODE_TESTS)/node_modules/.installed)  ## every test; PostgreSQL, Redis, Chromium and Node when present (HEADCOUNT_REQUIRE=postgres,redis,browser,node makes them mandatory)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

audit: $(VENV)/.dev  ## known vulnerabilities in the pinned dependencies (PyPI's advisory data)
	$(BIN)/pip-audit -r requirements.lock --vulnerability-service pypi --progress-spinner off

format: $(VENV)/.dev
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# Headcount against the Node reference (../shared/peer-node) on PostgreSQL and Redis at 127.0.0.1;
# installs wrk when missing, takes ~10 minutes, writes docs/performance.md. BENCH_ARGS: --quick
# (short, writes nothing), --no-write, --profile DIR (needs `$(BIN)/pip install py-spy`).
bench: $(VENV)/.runtime
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk; }
	$(BIN)/python -m bench.runner $(BENCH_ARGS)

# A district on this box: PostgreSQL, Redis, two Headcount processes, 500 classes of 30 (15,500
# sockets), the marking rate doubled until p99 passes 250 ms; writes docs/performance.md.
# BENCH_ARGS: --classes N, --quick (20 classes, under a minute, writes nothing), --no-write.
bench-district: $(VENV)/.runtime
	$(BIN)/python -m bench.district $(BENCH_ARGS)

lock:  ## re-pin requirements*.lock from pyproject.toml (needs uv)
	uv pip compile pyproject.toml -q -o requirements.lock
	uv pip compile pyproject.toml -q --extra dev -o requirements-dev.lock

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.lock pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.dev: requirements-dev.lock pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -r requirements-dev.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@ $(VENV)/.runtime

# Inside node_modules, so deleting that directory reinstalls it.
$(NODE_TESTS)/node_modules/.installed: $(NODE_TESTS)/package-lock.json $(NODE_TESTS)/package.json
	npm ci --prefix $(NODE_TESTS) --no-audit --no-fund
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(NODE_TESTS)/node_modules
