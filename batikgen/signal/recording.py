"""The Recording object: EEG channels in volts plus anonymised provenance."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import mne
import numpy as np

from ..files import file_sha256  # noqa: F401  (re-exported: the readers import it from here)

#: Samples are quantised to this step before hashing, so the same signal read from another
#: format gives the same content hash and therefore the same art. They are first rounded to
#: float32, the precision FIF and most formats store, so a float64 reader and a float32 reader
#: of the same signal land on the same side of every nanovolt boundary.
HASH_QUANTUM_V = 1e-9

#: Samples this large (4.6e9 V: 2**62 nV, within int64 and float32) or larger are hashed exactly.
HASH_EXACT_ABOVE_V = 2.0**62 * HASH_QUANTUM_V

#: The digest is defined over time chunks of this many samples, each all channels' rows in order
#: (the same bytes whether the samples are in memory or read from the file a chunk at a time).
HASH_CHUNK_SAMPLES = 1 << 20


def content_hash(raw: mne.io.BaseRaw) -> str:
    """SHA-256 of channel names, sample rate and samples quantised to nanovolts.

    Parameters
    ----------
    raw : mne.io.BaseRaw
        Loaded data in volts.

    Returns
    -------
    str
        Hex digest.
    """
    digest = content_digest(raw.ch_names, raw.info["sfreq"])
    data = samples(raw)
    for start in range(0, data.shape[1], HASH_CHUNK_SAMPLES):
        for row in data:
            hash_row(digest, row[start : start + HASH_CHUNK_SAMPLES])
    return digest.hexdigest()


def content_digest(ch_names: list[str], sfreq: float):
    """The content hash's SHA-256 object after the channel names and rate, before the samples.

    Samples follow through :func:`hash_row`: each channel's row of each time chunk of
    :data:`HASH_CHUNK_SAMPLES`, chunk by chunk, channels in order (see :func:`content_hash`).
    """
    digest = hashlib.sha256()
    digest.update("\x1f".join(ch_names).encode("utf-8"))
    digest.update(f"|{float(sfreq):.9g}|".encode())
    return digest


def samples(raw: mne.io.BaseRaw) -> np.ndarray:
    """The loaded samples of ``raw`` in volts, shape (n_channels, n_samples), without a copy.

    ``raw.get_data()`` copies every sample; the checks that only read them use this view
    instead (an hour of 64 channels is 470 MB). Do not write to it.
    """
    if not raw.preload:
        raw.load_data(verbose="error")
    return raw._data


def hash_row(digest, row: np.ndarray, piece: int = 1 << 16) -> None:
    """Feed one channel's row of a time chunk to ``digest``: the samples as nanovolts, then any huge ones.

    The bytes are int64 nanovolts after rounding to float32, fed a piece at a time (small
    temporaries), followed, if there are any, by the positions (int64) and float64 values of the
    samples of :data:`HASH_EXACT_ABOVE_V` or more: those would overflow the float32 rounding (to inf)
    or the int64 count of nanovolts, making different signals hash alike (never EEG, but a hash is
    computed before that is checked). Positions count from the row's start.

    Parameters
    ----------
    digest : hashlib hash object
        From :func:`content_digest`.
    row : numpy.ndarray, shape (n,)
        Samples in volts.
    piece : int
        Samples quantised at a time; the bytes fed do not depend on it.
    """
    positions, values = [], []
    for start in range(0, row.size, piece):
        block = row[start : start + piece]
        big = ~(np.abs(block) < HASH_EXACT_ABOVE_V)  # also catches NaN
        with np.errstate(over="ignore", invalid="ignore"):
            as_stored = np.where(big, 0.0, block).astype(np.float32).astype(np.float64)
        digest.update(np.rint(as_stored / HASH_QUANTUM_V).astype("<i8").tobytes())
        if big.any():
            positions.append(np.flatnonzero(big) + start)
            values.append(block[big])
    if positions:
        digest.update(np.concatenate(positions).astype("<i8").tobytes() + np.concatenate(values).astype("<f8").tobytes())


@dataclass
class FullRate:
    """A long recording analysed at a reduced rate, as measured at the rate it was recorded at.

    The checks on amplitudes look at every sample as recorded; for a recording whose ``raw`` holds
    it reduced (see :mod:`batikgen.signal.reduction`) they were computed while it was read, a chunk
    at a time, and kept here. Arrays are per channel, in the order of ``ch_names``.

    Attributes
    ----------
    sfreq : float
        The rate the file was recorded at, Hz.
    n_times : int
        Samples per channel at that rate (after any leading zeros were dropped).
    ch_names : list of str
        Channels, as when read (the checks may drop some from ``raw`` later).
    minimum, maximum : numpy.ndarray
        Extremes of each channel, volts (the flatness check).
    highpassed_sd_uv : numpy.ndarray
        SD after a 1 Hz high-pass, µV (the plausibility check).
    head_levels : numpy.ndarray of int
        Distinct values among each channel's first samples (the marker-channel check).
    """

    sfreq: float
    n_times: int
    ch_names: list[str]
    minimum: np.ndarray
    maximum: np.ndarray
    highpassed_sd_uv: np.ndarray
    head_levels: np.ndarray

    def of(self, attribute: str, ch_names: list[str]) -> np.ndarray:
        """One attribute's values for ``ch_names`` (a subset of :attr:`ch_names`), in that order."""
        rows = [self.ch_names.index(name) for name in ch_names]
        return np.asarray(getattr(self, attribute))[rows]


