# enroll — the two commands: `make run` (demo on http://127.0.0.1:$PORT) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi.py

.PHONY: run test install translations db demo bench clean

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(BIN)/activate

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

test: install $(VNU)
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/lookup.py
	$(BIN)/python bench/results.py
	$(BIN)/python bench/languages.py

clean:
	rm -rf instance/enroll.sqlite3 .pytest_cache
