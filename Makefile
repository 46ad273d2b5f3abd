# Two commands set everything up on a fresh machine:
#   make demo   install begroot in .venv, build the bundled demo budget and serve it
#   make test   install begroot with its test dependencies and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP_QUIET ?= -q

.PHONY: install demo test bench screenshots clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_QUIET) --upgrade pip
	$(PY) -m pip install $(PIP_QUIET) -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(VENV)/bin/begroot demo

test: install
	$(PY) -m pytest

# benchmarks with MkDocs, Hugo and pandas side by side; writes docs/performance.md
bench: install
	$(PY) -m pip install $(PIP_QUIET) -e '.[test,bench]'
	$(PY) -m benchmarks

# every page type at 390 and 1280 px, light and dark, into screenshots/ (needs /usr/bin/chromium)
screenshots: install
	$(PY) tools/screenshots.py --out screenshots

clean:
	rm -rf $(VENV) site .pytest_cache
