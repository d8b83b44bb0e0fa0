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
    assert again.bands == features.bands and again.ch_names == features.ch_names
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
