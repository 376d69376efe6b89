# The README's two commands: `make synth` and `make test`. Both set everything up first.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= examples/hub-and-spoke.yaml

# Exact versions of everything installed live in lock files made by uv (`make lock`):
# requirements/dev.lock for the app, its dev tools and CI (from pyproject.toml, which
# declares ranges), requirements/checkov.lock for checkov's own virtualenv.
LOCK := requirements/dev.lock
CHECKOV_LOCK := requirements/checkov.lock
UV := $(BIN)/uv
LOCK_ARGS ?=
UV_COMPILE = $(UV) pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" $(LOCK_ARGS)

CHECKOV_VENV := .venv-checkov
CHECKOV_OUT := cdk.out.checkov

# Keep the CDK CLI and jsii quiet and offline: no version check, telemetry, notices,
# instance-metadata probes or end-of-life banners.
export CDK_DISABLE_VERSION_CHECK := 1
export CDK_DISABLE_CLI_TELEMETRY := true
export AWS_EC2_METADATA_DISABLED := true
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: setup synth check test lint checkov format snapshot-update schema bench lock mutate clean

# pytest runs in this many worker processes (pytest-xdist), each with its own emulator on
# its own loopback port. Tests go out one at a time, the long deploy and end-to-end tests
# first (tests/conftest.py orders them), so no long test is left to run alone at the end.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL = -n $(PYTEST_WORKERS) --dist load --maxschedchunk 1

# uv itself comes from the lock (hash-checked by pip), then makes the venv exactly the lock
# (hashes checked; what the lock no longer lists is removed) plus multivpc, editable and
# without dependencies. One sync for both, so multivpc never disappears from a shared venv.
$(VENV)/.installed: $(LOCK) pyproject.toml
	python3 -m venv $(VENV)
	awk '/^uv==/ {keep = 1; print; next} /^[^ #]/ {keep = 0} keep' $(LOCK) > $(VENV)/uv.lock.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
		-r $(VENV)/uv.lock.txt
	echo "-e $(CURDIR)" > $(VENV)/editable.txt
	$(UV) pip sync --quiet --python $(BIN)/python $(LOCK) $(VENV)/editable.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

# Regenerates both locks, keeping every pin that still satisfies pyproject.toml.
# Upgrades: `make lock LOCK_ARGS=--upgrade` (all) or LOCK_ARGS=--upgrade-package=NAME.
lock: $(VENV)/.installed
	$(UV_COMPILE) pyproject.toml --extra dev -o $(LOCK)
	$(UV_COMPILE) requirements/checkov.in -o $(CHECKOV_LOCK)

# With a cdk.out from an earlier synth, prints what changed against it (multivpc diff):
# replacements show before `cdk deploy`. It informs; it never fails the synth.
synth: setup
	@previous=$$(mktemp -d); \
	if [ -f cdk.out/manifest.json ]; then cp -r cdk.out "$$previous/cdk.out"; fi; \
	npx cdk synth --quiet --no-notices -c config=$(CONFIG) || { rm -rf "$$previous"; exit 1; }; \
	echo "templates written to cdk.out/"; \
	if [ -d "$$previous/cdk.out" ]; then \
		echo "changes against the previous cdk.out (multivpc diff):"; \
		$(BIN)/multivpc diff "$$previous/cdk.out" cdk.out || true; \
	fi; \
	rm -rf "$$previous"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy multivpc app.py tests tools $(wildcard bench/*.py)
	$(BIN)/lint-imports --no-cache

# The inner loop: lint and every test that needs neither the emulator nor the CDK CLI.
check: lint
	$(BIN)/python -m pytest -m "not deploy and not e2e" $(PYTEST_PARALLEL)

# Everything (CI runs this): lint, checkov, and every test, deploy and end-to-end included.
# lint (mypy, single-threaded) and checkov (synth, then a single-threaded scan) run side by
# side on the two cores, each target's output kept together; then pytest in two workers.
test: setup
	$(MAKE) --no-print-directory -j2 --output-sync=target lint checkov
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

# checkov has its own virtualenv: its pins conflict with pytest 9 (see requirements/checkov.in).
$(CHECKOV_VENV)/.installed: $(CHECKOV_LOCK) $(VENV)/.installed
	python3 -m venv --without-pip $(CHECKOV_VENV)
	$(UV) pip sync --quiet --python $(CHECKOV_VENV)/bin/python --require-hashes $(CHECKOV_LOCK)
	touch $@

# Every example synthesized (cdk-nag and CDK's validation are tested elsewhere), then
# checkov offline. Any failed check fails; skips, each with its reason, are in .checkov.yaml.
checkov: setup $(CHECKOV_VENV)/.installed
	rm -rf $(CHECKOV_OUT)
	for config in examples/*.yaml; do \
		case "$$config" in *.lock.yaml) continue;; esac; \
		CDK_VALIDATION=false $(BIN)/multivpc synth "$$config" --no-checks \
			--out $(CHECKOV_OUT)/$$(basename "$$config" .yaml) || exit 1; \
	done
	$(CHECKOV_VENV)/bin/checkov -d $(CHECKOV_OUT) --config-file .checkov.yaml \
		--framework cloudformation --skip-download --quiet --compact

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Snapshots change only through this explicit command; reviewers read the diff.
snapshot-update: setup
	$(BIN)/python -m pytest tests/stacks/test_snapshots.py --snapshot-update

schema: setup
	$(BIN)/multivpc schema --output schema/multivpc.schema.json
	$(BIN)/multivpc schema --lock --output schema/lock/multivpc-lock.schema.json

# Writes bench/results.json and renders bench/RESULTS.md from it; BENCH_ARGS=--quick for a smoke run.
bench: setup
	$(BIN)/python bench/synth_bench.py $(BENCH_ARGS)

# Mutation testing (not in CI): mutmut over MODULE (paths under [tool.mutmut] only_mutate),
# resumable (state in mutants/; delete it to start over), score and survivors written to
# mutation/RESULTS.md. Example: make mutate MODULE=multivpc/plan
MODULE ?= multivpc/plan multivpc/topology multivpc/rules
mutate: setup
	CDK_VALIDATION=false $(BIN)/python tools/mutate.py $(MODULE)

clean:
	rm -rf cdk.out $(CHECKOV_OUT) .pytest_cache .mypy_cache .ruff_cache
