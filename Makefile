# rulelang: two commands from a fresh clone (Python 3.11 and make only).
#   make demo   creates .venv, installs, evaluates a real dagpenger case and prints the decision
#   make test   creates .venv if needed, installs, runs the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check install clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,screen,serve,batch,dask]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@echo "== rulelang check rules"
	@$(BIN)/rulelang check rules
	@echo
	@echo "== rulelang evaluate dagpenger --facts examples/dagpenger_innvilget.json --date 2025-06-02 --format text"
	@$(BIN)/rulelang evaluate dagpenger --facts examples/dagpenger_innvilget.json --date 2025-06-02 --format text
	@echo "== the same decision as JSON (CONTRACT.md)"
	@$(BIN)/rulelang evaluate dagpenger --facts examples/dagpenger_innvilget.json --date 2025-06-02 --format json
	@echo
	@echo "== rulelang letter dagpenger --facts examples/dagpenger_innvilget.json --date 2025-06-02 (vedtaksbrev, bokmål)"
	@$(BIN)/rulelang letter dagpenger --facts examples/dagpenger_innvilget.json --date 2025-06-02

test: $(STAMP)
	$(BIN)/rulelang check rules
	$(BIN)/rulelang test --coverage rules
	$(BIN)/python -m pytest

check: $(STAMP)
	$(BIN)/rulelang check rules

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

# make bench: a separate environment bench/.venv (rulelang with [screen], plus openfisca-core,
# which is installed only there), then every benchmark of issue 5 in one run; writes
# bench/results.json and prints the table. BENCH_QUICK=1 make bench is a fast smoke run.
BENCH_VENV := bench/.venv
BENCH_STAMP := $(BENCH_VENV)/.installed
.PHONY: bench bench-peak

$(BENCH_STAMP): pyproject.toml bench/requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (set PYTHON=...)"; exit 1; }
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet -e '.[screen]' -r bench/requirements.txt
	@touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python bench/run.py

# make bench-peak: peak memory of one 10 M-case batch from a file (about 20 minutes on 2 cores);
# merges batch_10m_peak_mib into bench/results.json. BENCH_PEAK_N sets another size.
bench-peak: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python bench/peak.py
