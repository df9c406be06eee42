# The README's commands. Everything the project needs is installed by these targets.
#
# Installs come from uv.lock (exact versions, with hashes) through uv, which is itself
# pinned with hashes in tools/uv.txt and installed with the Python this machine has.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TOOLS  := .tools
UV     := $(TOOLS)/bin/uv
# uv uses the Python given here and never downloads one; .venv is the project environment.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Bytecode compiled once at install: where PYTHONDONTWRITEBYTECODE is set (containers, CI
# images), every run would otherwise compile each module it imports again (~1 s per run).
export UV_COMPILE_BYTECODE := 1
# The quick tier of the tests (no SSH, no lab, no browser): well under a minute.
QUICK := tests/unit
# The documentation site's build output: thrown away, never committed.
DOCS_SITE := .site

.PHONY: install demo test test-latest lock lint format clean browser sshd docs

# Headless Chromium renders the reports in the browser tests and `netaccept pdf`.
CHROMIUM := $(shell command -v chromium || command -v chromium-browser || command -v google-chrome)

$(UV): tools/uv.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install -qq --require-hashes --no-deps -r tools/uv.txt
	touch $(UV)

# --locked: exactly what uv.lock says, and a refusal if pyproject.toml changed since the
# lock was made (run `make lock`). --exact: whatever else is in .venv is removed.
$(STAMP): pyproject.toml uv.lock $(UV) Makefile
	$(UV) sync --locked --exact --extra dev --python $(PYTHON) --quiet
	$(BIN)/python -m compileall -q netaccept
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)  ## start the simulated lab, run the acceptance suite over SSH, write reports/
	$(BIN)/netaccept demo

browser:  ## Debian's chromium for the browser tests and PDF (needs root or sudo)
ifeq ($(CHROMIUM),)
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
endif

# A real OpenSSH server (and client) for the tests that prove netaccept against an sshd
# nobody here wrote: tests/sshd.py starts it on 127.0.0.1 with its own config.
sshd:  ## Debian's openssh-server and openssh-client for the sshd tests (needs root or sudo)
ifeq ($(wildcard /usr/sbin/sshd),)
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		openssh-server openssh-client
endif

test: $(STAMP) browser sshd docs  ## the project's tests and the documentation's strict build (CI runs exactly this)
	$(BIN)/python -m pytest

# --strict: a broken link or anchor, or a page missing from the nav, fails the build.
# NO_MKDOCS_2_WARNING: Material's notice of its end of life (May 2027), not a build warning.
docs: $(STAMP)  ## build the documentation site (mkdocs.yml, docs/) into .site/
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir $(DOCS_SITE)

lock: $(UV)  ## refresh uv.lock (and uv's own pin) to the newest versions pyproject.toml allows
	$(UV) lock --upgrade --python $(PYTHON)
	echo uv | $(UV) pip compile - --universal --generate-hashes --upgrade --quiet \
		--custom-compile-command "make lock" -o tools/uv.txt

# The newest versions pyproject.toml's ranges allow, in a throw-away environment, against the
# quick tier: an upstream release that breaks netaccept is found here, not by a red CI.
test-latest: $(UV)  ## the quick tests on the newest allowed versions (not the lock)
	@set -e; env=$$(mktemp -d); trap 'rm -rf "$$env"' EXIT; \
	$(UV) venv --quiet --python $(PYTHON) "$$env"; \
	VIRTUAL_ENV="$$env" $(UV) pip install --quiet --refresh --upgrade -e '.[dev]'; \
	echo "test-latest: the versions picked (differences from uv.lock marked with *):"; \
	VIRTUAL_ENV="$$env" $(UV) pip freeze --exclude-editable | $(PYTHON) tools/lockdiff.py uv.lock; \
	"$$env/bin/python" -m pytest $(QUICK) -q -p no:cacheprovider

lint: $(STAMP)  ## ruff (lint, complexity <= 15, format), mypy, the import contracts, codespell
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/codespell

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache $(DOCS_SITE)

.PHONY: bench
bench: $(STAMP)  ## the benchmark (bench/): netaccept run vs a raw SSH floor and the alternatives
	$(BIN)/python -m bench.run $(BENCH_ARGS)

.PHONY: soak
soak: $(STAMP)  ## 500 lab routers, 5% with random faults, one run: every verdict and reason checked
	$(BIN)/python -m bench.soak $(SOAK_ARGS)
