# Casework developer commands. Needs only python3 (and make); everything else goes into .venv.
#
#   make run      local demo: web + Celery worker + beat, SQLite and a filesystem broker under var/
#   make test     pytest (DATABASE_URL decides the database; SQLite by default)
#   make lint     ruff check + ruff format --check
#   make format   ruff format + ruff check --fix
#   make bench    performance benchmarks against PostgreSQL
#   make bench-matching   evaluation of the identity matcher (docs/matching.md)
#   make bench-load       Locust load test through nginx and gunicorn (docs/benchmarks.md)
#   make clean    caches and throw-away files (keeps .venv, the demo database and uploaded files)

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VAR_DIR := $(or $(CASEWORK_VAR_DIR),var)

# `make test PYTEST_WORKERS=0` runs serially; PYTEST_ARGS passes anything else (e.g. -k, -x, a path).
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

DEMO_PASSWORD := casework-demo
# The demo users' published second factor (casework/demo/write.py DEMO_TOTP_SECRET).
DEMO_TOTP_SECRET := MNQXGZLXN5ZGWLLEMVWW6LLUN52HAIJB
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/casework_bench

.PHONY: help venv run test lint format bench bench-matching bench-imports bench-load clean

help:
	@echo "make venv | run | test | lint | format | bench | bench-matching | bench-imports | bench-load | clean"

## venv: create .venv if missing; (re-)install requirements.txt when it is newer than the stamp.
venv: $(STAMP)

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

## run: migrate, compile translations, load the demo data once, then web + worker + beat in the foreground.
# DJANGO_DEBUG=1 unless the caller set it; DATABASE_URL, CELERY_BROKER_URL, EMAIL_URL… pass through.
# A .env file, if present, is read for every step (honcho reads it too) and wins over the environment.
run: export DJANGO_DEBUG ?= 1
run: export PYTHONUNBUFFERED := 1
run: export PATH := $(abspath $(BIN)):$(PATH)
run: venv
	@set -euo pipefail; \
	if [ -f .env ]; then set -a; . ./.env; set +a; fi; \
	mkdir -p "$(VAR_DIR)/broker/queue" "$(VAR_DIR)/broker/processed" "$(VAR_DIR)/mail" "$(VAR_DIR)/media"; \
	python manage.py migrate --noinput; \
	if [ -n "$$(find casework -name '*.po' -print -quit)" ]; then \
		if command -v msgfmt >/dev/null 2>&1; then python manage.py compilemessages --ignore "$(VENV)" -v 0; \
		else echo "gettext (msgfmt) is not installed: translations are not compiled, the interface stays in English."; fi; \
	fi; \
	python manage.py seed_demo --size 2000 --seed 42 --if-empty; \
	echo; \
	echo "Casework is starting at http://127.0.0.1:8000/"; \
	echo "  superuser   admin      / $(DEMO_PASSWORD)"; \
	echo "  caseworker  caseworker / $(DEMO_PASSWORD)"; \
	echo "  supervisor  supervisor / $(DEMO_PASSWORD)"; \
	echo "Second factor of every demo user: add the key $(DEMO_TOTP_SECRET) to an authenticator app,"; \
	echo "  or print the current code with: DJANGO_DEBUG=1 $(BIN)/python manage.py demo_code"; \
	echo "E-mails are written as files to $(VAR_DIR)/mail/ (set EMAIL_URL to change). Ctrl-C stops everything."; \
	echo; \
	exec honcho -f Procfile.dev start

## test: pytest; its exit code fails the target (5, "no tests collected", included).
# pytest-xdist workers must collect the same tests in the same order: a fixed hash seed keeps
# parametrisations built from sets identical across workers. `--dist worksteal`: a worker that runs out of tests
# takes some of the other's queue, so that a long test near the end does not leave one worker idle.
test: export PYTHONHASHSEED ?= 0
test: venv
	@$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS); status=$$?; \
	if [ $$status -ne 0 ]; then echo "pytest failed with exit code $$status" >&2; fi; \
	exit $$status

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: benchmarks on PostgreSQL (person pages, then reminder sweep, weekly report and digest);
# DATABASE_URL overrides the default bench database.
bench: export DATABASE_URL ?= $(BENCH_DATABASE_URL)
bench: venv
	$(BIN)/python bench/run.py
	$(BIN)/python bench/reminders.py

## bench-matching: evaluation of the identity matcher (recall, confusers, latency) on PostgreSQL;
# seeds a 5,000-person database on first use. MATCHING_BENCH_DATABASE_URL or DATABASE_URL override it.
MATCHING_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/casework_matching_bench
bench-matching: export DATABASE_URL ?= $(MATCHING_BENCH_DATABASE_URL)
bench-matching: venv
	$(BIN)/python bench/matching.py

## bench-imports: spreadsheet import at 100,000 rows against 100,000 persons, with django-import-export
# as the reference (bench/requirements.txt); its own database (BENCH_IMPORTS_DATABASE_URL).
bench-imports: venv
	$(BIN)/pip install -q -r bench/requirements.txt
	$(BIN)/python bench/imports.py --write-docs

## bench-load: Locust load test (50 caseworkers, 2 minutes per gunicorn worker count) through nginx and
# gunicorn at 100,000 persons (bench/load.py; needs nginx); the bench database of `make bench`. All users log in
# first (warm-up, not measured); then 2 minutes are measured with 1, 2 and 3 workers.
bench-load: export DATABASE_URL ?= $(BENCH_DATABASE_URL)
bench-load: venv
	$(BIN)/pip install -q -r bench/requirements.txt
	$(BIN)/python bench/load.py --write-docs

## clean: caches, test and static output, broker spool. Keeps .venv, var/casework.sqlite3 and var/media.
clean:
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache test-artifacts
	rm -rf "$(VAR_DIR)/test" "$(VAR_DIR)/staticfiles" "$(VAR_DIR)/broker" "$(VAR_DIR)/mail"
	rm -f "$(VAR_DIR)"/celerybeat-schedule*
