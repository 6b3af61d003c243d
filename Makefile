# Quick start: `make run` serves the site with sample content; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEV := DJANGO_DEBUG=1 LOG_FORMAT=plain
HOST ?= 127.0.0.1:8000

.PHONY: run setup serve test audit bench messages upgrade clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# requirements*.txt pin every package, with hashes: each install is the same everywhere.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# Re-resolve the pins from the ranges in requirements.in and requirements-dev.in
# (newest releases within them, with hashes); commit the .in and .txt files together.
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make upgrade" $(BIN)/pip-compile --quiet --upgrade --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
upgrade: $(VENV)/.dev
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

setup: $(VENV)/.runtime
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py import_seeds fixtures/seeds --verbosity 1

run: setup
	$(DEV) $(BIN)/python manage.py runserver $(HOST)

# Production-style: hashed static files and gunicorn (needs DJANGO_SECRET_KEY and ALLOWED_HOSTS).
serve: $(VENV)/.runtime
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/gunicorn newsroom.wsgi

test: $(VENV)/.dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Translations: collect new texts into locale/zh_Hans/LC_MESSAGES/django.po, then compile it.
messages: $(VENV)/.runtime
	$(DEV) $(BIN)/python manage.py makemessages -l zh_Hans
	$(DEV) $(BIN)/python manage.py compilemessages -l zh_Hans --ignore ".*"

# Known vulnerabilities in the pinned requirements (needs the PyPI JSON API or OSV).
audit: $(VENV)/.dev
	$(BIN)/pip-audit --strict --progress-spinner off -r requirements.txt

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
