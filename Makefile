# foiatracker — two commands on a fresh clone: `make run` and `make test`.
# Only Python 3.12 and make are assumed; everything else is installed into .venv from the lock files.

PYTHON ?= python3.12
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.DEFAULT_GOAL := help
.PHONY: help venv run port-free migrate demo worker beat test lint typecheck pytest test-sqlite test-postgres bench lock clean chromium

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements/dev.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 12), "Python 3.12 is required, found " + sys.version' \
		|| { echo "Set PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/dev.lock
	@touch $@

# The development settings of this checkout: DEBUG on and a secret key of its own, so that every
# manage.py command in the README works as written. foiatracker/settings.py reads .env (the real
# environment wins; the test suite reads none). Written once, never overwritten, git-ignored.
.env:
	@umask 077 && { \
		echo "# Development settings of this checkout, written by make (git-ignored, never overwritten)."; \
		echo "# Variables set in the environment win. For production start from .env.example."; \
		echo "DEBUG=true"; \
		echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	} > $@.tmp && mv $@.tmp $@
	@echo "wrote .env: DEBUG=true and a generated SECRET_KEY, for development on this machine"

venv: $(STAMP) .env  ## create .venv, install the locked dependencies, write a development .env

# The port first: a busy one stops `make run` at once, before any of the setup.
run: port-free $(STAMP) .env  ## set up from nothing, load the demo, print the login, serve on :8000 (RUN_PORT) with background work
	@scripts/run.sh

port-free:
	@PYTHON=$(PYTHON) scripts/run.sh --check-port

migrate: $(STAMP) .env  ## apply database migrations
	$(BIN)/python manage.py migrate

demo: $(STAMP) .env  ## import the agency directory and load the demo case (idempotent)
	$(BIN)/python manage.py import_agencies
	$(BIN)/python manage.py seed_demo

worker: $(STAMP) .env  ## run a Celery worker on every queue, or on WORKER_QUEUES=ingestion,... (needs REDIS_URL)
	$(BIN)/celery -A foiatracker worker --loglevel=INFO $(if $(WORKER_QUEUES),-Q $(WORKER_QUEUES))

beat: $(STAMP) .env  ## run Celery beat, the one place the periodic schedule lives (needs REDIS_URL)
	$(BIN)/celery -A foiatracker beat --loglevel=INFO --schedule=var/celerybeat-schedule

lint: $(STAMP)  ## ruff lint and format check, the apps' import layers, no model change without its migration
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	env -u DATABASE_URL FOIATRACKER_ENV_FILE= SECRET_KEY=lint-only FOIATRACKER_VAR_DIR=$$(mktemp -d) $(BIN)/python manage.py makemigrations --check --dry-run

typecheck: $(STAMP)  ## mypy with django-stubs
	SECRET_KEY=mypy-only $(BIN)/mypy .

# The dashboard's browser tests drive Debian's Chromium with Playwright (no downloaded browsers).
CHROMIUM := /usr/bin/chromium
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

chromium:  ## install Debian's chromium package for the browser tests, if it is missing
	@test -x $(CHROMIUM) || { echo "installing chromium (browser tests)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends chromium; }

pytest: $(STAMP) chromium  ## the test suite alone, on whatever DATABASE_URL says (SQLite if unset)
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest  ## set up from nothing, then ruff, mypy and the whole suite

test-postgres: $(STAMP) chromium  ## the suite on the local PostgreSQL and Redis
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/foiatracker} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/15} $(BIN)/pytest $(PYTEST_ARGS)

test-sqlite: $(STAMP) chromium  ## the suite on SQLite with in-process tasks
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest $(PYTEST_ARGS)

bench: $(STAMP)  ## generate a preset (BENCH_PRESET=small|medium|large) on the local PostgreSQL and run every benchmark
	$(BIN)/python benchmarks/run.py --preset $${BENCH_PRESET:-small}

lock:  ## re-pin requirements/*.lock from pyproject.toml (needs network)
	$(PYTHON) -m venv /tmp/foiatracker-uv && /tmp/foiatracker-uv/bin/pip install --quiet uv
	/tmp/foiatracker-uv/bin/uv pip compile pyproject.toml --python-version 3.12 --generate-hashes -o requirements/base.lock
	/tmp/foiatracker-uv/bin/uv pip compile pyproject.toml --group dev --python-version 3.12 --generate-hashes -o requirements/dev.lock

clean:  ## remove the virtualenv and local data (var/); .env stays
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
