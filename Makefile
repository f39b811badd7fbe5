# AICR (Python). `make run` and `make test` do all set-up themselves on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE_CRITERIA := --service eks --accelerator h100 --intent training --os ubuntu --platform kubeflow

.PHONY: run test lint typecheck unit bench docs clean setup buildinfo

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,server]' --config-settings editable_mode=compat
	touch $(STAMP)

setup: $(STAMP) buildinfo

buildinfo:
	@printf 'COMMIT = "%s"\nDATE = "%s"\n' \
		"$$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
		"$$(git log -1 --format=%cs 2>/dev/null || date -u +%F)" > src/aicr/_buildinfo.py
	@$(BIN)/python -c "import aicr.catalog.catalog as c; c.load_catalog()" >/dev/null

run: setup
	$(BIN)/aicr recipe $(EXAMPLE_CRITERIA)
	@if $(BIN)/aicr bundle --help >/dev/null 2>&1; then \
		$(BIN)/aicr recipe $(EXAMPLE_CRITERIA) -o out/recipe.yaml >/dev/null && \
		rm -rf bundle && $(BIN)/aicr bundle -r out/recipe.yaml -o bundle; fi

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: setup
	$(BIN)/mypy --strict src/

unit: setup
	$(BIN)/pytest

test: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy --strict src/
	$(BIN)/pytest

docs: setup
	$(BIN)/python -m aicr.catalog.docgen > docs/catalog.md

bench: setup
	bash benchmarks/run.sh

clean:
	rm -rf $(VENV) build dist src/*.egg-info src/aicr/catalog/_compiled src/aicr/_buildinfo.py
