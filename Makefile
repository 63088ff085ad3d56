# Two commands for a fresh clone:  `make run` (install + open the window)  and  `make test`.
# TORCH picks the PyTorch build; the default is the CPU build. For a CUDA build, pass the
# install command from PyTorch's "Get Started" page, e.g.
#   make run TORCH="torch==2.13.0 --index-url <the CUDA wheel index it names>"
PYTHON ?= python3
VENV ?= .venv
TORCH ?= torch==2.13.0
PY := $(VENV)/bin/python

.PHONY: install run test bench

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(TORCH)
	$(PY) -m pip install --quiet -e ".[test,cluster]"
	touch $@

run: install
	$(PY) -m tagger_gui

test: install
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: install
	$(PY) benchmarks/ewt.py
