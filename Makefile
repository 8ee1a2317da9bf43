PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test fuzz lint bench bench-extract bench-pipeline bench-ray bench-review segment-eval clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,ray]'
	# argostranslate without its declared deps (stanza/spacy/torch): see README
	$(BIN)/pip install --quiet --no-deps 'argostranslate==1.11.0'
	touch $(STAMP)

run: install
	$(BIN)/postlingo run

test: install
	$(BIN)/ruff check pipeline tests
	$(BIN)/mypy pipeline
	$(BIN)/python -m pytest -q

# The fuzz targets (test_fuzz_*) at length; make test runs them briefly.
fuzz: install
	POSTLINGO_FUZZ_EXAMPLES=$${POSTLINGO_FUZZ_EXAMPLES:-20000} $(BIN)/python -m pytest -q -k fuzz --hypothesis-show-statistics tests

lint: install
	$(BIN)/ruff check pipeline tests
	$(BIN)/ruff format --check pipeline tests
	$(BIN)/mypy pipeline

bench: install
	$(BIN)/python -m tests.bench_extract
	$(BIN)/python -m tests.bench_pipeline
	$(BIN)/python -m tests.bench

bench-extract: install
	$(BIN)/python -m tests.bench_extract

# Whole postlingo processes at 10/100/500 posts: first run, no-op run, one post changed
# (BENCH_SIZES, BENCH_ROUNDS; BENCH_BASELINE=<folder with another pipeline/> adds its rows)
bench-pipeline: install
	$(BIN)/python -m tests.bench_pipeline

# The local engine against a local Ray cluster (2 workers x 1 thread), 200 posts (BENCH_POSTS)
bench-ray: install
	$(BIN)/python -m tests.bench_ray

# The review editor: page load and save, medians (review --serve)
bench-review: install
	$(BIN)/python -m tests.bench_review

# Precision and recall of sentence boundaries on tests/fixtures/segment/ (SHOW=1: each miss)
segment-eval: install
	$(BIN)/python -m tests.segment_eval $(if $(SHOW),--show)

clean:
	rm -rf $(VENV) site build *.egg-info
