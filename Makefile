# The tracker's commands. `make run` and `make test` are all a new user needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD ?= demo-pass-2025
export TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/declaration_tracker
export TEST_BROKER_URL ?= redis://127.0.0.1:6379/15

.PHONY: install browser run test lint format clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The browser tests drive Debian's Chromium (no browser download); install it if missing.
browser:
	@test -x /usr/bin/chromium || { \
		echo "Installing Chromium for the browser tests (apt-get install chromium)"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || \
		{ $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q chromium >/dev/null; }; }
	@test -x /usr/bin/chromium || { echo "make test: /usr/bin/chromium is missing" >&2; exit 1; }

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_declaration
	$(BIN)/python manage.py seed_demo --password '$(DEMO_PASSWORD)'
	@echo
	@echo "  The tracker is starting at http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@echo "  Demo log-ins, all with password '$(DEMO_PASSWORD)':"
	@echo "    admin (superuser), analyst (India; defence, maritime), analyst_jp (Japan),"
	@echo "    manager, viewer"
	@echo "  Ctrl-C stops the web server, the Celery worker and beat together."
	@echo
	HOST=$(HOST) WEB_PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

test: install browser
	@$(BIN)/python -m tests.check_services
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules .run db.sqlite3 staticfiles
