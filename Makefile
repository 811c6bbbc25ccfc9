# Two commands for a new machine: `make run` (the app on a demo site) and `make test` (every test).
# Both create the virtual environment and install exactly the locked versions first (requirements.lock, with hashes).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.sayyar-installed

.PHONY: run test system-deps bench dist lock

# Every dependency from the lock (hashes checked), then Sayyar itself without resolving anything again.
$(STAMP): pyproject.toml setup.py requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Debian/Ubuntu libraries that Qt, the PDF checks and the QR decoder need (installed only when missing).
system-deps:
	@sh scripts/system-deps.sh

run: system-deps $(STAMP)
	$(BIN)/sayyar demo

test: system-deps $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q

# The one-folder desktop app in dist/sayyar/ (PyInstaller, build.spec); scripts/build_dist.py works on Windows too.
dist: $(STAMP)
	$(BIN)/python scripts/build_dist.py

# After changing dependencies in pyproject.toml: pin every version again, with hashes for every platform.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes \
		-o requirements.lock

# Every benchmark; the large data sets take several minutes to build the first time.
bench: $(STAMP)
	$(BIN)/python bench/bench_store.py
	$(BIN)/python bench/bench_printing.py
	$(BIN)/python bench/bench_signin.py
	$(BIN)/python bench/bench_encryption.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_ui_launch.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_ui_search.py
	$(BIN)/python bench/bench_find_person.py
	$(BIN)/python bench/bench_matching.py
	$(BIN)/python bench/bench_sync.py
	$(BIN)/python bench/bench_hq_report.py --visits 3000000 --backend both --keep
