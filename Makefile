# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Translation catalogs: each module's locale/ and the project-wide locale/. The compiled .mo
# files are build output (git-ignored), rebuilt whenever a .po changes.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po modules/*/locale/*/LC_MESSAGES/*.po)
MESSAGES := $(VENV)/.messages
HOST   ?= 127.0.0.1
# The suite runs on every core (pytest-xdist); `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n auto
PORT   ?= 8000

.PHONY: run test lint check bench bench-pages bench-checkout bench-import worker clean messages makemessages docs

$(STAMP): requirements/base.txt requirements/dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $(STAMP)

# Compiles with GNU gettext's msgfmt when installed, else in pure Python (polib).
$(MESSAGES): $(PO_FILES) $(STAMP)
	$(PY) manage.py compiletranslations
	touch $(MESSAGES)

messages: $(MESSAGES)

# Extract new strings into every catalog (then translate them; see docs/modules.md).
makemessages: $(STAMP)
	$(PY) manage.py makemessages

# Generated parts of the guides (docs/roles.md's permissions table), from the modules' declarations.
docs: $(STAMP)
	$(PY) manage.py rolesdoc --write docs/roles.md

run: $(STAMP) $(MESSAGES) docs
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP) $(MESSAGES) docs
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

bench: $(STAMP)
	$(PY) bench/resolution.py

# Needs PostgreSQL, Redis and wrk (apt-get install wrk); see bench/README.md.
bench-pages: $(STAMP)
	$(PY) bench/pages.py

# Needs PostgreSQL and Redis; see bench/README.md.
bench-checkout: $(STAMP)
	$(PY) bench/checkout.py

# SQLite, and PostgreSQL when it answers on 127.0.0.1:5432; see bench/README.md.
bench-import: $(STAMP)
	$(PY) bench/import.py

worker: $(STAMP)
	$(VENV)/bin/celery -A config worker --loglevel=info

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles .pytest_cache
	find locale modules -path '*/LC_MESSAGES/*.mo' -delete
