# Needle: `make run` serves the demo, `make serve` a committee's own (never the demo),
# `make test` runs every check and test. Nothing else to install by hand.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes: the 2-core machines here run the suite fastest with two.
TEST_WORKERS ?= 2

.PHONY: help run serve dev test check pytest setup browser messages translations lock bench clean

help:
	@echo "make run    serve the demo at http://$(HOST):$(PORT) with its task worker and scheduler (SQLite unless DATABASE_URL is set)"
	@echo "make serve  a committee's own Needle: the same three processes, migrated, never seeded with the demo"
	@echo "make test   every check and test (set DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make dev    Django's autoreloading server with DEBUG on"
	@echo "make translations   update locale/*.po from the code, then compile"
	@echo "make lock   re-pin requirements.lock from pyproject.toml"

# The virtualenv is rebuilt when the pinned requirements change.
$(VENV)/.installed: requirements.lock
	@python=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		echo "Creating $(VENV) with $$python"; rm -rf $(VENV); "$$python" -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

setup: $(VENV)/.installed messages

# Compiled with polib: no system gettext needed to run. Only when a catalogue changed: each Django
# start is about a second of CPU, and `make test` waited for it on every run.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
messages: $(MO_FILES)

$(MO_FILES): %.mo: %.po | $(VENV)/.installed
	@$(PY) manage.py compile_translations

run: setup
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py seed_demo --if-empty
	@$(PY) manage.py collectstatic --noinput -v0
	@$(PY) manage.py demo_banner --url "http://$(HOST):$(PORT)/"
	@# Web, task worker and scheduler (Procfile) together; Ctrl-C stops all three.
	@NEEDLE_BIND=$(HOST):$(PORT) exec $(VENV)/bin/honcho start -f Procfile

# A committee's own start: `make run` without the demo. seed_demo (in `make run`) refuses settings that
# look like a server's, so an office PC set up for the network is started with this one.
serve: setup
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py collectstatic --noinput -v0
	@$(PY) manage.py start_banner --url "http://$(HOST):$(PORT)/"
	@NEEDLE_BIND=$(HOST):$(PORT) exec $(VENV)/bin/honcho start -f Procfile

dev: setup
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py seed_demo --if-empty
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

browser:
	@scripts/install-system-packages

check: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py check_code

pytest: setup browser
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test: check pytest

translations: $(VENV)/.installed
	$(PY) manage.py makemessages --locale zh_Hans --no-obsolete --no-location --no-wrap --ignore '.venv/*' --ignore 'var/*'
	$(PY) manage.py compile_translations

lock: $(VENV)/.installed
	$(VENV)/bin/pip-compile --quiet --extra test --extra dev --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var test-results
