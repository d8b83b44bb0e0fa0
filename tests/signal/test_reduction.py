"""Long recordings at high rates: read a chunk at a time, hashed as recorded, analysed at a reduced rate.

The reduced path is taken only above REDUCE_ABOVE_BYTES; these tests lower that threshold on short
files (the code path is the same), except the memory test, which writes a file over it.
"""

import subprocess
import sys

import mne
import numpy as np
import pytest

from batikgen.signal import recording as recording_module
from batikgen.signal import reduction
from batikgen.signal.analyse import features_from_path, inspect_file
from batikgen.signal.plausibility import check_plausible, highpassed_sd_uv
from batikgen.signal.readers import read_recording
from batikgen.signal.recording import content_hash
from tests.conftest import ROOT, SAMPLE, shared_file
from tests.signal.filewriters import write_edf

SFREQ = 5000
#: Band powers of the reduced analysis against the full-rate one, in windows at least this far from
#: either end of the recording (nearer, both carry the filters' start-up transient, which depends on the
#: last sample at either rate): the tolerance stated in reduction.py's docstring.
EDGE_S = 10.0
RTOL = 2e-3


def _known_answer(seconds=120, seed=7):
    """A 20 µV 10 Hz sine in 10 µV white noise plus 5 µV of 50 Hz mains, on Cz and Pz, in µV."""
    rng = np.random.default_rng(seed)
    t = np.arange(SFREQ * seconds) / SFREQ
    return (20 * np.sin(2 * np.pi * 10 * t) + 5 * np.sin(2 * np.pi * 50 * t + 1.0)
            + 10 * rng.standard_normal((2, t.size)))


@pytest.fixture
def reduce_all(monkeypatch):
    """Take the reduced path for every recording whose rate allows it."""
    monkeypatch.setattr(reduction, "REDUCE_ABOVE_BYTES", 0)


def test_reduced_analysis_agrees_with_the_full_rate_one(tmp_path, monkeypatch):
    path = write_edf(tmp_path / "sine.edf", _known_answer(), SFREQ, ["Cz", "Pz"])
    full = features_from_path(path)
    whole = read_recording(path)
    verdict_full = check_plausible(whole)
    monkeypatch.setattr(reduction, "REDUCE_ABOVE_BYTES", 0)
    reduced = features_from_path(path)
    recording = read_recording(path)
    assert recording.sfreq == 1000 and recording.raw.n_times == 120_000 and recording.recorded_sfreq == SFREQ
    assert recording.content_hash == whole.content_hash  # the hash is of the samples as recorded
    assert reduced.source["content_hash"] == full.source["content_hash"]
    assert reduced.source["sfreq_hz"] == SFREQ and reduced.source["analysis_sfreq_hz"] == 1000
    assert reduced.source["duration_s"] == full.source["duration_s"] == 120

    # The plausibility check measures the recorded rate, including noise far above the analysed bands.
    verdict = check_plausible(recording)
    assert verdict.median_sd_uv == pytest.approx(verdict_full.median_sd_uv, rel=1e-3)
    assert verdict.median_sd_uv == pytest.approx(np.sqrt(200 + 12.5 + 100), rel=0.02)  # sine, mains, noise

    assert reduced.params == full.params and full.params["line_freq"] == 50.0  # mains found at either rate
    np.testing.assert_array_equal(reduced.times, full.times)
    np.testing.assert_array_equal(reduced.good, full.good)
    inner = (full.times - 2 >= EDGE_S) & (full.times + 2 <= 120 - EDGE_S)
    assert inner.sum() > 45
    for kind in ("absolute", "relative"):
        np.testing.assert_allclose(getattr(reduced, kind)[inner], getattr(full, kind)[inner], rtol=RTOL)
    # The known answer: the sine's 200 µV² plus the noise's 0.04 µV²/Hz over the 5 Hz of alpha.
    alpha = reduced.band("alpha", "absolute")[inner] * 1e12
    np.testing.assert_allclose(alpha, 200.2, rtol=0.03)
    report = inspect_file(path)  # what `inspect` says: the file's rate and length, the same verdict
    assert report.plausible and report.sfreq_hz == SFREQ and report.duration_s == 120
    assert report.median_sd_uv == pytest.approx(verdict_full.median_sd_uv, rel=1e-3)


