# Dispute handling centre: set-up, run, test.
#
#   make run     set everything up and start a centre on SQLite with demo data
#   make test    set everything up and run the whole test suite
#   make help    list all targets
#
# Only Python 3.11+ is needed; everything else is installed by these targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Re-run pip only when pyproject.toml changes (or the venv is new).
STAMP  := $(VENV)/.installed-from-pyproject

HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n auto

export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Directories that are not the project's own sources (never searched for translations).
NOT_OURS := -path ./.venv -o -path ./.git -o -path ./var -o -path ./staticfiles -o -path ./node_modules

.PHONY: help venv deps messages fonts migrate run test lint bench clean

help:
	@echo "make run      set up (system packages, venv, translations, database, reference + demo data)"
	@echo "              and start the centre on http://$(HOST):$(PORT)/ with a Celery worker + beat"
	@echo "make test     set up and run the whole test suite (PYTEST_ARGS='$(PYTEST_ARGS)')"
	@echo "make lint     ruff check, ruff format --check, lint-imports, manage.py check, makemigrations --check"
	@echo "make bench    run the benchmarks (python -m benchmarks), if benchmarks/ exists"
	@echo "make venv     create $(VENV) and pip install -e '.[test]' (again only when pyproject.toml changes)"
	@echo "make deps     install missing Debian packages the tests need (scripts/system-deps.sh)"
	@echo "make messages compile translations (.po -> .mo)"
	@echo "make fonts    cut the CJK faces to the forms' characters, into var/fonts (once, ~20 s)"
	@echo "make migrate  apply database migrations"
	@echo "make clean    delete everything generated: $(VENV), var/ (the local SQLite database!), caches"

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "make venv: Python 3.11 or newer is needed; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." >&2; \
		echo "make venv: point PYTHON at one, e.g. make PYTHON=python3.12 ..." >&2; exit 1; }
	@if [ ! -x $(BIN)/python ]; then \
		echo "Creating $(VENV) with $$($(PYTHON) --version)"; \
		$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
			echo "make venv: '$(PYTHON) -m venv' failed. On Debian/Ubuntu: sudo apt-get install python3-venv" >&2; \
			exit 1; }; \
	fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

deps:
	@PYTHON=$(PYTHON) sh scripts/system-deps.sh

messages: venv
	@if [ -n "$$(find . \( $(NOT_OURS) \) -prune -o -name '*.po' -print -quit)" ]; then \
		if command -v msgfmt >/dev/null 2>&1; then \
			$(BIN)/python manage.py compilemessages --verbosity 0 \
				--ignore=.venv --ignore=var --ignore=node_modules --ignore=staticfiles; \
		else \
			echo "make messages: WARNING: msgfmt not found (Debian package gettext); translations not compiled." >&2; \
		fi; \
	fi

# The forms' CJK faces cut to their characters (reports/documents/fonts.py): a no-op while the
# copies in var/fonts are current.
fonts: venv
	$(BIN)/python manage.py build_form_fonts --verbosity 0

migrate: venv
	$(BIN)/python manage.py migrate --noinput

# scripts/run.sh migrates, loads the reference and demo data and collects the static files itself,
# with the settings it runs the centre with (DEBUG off unless DEBUG=true).
run: deps venv messages fonts
	@HOST=$(HOST) PORT=$(PORT) bash scripts/run.sh

test: deps venv messages fonts
	@$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: FAILED: pytest collected no tests (exit code 5)." >&2; fi; \
	exit $$rc

lint: deps venv fonts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: venv
	@if [ -d benchmarks ]; then \
		$(BIN)/python -m benchmarks; \
	else \
		echo "make bench: no benchmarks/ directory yet, nothing to run."; \
	fi

clean:
	rm -rf $(VENV) var staticfiles test-results .pytest_cache .ruff_cache
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
