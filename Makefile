PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test fuzz lint bench bench-mt bench-extract bench-pipeline bench-merge bench-ray bench-review segment-eval clean

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
	POSTLINGO_EXPLORE=1 POSTLINGO_FUZZ_EXAMPLES=$${POSTLINGO_FUZZ_EXAMPLES:-20000} $(BIN)/python -m pytest -q -k fuzz --hypothesis-show-statistics tests

lint: install
	$(BIN)/ruff check pipeline tests
	$(BIN)/ruff format --check pipeline tests
	$(BIN)/mypy pipeline

# Every bench below, each printing its own figures and writing its medians to
# $(BENCH_OUT)/<name>.json, then one summary table of them all with the issue's
# targets, met or not met (tests/bench_summary.py)
BENCH_OUT ?= build/bench

bench: install
	rm -rf $(BENCH_OUT) && mkdir -p $(BENCH_OUT)
	$(BIN)/python -m tests.bench_extract --json $(BENCH_OUT)/extract.json
	$(BIN)/python -m tests.bench_pipeline --json $(BENCH_OUT)/pipeline.json
	$(BIN)/python -m tests.bench_merge --json $(BENCH_OUT)/merge.json
	$(BIN)/python -m tests.bench --json $(BENCH_OUT)/mt.json
	@echo
	$(BIN)/python -m tests.bench_summary $(BENCH_OUT)

# Machine translation alone: (a) argostranslate's way, (b) postlingo translate, (c) the raw
# CTranslate2 ceiling, each a whole process, medians of BENCH_REPEAT (3) interleaved rounds
bench-mt: install
	$(BIN)/python -m tests.bench

# Microseconds per sentence to read, segment and template posts
bench-extract: install
	$(BIN)/python -m tests.bench_extract

# Merge with 100/400/800 edited sentences, the PO writer, one 20 kB/2 MB/20 MB post
bench-merge: install
	$(BIN)/python -m tests.bench_merge

# Posts per second for extract, translate (pseudo) and build at 10, 100 and 500 posts; no-op runs
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
