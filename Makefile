# The README's commands. Everything the project needs is installed by these targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint format clean browser

# Headless Chromium renders the reports in the browser tests and `netaccept pdf`.
CHROMIUM := $(shell command -v chromium || command -v chromium-browser || command -v google-chrome)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)  ## start the simulated lab, run the acceptance suite over SSH, write reports/
	$(BIN)/netaccept demo

browser:  ## Debian's chromium for the browser tests and PDF (needs root or sudo)
ifeq ($(CHROMIUM),)
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
endif

test: $(STAMP) browser  ## the project's tests (CI runs exactly this)
	$(BIN)/python -m pytest

lint: $(STAMP)  ## ruff (lint and format) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

.PHONY: bench
bench: $(STAMP)  ## the benchmark (bench/): netaccept run vs a raw SSH floor and the alternatives
	$(BIN)/python -m bench.run $(BENCH_ARGS)

.PHONY: soak
soak: $(STAMP)  ## 500 lab routers, 5% with random faults, one run: every verdict and reason checked
	$(BIN)/python -m bench.soak $(SOAK_ARGS)
