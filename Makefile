# make run: set up and serve the site; make test: set up and run lint and the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app course
VNU := tests/tools/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: run test lint format db bench clean

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

# Test partners from npm: the Nu Html Checker (run with Java) and oidc-provider (run with Node).
$(VNU): tests/tools/package.json tests/tools/package-lock.json
	npm ci --prefix tests/tools --no-audit --no-fund --ignore-scripts --silent
	touch $@

db: $(BIN)/activate
	$(FLASK) db upgrade
	$(FLASK) init

run: db
	$(BIN)/gunicorn --bind 127.0.0.1:5000 --workers 2 --access-logfile - "wsgi:app"

test: $(BIN)/activate $(VNU)
	$(BIN)/ruff check course tests migrations
	$(BIN)/ruff format --check course tests migrations
	$(BIN)/bandit -r course -q
	$(BIN)/pytest

lint: $(BIN)/activate
	$(BIN)/ruff check course tests migrations

format: $(BIN)/activate
	$(BIN)/ruff format course tests migrations
	$(BIN)/ruff check --fix course tests migrations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# The national dataset under load, on SQLite and PostgreSQL (tests/bench/README.md).
# BENCH_ARGS="--scale 0.1 --databases sqlite" for a quick look.
bench: $(BIN)/activate
	$(BIN)/python tests/bench/bench_pages.py
	$(BIN)/python tests/bench/bench_text.py
	$(BIN)/python -u tests/bench/load.py $(BENCH_ARGS)
