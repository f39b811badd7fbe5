# AICR (Python). `make run` and `make test` do all set-up themselves on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE_CRITERIA := --service eks --accelerator h100 --intent training --os ubuntu --platform kubeflow

# Images (docs/images.md): one place for their names; every setting can be overridden on the
# command line or in the environment (make images IMAGE_REGISTRY=registry.example/aicr IMAGE_TAG=v1).
BASE_IMAGE ?= localhost/aicr-base:bookworm
IMAGE_REGISTRY ?= localhost
IMAGE_TAG ?=
CONTAINERS_CONF ?= $(CURDIR)/images/containers.conf
export CONTAINERS_CONF
IMAGE_ENV := BASE=$(BASE_IMAGE) IMAGE_REGISTRY=$(IMAGE_REGISTRY) IMAGE_TAG=$(IMAGE_TAG)
TOOLS := .venv-tools

.PHONY: run test lint typecheck unit bench bench-ratio docs clean setup buildinfo \
	base-image image-context images image-test release-artifacts

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
	$(BIN)/mypy --strict --explicit-package-bases tests/

unit: setup
	$(BIN)/pytest

test: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy --strict src/
	$(BIN)/mypy --strict --explicit-package-bases tests/
	$(BIN)/pytest
	@# the image tests ran above (marker `images`); in CI a missing podman fails them.

docs: setup
	$(BIN)/python -m aicr.catalog.docgen > docs/catalog.md

bench: setup
	bash benchmarks/run.sh

bench-ratio: setup
	bash benchmarks/bench_ratio.sh

base-image:
	images/base-image.sh $(BASE_IMAGE)

image-context: setup
	PYTHON=$(BIN)/python images/context.sh >/dev/null

images: base-image image-context
	$(IMAGE_ENV) images/build.sh

image-test: setup
	$(IMAGE_ENV) $(BIN)/pytest -m images tests/images

# SBOMs and provenance into dist/. The SBOM tool (cyclonedx-bom) lives in its own venv, never the
# runtime one: importing it next to jsonschema/kubernetes slows their imports (testing-infra.md §5).
release-artifacts: images
	$(IMAGE_ENV) PYTHON=$(BIN)/python CYCLONEDX_PY=$$(PYTHON_FOR_TOOLS=$(PYTHON) images/tools-venv.sh $(TOOLS)) \
		images/release-artifacts.sh

clean:
	rm -rf $(VENV) $(TOOLS) build dist src/*.egg-info src/aicr/catalog/_compiled src/aicr/_buildinfo.py
