# Two commands for a newcomer: `make run` and `make test`. Only Python 3.11 is needed.
PYTHON ?= python3.11
VENV   := .venv
UV_VERSION := 0.13.8
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test lint check install clean-var messages bench bench-import

$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv sync --frozen --quiet
	touch $@

install: $(VENV)/.installed

run: install
	$(VENV)/bin/python scripts/run.py

test: install
	$(VENV)/bin/python scripts/test.py $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

check: install
	$(VENV)/bin/python scripts/manage_with_services.py makemigrations --check --dry-run

# Time the pages against hand-written SQL on a synthetic dataset (bench/README.md):
# BENCH_DATABASE_URL (else DATABASE_URL, else an embedded server), BENCH_PERSONS when it is empty.
bench: install
	$(VENV)/bin/python bench/run.py

# Time the check and the import of a 20,000-row register (issue 17; bench/README.md): BENCH_ROWS.
bench-import: install
	$(VENV)/bin/python bench/imports.py

clean-var:
	rm -rf var/

# After changing user-facing text: refresh the catalogues, translate locale/vi, then run this again.
messages: install
	$(VENV)/bin/python scripts/manage_with_services.py makemessages -l vi -l en --no-obsolete \
		$(foreach d,.venv static var tests scripts staticfiles,--ignore=$(d))
	$(VENV)/bin/python scripts/compile_messages.py
