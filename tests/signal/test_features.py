"""Band power on signals with known answers, on the sample, and on real recordings."""

import numpy as np
import pytest

from batikgen.errors import FeatureError
from batikgen.signal.features import BandFeatures, compute_band_features
from batikgen.signal.readers import read_recording
from batikgen.signal.recording import Recording, content_hash
from batikgen.signal.simulate import sine_mixture
from tests.conftest import shared_file


def _recording(raw) -> Recording:
    from pathlib import Path
    return Recording(raw=raw, source=Path("synthetic"), format="synthetic", file_sha256="-",
                     content_hash=content_hash(raw))


def test_band_powers_match_analytic_values():
    # Sines of amplitude A have power A²/2, each placed mid-band and on a frequency bin.
    amplitudes = {2.5: 20.0, 6.0: 10.0, 10.5: 30.0, 20.0: 8.0, 36.0: 4.0}
    features = compute_band_features(_recording(sine_mixture(amplitudes, duration_s=60)))
    expected = np.array([a**2 / 2 for a in amplitudes.values()]) * 1e-12  # V²
    measured = features.absolute[2:-2].mean(axis=(0, 1))  # away from filter edge effects
    np.testing.assert_allclose(measured, expected, rtol=0.02)
    np.testing.assert_allclose(features.relative[2:-2].mean(axis=(0, 1)), expected / expected.sum(), rtol=0.02)


def test_relative_power_follows_the_dominant_band():
    alpha = compute_band_features(_recording(sine_mixture({10.0: 30.0, 20.0: 3.0}, noise_uv=1.0)))
    beta = compute_band_features(_recording(sine_mixture({10.0: 3.0, 20.0: 30.0}, noise_uv=1.0)))
    assert alpha.band("alpha").mean() > 0.9 > beta.band("alpha").mean()
    assert beta.band("beta").mean() > 0.9
    assert alpha.indices["relaxation"].mean() > beta.indices["relaxation"].mean()
    assert beta.indices["engagement"].mean() > alpha.indices["engagement"].mean()


def test_spectral_entropy_is_low_for_a_sine_and_high_for_noise():
    sine = compute_band_features(_recording(sine_mixture({10.0: 30.0})))
    noise = compute_band_features(_recording(sine_mixture({}, noise_uv=20.0)))
    assert sine.indices["spectral_entropy"].mean() < 0.3 < 0.9 < noise.indices["spectral_entropy"].mean()


def test_band_narrower_than_resolution_is_refused():
    recording = _recording(sine_mixture({10.0: 10.0}, duration_s=20))
    with pytest.raises(FeatureError, match=r"band 'tiny' \(10-10.1 Hz\) is narrower than the frequency resolution 0.25 Hz"):
        compute_band_features(recording, window_s=4.0, bands={"tiny": (10.0, 10.1)})


def test_recording_shorter_than_window_is_refused():
    with pytest.raises(FeatureError, match="shorter than the 4 s analysis window"):
        compute_band_features(_recording(sine_mixture({10.0: 10.0}, duration_s=3)))


def test_artefact_windows_are_masked():
    raw = sine_mixture({10.0: 10.0}, duration_s=40, noise_uv=2.0)
    raw._data[:, 20 * 256 : 20 * 256 + 64] += 400e-6  # a large jump on every channel
    features = compute_band_features(_recording(raw))
    bad_times = features.times[~features.good]
    assert len(bad_times) >= 1 and np.all(np.abs(bad_times - 20) < 4)


def test_features_save_and_load_round_trip(tmp_path, sample_path):
    features = compute_band_features(read_recording(sample_path))
    path = features.save(tmp_path / "f.npz")
    again = BandFeatures.load(path)
    np.testing.assert_array_equal(again.relative, features.relative)
    np.testing.assert_array_equal(again.good, features.good)
    assert list(again.bands.items()) == list(features.bands.items()) and again.ch_names == features.ch_names
    np.testing.assert_array_equal(again.channel_good, features.channel_good)
    np.testing.assert_array_equal(again.band("alpha"), features.band("alpha"))
    assert again.source == features.source and set(again.indices) == set(features.indices)
    (tmp_path / "junk.npz").write_bytes(b"junk")
    with pytest.raises(FeatureError, match="junk.npz: not a batikgen features file"):
        BandFeatures.load(tmp_path / "junk.npz")


def test_sample_shows_alpha_when_eyes_close(sample_path):
    features = compute_band_features(read_recording(sample_path))
    alpha = features.band("alpha")
    closed = (features.times > 75) & (features.times < 135)
    opened = features.times < 65
    assert alpha[closed].mean() > 2 * alpha[opened].mean()


