"""Band-power time course: windows x channels x bands, with derived indices and a quality mask."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import signal as sps

from .._validate import check_positive
from ..atomic import atomic_write
from ..errors import FeatureError
from .preprocess import bandpass
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

FEATURES_FORMAT_VERSION = 1

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
        False for windows rejected as artefacts.
    indices : dict of str to numpy.ndarray
        Derived per-window indices (engagement, relaxation, spectral_entropy, and
        frontal_alpha_asymmetry when a frontal pair exists).
    params : dict
        The parameters that made these features.
    source : dict
        Provenance of the recording (anonymised).
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
        return values[:, :, self.band_names.index(name)].mean(axis=1)

    def save(self, path: str | os.PathLike, overwrite: bool = False) -> Path:
        """Write the features to an ``.npz`` file (atomically); return its path."""
        meta = {
            "format_version": FEATURES_FORMAT_VERSION,
            "ch_names": self.ch_names,
            "bands": {k: list(v) for k, v in self.bands.items()},
            "index_names": list(self.indices),
            "params": self.params,
            "source": self.source,
        }
        arrays = {f"index_{k}": v for k, v in self.indices.items()}
        with atomic_write(path, overwrite) as handle:
            np.savez_compressed(
                handle, meta=np.array(json.dumps(meta, sort_keys=True)), times=self.times,
                absolute=self.absolute, relative=self.relative, good=self.good, **arrays,
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
                    bands={k: tuple(v) for k, v in meta["bands"].items()},
                    absolute=data["absolute"], relative=data["relative"], good=data["good"],
                    indices={k: data[f"index_{k}"] for k in meta["index_names"]},
                    params=meta["params"], source=meta["source"],
                )
        except FeatureError:
            raise
        except (OSError, ValueError, KeyError) as exc:
            raise FeatureError(f"{path}: not a batikgen features file ({exc})") from exc


def _check_bands(bands: dict[str, tuple[float, float]], resolution: float, l_freq: float, h_freq: float) -> None:
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


def compute_band_features(
    recording: Recording,
    window_s: float = 4.0,
    step_s: float = 2.0,
    bands: dict[str, tuple[float, float]] | None = None,
    l_freq: float = 1.0,
    h_freq: float = 45.0,
    artifact_uv: float = 150.0,
) -> BandFeatures:
    """Band-pass the recording and compute band power on sliding windows.

    Parameters
    ----------
    recording : Recording
        EEG in volts.
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

    Returns
    -------
    BandFeatures
    """
    window_s = check_positive("window", window_s, "s")
    step_s = check_positive("step", step_s, "s")
    artifact_uv = check_positive("artifact threshold", artifact_uv, "µV")
    bands = dict(DEFAULT_BANDS if bands is None else bands)
    sfreq = recording.sfreq
    h_freq = min(h_freq, 0.45 * sfreq)
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

    data = bandpass(recording.raw, l_freq, h_freq)
    freqs, times, psd = sps.spectrogram(
        data, fs=sfreq, window="hann", nperseg=n_window, noverlap=n_window - n_step,
        detrend="constant", scaling="density", mode="psd",
    )
    # psd: channels x freqs x windows -> windows x channels x freqs
    psd = np.moveaxis(psd, -1, 0)
    df = freqs[1] - freqs[0]
    absolute = np.stack(
        [psd[:, :, (freqs >= lo) & (freqs < hi)].sum(axis=2) * df for lo, hi in bands.values()], axis=2
    )
    in_range = (freqs >= l_freq) & (freqs < h_freq)
    total = psd[:, :, in_range].sum(axis=2) * df
    relative = absolute / np.maximum(total, np.finfo(float).tiny)[:, :, None]

    good = _good_windows(data, n_window, n_step, len(times), artifact_uv * 1e-6)
    features = BandFeatures(
        times=times, ch_names=recording.ch_names, bands=bands, absolute=absolute, relative=relative,
        good=good, params={
            "window_s": window_s, "step_s": step_s, "l_freq": l_freq, "h_freq": h_freq,
            "artifact_uv": artifact_uv, "method": "scipy.signal.spectrogram hann, MNE FIR band-pass",
        },
        source=recording.provenance(),
    )
    features.indices = derived_indices(features, psd[:, :, in_range])
    return features


def _good_windows(data: np.ndarray, n_window: int, n_step: int, n_windows: int, threshold_v: float) -> np.ndarray:
    """True where at most a quarter of the channels exceed their peak-to-peak threshold."""
    ptp = np.empty((n_windows, data.shape[0]))
    for i in range(n_windows):
        segment = data[:, i * n_step : i * n_step + n_window]
        ptp[i] = segment.max(axis=1) - segment.min(axis=1)
    threshold = np.maximum(threshold_v, ARTIFACT_RELATIVE * np.median(ptp, axis=0))
    return np.mean(ptp > threshold, axis=1) <= ARTIFACT_CHANNEL_FRACTION


def derived_indices(features: BandFeatures, psd_in_range: np.ndarray) -> dict[str, np.ndarray]:
    """Engagement, relaxation, spectral entropy and frontal alpha asymmetry per window.

    Parameters
    ----------
    features : BandFeatures
        Band powers (absolute power is used, averaged over channels).
    psd_in_range : numpy.ndarray, shape (n_windows, n_channels, n_freqs)
        The PSD over the analysed range, for spectral entropy.

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
    spectrum = psd_in_range.mean(axis=1)
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
