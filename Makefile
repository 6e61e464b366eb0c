# Two commands: `make demo` and `make test`. Both create .venv when it is missing and install
# the package with the pinned tools from constraints.txt (also applied to build dependencies).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_CONSTRAINT := $(CURDIR)/constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint typecheck layers workflows selfcheck pytest bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python demo/demo.py

test: $(STAMP) lint typecheck layers workflows selfcheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# no import cycles, every import down the package stack (docs/architecture.md)
layers: $(STAMP)
	$(BIN)/pytest -q tests/test_layering.py

workflows: $(STAMP)
	$(BIN)/actionlint .github/workflows/*.yml
	$(BIN)/zizmor --offline --pedantic .github/workflows/

# The sample data is a snapshot written as of this moment (open incidents, review dates);
# validating it at a fixed clock keeps `make test` from failing as the calendar moves on.
SAMPLE_NOW := 2026-11-23T12:00:00Z

selfcheck: $(STAMP)
	INCIDENTOPS_NOW=$(SAMPLE_NOW) $(BIN)/incidentops validate --strict

pytest: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/oncall.py
	$(BIN)/python bench/validate.py
	$(BIN)/python bench/slo.py
	$(BIN)/python bench/runbook.py
	$(BIN)/python bench/notify.py

clean:
	rm -rf $(VENV) .incidentops-cache build dist
