# Two commands do everything on a fresh machine with Python 3.11.5 or newer and pip:
#   make report   set up .venv and build the memo from the bundled data
#   make test     set up .venv and run the test suite
# The oldest Python requirements.lock installs on, read from pyproject.toml.
PYTHON_MIN := $(shell sed -n 's/^requires-python = ">=\(.*\)"/\1/p' pyproject.toml)
# The first of python3.11, python3.12, python3.13, python3 that is new enough
# (else python3.11 or python3, which the check below then refuses in one line).
ifndef PYTHON
PYTHON := $(shell for p in python3.11 python3.12 python3.13 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info[:3] < tuple(map(int, "$(PYTHON_MIN)".split("."))))' 2>/dev/null \
	&& { command -v $$p; exit 0; }; done; command -v python3.11 || command -v python3)
endif
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# JupyterLab at the project root (notebooks/ and outputs/ both reachable),
# opening notebooks/; published files (no write bits) open read-only.
LAB_ARGS := --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks \
	--ServerApp.contents_manager_class=evaluation.run.lab.ReadOnlyAwareContentsManager

.PHONY: report test lab validate bench browser clean check-python

CHECK_PYTHON = v=$$($(PYTHON) -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null); \
	printf '%s\n%s\n' "$(PYTHON_MIN)" "$$v" | sort -V -C || \
	{ echo "error: Python $(PYTHON_MIN) or newer is needed; $(PYTHON) is $${v:-not runnable} (give another: make PYTHON=python3.12 ...)" >&2; exit 1; }

$(STAMP): pyproject.toml requirements.lock
	@$(CHECK_PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@# What a first run would otherwise do itself: compile the package and
	@# build matplotlib's font list in the tool's cache folder.
	$(BIN)/python -m compileall -q evaluation
	$(BIN)/python -m evaluation.run.caches >/dev/null
	touch $(STAMP)

check-python:
	@$(CHECK_PYTHON)

report: $(STAMP)
	$(BIN)/evaluation run

test: $(STAMP) browser
	$(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/evaluation validate

lab: $(STAMP)
	$(BIN)/jupyter lab $(LAB_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Debian's Chromium for the browser and PDF tests (its own download does not
# work offline).  Skipped when it is already there or apt is not available.
browser:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "note: chromium not installed; browser tests will be skipped"; }

clean:
	rm -rf $(VENV) outputs/*/
