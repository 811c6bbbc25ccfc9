# Two commands for a new machine: `make run` (the app on a demo site) and `make test` (every test).
# Both create the virtual environment and install what is missing first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.sayyar-installed

.PHONY: run test system-deps bench clean-demo

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian/Ubuntu libraries that Qt, the PDF checks and the QR decoder need (installed only when missing).
system-deps:
	@sh scripts/system-deps.sh

run: system-deps $(STAMP)
	$(BIN)/sayyar demo

test: system-deps $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q

# Every benchmark; the large data sets take several minutes to build the first time.
bench: $(STAMP)
	$(BIN)/python bench/bench_store.py
	$(BIN)/python bench/bench_printing.py
	$(BIN)/python bench/bench_signin.py
	$(BIN)/python bench/bench_encryption.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_ui_launch.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_ui_search.py
	$(BIN)/python bench/bench_sync.py
	$(BIN)/python bench/bench_hq_report.py --visits 3000000 --backend both --keep