def test_eeglab_tutorial_has_an_alpha_peak():
    features = compute_band_features(read_recording(shared_file("eeglab/eeglab_data.set")))
    relative = features.relative.mean(axis=(0, 1))
    assert features.band_names[int(np.argmax(relative))] == "alpha"
    assert 0.35 < relative[features.band_names.index("alpha")] < 0.5  # MANIFEST: ~0.43


# --- preprocessing, indices and the real recordings -------------------------------------------

from batikgen.errors import ParameterError  # noqa: E402
from batikgen.signal.features import preprocess_recording  # noqa: E402
from batikgen.signal.plausibility import check_plausible  # noqa: E402
from batikgen.signal.preprocess import detect_line_frequency  # noqa: E402
from batikgen.signal.readers import READERS  # noqa: E402
from batikgen.signal.simulate import simulate_eeg  # noqa: E402

REAL_RAW = [
    "eeglab/eeglab_data.set", "edf/mnetd_test_edf_overlapping_annotations.edf", "edf/mnetd_chtypes_edf.edf",
    "bdf/mnetd_test_bdf_stim_channel.bdf", "brainvision/testbva.vhdr", "fif/mnetd_bv_dig_raw.fif",
    "csv/biopsykit_eeg_muse_example.csv", "csv/OpenBCI_GUI-v6-blinks-jawClench-alpha.txt",
]


def _reference_band_power(data, sfreq, n_window, n_step, bands, l_freq, h_freq):
    """Band power computed independently: scipy's periodogram on each window cut out by hand."""
    from scipy.signal import periodogram

    starts = range(0, data.shape[1] - n_window + 1, n_step)
    absolute, relative = [], []
    for start in starts:
        freqs, psd = periodogram(data[:, start : start + n_window], fs=sfreq, window="hann",
                                 detrend="constant", scaling="density", axis=1)
        df = freqs[1] - freqs[0]
        power = np.stack([psd[:, (freqs >= lo) & (freqs < hi)].sum(axis=1) * df for lo, hi in bands.values()], 1)
        total = psd[:, (freqs >= l_freq) & (freqs < h_freq)].sum(axis=1) * df
        absolute.append(power)
        relative.append(power / total[:, None])
    return np.array(absolute), np.array(relative)


@pytest.mark.parametrize("relative", REAL_RAW)
def test_real_band_powers_agree_with_an_independent_scipy_reference(relative):
    recording = read_recording(shared_file(relative))
    check_plausible(recording)
    window_s = 4.0 if recording.duration >= 8 else 0.5
    features = compute_band_features(recording, window_s=window_s, step_s=window_s / 2)
    params = features.params
    prepared = preprocess_recording(recording, params["l_freq"], params["h_freq"], params["line_freq"] or None,
                                    "average" if params["reference"] == "average" else "none")
    data = prepared.data[prepared.kept]
    sfreq = recording.sfreq
    absolute, rel = _reference_band_power(data, sfreq, int(round(window_s * sfreq)), int(round(window_s / 2 * sfreq)),
                                          features.bands, params["l_freq"], params["h_freq"])
    assert absolute.shape == features.absolute.shape
    np.testing.assert_allclose(features.absolute, absolute, rtol=0.01)
    np.testing.assert_allclose(features.relative, rel, rtol=0.01)
    # And the values are those of EEG: a few to a few hundred µV² in total per window.
    total_uv2 = np.median(features.absolute.sum(axis=2)) * 1e12
    assert 1 < total_uv2 < 1e5


def test_features_on_synthetic_sines_with_another_window_and_per_channel():
    amplitudes = {3.0: 12.0, 11.0: 25.0, 22.0: 6.0}
    raw = sine_mixture(amplitudes, duration_s=40, sfreq=200, ch_names=["O1", "O2", "C3"])
    features = compute_band_features(_recording(raw), window_s=2.0, step_s=0.5, line_freq=None)
    expected = {"delta": 72e-12, "alpha": 312.5e-12, "beta": 18e-12}
    for band, value in expected.items():
        per_channel = features.absolute[4:-4, :, features.band_names.index(band)].mean(axis=0)
        np.testing.assert_allclose(per_channel, value, rtol=0.02)
    assert features.params["step_s"] == 0.5 and features.times[1] - features.times[0] == pytest.approx(0.5)


def test_line_frequency_is_detected_and_notched():
    base = {10.0: 10.0}
    assert detect_line_frequency(sine_mixture({**base, 50.0: 20.0}, noise_uv=2).get_data(), 256) == 50.0
    assert detect_line_frequency(sine_mixture({**base, 60.0: 20.0}, noise_uv=2).get_data(), 256) == 60.0
    assert detect_line_frequency(sine_mixture(base, noise_uv=2).get_data(), 256) is None
    recording = _recording(sine_mixture({**base, 50.0: 20.0}, noise_uv=1, duration_s=30))
    bands = {"alpha": (8.0, 13.0), "high": (40.0, 70.0)}
    kept = compute_band_features(recording, bands=bands, h_freq=80, line_freq=None)
    notched = compute_band_features(recording, bands=bands, h_freq=80)
    assert notched.params["line_freq"] == 50.0
    k = kept.band_names.index("high")
    assert kept.absolute[2:-2, :, k].mean() == pytest.approx(200e-12, rel=0.1)  # 20 µV sine: 200 µV²
    assert notched.absolute[2:-2, :, k].mean() < 0.05 * kept.absolute[2:-2, :, k].mean()
    with pytest.raises(ParameterError, match="line frequency must be below half the sample rate"):
        compute_band_features(recording, line_freq=200)


