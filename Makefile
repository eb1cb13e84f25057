# Two commands do all the setup on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
PORT   ?= 8866

.PHONY: serve test lint bench install install-dev chromium samples clean fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Reinstall when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[dev,bench]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

serve: install
	$(BIN)/cmtraining serve --port $(PORT)

# Debian's chromium for the browser tests: installed with apt when missing and we are root.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is missing: install Debian's chromium (apt-get install chromium) to run the browser tests"; \
	  fi; \
	fi

lint: install-dev
	$(BIN)/ruff check cmtraining tests bench

test: install-dev chromium lint
	$(BIN)/python -m pytest

# the property tests with fresh random cases, 1,000 per property (make test replays fixed ones)
fuzz: install-dev
	CMTRAINING_HYPOTHESIS=fuzz $(BIN)/python -m pytest -q -m "not browser" -p no:cacheprovider \
		$$(grep -rl "@given" tests)

bench: install-dev chromium
	$(BIN)/python bench/run.py

samples: install
	$(BIN)/python -m cmtraining.samples.generator

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis tests/artifacts
