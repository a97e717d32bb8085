# Two entry points: `make run` and `make test`. Both install what is missing first, and are quiet when
# everything is already in place.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := golang-go golang-github-vmware-govmomi-dev chromium openssl haproxy
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test setup apt sim bench screenshots

# `make run REPLICAS=2`: that many plug-in server replicas behind HAProxy (deploy/haproxy.cfg) instead of one.
REPLICAS ?= 1

run: setup
	@if [ "$(REPLICAS)" -gt 1 ]; then $(PY) -m deploy.replicas $(REPLICAS); else $(PY) -m sim.embedded; fi

test: setup
	@$(PY) -m pytest -q

setup: apt $(VENV)/.installed node_modules/.installed sim

apt:
	@missing=$$(for p in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	    echo "Installing Debian packages:" $$missing; \
	    $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

$(VENV)/.installed: pyproject.toml
	@echo "Installing the Python environment in $(VENV)"
	@python3 -m venv $(VENV)
	@$(VENV)/bin/pip install -q --disable-pip-version-check -e '.[test]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	@npm ci --no-audit --no-fund --ignore-scripts --silent && touch $@

sim: $(VENV)/.installed
	@$(PY) -m sim.build

bench: setup
	@$(PY) bench/all.py

screenshots: setup
	@PYTHONPATH=. $(PY) tools/screenshots.py
