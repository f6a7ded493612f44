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

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/lookup.py
	$(BIN)/python bench/results.py

clean:
	rm -rf instance/enroll.sqlite3 .pytest_cache
