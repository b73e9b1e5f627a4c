# ehcp: two commands on a fresh machine.
#   make demo   - create .venv, install (pinned), create the default SQLite database, run the demo
#   make test   - the whole test suite (SQLite and PostgreSQL); .ci/run calls exactly this
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test install bench check clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/ehcp demo

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

check: $(STAMP)
	$(BIN)/ehcp db check

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
