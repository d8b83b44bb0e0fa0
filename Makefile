# The README's two commands. Each sets itself up: a virtual environment in .venv with the
# package installed (editable) and its test extra, rebuilt when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SAMPLE := samples/eeg/simulated_eyes_closed.edf
DEMO_OUT ?= out/demo

.PHONY: demo test bench sample clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/batikgen render $(SAMPLE) -o $(DEMO_OUT) --overwrite

# The linter first (fast, and CI runs this target), then the tests.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Speed and memory benchmarks, with ratios against baselines measured in the same run.
bench: $(STAMP)
	$(BIN)/python -m benchmarks

# Regenerates the bundled sample recording (deterministic: same bytes every time).
sample: $(STAMP)
	$(BIN)/python scripts/make_sample_eeg.py $(SAMPLE)

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
