# ehcp: two commands on a fresh machine.
#   make demo   - create .venv, install (pinned), create the default SQLite database, run the demo
#   make test   - the whole test suite (SQLite and PostgreSQL)
#   make check  - ruff, mypy (ehcp, calendars) and `ehcp db check`; .ci/run runs it before make test
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

# `ehcp db check` (models vs migrations) runs on a scratch SQLite database migrated to head, so it
# passes or fails the same on a fresh machine (CI) as on a developer's, whatever EHCP_DATABASE_URL is.
check: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/mypy
	@scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	  export EHCP_DATABASE_URL="sqlite:///$$scratch/check.sqlite3" EHCP_USER=make-check && \
	  $(BIN)/ehcp db upgrade && $(BIN)/ehcp db check

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache .ruff_cache
