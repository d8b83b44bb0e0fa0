"""Flat recordings refused before filtering; recordings too big for memory refused before reading, in every format."""

import os
import shutil
from pathlib import Path

import pytest

from batikgen.errors import RecordingError
from batikgen.signal.memory import ANALYSIS_FACTOR, available_bytes, check_fits
from batikgen.signal.plausibility import check_plausible
from batikgen.signal.readers import read_recording
from tests.conftest import SAMPLE


def _edf_with_data(tmp_path, name, fill: bytes | None = None, records: int | None = None):
    """The bundled sample EDF with its samples overwritten by ``fill`` or its record count changed
    (the file then extended sparsely: gigabytes that take no disk)."""
    path = tmp_path / name
    shutil.copy(SAMPLE, path)
    data = bytearray(path.read_bytes())
    header = int(data[184:192])
    if fill is not None:
        data[header:] = fill * ((len(data) - header) // len(fill))
    if records is not None:
        data[236:244] = str(records).ljust(8).encode()
    path.write_bytes(bytes(data))
    if records is not None:
        ns = int(data[252:256])
        spr = [int(data[256 + ns * 216 + 8 * i : 256 + ns * 216 + 8 * i + 8]) for i in range(ns)]
        with open(path, "r+b") as handle:
            handle.truncate(header + records * 2 * sum(spr))
    return path


def test_an_all_zero_recording_is_refused_before_filtering(tmp_path):
    recording = read_recording(_edf_with_data(tmp_path, "zeros.edf", fill=b"\x00\x00"))
    with pytest.raises(RecordingError, match=r"zeros.edf: implausible amplitudes for EEG: every channel is flat "
                                             r"\(every (sample is zero|channel holds one constant value)\); no signal"):
        check_plausible(recording)


def test_a_constant_recording_is_refused_as_flat(tmp_path):
    recording = read_recording(_edf_with_data(tmp_path, "const.edf", fill=b"\x10\x27"))
    with pytest.raises(RecordingError, match=r"const.edf: .*every channel is flat"):
        check_plausible(recording)


def test_a_recording_too_big_for_memory_is_refused_before_its_samples_are_read(tmp_path, monkeypatch):
    # Ten hours of the sample's 19 channels at 256 Hz: 350 MB of int16 on (sparse) disk, 1.4 GB as
    # float64, about 3.5 GB to analyse.
    path = _edf_with_data(tmp_path, "ten_hours.edf", records=36_000)
    assert path.stat().st_size > 3e8
    monkeypatch.setenv("BATIKGEN_MEMORY_LIMIT_MB", "2000")
    with pytest.raises(RecordingError, match=r"ten_hours.edf: \d+ channels x 9,216,000 samples are \d+\.\d\d GB as "
                                             r"float64 and need about \d+\.\d\d GB to analyse, more than the 2.00 GB of "
                                             r"memory available; split the recording"):
        read_recording(path)


def test_check_fits_compares_the_analysis_peak_with_the_limit():
    samples = 64 * 921_600  # an hour of 64 channels at 256 Hz
    check_fits("hour.edf", 64, 921_600, limit=int(ANALYSIS_FACTOR * 8 * samples) + 1)
    with pytest.raises(RecordingError, match=r"hour.edf: 64 channels x 921,600 samples are 0.47 GB"):
        check_fits("hour.edf", 64, 921_600, limit=int(ANALYSIS_FACTOR * 8 * samples) - 1)
    if os.path.exists("/proc/meminfo"):
        assert available_bytes() > 0


def test_band_power_over_runs_of_windows_equals_one_run(monkeypatch):
    """The spectrogram is taken a run of windows at a time to bound its memory: same numbers."""
    import mne
    import numpy as np

    from batikgen.signal import features as features_module
    from batikgen.signal.features import compute_band_features
    from batikgen.signal.recording import Recording

    rng = np.random.default_rng(4)
    t = np.arange(256 * 120) / 256
    data = 20e-6 * np.sin(2 * np.pi * 10 * t) + 8e-6 * rng.standard_normal((4, t.size))
    raw = mne.io.RawArray(data, mne.create_info(["Fz", "Cz", "Pz", "Oz"], 256.0, "eeg"), verbose="error")
    recording = Recording(raw=raw, source=Path("sim.fif"), format="simulated", file_sha256="-", content_hash="-")
    whole = compute_band_features(recording)
    monkeypatch.setattr(features_module, "_SPECTROGRAM_BYTES", 8 * 1024 * 8 * 4 * 7)  # runs of 7 windows
    runs = compute_band_features(recording)
    assert whole.n_windows == 59
    np.testing.assert_array_equal(runs.absolute, whole.absolute)
    np.testing.assert_array_equal(runs.relative, whole.relative)
    for name in whole.indices:
        np.testing.assert_array_equal(runs.indices[name], whole.indices[name])


def test_long_rows_are_filtered_in_runs_that_agree_with_one_pass():
    import numpy as np

    from batikgen.signal import preprocess

    rng = np.random.default_rng(9)
    sfreq = 5000.0
    n = preprocess.LONG_ROW_SAMPLES + 3_000_001  # a little over 28 minutes at 5 kHz: three runs
    row = rng.standard_normal(n).cumsum() * 1e-7 + 10e-6 * np.sin(2 * np.pi * 10 * np.arange(n) / sfreq)
    sos = preprocess.filter_sos(sfreq, 1.0, 45.0, 50.0)
    whole = preprocess.sps.sosfiltfilt(sos, row, padtype="odd", padlen=6 * len(sos))
    runs = row[None, :].copy()
    preprocess.filter_in_place(runs, sos)
    assert np.max(np.abs(runs[0] - whole)) < 1e-6 * np.max(np.abs(whole))

    # The plausibility check's SD of a long row comes from the same runs, without a copy of the row.
    import mne

    from batikgen.signal.plausibility import highpassed_sd_uv

    raw = mne.io.RawArray(row[None, :], mne.create_info(["Cz"], sfreq, "eeg"), verbose="error")
    one_pass = preprocess.sps.sosfiltfilt(preprocess.highpass_sos(sfreq, 1.0), row, padtype="odd", padlen=6 * 2)
    assert highpassed_sd_uv(raw)[0] == pytest.approx(np.std(one_pass) * 1e6, rel=1e-6)


def _refused_size(message: str) -> tuple[int, int]:
    """(channels, samples) from check_fits' refusal."""
    import re

    found = re.search(r": (\d+) channels x ([\d,]+) samples", message)
    assert found, message
    return int(found.group(1)), int(found.group(2).replace(",", ""))


@pytest.mark.parametrize("relative, channels", [
    ("csv/biopsykit_eeg_muse_example.csv", 5),  # TP9, AF7, AF8, TP10, Right AUX (dropped later)
    ("csv/OpenBCI_GUI-v6-blinks-jawClench-alpha.txt", 8),
])
def test_text_exports_too_big_for_memory_are_refused_before_they_are_parsed(relative, channels, tmp_path, monkeypatch):
    from tests.conftest import shared_file

    original = shared_file(relative)
    lines = original.read_bytes().splitlines(keepends=True)
    data_rows = sum(1 for line in lines if line[:1].isdigit() or line[:1] == b"-" or line[:2] == b" -")
    # A value no parser accepts at the end: refused for its size means it was refused before parsing.
    damaged = tmp_path / original.name
    damaged.write_bytes(b"".join(lines) + lines[-1].replace(b",", b",x", 1))
    monkeypatch.setenv("BATIKGEN_MEMORY_LIMIT_MB", "1")
    with pytest.raises(RecordingError, match=rf"{damaged.name}: {channels} channels x [\d,]+ samples are \d+\.\d\d GB "
                                             r"as float64 .* more than the 0.00 GB of memory available") as refused:
        read_recording(damaged)
    estimated = _refused_size(str(refused.value))[1]
    assert data_rows <= estimated < 1.1 * data_rows  # from the size and the first lines, on the safe side
    monkeypatch.delenv("BATIKGEN_MEMORY_LIMIT_MB")
    assert read_recording(original).raw.n_times > 0.9 * data_rows


def test_an_xdf_too_big_for_memory_is_refused_from_its_stream_header(tmp_path, monkeypatch):
    import numpy as np

    from batikgen.signal.xdf import eeg_stream_size
    from tests.signal.filewriters import write_xdf

    data = np.random.default_rng(3).standard_normal((4, 256 * 60)) * 10
    path = write_xdf(tmp_path / "session.xdf", data, 256, ["Fz", "Cz", "Pz", "Oz"])
    channels, bound = eeg_stream_size(path)
    assert channels == 4 and 256 * 60 <= bound <= path.stat().st_size // 16  # no more than the file holds
    with open(path, "r+b") as handle:  # cut inside the samples: pyxdf would have to parse to find out
        handle.truncate(path.stat().st_size - 1000)
    monkeypatch.setenv("BATIKGEN_MEMORY_LIMIT_MB", "1")
    with pytest.raises(RecordingError, match=r"session.xdf: 4 channels x [\d,]+ samples are .* more than the 0.00 GB"):
        read_recording(path)


@pytest.mark.parametrize("width", [2, 4])
def test_a_cnt_too_big_for_memory_is_refused_before_its_samples_are_loaded(width, tmp_path, monkeypatch):
    import numpy as np

    from tests.signal.filewriters import write_cnt

    t = np.arange(256 * 60) / 256
    data = 20 * np.sin(2 * np.pi * 10 * t) + 8 * np.random.default_rng(2).standard_normal((4, t.size))
    path = write_cnt(tmp_path / "rec.cnt", data, 256, ["Fz", "Cz", "Pz", "Oz"], width=width)
    monkeypatch.setenv("BATIKGEN_MEMORY_LIMIT_MB", "1")
    with pytest.raises(RecordingError, match=r"rec.cnt: 4 channels x 15,360 samples are 0.00 GB as float64 and need "
                                             r"about 0.00 GB to analyse, more than the 0.00 GB"):
        read_recording(path)
    monkeypatch.setenv("BATIKGEN_MEMORY_LIMIT_MB", "100")
    assert read_recording(path).raw.n_times == 15_360
