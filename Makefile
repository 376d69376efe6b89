# The README's two commands: `make synth` and `make test`. Both set everything up first.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= examples/single-vpc.yaml

# Keep the CDK CLI and jsii quiet and offline: no version check, telemetry, notices,
# instance-metadata probes or end-of-life banners.
export CDK_DISABLE_VERSION_CHECK := 1
export CDK_DISABLE_CLI_TELEMETRY := true
export AWS_EC2_METADATA_DISABLED := true
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: setup synth test lint format snapshot-update schema bench clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

synth: setup
	npx cdk synth --quiet --no-notices -c config=$(CONFIG)
	@echo "templates written to cdk.out/"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy multivpc app.py tests $(wildcard bench/*.py)
	$(BIN)/lint-imports --no-cache

test: lint
	$(BIN)/python -m pytest

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Snapshots change only through this explicit command; reviewers read the diff.
snapshot-update: setup
	$(BIN)/python -m pytest tests/stacks/test_snapshots.py --snapshot-update

schema: setup
	$(BIN)/multivpc schema --output schema/multivpc.schema.json

# Writes bench/results.json and renders bench/RESULTS.md from it; BENCH_ARGS=--quick for a smoke run.
bench: setup
	$(BIN)/python bench/synth_bench.py $(BENCH_ARGS)

clean:
	rm -rf cdk.out .pytest_cache .mypy_cache .ruff_cache
