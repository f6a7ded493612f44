# enroll — the two commands: `make run` (demo on http://127.0.0.1:$PORT) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi.py

.PHONY: run test install translations db demo bench lock clean

# Installed from the lock file: every package of the tree pinned, with its hashes (`make lock`
# writes both lock files from requirements.txt and requirements-dev.txt).
$(BIN)/activate: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r requirements-dev.lock
	touch $(BIN)/activate

PIP_COMPILE := $(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock: $(BIN)/activate
	$(PIP_COMPILE) -o requirements.lock requirements.txt
	cp requirements.lock requirements-dev.lock  # the service's pins are the tests' too
	$(PIP_COMPILE) -o requirements-dev.lock requirements-dev.txt

install: $(BIN)/activate translations

translations: $(BIN)/activate
	$(BIN)/pybabel compile -d enroll/translations -f --statistics

db: install
	mkdir -p instance
	ENROLL_ENV=development $(BIN)/flask db upgrade

demo: db
	ENROLL_ENV=development $(BIN)/flask demo load

run: demo
	ENROLL_ENV=development $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# The Nu Html Checker (the W3C's validator) for the HTML validity tests: a jar from the npm registry,
# run with the machine's Java; without npm or Java those tests skip (never in CI, which installs both).
VNU_VERSION := 26.9.27
VNU := .cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar

$(VNU):
	@if command -v npm >/dev/null; then \
	  npm install --no-save --no-audit --no-fund --ignore-scripts --prefix .cache/vnu vnu-jar@$(VNU_VERSION) >/dev/null; \
	else echo "npm not found: the HTML validity tests will be skipped"; fi

# one test process per core (pytest-xdist): each with its own SQLite files, PostgreSQL database and browser
test: install $(VNU)
	$(BIN)/python -m pytest -q -n auto

bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/lookup.py
	$(BIN)/python bench/results.py
	$(BIN)/python bench/languages.py
	$(BIN)/python bench/ogcapi.py

clean:
	rm -rf instance/enroll.sqlite3 .pytest_cache
