# Two commands do everything on a fresh machine:
#   make run   set up, execute every notebook, print the results, build the reader
#              (build/html/index.html)
#   make test  set up, then unit tests + nbval over every notebook (smoke profile)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))

.PHONY: setup run test lab clean

setup: $(STAMP)

# Re-install whenever the pins change.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(STAMP)

run: setup
	$(PY) -m helpers.runner $(NOTEBOOKS)
	$(PY) -m helpers.figures
	$(PY) -m helpers.reader

# Unit tests, then every notebook under nbval in the smoke profile. Smoke
# metrics go to build/smoke so they never overwrite those of 'make run'.
test: setup
	$(PY) -m pytest tests
	ACV_PROFILE=smoke ACV_BUILD_DIR=build/smoke $(PY) -m pytest --nbval-lax \
		--nbval-cell-timeout=600 -p no:cacheprovider $(NOTEBOOKS)

lab: setup
	$(VENV)/bin/jupyter lab notebooks

clean:
	rm -rf build