def test_bad_channel_is_left_out_and_average_reference_removes_common_signal():
    names = ["Fp1", "Fp2", "F3", "F4", "C3", "C4", "P3", "P4", "O1", "O2", "F7", "F8", "T7", "T8", "P7", "P8", "Cz"]
    raw = sine_mixture({10.0: 10.0}, duration_s=30, ch_names=names, noise_uv=5.0)
    t = np.arange(raw.n_times) / raw.info["sfreq"]
    raw._data += 40e-6 * np.sin(2 * np.pi * 20 * t)  # the same 20 Hz on every channel: a reference artefact
    raw._data[names.index("T8")] *= 20  # a loose electrode
    features = compute_band_features(_recording(raw))
    assert "T8" in features.params["bad_channels"] and "T8" not in features.ch_names
    assert features.params["reference"] == "average"
    beta = features.band_names.index("beta")
    assert features.absolute[:, :, beta].mean() < 0.05 * 800e-12  # 40 µV common sine gone
    as_recorded = compute_band_features(_recording(raw), reference="none")
    assert as_recorded.absolute[:, :, beta].mean() == pytest.approx(800e-12, rel=0.1)
    with pytest.raises(ParameterError, match="reference must be one of auto, average, none; got 'linked'"):
        compute_band_features(_recording(raw), reference="linked")


def test_blinks_mask_frontal_windows_but_not_occipital_alpha():
    raw = simulate_eeg(duration_s=60, seed=7, eyes_closed=None, blink_interval_s=6, blink_uv=250)
    features = compute_band_features(_recording(raw))
    fp1, o1 = features.ch_names.index("Fp1"), features.ch_names.index("O1")
    assert (~features.channel_good[:, fp1]).sum() >= 3
    assert features.channel_good[:, o1].all()
    clean = compute_band_features(_recording(simulate_eeg(duration_s=60, seed=7, eyes_closed=None,
                                                           blink_interval_s=0)))
    assert features.channel_good.all() == False and clean.channel_good.all()  # noqa: E712


def test_openbci_eyes_closed_part_has_more_alpha_than_the_first_part():
    recording = read_recording(shared_file("csv/OpenBCI_GUI-v6-blinks-jawClench-alpha.txt"))
    features = compute_band_features(recording)
    alpha = features.band("alpha")
    first = features.times < 18  # blinks and jaw clenches
    closed = (features.times > 28) & (features.times < 75)  # eyes closed, before the eyes open again
    assert alpha[closed].mean() > 2 * alpha[first].mean()
    assert features.params["line_freq"] == 60.0  # a US recording: 60 Hz mains detected


def test_every_reader_is_documented_in_the_readme():
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Reading recordings", 1)[1].split("\n## ", 1)[0]
    for reader in READERS:
        assert f"`{reader.name}`" in section, reader.name


def test_progress_is_reported_per_block_up_to_the_total():
    names = [f"E{i}" for i in range(20)]
    calls = []
    compute_band_features(_recording(sine_mixture({10.0: 10.0}, duration_s=20, ch_names=names, noise_uv=2)),
                          progress=lambda stage, done, total: calls.append((stage, done, total)))
    for stage in ("filtering", "band power"):
        done = [d for s, d, t in calls if s == stage]
        assert done == sorted(done) and done[-1] == 20 and len(done) == 3  # blocks of 8 channels


def test_eeglab_tutorial_spectrum_peaks_in_the_alpha_band():
    from scipy.signal import welch

    recording = read_recording(shared_file("eeglab/eeglab_data.set"))
    prepared = preprocess_recording(recording)
    freqs, psd = welch(prepared.data[prepared.kept], fs=recording.sfreq, nperseg=int(4 * recording.sfreq))
    spectrum = np.median(psd, axis=0)
    search = (freqs >= 5) & (freqs <= 20)
    peak = freqs[search][np.argmax(spectrum[search])]
    assert 8 <= peak <= 13
    # A peak, not a shoulder of 1/f: higher than the theta and low-beta floors beside it.
    at = lambda f: spectrum[np.argmin(np.abs(freqs - f))]  # noqa: E731
    assert at(peak) > 2 * at(6.0) and at(peak) > 2 * at(16.0)
