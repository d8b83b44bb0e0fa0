"""Simulated EEG with known content: for the bundled sample and for tests with known answers.

The model is simple but has the features that matter for batik: a 1/f ("pink") background with
some spatial correlation, posterior alpha bursts that grow when the eyes close, eye blinks on the
frontal channels while the eyes are open, and mains interference. Every number comes from a
generator seeded by the caller.
"""

from __future__ import annotations

import datetime as dt

import mne
import numpy as np

#: The 19 channels of the international 10-20 system.
STANDARD_1020 = [
    "Fp1", "Fp2", "F7", "F3", "Fz", "F4", "F8", "T7", "C3", "Cz", "C4", "T8",
    "P7", "P3", "Pz", "P4", "P8", "O1", "O2",
]

# How strongly each scalp region shows posterior alpha and frontal blinks.
_ALPHA_WEIGHT = {"O": 1.0, "P": 0.7, "C": 0.35, "T": 0.3, "F": 0.15}
_BLINK_WEIGHT = {"Fp": 1.0, "F": 0.45, "C": 0.12, "T": 0.1}
# Frontal-midline theta (meditation, focused calm), fronto-central beta (an attentive task) and
# muscle noise (jaw and forehead tension of a restless sitter) by region.
_THETA_WEIGHT = {"Fz": 1.0, "F": 0.7, "Cz": 0.8, "C": 0.5, "P": 0.3, "Fp": 0.4}
_BETA_WEIGHT = {"F": 0.9, "C": 1.0, "P": 0.6, "Fp": 0.5}
_EMG_WEIGHT = {"T": 1.0, "F7": 0.9, "F8": 0.9, "Fp": 0.6}


def _region_weight(name: str, table: dict[str, float], default: float = 0.05) -> float:
    for prefix in sorted(table, key=len, reverse=True):
        if name.startswith(prefix):
            return table[prefix]
    return default


def pink_noise(rng: np.random.Generator, n_channels: int, n_samples: int, exponent: float = 1.0) -> np.ndarray:
    """Noise whose power falls as 1/f**exponent, each channel scaled to unit SD.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    n_channels, n_samples : int
        Output shape.
    exponent : float
        Spectral exponent (1 is pink noise).

    Returns
    -------
    numpy.ndarray, shape (n_channels, n_samples)
    """
    spectrum = np.fft.rfft(rng.standard_normal((n_channels, n_samples)), axis=1)
    freqs = np.fft.rfftfreq(n_samples)
    freqs[0] = freqs[1]
    spectrum *= freqs ** (-exponent / 2)
    noise = np.fft.irfft(spectrum, n=n_samples, axis=1)
    noise -= noise.mean(axis=1, keepdims=True)
    return noise / noise.std(axis=1, keepdims=True)


def _smooth_envelope(rng: np.random.Generator, n_samples: int, sfreq: float, timescale_s: float) -> np.ndarray:
    """A positive, slowly varying envelope with mean about 1 (bursts of a few hundred ms)."""
    kernel_len = max(int(timescale_s * sfreq), 1)
    kernel = np.hanning(kernel_len + 2)[1:-1]
    noise = np.convolve(rng.standard_normal(n_samples + kernel_len), kernel, mode="same")[:n_samples]
    envelope = np.abs(noise)
    return envelope / envelope.mean()


