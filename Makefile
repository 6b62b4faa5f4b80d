# Two commands for a fresh machine with Python, make and apt:
#   make run   - create .venv, install, start the app on the bundled sample district
#   make test  - install what the tests need (Debian's chromium and postgresql included), run the whole suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench sample chromium postgresql clean

$(VENV)/.installed-run: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-run requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Local mode (no [auth] in .streamlit/secrets.toml) listens on this computer only; with sign-in
# configured, on the network (README: Sign-in). `python -m framework serve` decides and refuses otherwise.
run: $(VENV)/.installed-run chromium
	$(PY) -m framework serve --port $(PORT)

# Debian's chromium draws the chart images of the board report (kaleido) and drives the browser
# tests (Playwright never downloads a browser here); DejaVu is the PDF report's font.
chromium:
	@command -v chromium >/dev/null 2>&1 && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || { \
	  echo "Installing Debian's chromium (chart images and browser tests) and the DejaVu fonts"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-color-emoji \
	    fonts-dejavu-core >/dev/null; }

# Debian's postgresql: the store's tests run on SQLite and on a throwaway PostgreSQL server that
# .ci/with-postgres.sh starts on a free local port for the run and removes afterwards.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "Installing Debian's postgresql for the store tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql >/dev/null; }

test: $(VENV)/.installed-dev chromium postgresql
	$(PY) -m ruff check .
	PYTHON=$(PY) bash .ci/with-postgres.sh $(PY) -m pytest

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .

bench: $(VENV)/.installed-dev chromium postgresql
	$(PY) bench/bench_import.py
	$(PY) bench/bench_pages.py
	$(PY) bench/bench_export.py
	PYTHON=$(PY) bash .ci/with-postgres.sh $(PY) bench/bench_store.py
	$(PY) bench/bench_publication.py

sample: $(VENV)/.installed-run
	$(PY) -m framework make-sample

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
