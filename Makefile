# The tracker's commands. `make run` and `make test` are all a new user needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails, calendar feeds and webhooks from `make run` point here: it follows HOST and
# PORT (`make run PORT=8123`) unless SITE_URL is set. A server listening on every address
# (HOST=0.0.0.0) links to 127.0.0.1: set SITE_URL to the name its users reach it by.
SITE_HOST = $(if $(filter 0.0.0.0 :: [::],$(HOST)),127.0.0.1,$(if $(findstring :,$(HOST)),[$(HOST)],$(HOST)))
SITE_URL ?= http://$(SITE_HOST):$(PORT)
DEMO_PASSWORD ?= demo-pass-2025
# The demo's authenticator-app secret (base32) for the users whose role requires a second
# factor: chosen at random on the first `make run` and kept in .demo-totp-secret after.
DEMO_TOTP_SECRET ?= $(shell test -s .demo-totp-secret || $(PYTHON) -c "import base64, secrets; print(base64.b32encode(secrets.token_bytes(20)).decode())" > .demo-totp-secret; cat .demo-totp-secret)
export TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/declaration_tracker
export TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
export TEST_CACHE_URL ?= redis://127.0.0.1:6379/14
# `make bench`: one database per scale (tracker_bench_N on the local PostgreSQL), wrk's seconds
# and connections per endpoint.
BENCH_SCALES ?= 1 10 100
BENCH_DURATION ?= 10
BENCH_CONNECTIONS ?= 4
# and a client catching up on this many changes of the change feed (database
# tracker_bench_changes).
BENCH_CHANGES ?= 100000
# `make test` runs the suite on this many pytest-xdist workers, each with its own test database
# and Redis databases (tests/settings.py); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2

.PHONY: install browser gettext pdf messages run test lint format clean bench

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# gettext's msgfmt, from Debian: the tests check the Japanese catalogues with it, and
# `make messages` compiles them (the compiled catalogues are committed, so a fresh clone serves
# Japanese without it).
gettext:
	@command -v msgfmt >/dev/null || { \
		echo "Installing gettext for the translation catalogues (apt-get install gettext)"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get install -y -q gettext >/dev/null 2>&1 || \
		{ $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q gettext >/dev/null; }; }
	@command -v msgfmt >/dev/null || { echo "make: msgfmt (gettext) is missing" >&2; exit 1; }

# The PDF reports (WeasyPrint) need Pango, and Noto CJK for Japanese text; the tests read the
# PDFs back with poppler's pdftotext. All from Debian, installed if missing.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk poppler-utils
pdf:
	@missing=$$(for p in $(PDF_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing for the PDF reports: $$missing (apt-get install)"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get install -y -q $$missing >/dev/null 2>&1 || \
		{ $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q $$missing >/dev/null; }; \
	fi
	@command -v pdftotext >/dev/null || { echo "make: pdftotext (poppler-utils) is missing" >&2; exit 1; }

# After changing a translatable string: extract, then translate the new entries in
# locale/ja/LC_MESSAGES/*.po, then compile (tests fail on an untranslated or missing entry).
messages: install gettext
	$(BIN)/python manage.py makemessages -l ja --no-location --no-obsolete \
		--ignore=.venv --ignore=node_modules --ignore=bench --ignore=tests --ignore=staticfiles
	$(BIN)/python manage.py makemessages -d djangojs -l ja --no-location --no-obsolete \
		--ignore=.venv --ignore=node_modules --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

# The browser tests drive Debian's Chromium (no browser download); install it if missing.
browser:
	@test -x /usr/bin/chromium || { \
		echo "Installing Chromium for the browser tests (apt-get install chromium)"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || \
		{ $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q chromium >/dev/null; }; }
	@test -x /usr/bin/chromium || { echo "make test: /usr/bin/chromium is missing" >&2; exit 1; }

run: install pdf
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_declaration
	$(BIN)/python manage.py seed_demo --password '$(DEMO_PASSWORD)' --totp-secret '$(DEMO_TOTP_SECRET)'
	@echo
	@echo "  The tracker is starting at http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@echo "  Demo log-ins, all with password '$(DEMO_PASSWORD)':"
	@echo "    admin (the operator: no side, runs the system in the admin, writes no content),"
	@echo "    analyst (India; defence, maritime), analyst2 (India; the other pillars),"
	@echo "    analyst_jp (Japan; every pillar),"
	@echo "    manager and viewer (India), manager_jp and viewer_jp (Japan),"
	@echo "    public_reader (no side: public items only),"
	@echo "    admin_in and admin_jp (each administers its own side's users, in the admin)"
	@echo "  Second factor (admin, manager, manager_jp, admin_in, admin_jp): authenticator-app secret $(DEMO_TOTP_SECRET)"
	@echo "    (add it to an authenticator app, or get the code now with:"
	@echo "     $(BIN)/python -c \"import pyotp; print(pyotp.TOTP('$(DEMO_TOTP_SECRET)').now())\")"
	@echo "  Links in e-mails and calendar feeds point to $(SITE_URL) (set SITE_URL to change it)."
	@echo "  Ctrl-C stops the web server, the Celery worker and beat together."
	@echo
	HOST=$(HOST) WEB_PORT=$(PORT) SITE_URL='$(SITE_URL)' PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

test: install browser gettext pdf
	@$(BIN)/python -m tests.check_services
	$(BIN)/pytest -n $(TEST_WORKERS)

# The HTTP benchmark (docs/performance.md): gunicorn with 2 workers on 127.0.0.1, PostgreSQL,
# wrk as the load (installed from Debian's packages if missing), then a table per scale.
bench: install
	@test -x /usr/bin/wrk || { \
		echo "Installing wrk for the benchmark (apt-get install wrk)"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get install -y -q wrk >/dev/null 2>&1 || \
		{ $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q wrk >/dev/null; }; }
	@test -x /usr/bin/wrk || { echo "make bench: /usr/bin/wrk is missing" >&2; exit 1; }
	$(BIN)/python -m bench.http --scales $(BENCH_SCALES) --duration $(BENCH_DURATION) \
		--connections $(BENCH_CONNECTIONS) --password '$(DEMO_PASSWORD)' --wrk /usr/bin/wrk
	$(BIN)/python -m bench.changes --changes $(BENCH_CHANGES)

# lint-imports checks the layers written in pyproject.toml ([tool.importlinter]).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/bandit --quiet --recursive --severity-level medium \
		--exclude '*/migrations/*' access audit notifications commitments dialogues discussion \
		declaration_tracker webhooks reports calendar_feed dashboard declaration markings changes operations

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules .run db.sqlite3 staticfiles