@dataclass
class Recording:
    """EEG data ready for the feature stage.

    Attributes
    ----------
    raw : mne.io.BaseRaw
        Loaded data, EEG channels only, in volts. Header fields that could identify a person
        (name, birth date, ...) have been removed. For a long recording at a high rate, the samples
        reduced to an analysis rate (see :mod:`batikgen.signal.reduction` and ``full_rate``).
    source : pathlib.Path
        The file it was read from.
    format : str
        Reader used, e.g. ``"edf"``, ``"eeglab"``.
    file_sha256 : str
        Hash of the main file's bytes.
    content_hash : str
        Hash of the signal itself, as recorded (see :func:`content_hash`): the root of every seed.
    dropped : dict of str to str
        Channels that were not kept, with the reason.
    full_rate : FullRate or None
        For a recording whose ``raw`` holds it reduced: what the checks need, measured at the
        recorded rate. None when ``raw`` holds the samples as recorded.
    """

    raw: mne.io.BaseRaw
    source: Path
    format: str
    file_sha256: str
    content_hash: str
    dropped: dict[str, str] = field(default_factory=dict)
    full_rate: FullRate | None = None

    @property
    def sfreq(self) -> float:
        """Sample rate of ``raw`` in Hz: the rate analysed (the recorded rate, or the reduced one)."""
        return float(self.raw.info["sfreq"])

    @property
    def recorded_sfreq(self) -> float:
        """The rate the file was recorded at, in Hz."""
        return self.full_rate.sfreq if self.full_rate else self.sfreq

    @property
    def ch_names(self) -> list[str]:
        """Names of the EEG channels kept."""
        return list(self.raw.ch_names)

    @property
    def duration(self) -> float:
        """Length in seconds."""
        if self.full_rate:
            return self.full_rate.n_times / self.full_rate.sfreq
        return self.raw.n_times / self.sfreq

    def provenance(self) -> dict:
        """Anonymised, JSON-ready description of where the data came from."""
        described = {
            "file": self.source.name,
            "format": self.format,
            "file_sha256": self.file_sha256,
            "content_hash": self.content_hash,
            "sfreq_hz": self.recorded_sfreq,
            "duration_s": round(self.duration, 6),
            "channels": self.ch_names,
            "dropped": dict(self.dropped),
        }
        if self.full_rate:
            described["analysis_sfreq_hz"] = self.sfreq
        return described
