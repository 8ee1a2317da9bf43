PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test lint bench segment-eval clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# argostranslate without its declared deps (stanza/spacy/torch): see README
	$(BIN)/pip install --quiet --no-deps 'argostranslate==1.11.0'
	touch $(STAMP)

run: install
	$(BIN)/postlingo run

test: install
	$(BIN)/ruff check pipeline tests
	$(BIN)/mypy pipeline
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check pipeline tests
	$(BIN)/ruff format --check pipeline tests
	$(BIN)/mypy pipeline

bench: install
	$(BIN)/python -m tests.bench

# Precision and recall of sentence boundaries on tests/fixtures/segment/ (SHOW=1: each miss)
segment-eval: install
	$(BIN)/python -m tests.segment_eval $(if $(SHOW),--show)

clean:
	rm -rf $(VENV) site build *.egg-info
