# Sinergi — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint translations lock clean

install: $(STAMP)

EXAMPLES := $(wildcard examples/*/pyproject.toml)

$(STAMP): pyproject.toml requirements.lock $(EXAMPLES)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	# Third-party example plugins install the way an integrator's package does.
	for example in $(dir $(EXAMPLES)); do \
	  $(BIN)/python -m pip install --quiet --no-deps -e "$$example" || exit 1; \
	done
	touch $(STAMP)

## Compile the translation catalogues of core and of every plugin that has one.
translations: install
	for dir in core/translations plugins/*/translations examples/*/*/translations; do \
	  if [ -d "$$dir" ]; then $(BIN)/pybabel compile -d "$$dir" || exit 1; fi; \
	done

## Install, create the SQLite database, load regions and demo data, serve on 127.0.0.1:5000.
run: install translations
	$(BIN)/sinergi db upgrade
	$(BIN)/sinergi regions load
	$(BIN)/sinergi demo
	$(BIN)/sinergi run

## The whole test suite. SINERGI_TEST_DATABASE_URL picks PostgreSQL instead of SQLite.
test: install translations
	$(BIN)/ruff check .
	$(BIN)/pytest $(PYTEST_ARGS)
	for example in $(dir $(EXAMPLES)); do \
	  (cd "$$example" && $(abspath $(BIN))/pytest $(PYTEST_ARGS)) || exit 1; \
	done

lint: install
	$(BIN)/ruff check .

## Refresh the lock file from the current virtual environment.
lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^sinergi' > requirements.lock

clean:
	rm -rf $(VENV) instance .pytest_cache
