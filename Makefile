# nrm-tracing — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := fixtures/demo
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run demo test lint format bench clean messages

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

demo: install
	$(BIN)/nrm db upgrade
	$(BIN)/nrm import $(DEMO)/records.csv --relations $(DEMO)/relations.csv
	$(BIN)/nrm graph rebuild
	$(BIN)/python -m service.demo_users

run: demo
	@echo ""
	@echo "nrm-tracing is starting on http://$(HOST):$(PORT)"
	@echo "  pages (sign in with a token of .demo-tokens.json): http://$(HOST):$(PORT)/"
	@echo "  API documentation: http://$(HOST):$(PORT)/docs"
	@echo "  health:            http://$(HOST):$(PORT)/health"
	@echo "  a demo admin token is in .demo-token (Authorization: Bearer ...)"
	@echo "  tokens of every demo role (two reviewers, ...) are in .demo-tokens.json"
	@echo ""
	$(BIN)/nrm serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n 2

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Extract the `messages` domain's ids (babel.cfg, i18n.KEYWORDS) into the French catalogue:
# new ids arrive with an empty msgstr to translate (tests/test_messages.py fails until then).
messages: install
	$(BIN)/python -m i18n.extract

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) nrm.db nrm.db-wal nrm.db-shm .demo-token .demo-tokens.json .pytest_cache .ruff_cache
