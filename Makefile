# Two entry points for people: `make run` and `make test`. Everything else here is set-up they share.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
WHYREC := $(VENV)/bin/whyrec

# Use the shared copy of the datasets when it sits beside the checkout (CI and development);
# elsewhere the loader downloads the official MovieLens zip.
ifneq ($(wildcard ../shared/data/ml-latest-small),)
export WHYREC_DATA_DIR ?= $(abspath ../shared/data)
endif
# Nothing loads weights from a hub at run time; llama.cpp builds portably.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF

.PHONY: run test install install-dev prepare lint typecheck pytest browser clean audit

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# torch is installed first and pinned: the local CPU wheel, never the CUDA build.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet "torch==2.13.0"
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.dev-installed

prepare: install
	$(WHYREC) prepare

run: prepare
	$(WHYREC) chat

# Debian's Chromium for the browser tests (never a downloaded browser), and an emoji font for the page's 👍/👎.
BROWSER_PKGS := chromium fonts-noto-color-emoji
browser:
	@{ command -v chromium && fc-list | grep -qi "color emoji"; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(BROWSER_PKGS) >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq $(BROWSER_PKGS) >/dev/null; fi; }

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy sees the repository root as the `whyrec` package through a link outside the tree it walks.
typecheck: install-dev
	@mkdir -p .typecheck && ln -sfn "$(CURDIR)" .typecheck/whyrec
	$(VENV)/bin/mypy

pytest: install-dev prepare browser
	$(PY) -m pytest

test: lint typecheck pytest

# Known vulnerabilities in the installed dependencies (needs PyPI's vulnerability data: not part of `make test`,
# because mirrors without it report every package as "not found on PyPI").
audit: install-dev
	$(VENV)/bin/pip-audit --progress-spinner off

clean:
	rm -rf $(VENV) .typecheck .pytest_cache .mypy_cache .ruff_cache build *.egg-info test-artifacts
