# The README's two commands. Each sets itself up: a virtual environment in .venv with the
# package installed (editable) and its test extra, rebuilt when pyproject.toml or setup.py changes or the
# compiled dye pass's or hand's source does (the install compiles them).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SAMPLE := samples/eeg/simulated_eyes_closed.edf
DEMO_OUT ?= out/demo
# The example exhibition (gallery/exhibition.toml) is rendered here: outputs stay out of the tree.
EXHIBITION_OUT ?= out/exhibition

.PHONY: demo test bench sample clean

# Compiled modules left from an earlier build are deleted first: they would shadow a failed rebuild
# (the extensions are optional, so a failed one does not stop the install).
$(STAMP): pyproject.toml setup.py batikgen/_buffers.h batikgen/render/_dye.c batikgen/render/_snap.c batikgen/cloth/_hand.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@find batikgen -name '*.so' -delete
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# One cloth from the sample (its PNG path is the first line printed), then the example exhibition
# with `batch` (one PNG path a piece, the first cloth first; a second run skips what is done).
demo: $(STAMP)
	@$(BIN)/batikgen render $(SAMPLE) -o $(DEMO_OUT) --overwrite
	@$(BIN)/batikgen batch gallery -o $(EXHIBITION_OUT)
	@$(BIN)/batikgen gallery $(EXHIBITION_OUT)

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
	$(BIN)/python scripts/make_sample_eeg.py --exhibition gallery/recordings

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
