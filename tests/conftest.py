"""Shared fixtures: the real recordings in ../shared/eeg and the bundled sample."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_EEG = Path(os.environ.get("BATIKGEN_SHARED_EEG", ROOT.parent / "shared" / "eeg"))
SAMPLE = ROOT / "samples" / "eeg" / "simulated_eyes_closed.edf"

#: Real recordings that must load, with the format the reader should report.
READABLE = {
    "edf/mnetd_test_edf_overlapping_annotations.edf": "edf",
    "edf/mnetd_chtypes_edf.edf": "edf",
    "bdf/mnetd_test_bdf_stim_channel.bdf": "bdf",
    "brainvision/testbva.vhdr": "brainvision",
    "eeglab/eeglab_data.set": "eeglab",
    "fif/mnetd_bv_dig_raw.fif": "fif",
}
CORRUPT = "corrupt/quixotte_S001R01_crlf.edf"


def shared_file(relative: str) -> Path:
    """Path of a file in ../shared/eeg; skip when absent, but fail under CI."""
    path = SHARED_EEG / relative
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but the shared recording {path} is missing")
        pytest.skip(f"shared recordings not found at {SHARED_EEG} (a fresh clone without ../shared)")
    return path


@pytest.fixture
def sample_path() -> Path:
    """The bundled simulated recording."""
    assert SAMPLE.exists(), f"bundled sample missing: {SAMPLE}"
    return SAMPLE


def pytest_addoption(parser):
    """``--regen-golden`` rewrites the golden images in tests/golden instead of comparing with them."""
    parser.addoption("--regen-golden", action="store_true", default=False,
                     help="rewrite tests/golden/*.png from the current renders")


@pytest.fixture
def regen_golden(request) -> bool:
    """Whether golden images are being regenerated."""
    return request.config.getoption("--regen-golden")
