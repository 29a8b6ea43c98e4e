# Frontdesk — the README's commands. `make run` sets everything up and serves the product on
# SQLite with demo data; `make test` runs the whole test suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Where the server is reached: on every interface (HOST=0.0.0.0) at this machine's network address.
ADDRESS := $(if $(filter 0.0.0.0 ::,$(HOST)),$(or $(firstword $(shell hostname -I 2>/dev/null)),127.0.0.1),$(HOST))
# The address of links in messages sent with no request at hand (frontdesk/core/siteurl.py):
# SITE_URL from the environment or .env, else the one this server runs on.
SITE_URL ?= $(or $(shell sed -n 's/^SITE_URL=//p' .env 2>/dev/null | tail -n 1 | tr -d "\"'"),http://$(ADDRESS):$(PORT))
export SITE_URL
WORKERS ?= 3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run setup secret-key test test-fast test-pg lint messages bench system-deps browser-deps clean

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_data --if-new
	$(PY) manage.py collectstatic --noinput -v0
	@echo ""
	@echo "Frontdesk is at http://$(ADDRESS):$(PORT)  (Ctrl+C stops it)"
	@[ "$(SITE_URL)" = "http://$(ADDRESS):$(PORT)" ] || echo "Links in messages use SITE_URL=$(SITE_URL)"
	@# One process group per port: a restart first stops what a killed run left (scripts/serve.py).
	@$(PY) scripts/serve.py --pidfile var/run-$(PORT).pid --log var/worker.log \
	  --before "$(PY) manage.py run_hourly_jobs --schedule" \
	  --background "$(PY) manage.py db_worker --queue-name '*'" \
	  -- $(VENV)/bin/gunicorn config.wsgi -b $(HOST):$(PORT) -w $(WORKERS) --access-logfile - --log-level warning

setup: system-deps $(VENV)/.installed secret-key node_modules/.installed compile-messages

# This installation's own SECRET_KEY, written into .env (git-ignored) on the first run; with DEBUG
# off the settings refuse to start without one.
secret-key: $(VENV)/.installed
	@$(PY) scripts/secret_key.py

system-deps:
	@command -v msgfmt >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq gettext >/dev/null; }
	@# DejaVu Sans draws the price tags' Cyrillic names and the rouble sign (warehouse/price_tags.py).
	@[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-dejavu-core >/dev/null; }

# Chromium for the Playwright tests; LibreOffice Calc (headless) writes the real xlsx files that
# the import tests read.
browser-deps:
	@[ -x /usr/bin/chromium ] || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@command -v libreoffice >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libreoffice-calc-nogui >/dev/null; }

$(VENV)/.installed: requirements/base.txt requirements/test.txt
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/test.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

compile-messages: $(VENV)/.installed secret-key
	@$(PY) manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules

messages: $(VENV)/.installed secret-key
	$(PY) scripts/messages.py

test: setup browser-deps
	$(PY) scripts/messages.py --check
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	$(PY) -m pytest -n 2 -q $(PYTEST_ARGS)

# The same suite on PostgreSQL: DATABASE_URL=postgres://user:pass@host:port/name make test-pg
test-pg: setup browser-deps
	$(PY) -m pytest -n 2 -q $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: setup
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules staticfiles
