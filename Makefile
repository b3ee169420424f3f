# Two commands: `make run` (index and search) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Folders indexed by `make run` besides corpus/ (comma-separated); the shared legal corpus when present.
KB_SOURCES ?= $(wildcard ../shared/corpus)
comma := ,

.PHONY: run test lint venv bench clean

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

run: venv
	$(BIN)/kb ingest corpus $(subst $(comma), ,$(KB_SOURCES))
	@echo
	@echo 'Search it, for example:'
	@echo '  $(BIN)/kb search "how long is the recovery and reflection period"'
	@echo '  $(BIN)/kb search "adjustment of status for trafficking victims" --jurisdiction US --json'

test: venv
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: venv
	$(BIN)/python -m eval.bench_embed
	$(BIN)/python -m eval.bench_search

clean:
	rm -rf data .pytest_cache