def test_reduced_samples_do_not_depend_on_the_chunk_size(tmp_path, monkeypatch, reduce_all):
    data = np.vstack([_known_answer(seconds=30, seed=s) for s in (1, 2)])[:3]  # three channels
    data[:, : SFREQ * 12] = 30.0  # a constant start: its filtering waits for the first varying chunk
    path = write_edf(tmp_path / "three.edf", data, SFREQ, ["Fz", "Cz", "Pz"])
    monkeypatch.setattr(reduction, "READ_CHANNELS", 2)  # two groups of channels
    first = read_recording(path)
    # One chunk here; the same as the decimator fed the whole recording at once.
    whole = mne.io.read_raw_edf(path, preload=True, verbose="error").get_data()
    expected = np.empty((3, whole.shape[1] // 5))
    decimator = reduction.Decimator(reduction.antialias_fir(SFREQ, 5), 5, expected)
    decimator.push(whole)
    decimator.finish()
    np.testing.assert_array_equal(first.raw.get_data(), expected)
    for chunk in (50_000 + 7, 1 << 17):  # neither a multiple of the factor nor of the FFT blocks
        monkeypatch.setattr(reduction, "HASH_CHUNK_SAMPLES", chunk)
        monkeypatch.setattr(recording_module, "HASH_CHUNK_SAMPLES", chunk)
        again = read_recording(path)
        np.testing.assert_array_equal(again.raw.get_data(), first.raw.get_data())  # to the last bit
        np.testing.assert_allclose(again.full_rate.highpassed_sd_uv, first.full_rate.highpassed_sd_uv, rtol=1e-12)
        # The same bytes are hashed as from the whole array cut into the same chunks.
        monkeypatch.setattr(reduction, "REDUCE_ABOVE_BYTES", 1 << 40)
        assert read_recording(path).content_hash == again.content_hash
        monkeypatch.setattr(reduction, "REDUCE_ABOVE_BYTES", 0)


def test_the_decimator_is_a_zero_phase_low_pass():
    factor, sfreq = 5, 5000.0
    taps = reduction.antialias_fir(sfreq, factor)
    assert (taps.size - 1) % (2 * factor) == 0 and np.allclose(taps, taps[::-1])
    t = np.arange(200_000) / sfreq
    passed, stopped = np.sin(2 * np.pi * 40 * t + 0.3), np.sin(2 * np.pi * 560 * t)  # 560 Hz: beyond 55 % of 1 kHz
    out = np.empty((2, t.size // factor))
    decimator = reduction.Decimator(taps, factor, out)
    for start in range(0, t.size, 33_333):
        decimator.push(np.vstack([passed, stopped])[:, start : start + 33_333])
    decimator.finish()
    inner = slice(100, -100)
    np.testing.assert_allclose(out[0][inner], passed[::factor][inner], atol=2e-4)  # no delay, unit gain
    assert np.max(np.abs(out[1][inner])) < 1e-4  # 80 dB down


@pytest.mark.parametrize("relative, value", [
    # The values catalogues know these recordings by (computed before the chunked path existed).
    (None, "50c53a8adfe68831c563b73aecbdcd9ba876a62c7d878f2a079a9fd331e2a3ff"),
    ("eeglab/eeglab_data.set", "a713f466a41775a195c25c36fe58e966239228aa6a638f1030daf1d14d61d47e"),
    ("fif/mnetd_bv_dig_raw.fif", "a8505b685baed82a25e5fe63b8001a96db656ab5e6c48dff6267a31d1ed51cfe"),
    ("edf/mnetd_test_edf_overlapping_annotations.edf",
     "950b44acddbb9863a98cd68166edb346b55fe28af84e1d5a9e6a1814028273bb"),
])
def test_chunked_content_hash_equals_the_whole_on_real_files(relative, value, monkeypatch, reduce_all):
    path = SAMPLE if relative is None else shared_file(relative)
    raw = mne.io.read_raw(path, preload=False, verbose="error")
    # Reduced by 2 whatever the rate (128-5000 Hz here): the chunked reading runs on every file.
    monkeypatch.setattr(reduction, "ANALYSIS_RATE_HZ", raw.info["sfreq"] / 2)
    chunked = read_recording(path)
    assert chunked.full_rate is not None and chunked.content_hash == value
    monkeypatch.setattr(reduction, "REDUCE_ABOVE_BYTES", 1 << 40)
    assert read_recording(path).content_hash == value
    # Many chunks, channels read in groups: the same bytes as the whole array in those chunks.
    monkeypatch.setattr(reduction, "REDUCE_ABOVE_BYTES", 0)
    monkeypatch.setattr(reduction, "HASH_CHUNK_SAMPLES", 2_000)
    monkeypatch.setattr(recording_module, "HASH_CHUNK_SAMPLES", 2_000)
    monkeypatch.setattr(reduction, "READ_CHANNELS", 5)
    small = read_recording(path)
    assert small.full_rate is not None
    assert small.content_hash == content_hash(read_recording_whole(path))


def read_recording_whole(path):
    """The recording read and loaded the ordinary way, whatever the threshold says."""
    threshold = reduction.REDUCE_ABOVE_BYTES
    reduction.REDUCE_ABOVE_BYTES = 1 << 40
    try:
        return read_recording(path).raw
    finally:
        reduction.REDUCE_ABOVE_BYTES = threshold


def test_checks_on_a_reduced_recording_use_the_recorded_samples(tmp_path, reduce_all):
    # A marker channel (3 levels at the recorded rate, many once low-passed) and a flat one.
    data = _known_answer(seconds=30)
    marker = np.where(np.arange(data.shape[1]) % 7000 < 100, 100.0, 0.0)
    marker[data.shape[1] // 2 :] *= 2
    path = write_edf(tmp_path / "marked.edf", np.vstack([data, marker, np.zeros(data.shape[1])]), SFREQ,
                     ["Cz", "Pz", "Oz", "O2"])
    recording = read_recording(path)
    assert recording.full_rate is not None
    verdict = check_plausible(recording)
    assert "marker/status" in recording.dropped["Oz"] and "flat" in recording.dropped["O2"]
    assert recording.ch_names == ["Cz", "Pz"] and verdict.flat_channels == ["O2"]
    # The SD came from the recorded rate: all of the 10 µV noise, not the fifth below 500 Hz.
    reduced_only = highpassed_sd_uv(recording.raw)
    assert verdict.median_sd_uv > reduced_only[0] + 1


def test_a_zero_or_non_finite_long_recording_is_refused_like_any_other(tmp_path, monkeypatch, reduce_all):
    from batikgen.errors import RecordingError

    zeros = write_edf(tmp_path / "zeros.edf", np.zeros((2, SFREQ * 20)), SFREQ, ["Cz", "Pz"])
    filtered = []  # the real filters, watched: a flat recording is refused before any filtering
    for kind in (reduction.Decimator, reduction.HighpassMoments):
        monkeypatch.setattr(kind, "push", lambda self, chunk, real=kind.push: filtered.append(chunk) or real(self, chunk))
    with pytest.raises(RecordingError, match=r"zeros.edf: implausible amplitudes for EEG: every channel is flat "
                                             r"\(every sample is zero\)"):
        features_from_path(zeros)
    assert filtered == []
    features_from_path(write_edf(tmp_path / "sine.edf", _known_answer(seconds=20), SFREQ, ["Cz", "Pz"]))
    assert filtered  # ... and the watch sees the filters when they run
    data = _known_answer(seconds=20) * 1e-6
    data[1, 12345] = np.nan
    raw = mne.io.RawArray(data, mne.create_info(["Cz", "Pz"], SFREQ, "eeg"), verbose="error")
    with pytest.raises(RecordingError, match=r"nan.fif: 1 samples are NaN or infinite \(in Pz\)"):
        reduction.read_reduced(raw, tmp_path / "nan.fif", 5)


def test_the_choice_depends_on_rate_and_size_only():
    assert reduction.reduction_factor(5000, 1, 180_000_000) == 5  # the ten-hour recording
    assert reduction.reduction_factor(2048, 64, 3600 * 2048) == 2
    assert reduction.reduction_factor(256, 64, 3600 * 256 * 10) == 1  # no room below 2 kHz
    assert reduction.reduction_factor(5000, 67, 5000) == 1  # small: as recorded
    assert reduction.reduction_factor(20_000, 1, reduction.REDUCE_ABOVE_BYTES // 8 + 1) == 20


_MEMORY_CHILD = r"""
import sys
from pathlib import Path
from batikgen.signal.analyse import features_from_path, inspect_file

def status(key):
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) * 1024 for line in handle if line.startswith(key + ":"))

before = status("VmRSS")
features = features_from_path(Path(sys.argv[1]))
assert features.source["analysis_sfreq_hz"] == 1000, features.source
print(status("VmHWM") - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the peak resident set from /proc")
def test_a_long_fast_recording_is_analysed_in_far_less_memory_than_its_samples(tmp_path):
    from benchmarks.bench_field import write_long_edf

    # Half an hour of one channel at 20 kHz: 72 MB of EDF, 288 MB as float64 (over REDUCE_ABOVE_BYTES).
    path = write_long_edf(tmp_path / "half_hour.edf", hours=0.5, sfreq=20_000)
    samples_bytes = 8 * 1800 * 20_000
    assert samples_bytes > reduction.REDUCE_ABOVE_BYTES
    out = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, str(path)], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    growth = int(out.stdout.split()[-1])
    # Held at its own rate, the samples alone would be 288 MB and their analysis about twice that;
    # reduced twentyfold, the analysis takes a few times the reduced samples (14 MB) plus the chunks'.
    assert growth < 0.4 * samples_bytes, f"peak grew by {growth / 1e6:.0f} MB"
