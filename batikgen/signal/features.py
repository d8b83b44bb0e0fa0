"""Band-power time course: windows x channels x bands, with derived indices and a quality mask."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import signal as sps

from .._validate import check_choice, check_positive
from ..errors import FeatureError, ParameterError
from ..files import atomic_write
from .preprocess import (
    BLOCK_CHANNELS,
    HIGHPASS_ORDER,
    LOWPASS_ORDER,
    Progress,
    detect_line_frequency,
    filter_in_place,
    filter_sos,
    find_bad_channels,
    rereference_in_place,
)
from .recording import Recording

#: Default EEG bands in Hz, lower edge inclusive, upper edge exclusive.
DEFAULT_BANDS: dict[str, tuple[float, float]] = {
    "delta": (1.0, 4.0),
    "theta": (4.0, 8.0),
    "alpha": (8.0, 13.0),
    "beta": (13.0, 30.0),
    "gamma": (30.0, 45.0),
}

#: A window is rejected when more than this fraction of channels exceed the artefact threshold.
ARTIFACT_CHANNEL_FRACTION = 0.25
#: A channel's window is an artefact only if its peak-to-peak amplitude is also this many times the
#: channel's median over the recording, so noisy but clean recordings are not rejected wholesale.
ARTIFACT_RELATIVE = 3.0

#: With fewer good channels than this, the average is not a neutral reference; "auto" keeps the
#: recording's own reference then (a 4-channel Muse or an 8-channel OpenBCI cap).
AVERAGE_REFERENCE_MIN_CHANNELS = 16

FEATURES_FORMAT_VERSION = 2  # 2: channel_good added

# Frontal pairs for alpha asymmetry, most standard first: (left, right).
_FRONTAL_PAIRS = [("F3", "F4"), ("F7", "F8"), ("AF3", "AF4"), ("AF7", "AF8"), ("Fp1", "Fp2")]


@dataclass
class BandFeatures:
    """The time course of band power of one recording.

    Attributes
    ----------
    times : numpy.ndarray, shape (n_windows,)
        Centre of each window, in seconds from the start of the recording.
    ch_names : list of str
        Channels, in the order of the second axis of the power arrays.
    bands : dict of str to (float, float)
        Band name to (low, high) edges in Hz, in the order of the third axis.
    absolute : numpy.ndarray, shape (n_windows, n_channels, n_bands)
        Band power in V².
    relative : numpy.ndarray, shape (n_windows, n_channels, n_bands)
        Band power divided by the power of the whole analysed range.
    good : numpy.ndarray of bool, shape (n_windows,)
        False for windows rejected as artefacts (more than a quarter of the channels spoiled).
    indices : dict of str to numpy.ndarray
        Derived per-window indices (engagement, relaxation, spectral_entropy, and
        frontal_alpha_asymmetry when a frontal pair exists).
    params : dict
        The parameters that made these features.
    source : dict
        Provenance of the recording (anonymised).
    channel_good : numpy.ndarray of bool, shape (n_windows, n_channels), optional
        False where one channel's window is spoiled (a blink on Fp1, a clench on T7); channel
        means leave those out. All True when omitted.
    """

    times: np.ndarray
    ch_names: list[str]
    bands: dict[str, tuple[float, float]]
    absolute: np.ndarray
    relative: np.ndarray
    good: np.ndarray
    indices: dict[str, np.ndarray] = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    source: dict = field(default_factory=dict)
    channel_good: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.channel_good is None:
            self.channel_good = np.ones(self.absolute.shape[:2], dtype=bool)

    @property
    def n_windows(self) -> int:
        """Number of windows."""
        return int(self.times.shape[0])

    @property
    def band_names(self) -> list[str]:
        """Names of the bands, in array order."""
        return list(self.bands)

    def band(self, name: str, kind: str = "relative") -> np.ndarray:
        """Channel-mean power of one band per window.

        Parameters
        ----------
        name : str
            A band name, e.g. ``"alpha"``.
        kind : {"relative", "absolute"}
            Which power.

        Returns
        -------
        numpy.ndarray, shape (n_windows,)
        """
        if name not in self.bands:
            raise FeatureError(f"unknown band {name!r}; these features have {', '.join(self.bands)}")
        if kind not in ("relative", "absolute"):
            raise FeatureError(f"kind must be 'relative' or 'absolute', got {kind!r}")
        values = self.relative if kind == "relative" else self.absolute
        return self._channel_mean(values[:, :, self.band_names.index(name)])

    def _channel_mean(self, values: np.ndarray) -> np.ndarray:
        """Mean over the channels whose window is clean; over all channels where none is."""
        weights = self.channel_good.astype(float)
        if values.ndim == 3:
            weights = weights[:, :, None]
        counts = weights.sum(axis=1)
        clean = (values * weights).sum(axis=1) / np.maximum(counts, 1)
        return np.where(counts > 0, clean, values.mean(axis=1))

    def aggregate(self, kind: str = "relative") -> np.ndarray:
        """Channel-mean power of every band per window, shape (n_windows, n_bands)."""
        if kind not in ("relative", "absolute"):
            raise FeatureError(f"kind must be 'relative' or 'absolute', got {kind!r}")
        return self._channel_mean(self.relative if kind == "relative" else self.absolute)

    def save(self, path: str | os.PathLike, overwrite: bool = False) -> Path:
        """Write the features to an ``.npz`` file (atomically); return its path."""
        meta = {
            "format_version": FEATURES_FORMAT_VERSION,
            "ch_names": self.ch_names,
            "bands": {k: list(v) for k, v in self.bands.items()},
            "band_order": self.band_names,  # the JSON keys get sorted; the array axis must not
            "index_names": list(self.indices),
            "params": self.params,
            "source": self.source,
        }
        arrays = {f"index_{k}": v for k, v in self.indices.items()}
        with atomic_write(path, overwrite) as handle:
            np.savez_compressed(
                handle, meta=np.array(json.dumps(meta, sort_keys=True)), times=self.times,
                absolute=self.absolute, relative=self.relative, good=self.good,
                channel_good=self.channel_good, **arrays,
            )
        return Path(path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "BandFeatures":
        """Read features written by :meth:`save`."""
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                if meta.get("format_version") != FEATURES_FORMAT_VERSION:
                    raise FeatureError(
                        f"{path}: features format version {meta.get('format_version')!r}, "
                        f"this batikgen reads version {FEATURES_FORMAT_VERSION}"
                    )
                return cls(
                    times=data["times"], ch_names=list(meta["ch_names"]),
                    bands={k: tuple(meta["bands"][k]) for k in meta["band_order"]},
                    absolute=data["absolute"], relative=data["relative"], good=data["good"],
                    indices={k: data[f"index_{k}"] for k in meta["index_names"]},
                    params=meta["params"], source=meta["source"], channel_good=data["channel_good"],
                )
        except FeatureError:
            raise
        except (OSError, ValueError, KeyError) as exc:
            raise FeatureError(f"{path}: not a batikgen features file ({exc})") from exc


def _check_bands(bands: dict[str, tuple[float, float]], resolution: float, l_freq: float, h_freq: float) -> None:
    if not bands:
        raise FeatureError(f"no band lies inside the analysed range {l_freq:g}-{h_freq:g} Hz")
    for name, (low, high) in bands.items():
        if not low < high:
            raise FeatureError(f"band {name!r}: low edge {low:g} Hz must be below high edge {high:g} Hz")
        if high - low < resolution:
            raise FeatureError(
                f"band {name!r} ({low:g}-{high:g} Hz) is narrower than the frequency resolution "
                f"{resolution:g} Hz of a {1 / resolution:g} s window; use a window of at least "
                f"{1 / (high - low):g} s or a wider band"
            )
        if low < l_freq - 1e-9 or high > h_freq + 1e-9:
            raise FeatureError(
                f"band {name!r} ({low:g}-{high:g} Hz) lies outside the analysed range {l_freq:g}-{h_freq:g} Hz"
            )


def _resolve_line_freq(line_freq, data: np.ndarray, sfreq: float) -> float | None:
    if line_freq is None or line_freq == "none":
        return None
    if line_freq == "auto":
        return detect_line_frequency(data, sfreq)
    value = check_positive("line frequency", line_freq, "Hz")
    if value >= sfreq / 2:
        raise ParameterError(f"line frequency must be below half the sample rate ({sfreq / 2:g} Hz), got {value:g} Hz")
    return value


@dataclass
class Preprocessed:
    """Samples ready for band power, and what was done to them.

    Attributes
    ----------
    data : numpy.ndarray, shape (n_channels, n_samples)
        Filtered (and re-referenced) samples of every channel of the recording, in volts.
    kept : numpy.ndarray of int
        Rows of ``data`` that are analysed (bad channels left out).
    line_freq : float or None
        Mains frequency notched out.
    bad_channels : dict of str to str
        Channels left out, with the reason.
    referenced : bool
        Whether the average reference was applied.
    """

    data: np.ndarray
    kept: np.ndarray
    line_freq: float | None
    bad_channels: dict[str, str]
    referenced: bool


def preprocess_recording(
    recording: Recording,
    l_freq: float = 1.0,
    h_freq: float = 45.0,
    line_freq: float | str | None = "auto",
    reference: str = "auto",
    drop_bad_channels: bool = True,
    progress: Progress | None = None,
) -> Preprocessed:
    """Filter, find bad channels and re-reference: the samples :func:`compute_band_features` analyses.

    Parameters are those of :func:`compute_band_features`. Costs one copy of the samples; all
    else happens in place, a block of channels at a time.

    Returns
    -------
    Preprocessed
    """
    check_choice("reference", reference, ["auto", "average", "none"])
    sfreq = recording.sfreq
    h_freq = min(check_positive("h_freq", h_freq, "Hz"), 0.45 * sfreq)
    data = recording.raw.get_data()  # the one full-size copy; everything below works in place
    line = _resolve_line_freq(line_freq, data, sfreq)
    filter_in_place(data, filter_sos(sfreq, l_freq, h_freq, line), progress)
    names = recording.ch_names
    bad = find_bad_channels(data, names) if drop_bad_channels else {}
    use = np.array([name not in bad for name in names])
    referenced = reference == "average" or (reference == "auto" and use.sum() >= AVERAGE_REFERENCE_MIN_CHANNELS)
    if referenced:
        rereference_in_place(data, use)
    return Preprocessed(data=data, kept=np.flatnonzero(use), line_freq=line, bad_channels=bad, referenced=referenced)


def compute_band_features(
    recording: Recording,
    window_s: float = 4.0,
    step_s: float = 2.0,
    bands: dict[str, tuple[float, float]] | None = None,
    l_freq: float = 1.0,
    h_freq: float = 45.0,
    artifact_uv: float = 150.0,
    line_freq: float | str | None = "auto",
    reference: str = "auto",
    drop_bad_channels: bool = True,
    progress: Progress | None = None,
) -> BandFeatures:
    """Preprocess the recording and compute band power on sliding windows.

    Steps: zero-phase band-pass with its edges just outside ``l_freq``-``h_freq`` (so in-band power
    is kept; see :func:`~batikgen.signal.preprocess.filter_sos`) and mains notch; bad channels (amplitude far
    from the typical channel) left out; average reference; Hann-windowed periodograms on sliding
    windows (:func:`scipy.signal.spectrogram`); band power per window, channel and band; a mask of
    windows spoiled by blinks or jaw clenches; derived indices.

    Parameters
    ----------
    recording : Recording
        EEG in volts; not modified.
    window_s, step_s : float
        Window length and hop in seconds.
    bands : dict, optional
        Band name to (low, high) Hz; defaults to :data:`DEFAULT_BANDS`.
    l_freq, h_freq : float
        Band-pass edges in Hz; relative power is relative to this range. ``h_freq`` is lowered
        to 45 % of the sample rate for slow recordings.
    artifact_uv : float
        Peak-to-peak amplitude (µV) above which a channel's window counts as an artefact, if it is
        also :data:`ARTIFACT_RELATIVE` times that channel's median peak-to-peak amplitude.
    line_freq : float, "auto" or None
        Mains frequency to notch out; ``"auto"`` detects a 50 or 60 Hz peak; None for no notch.
    reference : {"auto", "average", "none"}
        ``"average"`` subtracts the mean of the good channels; ``"auto"`` does so when there are
        at least :data:`AVERAGE_REFERENCE_MIN_CHANNELS` good channels (fewer do not average to
        a neutral reference); ``"none"`` keeps the recording's reference.
    drop_bad_channels : bool
        Leave out channels whose amplitude is far from the typical channel.
    progress : callable, optional
        ``progress(stage, done, total)`` as blocks of channels are processed.

    Returns
    -------
    BandFeatures
    """
    window_s = check_positive("window", window_s, "s")
    step_s = check_positive("step", step_s, "s")
    artifact_uv = check_positive("artifact threshold", artifact_uv, "µV")
    check_choice("reference", reference, ["auto", "average", "none"])
    bands = dict(DEFAULT_BANDS if bands is None else bands)
    sfreq = recording.sfreq
    h_freq = min(check_positive("h_freq", h_freq, "Hz"), 0.45 * sfreq)
    l_freq = check_positive("l_freq", l_freq, "Hz")
    # Bands beyond what the sample rate can carry are clipped, and dropped if nothing is left.
    bands = {k: (lo, min(hi, h_freq)) for k, (lo, hi) in bands.items() if lo < h_freq}
    n_window = int(round(window_s * sfreq))
    n_step = int(round(step_s * sfreq))
    if n_step < 1 or n_step > n_window:
        raise FeatureError(f"step must be between 1 sample and the window ({window_s:g} s), got {step_s:g} s")
    if recording.raw.n_times < n_window:
        raise FeatureError(
            f"{recording.source}: recording is {recording.duration:.2f} s long, shorter than the "
            f"{window_s:g} s analysis window"
        )
    _check_bands(bands, sfreq / n_window, l_freq, h_freq)

    prepared = preprocess_recording(recording, l_freq, h_freq, line_freq, reference, drop_bad_channels, progress)
    data, kept, names = prepared.data, prepared.kept, recording.ch_names
    line, bad, referenced = prepared.line_freq, prepared.bad_channels, prepared.referenced

    spectra = _windowed_band_power(data, kept, sfreq, n_window, n_step, bands, l_freq, h_freq, progress)
    absolute, total, mean_spectrum, ptp = spectra
    relative = absolute / np.maximum(total, np.finfo(float).tiny)[:, :, None]
    channel_good, good = _clean_windows(ptp, artifact_uv * 1e-6)
    times = (np.arange(absolute.shape[0]) * n_step + n_window / 2) / sfreq
    features = BandFeatures(
        times=times, ch_names=[names[i] for i in kept], bands=bands, absolute=absolute, relative=relative,
        good=good, params={
            "window_s": window_s, "step_s": step_s, "l_freq": l_freq, "h_freq": h_freq,
            "artifact_uv": artifact_uv, "line_freq": line, "reference": "average" if referenced else "as recorded",
            "bad_channels": bad,
            "method": "scipy.signal.spectrogram (Hann, periodogram per window) after zero-phase Butterworth "
                      f"filters (sosfiltfilt: high-pass order {HIGHPASS_ORDER} at l_freq/2, low-pass "
                      f"order {LOWPASS_ORDER} above h_freq) and a mains notch",
        },
        source=recording.provenance(), channel_good=channel_good,
    )
    features.indices = derived_indices(features, mean_spectrum)
    return features


def _windowed_band_power(data, kept, sfreq, n_window, n_step, bands, l_freq, h_freq, progress):
    """Band power, in-range total, channel-mean spectrum and peak-to-peak per window, by blocks.

    The full spectrogram of an hour of 64 channels is as large as the samples; each block's is
    reduced to band sums at once, so it never exists whole.
    """
    n_windows = 1 + (data.shape[1] - n_window) // n_step
    freqs = np.fft.rfftfreq(n_window, 1 / sfreq)
    df = freqs[1] - freqs[0]
    in_range = (freqs >= l_freq) & (freqs < h_freq)
    # Band membership as a matrix: one product sums every band of every window.
    weights = np.stack([((freqs >= lo) & (freqs < hi)) * df for lo, hi in bands.values()]
                       + [in_range * df], axis=1)
    absolute = np.empty((n_windows, kept.size, len(bands)))
    total = np.empty((n_windows, kept.size))
    spectrum_sum = np.zeros((n_windows, int(in_range.sum())))
    ptp = np.empty((n_windows, kept.size))
    for start in range(0, kept.size, BLOCK_CHANNELS):
        rows = kept[start : start + BLOCK_CHANNELS]
        block = data[rows] if rows.size != data.shape[0] else data
        _, _, psd = sps.spectrogram(block, fs=sfreq, window="hann", nperseg=n_window,
                                    noverlap=n_window - n_step, detrend="constant", scaling="density",
                                    mode="psd")
        psd = psd[:, :, :n_windows]  # channels x freqs x windows
        sums = np.tensordot(psd, weights, axes=([1], [0]))  # channels x windows x (bands + total)
        absolute[:, start : start + rows.size] = sums[:, :, :-1].transpose(1, 0, 2)
        total[:, start : start + rows.size] = sums[:, :, -1].T
        spectrum_sum += psd[:, in_range].sum(axis=0).T
        segments = np.lib.stride_tricks.sliding_window_view(block, n_window, axis=1)[:, ::n_step][:, :n_windows]
        ptp[:, start : start + rows.size] = (segments.max(axis=2) - segments.min(axis=2)).T
        if progress:
            progress("band power", start + rows.size, kept.size)
    return absolute, total, spectrum_sum / max(kept.size, 1), ptp


def _clean_windows(ptp: np.ndarray, threshold_v: float) -> tuple[np.ndarray, np.ndarray]:
    """Per channel-window and per window: is the peak-to-peak amplitude within its threshold?

    Returns the (n_windows, n_channels) mask of clean channel-windows and the (n_windows,) mask of
    windows where at most a quarter of the channels are spoiled.
    """
    threshold = np.maximum(threshold_v, ARTIFACT_RELATIVE * np.median(ptp, axis=0))
    spoiled = ptp > threshold
    return ~spoiled, np.mean(spoiled, axis=1) <= ARTIFACT_CHANNEL_FRACTION


def derived_indices(features: BandFeatures, psd_in_range: np.ndarray | None) -> dict[str, np.ndarray]:
    """Engagement, relaxation, spectral entropy and frontal alpha asymmetry per window.

    Parameters
    ----------
    features : BandFeatures
        Band powers (absolute power is used, averaged over channels).
    psd_in_range : numpy.ndarray or None
        The PSD over the analysed range, for spectral entropy: shape (n_windows, n_freqs) for the
        channel mean, or (n_windows, n_channels, n_freqs). None when there is no spectrum
        (precomputed band powers): no spectral entropy then.

    Returns
    -------
    dict of str to numpy.ndarray
    """
    tiny = np.finfo(float).tiny
    out: dict[str, np.ndarray] = {}
    names = features.band_names
    if {"alpha", "theta", "beta"} <= set(names):
        alpha, theta, beta = (features.band(b, "absolute") for b in ("alpha", "theta", "beta"))
        out["engagement"] = beta / np.maximum(alpha + theta, tiny)
        out["relaxation"] = alpha / np.maximum(theta, tiny)
    if psd_in_range is not None:
        spectrum = psd_in_range.mean(axis=1) if psd_in_range.ndim == 3 else psd_in_range
        p = spectrum / np.maximum(spectrum.sum(axis=1, keepdims=True), tiny)
        entropy = -(p * np.log(np.where(p > 0, p, 1.0))).sum(axis=1)
        out["spectral_entropy"] = entropy / np.log(max(p.shape[1], 2))
    if "alpha" in names:
        k = names.index("alpha")
        for left, right in _FRONTAL_PAIRS:
            if left in features.ch_names and right in features.ch_names:
                a_left = features.absolute[:, features.ch_names.index(left), k]
                a_right = features.absolute[:, features.ch_names.index(right), k]
                out["frontal_alpha_asymmetry"] = np.log(np.maximum(a_right, tiny)) - np.log(np.maximum(a_left, tiny))
                break
    return out
