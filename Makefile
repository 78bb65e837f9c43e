# Digit reader: a from-scratch NumPy network behind a FastAPI app.
# A newcomer needs only Python >= 3.11 and make:  `make run`  or  `make test`.
# `make run` installs only what the server needs (requirements.lock); `make test`, `make lint` and the
# other targets add the development tools (requirements-dev.lock) to the same .venv.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MNIST_DIR ?=
PYTEST_ARGS ?=
TRAIN_ARGS ?=
RUN ?= runs/train
# The fine-tune of `make train`: four cosine cycles from the main run, whose ends are averaged (model/training/averaging.py).
AVERAGE_ARGS := --learning-rate 0.03 --cycles 4 --epochs 120
DATA_DIR_ARG = $(if $(MNIST_DIR),--data-dir $(MNIST_DIR))
PIP_COMPILE_ARGS ?=
OUT ?= build/figures
MNIST_INDEX ?=
STROKES ?=
LAYER ?= 1
INDEX ?= 0

# Where `make run` listens is the server's own setting, DIGITS_HOST / DIGITS_PORT (app/settings.py), from the
# environment or make's command line alike: `DIGITS_PORT=8651 make run` or `make run DIGITS_PORT=8651`.
# HOST= and PORT= are refused rather than silently ignored.
ifneq ($(filter command line,$(origin HOST) $(origin PORT)),)
$(error make run listens where DIGITS_HOST= and DIGITS_PORT= say (for example make run DIGITS_PORT=8080); HOST= and PORT= are not read)
endif

# The front end's lint and type check (ESLint, TypeScript) come from package-lock.json, into node_modules;
# `npm ci` runs again only when package.json or the lock changed, as pip does for the venv.
NODE_STAMP := node_modules/.installed
NEED_NODE = @command -v node >/dev/null && command -v npm >/dev/null || { echo "Node.js >= 18.18 and npm are needed for the front end's lint and tests: apt-get install nodejs npm" >&2; exit 1; }

# Each stamp is newer than the files it installed, so a second `make run` or `make test` installs nothing
# unless one of them changed. RUN_STAMP: the runtime lock alone, without .pyc files (the server compiles what
# it imports); STAMP: the dev lock and the project (editable).
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench
# The system's pip installs into .venv when it can (pip >= 22.3: --python), so that `make run` neither waits
# for venv to install pip and setuptools nor keeps them (about 10 s and 25 MB); .venv gets its own pip
# when a dev target needs it (pip-compile imports it), or when the system has no such pip.
PIP = $(if $(wildcard $(BIN)/pip),$(PY) -m pip,$(PYTHON) -m pip --python $(PY)) install --quiet --disable-pip-version-check

.PHONY: help install run test test-all lint train figures bench lock docker docs-assets clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

install: $(STAMP) ## Create .venv with the locked dependencies, the dev tools and the project (editable)

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed, $(PYTHON) is " + sys.version.split()[0] + ": run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv --without-pip $(VENV)
	@$(PYTHON) -m pip --python $(PY) --version >/dev/null 2>&1 || $(PY) -m ensurepip --default-pip >/dev/null

$(RUN_STAMP): requirements.lock | $(PY)
	$(PIP) --no-compile --no-deps --require-hashes -r requirements.lock
	@touch $@

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml | $(PY)
	@test -x $(BIN)/pip || $(PY) -m ensurepip --upgrade --default-pip >/dev/null
	$(PIP) --require-hashes -r requirements-dev.lock
	$(PIP) --no-deps -e .
	@touch $@ $(RUN_STAMP)

run: $(RUN_STAMP) ## Serve the app on http://127.0.0.1:8000 (DIGITS_HOST=, DIGITS_PORT= to change it)
	$(PY) -m app

$(NODE_STAMP): package.json package-lock.json
	$(NEED_NODE)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test: $(STAMP) ## The fast suite, for after every change: node --test on the front end's pure modules, then pytest without the tests marked slow (PYTEST_ARGS=)
	$(NEED_NODE)
	node --test tests/static/js/
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

test-all: $(STAMP) ## The full suite (CI): the fast one plus Chromium, podman, wrk, schemathesis and the real servers
	$(NEED_NODE)
	node --test tests/static/js/
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP) $(NODE_STAMP) ## ruff, mypy --strict, the import contract (lint-imports), hadolint; ESLint and tsc --checkJs on static/js
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict app model benchmarks tests tools
	$(BIN)/lint-imports
	$(BIN)/hadolint Dockerfile
	node_modules/.bin/eslint .
	node_modules/.bin/tsc -p jsconfig.json

train: $(STAMP) ## Train the shipped model: the main run, then its averaged fine-tune (MNIST_DIR=, RUN=, about 1.5 hours on 2 cores)
	$(PY) -m model.training $(DATA_DIR_ARG) --out $(RUN)/main $(TRAIN_ARGS)
	$(PY) -m model.training $(DATA_DIR_ARG) --out $(RUN)/averaged \
		--init $(RUN)/main/weights.npz $(TRAIN_ARGS) $(AVERAGE_ARGS)

figures: $(STAMP) ## Write the article's figures as SVG into OUT= (MNIST_INDEX= or STROKES=; neuron LAYER=, INDEX=)
	$(PY) -m model.figures --out $(OUT) --layer $(LAYER) --index $(INDEX) \
		$(if $(MNIST_INDEX),--mnist-index $(MNIST_INDEX) $(DATA_DIR_ARG)) $(if $(STROKES),--strokes $(STROKES))

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	@touch $@

bench: $(BENCH_STAMP) ## Run the benchmarks (installs the bench extra: torch; serving needs wrk: apt-get install wrk)
	$(PY) benchmarks/serve.py
	$(PY) benchmarks/stages.py
	$(PY) benchmarks/pictures.py
	OPENBLAS_NUM_THREADS=1 $(PY) benchmarks/inference.py
	$(PY) benchmarks/train_speed.py
	$(PY) benchmarks/learn_load.py

lock: $(STAMP) ## Regenerate the lock files from pyproject.toml (PIP_COMPILE_ARGS=--upgrade to update pins)
	$(PY) -m pip install --quiet --disable-pip-version-check pip-tools
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet $(PIP_COMPILE_ARGS) --generate-hashes --allow-unsafe \
		--strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet $(PIP_COMPILE_ARGS) --generate-hashes --allow-unsafe \
		--strip-extras --no-emit-index-url --no-emit-find-links --extra dev --extra train \
		-o requirements-dev.lock pyproject.toml

docs-assets: $(STAMP) ## Remake the README's screenshots and example answer from the running app (Chromium, Playwright)
	$(PY) tools/docs_assets.py

docker: ## Build the container image digit-reader (needs a Docker engine)
	docker build -t digit-reader .

clean: ## Remove caches (keeps .venv and node_modules)
	rm -rf .cache .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
