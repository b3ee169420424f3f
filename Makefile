# Two commands: `make run` (index and search) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Folders indexed by `make run` besides corpus/ (comma-separated); the shared legal corpora when present.
KB_SOURCES ?= $(wildcard ../shared/corpus ../shared/corpus-europe)
comma := ,

.PHONY: run test lint venv browser bench load clean

venv: $(VENV)/.installed

# torch goes in first, pinned, so nothing pulls a CUDA build; the venv stays CPU-only.
# unstructured-inference (imported by unstructured's PDF reader) comes without its own dependencies,
# whose layout models would replace that torch; pyproject.toml lists the ones the fast PDF path needs.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps 'unstructured-inference>=1.6.12,<2'
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	command -v chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium)

run: venv
	-$(BIN)/kb ingest corpus $(subst $(comma), ,$(KB_SOURCES))  # a skipped file is reported; serving goes on
	$(BIN)/kb serve --host $(or $(HOST),127.0.0.1) --port $(or $(PORT),8000)

test: venv browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: venv
	$(BIN)/python -m eval.bench_embed
	$(BIN)/python -m eval.bench_search

# 32 clients for 60 s against /api/search and /api/ask of a server on loopback (start `make run` first).
load: venv
	$(BIN)/locust -f eval/locustfile.py --headless -u 32 -r 32 -t 60s --host http://127.0.0.1:8000 --only-summary

clean:
	rm -rf data .pytest_cache
