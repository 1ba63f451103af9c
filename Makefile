# MAESTRO Assistant. Quick start: `make chat` (sets up and opens the assistant), `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The app never fetches litellm's price map; tests and tools get the same setting.
export LITELLM_LOCAL_MODEL_COST_MAP := True

.PHONY: setup chat test check lint typecheck contracts coverage bench lock clean

setup: $(STAMP)

# Rebuilt only when the lock or the project metadata changes, so `make setup` is idempotent and cheap.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# The main job: the terminal assistant (offline on the rules engine unless a model is configured).
chat: setup
	@$(BIN)/maestro-tm chat

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: setup
	$(BIN)/mypy

# Package boundaries (pyproject.toml [tool.importlinter]; docs/ARCHITECTURE.md draws them).
contracts: setup
	$(BIN)/lint-imports --no-logo

# The tests under coverage, on both cores, failing below the floor in pyproject.toml
# ([tool.coverage.report]). Each worker is measured through coverage's start-up hook.
coverage: setup
	$(BIN)/python -m coverage erase
	COVERAGE_PROCESS_START=$(CURDIR)/pyproject.toml $(BIN)/python -m coverage run -m pytest -q -n 2
	$(BIN)/python -m coverage combine -q
	$(BIN)/python -m coverage report

# What CI runs (.ci/run): format, lint, types, boundaries, then the tests with coverage.
check: lint typecheck contracts coverage

bench: setup
	$(BIN)/python -m pytest benchmarks -q --benchmark-enable --benchmark-only -o testpaths=benchmarks -o python_files="bench_*.py"
	$(BIN)/python benchmarks/cli_startup.py
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_retrieval.py
	$(BIN)/python benchmarks/bench_extraction.py
	$(BIN)/python benchmarks/bench_analyze.py
	$(BIN)/python benchmarks/bench_tui.py --quick
	$(BIN)/python benchmarks/bench_integrations.py

# Recompute the shipped passage vectors after editing knowledge/ (a test fails while they are stale).
.PHONY: vectors
vectors: setup
	$(BIN)/python -m assistant.retrieval.prebuilt

# Regenerate the hash-pinned lock after editing pyproject.toml (needs `uv`: pip install uv).
lock:
	uv pip compile pyproject.toml --group test --group static --group build --generate-hashes \
		--universal --python-version 3.11 -o requirements.lock --quiet --custom-compile-command "make lock"

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .benchmarks .coverage .grimp_cache .import_linter_cache
