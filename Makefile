# Two commands do everything on a fresh machine:
#   make run   set up, execute every notebook (two at a time: JOBS=1 for one after
#              another), print the results, build the course site (build/html/index.html)
#   make test  set up, then ruff, unit tests + nbval over every notebook (smoke profile)
#   make test-real DATA=/path/to/acv-data
#              every notebook again under nbval on real data and weights, offline
#   make test-oldest
#              every notebook's smoke profile rehearsed under nbval (each data set cut to
#              one batch) in a second environment, .venv-oldest: the oldest TensorFlow
#              and Keras we support (pyproject.toml, [tool.acv.oldest]), every other pin
#              as it is
#   make rehearse
#              every notebook's full profile rehearsed (tools/rehearse.py): the
#              course's settings with each data set cut to one batch, one epoch per
#              fit; on the stand-ins and, side by side, on $(DATA) where it exists
#   make badges  the Colab badges and install cells, from pyproject.toml's Repository
#   make reference DATA=/path/to/acv-data
#              our reference runs (cpu) on real data: reference/cpu/*.json, the
#              README's results table and the figures drawn from them
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
# A data folder laid out as ACV_DATA_DIR expects (README, "Running offline").
DATA ?= ../shared/data
# Notebooks executed at the same time by make run and make reference, each in its own kernel:
# one notebook keeps 2 cores about 70 % busy, two keep them busy (README, "How long make run takes").
JOBS ?= 2
# nbval over JOBS notebooks at a time (pytest-xdist; --dist loadfile keeps a notebook's cells in
# order in one worker and one kernel), for the same reason.
NBVAL := $(PY) -m pytest --nbval-lax --nbval-cell-timeout=600 -p no:cacheprovider -n $(JOBS) --dist loadfile

.PHONY: setup run test test-real test-oldest rehearse reference badges lab clean

setup: $(STAMP)

# Re-install whenever the pins change.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(STAMP)

run: setup
	$(PY) -m tools.runner --jobs $(JOBS) $(NOTEBOOKS)
	$(PY) -m tools.figures
	$(PY) -m tools.site

# Unit tests, then every notebook under nbval in the smoke profile. Smoke
# metrics go to build/smoke so they never overwrite those of 'make run'.
test: setup
	$(VENV)/bin/ruff check helpers tools tests notebooks
	$(PY) -m pytest tests --durations=15
	ACV_PROFILE=smoke ACV_BUILD_DIR=build/smoke $(NBVAL) $(NOTEBOOKS)

# The same notebooks on the real data and weights in $(DATA), offline (smoke
# profile), then a check that they really used them: a notebook that silently
# fell back to a stand-in would skip its real-data checks.
test-real: setup
	@test -d "$(DATA)" || { echo "no data folder at $(DATA); run: make test-real DATA=/path/to/acv-data"; exit 2; }
	ACV_PROFILE=smoke ACV_OFFLINE=1 ACV_DATA_DIR="$(abspath $(DATA))" ACV_BUILD_DIR=build/smoke-real \
		$(NBVAL) $(NOTEBOOKS)
	ACV_REAL_METRICS=build/smoke-real/metrics ACV_DATA_DIR="$(abspath $(DATA))" \
		$(PY) -m pytest -q -p no:cacheprovider tests/test_real_run.py

# The oldest supported TensorFlow and Keras (pyproject.toml, [tool.acv.oldest]) in an environment
# of their own, every other pin as in .venv: the minimums the setup cell enforces
# (helpers.course.session.MIN_VERSIONS) are the versions this pass runs. A rehearsal, so that it
# fits CI's budget: every call the notebooks make runs on these versions; smoke's numbers are
# checked in .venv by make test.
OLDEST := .venv-oldest
OLDEST_STAMP := $(OLDEST)/.installed
$(OLDEST_STAMP): pyproject.toml $(STAMP)
	test -x $(OLDEST)/bin/python || $(PYTHON) -m venv $(OLDEST)
	$(PY) -m tools.oldest > $(OLDEST)/requirements.txt
	$(OLDEST)/bin/python -m pip install --quiet --upgrade pip
	$(OLDEST)/bin/python -m pip install --quiet -r $(OLDEST)/requirements.txt
	$(OLDEST)/bin/python -m pip install --quiet --no-deps -e .
	touch $(OLDEST_STAMP)

test-oldest: $(OLDEST_STAMP)
	ACV_PROFILE=smoke ACV_REHEARSAL=1 ACV_BUILD_DIR=build/smoke-oldest $(subst $(PY),$(OLDEST)/bin/python,$(NBVAL)) --nbval-current-env $(NOTEBOOKS)

# The full profile's code paths, in minutes: what a learner's GPU run would meet first.
# Two passes side by side (tools/rehearse.py): on the stand-ins, and on $(DATA)
# where it exists; each ends with a table of seconds, peak memory and the memory
# projected for full. Their nbval logs: build/rehearsal*/nbval.log.
rehearse: setup
	$(PY) -m tools.rehearse run --data "$(DATA)" $(NOTEBOOKS)

# The reference runs that the notebooks, the README and the site quote: every
# notebook with real data in $(DATA) under the cpu profile, offline. Their records
# are kept in reference/cpu/; the README's results table is generated from them.
REFERENCE_NOTEBOOKS ?= $(filter-out notebooks/00_%,$(NOTEBOOKS))
reference: setup
	@test -d "$(DATA)" || { echo "no data folder at $(DATA); run: make reference DATA=/path/to/acv-data"; exit 2; }
	ACV_PROFILE=cpu ACV_REFERENCE=1 ACV_OFFLINE=1 ACV_DATA_DIR="$(abspath $(DATA))" ACV_BUILD_DIR=build/reference \
		$(PY) -m tools.runner --jobs $(JOBS) $(REFERENCE_NOTEBOOKS) --out build/reference/executed
	mkdir -p reference/cpu
	cp build/reference/metrics/*.json reference/cpu/
	$(PY) -m tools.readme_results --readme
	$(PY) -m tools.figures --out screenshots --executed build/reference/executed

# Every notebook's "Open in Colab" badge and Colab install cell, from the one address in
# pyproject.toml ([project.urls] Repository).
badges: setup
	$(PY) -m tools.badges

# Jupyter refuses to start as root (Docker, many cloud notebooks) without --allow-root.
lab: setup
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks

clean:
	rm -rf build
