# The two commands: `make demo` (app with demo data on http://127.0.0.1:5000) and `make test`.
# `make demo STAGE=jury-regional` puts the demo at another stage: depot, jury-regional, jury-national, resultats.
VENV ?= .venv
STAGE ?= depot
PYTHON ?= python3
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
INSTALLED := $(VENV)/.installed
ASSETS := app/static/dsfr/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test setup translations messages chromium clean

# The worker (Huey's consumer) runs the jobs (emails, exports) beside the server; both stop together.
demo: setup
	$(FLASK) db upgrade
	$(FLASK) demo --stage $(STAGE)
	$(BIN)/huey_consumer app.worker.huey --workers 2 --worker-type thread --delay 0.2 --max-delay 1 --quiet & \
	worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

test: setup chromium
	$(BIN)/pytest $(PYTEST_ARGS)

setup: $(INSTALLED) $(ASSETS) translations

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The design system is served by the app itself: no CDN. npm ci also installs the devDependencies:
# axe-core, which only the browser tests load into pages (tests/browser/accessibility.py), never copied.
$(ASSETS): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf app/static/dsfr
	cp -r node_modules/@gouvfr/dsfr/dist app/static/dsfr
	touch $@

translations: $(INSTALLED)
	$(BIN)/pybabel --quiet compile -d app/translations

# After changing French texts: extract them (templates/_macros included) and update the catalogues.
messages: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k _l --ignore-dirs ".* __pycache__ node_modules" \
		-o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --ignore-obsolete --no-fuzzy-matching

# Browser tests drive Debian's Chromium (browsers cannot be downloaded by Playwright here).
chromium:
	@command -v chromium >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium)

clean:
	rm -rf $(VENV) node_modules app/static/dsfr
