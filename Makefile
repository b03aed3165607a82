# Two commands on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt

.PHONY: run test check venv install install-dev clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

venv: $(BIN)/python

install: venv
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[report]"

install-dev: venv
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[dev,video,report,web,scale]"

run: install
	$(BIN)/extensor demo

test: install-dev
	PATH="$(abspath $(BIN)):$$PATH" bash scripts/check

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build dist