def simulate_eeg(
    duration_s: float = 180.0,
    sfreq: float = 256.0,
    ch_names: list[str] | None = None,
    seed: int = 20221010,
    eyes_closed: tuple[float, float] | None = (70.0, 140.0),
    background_uv: float = 10.0,
    alpha_open_uv: float = 4.0,
    alpha_closed_uv: float = 22.0,
    alpha_hz: float = 10.0,
    blink_interval_s: float = 4.0,
    blink_uv: float = 120.0,
    line_hz: float = 50.0,
    line_uv: float = 1.5,
    theta_uv: float = 0.0,
    beta_uv: float = 0.0,
    emg_uv: float = 0.0,
) -> mne.io.RawArray:
    """Simulate a resting EEG recording with an eyes-closed stretch.

    Parameters
    ----------
    duration_s, sfreq : float
        Length in seconds and sample rate in Hz.
    ch_names : list of str, optional
        Channel labels (10-20 names); default :data:`STANDARD_1020`.
    seed : int
        Seed of the generator; the same seed gives the same samples.
    eyes_closed : (float, float) or None
        Start and end in seconds of the eyes-closed stretch (strong alpha, no blinks).
    background_uv : float
        SD of the 1/f background in µV.
    alpha_open_uv, alpha_closed_uv : float
        Mean amplitude of occipital alpha with eyes open and closed, in µV.
    alpha_hz : float
        Alpha peak frequency.
    blink_interval_s : float
        Mean time between blinks while the eyes are open (0 for none).
    blink_uv : float
        Blink amplitude at Fp1/Fp2, in µV.
    line_hz, line_uv : float
        Mains frequency and amplitude (0 µV for none).
    theta_uv : float
        Mean amplitude of a 6 Hz frontal-midline theta rhythm in bursts, in µV (0 for none).
    beta_uv : float
        Mean amplitude of 20 Hz fronto-central beta bursts, in µV (0 for none).
    emg_uv : float
        SD of muscle noise (20-60 Hz) in bursts over temporal and frontal channels, in µV (0 for
        none): windows a correct pipeline marks as artefacts.

    Returns
    -------
    mne.io.RawArray
        EEG in volts with the standard 10-20 montage set.
    """
    rng = np.random.default_rng(seed)
    names = list(ch_names or STANDARD_1020)
    n = int(round(duration_s * sfreq))
    t = np.arange(n) / sfreq
    closed = np.zeros(n, dtype=bool)
    if eyes_closed is not None:
        closed = (t >= eyes_closed[0]) & (t < eyes_closed[1])

    common = pink_noise(rng, 1, n)
    local = pink_noise(rng, len(names), n)
    data = background_uv * (0.5 * common + np.sqrt(0.75) * local)

    # Alpha: a 10 Hz rhythm with slow frequency drift, waxing and waning in bursts.
    drift = 0.3 * np.convolve(rng.standard_normal(n), np.ones(int(sfreq * 2)) / int(sfreq * 2), mode="same")
    phase = 2 * np.pi * np.cumsum(alpha_hz + drift) / sfreq
    gain = np.where(closed, alpha_closed_uv, alpha_open_uv)
    # Smooth the eyes-open/closed step over half a second, as the real transition is.
    ramp = np.ones(int(sfreq / 2)) / int(sfreq / 2)
    gain = np.convolve(np.pad(gain, len(ramp), mode="edge"), ramp, mode="same")[len(ramp) : len(ramp) + n]
    alpha = gain * _smooth_envelope(rng, n, sfreq, 0.8) * np.sin(phase)
    weights = np.array([_region_weight(name, _ALPHA_WEIGHT) for name in names])
    data += weights[:, None] * alpha[None, :]

    if blink_interval_s > 0:
        blink = np.zeros(n)
        width = int(0.3 * sfreq)
        shape = np.sin(np.linspace(0, np.pi, width)) ** 2
        time = rng.exponential(blink_interval_s)
        while time < duration_s - 0.5:
            start = int(time * sfreq)
            if not closed[start : start + width].any():
                blink[start : start + width] += blink_uv * rng.uniform(0.7, 1.2) * shape
            time += rng.exponential(blink_interval_s) + 0.5
        weights = np.array([_region_weight(name, _BLINK_WEIGHT, 0.03) for name in names])
        data += weights[:, None] * blink[None, :]

    if line_uv > 0:
        data += line_uv * np.sin(2 * np.pi * line_hz * t + rng.uniform(0, 2 * np.pi))

    # Added after every draw above, and only when asked, so earlier signals keep their samples.
    for uv, hz, table in ((theta_uv, 6.0, _THETA_WEIGHT), (beta_uv, 20.0, _BETA_WEIGHT)):
        if uv > 0:
            rhythm = uv * _smooth_envelope(rng, n, sfreq, 0.6) * np.sin(2 * np.pi * hz * t + rng.uniform(0, 2 * np.pi))
            weights = np.array([_region_weight(name, table) for name in names])
            data += weights[:, None] * rhythm[None, :]
    if emg_uv > 0:
        spectrum = np.fft.rfft(rng.standard_normal((len(names), n)), axis=1)
        freqs = np.fft.rfftfreq(n, 1 / sfreq)
        spectrum[:, (freqs < 20) | (freqs > 60)] = 0
        noise = np.fft.irfft(spectrum, n=n, axis=1)
        noise /= noise.std(axis=1, keepdims=True)
        bursts = _smooth_envelope(rng, n, sfreq, 3.0) ** 2  # a few seconds of tension at a time
        weights = np.array([_region_weight(name, _EMG_WEIGHT, 0.1) for name in names])
        data += emg_uv * weights[:, None] * bursts[None, :] * noise

    info = mne.create_info(names, sfreq, ch_types="eeg")
    raw = mne.io.RawArray(data * 1e-6, info, verbose="error")
    raw.set_montage("standard_1020", on_missing="ignore", verbose="error")
    # A fixed date keeps exported files byte-identical (World Mental Health Day 2022).
    raw.set_meas_date(dt.datetime(2022, 10, 10, 10, 0, 0, tzinfo=dt.timezone.utc))
    return raw


def sine_mixture(
    components: dict[float, float],
    duration_s: float = 60.0,
    sfreq: float = 256.0,
    ch_names: list[str] | None = None,
    noise_uv: float = 0.0,
    seed: int = 0,
) -> mne.io.RawArray:
    """EEG made of pure sines of known amplitude (for tests with analytic band powers).

    Parameters
    ----------
    components : dict of float to float
        Frequency in Hz to amplitude in µV; a sine of amplitude A has power A²/2.
    duration_s, sfreq : float
        Length and sample rate.
    ch_names : list of str, optional
        Labels; default four posterior channels.
    noise_uv : float
        SD of added white noise in µV.
    seed : int
        Seed for the noise and the phases.

    Returns
    -------
    mne.io.RawArray
    """
    rng = np.random.default_rng(seed)
    names = list(ch_names or ["O1", "O2", "P3", "P4"])
    t = np.arange(int(round(duration_s * sfreq))) / sfreq
    data = np.zeros((len(names), t.size))
    for freq, amplitude in components.items():
        data += amplitude * np.sin(2 * np.pi * freq * t + rng.uniform(0, 2 * np.pi, (len(names), 1)))
    if noise_uv:
        data += noise_uv * rng.standard_normal(data.shape)
    return mne.io.RawArray(data * 1e-6, mne.create_info(names, sfreq, ch_types="eeg"), verbose="error")
