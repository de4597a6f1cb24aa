# Two entry points: `make run` (set-up, demo data, the monthly job) and `make test`.
# Both are safe to run again: set-up reinstalls only when requirements.txt changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

# Demo data: a small province, one year, 1% injected defects to show the quarantine.
DEMO_DIR := data/landing
DEMO_ARGS := --subscribers 20000 --months 12 --start-month 2025-01 --seed 42 --defect-rate 0.01
# The demo's pseudonymisation key, set explicitly; production sets its own secret.
DEMO_PII_KEY := demo-key-not-a-secret

.PHONY: setup run test lint pytest demo-data bench clean

setup: $(INSTALLED)

$(INSTALLED): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

demo-data: $(DEMO_DIR)/manifest.json

$(DEMO_DIR)/manifest.json: $(INSTALLED)
	$(BIN)/subops generate $(DEMO_ARGS) --out $(DEMO_DIR)

run: setup demo-data
	SUBOPS_PII_KEY=$(DEMO_PII_KEY) $(BIN)/subops run --landing-dir $(DEMO_DIR)

lint: setup
	$(BIN)/sqlfluff lint models analyses tests snapshots

# Two workers, one test file each at a time (a file's fixtures are built once). The two
# longest files (Spark, PostgreSQL) start first on separate workers: pytests/conftest.py
# orders them, and --no-loadscope-reorder keeps that order.
PYTEST_ARGS ?= -n 2 --dist loadfile --no-loadscope-reorder

pytest: setup
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint pytest

# The benchmark's default tier: 100k subscribers x 12 months on DuckDB and PostgreSQL
# (generated once into data/bench/; see README "Benchmark"). Not part of `make test`.
BENCH_ARGS ?= --subscribers 100000 --months 12 --postgres --json warehouse/bench-100k.json

bench: setup
	$(BIN)/subops bench $(BENCH_ARGS)

clean:
	rm -rf target logs warehouse data .pytest_cache
