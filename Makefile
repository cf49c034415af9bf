# Two commands on a fresh machine: `make run` (demo on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres lint security install clean-db system-packages

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) setup.cfg pyproject.toml
	@echo "Installing ommen_rollen and its dependencies into $(VENV) (log: $(VENV)/install.log)"
	@$(PY) -m pip install --quiet -e ".[dev]" > $(VENV)/install.log 2>&1 \
		|| { cat $(VENV)/install.log; exit 1; }
	touch $(STAMP)

install: $(STAMP)

## Debian packages the tests need (.ci/apt-packages.txt): installed when root with
## apt-get, otherwise stops with the command to run (.ci/system-packages.sh)
system-packages:
	@bash .ci/system-packages.sh

## Start the app with the demo organisation on SQLite at http://127.0.0.1:5000
run: install
	$(VENV)/bin/ommen-rollen run --demo

## The whole test suite: SQLite, then PostgreSQL when OMMEN_TEST_DATABASE_URL is set
test: install system-packages lint security test-sqlite test-postgres

test-sqlite: install system-packages
	OMMEN_TEST_DATABASE=sqlite $(PY) -m pytest

test-postgres: install system-packages
	@if [ -n "$$OMMEN_TEST_DATABASE_URL" ]; then \
		echo "== database tests on PostgreSQL ($$OMMEN_TEST_DATABASE_URL) =="; \
		OMMEN_TEST_DATABASE=postgres $(PY) -m pytest tests/web; \
	else \
		echo "PostgreSQL-ronde overgeslagen: zet OMMEN_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test"; \
	fi

lint: install
	$(VENV)/bin/ruff check ommen_rollen tests benchmarks
	$(VENV)/bin/ruff format --check ommen_rollen tests benchmarks
	$(VENV)/bin/mypy

## Static security analysis (medium and high findings fail; low ones are type-narrowing asserts)
security: install
	$(VENV)/bin/bandit -q -ll -r ommen_rollen -c pyproject.toml

## Known vulnerabilities in the installed dependencies (needs a network that reaches
## PyPI's JSON API or osv.dev; the CI machine's closed network reaches neither)
.PHONY: audit
audit: install
	$(PY) -m pip install --quiet pip-audit
	$(VENV)/bin/pip-audit --skip-editable

clean-db:
	rm -f instance/ommen_rollen.sqlite instance/ommen_rollen.sqlite-*

## Benchmarks (issue 4): `make bench TIER=M` runs a tier and prints the table
TIER ?= S
.PHONY: bench
bench: install
	$(PY) -m benchmarks run --tier $(TIER)
