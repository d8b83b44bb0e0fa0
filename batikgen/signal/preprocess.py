"""Preprocessing before band power: band-pass, notch, bad channels and re-referencing.

Filtering uses zero-phase IIR filters (a Butterworth band-pass and a notch, applied forwards and
backwards with :func:`scipy.signal.sosfiltfilt`) as one cascade of second-order sections, a few
channels at a time and in place. Measured on an hour of 64-channel EEG at 256 Hz (see
benchmarks/bench_features.py), MNE's FIR band-pass plus its FIR notch is about as fast (0.5 s against
0.4 s per 8 channels), so speed did not decide it: the IIR cascade does band-pass and notch in one
pass with one copy of the samples, and it works on short recordings, where a 1 Hz FIR high-pass needs
a 3.3 s kernel longer than the signal (the 1 s FIF test recording). Band edges sit outside the
analysed range so the power of every band inside it is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import numpy as np
from scipy import signal as sps

from .._validate import check_positive
from ..errors import FeatureError, ParameterError
from ..progress import Progress

log = logging.getLogger(__name__)

#: Butterworth orders of the high-pass and low-pass edges (each applied twice: zero phase).
HIGHPASS_ORDER = 4
LOWPASS_ORDER = 8
#: Quality factor of the mains notch (bandwidth = frequency / Q).
NOTCH_Q = 30.0
#: Channels filtered together: small enough that the temporaries of one block stay small.
BLOCK_CHANNELS = 8
#: A mains peak must stand this many times above the neighbouring spectrum to be detected.
LINE_PEAK_RATIO = 5.0


def detect_line_frequency(data: np.ndarray, sfreq: float, max_seconds: float = 60.0) -> float | None:
    """Mains frequency (50 or 60 Hz) if its peak stands out of the spectrum, else None.

    Parameters
    ----------
    data : numpy.ndarray, shape (n_channels, n_samples)
        Samples in volts (only the first ``max_seconds`` are used).
    sfreq : float
        Sample rate in Hz.
    max_seconds : float
        How much of the recording to look at.

    Returns
    -------
    float or None
    """
    candidates = [f for f in (50.0, 60.0) if f < 0.45 * sfreq]
    n = min(data.shape[1], int(max_seconds * sfreq))
    nperseg = min(n, int(2 * sfreq))  # 0.5 Hz resolution
    if not candidates or nperseg < sfreq:
        return None
    freqs, psd = sps.welch(data[:, :n], fs=sfreq, nperseg=nperseg, axis=1)
    spectrum = np.median(psd, axis=0)
    best, best_ratio = None, LINE_PEAK_RATIO
    for line in candidates:
        peak = spectrum[np.abs(freqs - line) <= 0.5].max()
        around = spectrum[(np.abs(freqs - line) >= 2) & (np.abs(freqs - line) <= 5)]
        ratio = peak / max(float(np.median(around)), np.finfo(float).tiny)
        if ratio > best_ratio:
            best, best_ratio = line, ratio
    return best


def highpass_sos(sfreq: float, corner_hz: float) -> np.ndarray:
    """Butterworth high-pass (order :data:`HIGHPASS_ORDER`) with its -3 dB corner at ``corner_hz``."""
    return sps.butter(HIGHPASS_ORDER, corner_hz, btype="highpass", fs=sfreq, output="sos")


def filter_sos(sfreq: float, l_freq: float, h_freq: float | None, line_freq: float | None) -> np.ndarray:
    """Second-order sections of the band-pass (or high-pass), then the mains notch if asked for.

    The edges sit outside the analysed range, as MNE places its FIR transition bands, so the
    power of every band inside ``l_freq``-``h_freq`` is kept: the high-pass corner (-3 dB) is at
    ``l_freq / 2``, the low-pass corner at ``h_freq`` plus a quarter (at least 2 Hz). Where that
    corner would pass 49 % of the sample rate there is no low-pass: band power ignores what lies
    above ``h_freq`` anyway, and the amplifier's anti-aliasing filter already acted there.

    Parameters
    ----------
    sfreq : float
        Sample rate in Hz.
    l_freq : float
        Lowest frequency analysed, Hz.
    h_freq : float or None
        Highest frequency analysed, Hz; None for a high-pass only.
    line_freq : float or None
        Mains frequency; it and its harmonics up to the low-pass corner are notched out.

    Returns
    -------
    numpy.ndarray, shape (n_sections, 6)
    """
    check_positive("l_freq", l_freq, "Hz")
    top = sfreq / 2 if h_freq is None else check_positive("h_freq", h_freq, "Hz")
    if not l_freq < top <= sfreq / 2:
        raise FeatureError(
            f"band-pass {l_freq:g}-{top:g} Hz is not possible at a sample rate of {sfreq:g} Hz "
            f"(need l_freq < h_freq <= {sfreq / 2:g} Hz)"
        )
    sections = [highpass_sos(sfreq, l_freq / 2)]
    corner = None if h_freq is None else h_freq + max(2.0, 0.25 * h_freq)
    if corner is not None and corner < 0.49 * sfreq:
        sections.append(sps.butter(LOWPASS_ORDER, corner, btype="lowpass", fs=sfreq, output="sos"))
    if line_freq is not None:
        reach = corner if corner is not None and corner < 0.49 * sfreq else sfreq / 2 - 1
        for harmonic in np.arange(line_freq, sfreq / 2 - 1, line_freq):
            if harmonic <= reach:
                b, a = sps.iirnotch(harmonic, NOTCH_Q, fs=sfreq)
                sections.append(sps.tf2sos(b, a))
    return np.vstack(sections)


def filter_in_place(data: np.ndarray, sos: np.ndarray, progress: Progress | None = None) -> np.ndarray:
    """Zero-phase filter every row of ``data`` in place, a block of channels at a time.

    Parameters
    ----------
    data : numpy.ndarray of float64, shape (n_channels, n_samples)
        Overwritten with the filtered samples.
    sos : numpy.ndarray
        Second-order sections (see :func:`filter_sos`).
    progress : callable, optional
        ``progress("filtering", done, total)`` after each block.

    Returns
    -------
    numpy.ndarray
        ``data`` itself.
    """
    n_channels = data.shape[0]
    # sosfiltfilt pads by a few filter lengths; short recordings get what they can take.
    padlen = min(3 * 2 * len(sos), data.shape[1] - 1)
    if data.shape[1] > LONG_ROW_SAMPLES:  # see _filtfilt_in_runs
        for channel, row in enumerate(data):
            _filtfilt_in_runs(sos, row, padlen)
            if progress:
                progress("filtering", channel + 1, n_channels)
        return data
    for start in range(0, n_channels, BLOCK_CHANNELS):
        block = slice(start, min(start + BLOCK_CHANNELS, n_channels))
        data[block] = sps.sosfiltfilt(sos, data[block], axis=1, padtype="odd", padlen=padlen)
        if progress:
            progress("filtering", block.stop, n_channels)
    return data


#: Rows longer than this (9 hours at 256 Hz, 28 minutes at 5 kHz) are filtered in runs: sosfiltfilt
#: makes four or five temporaries the length of its input, 7 GB for ten hours at 5 kHz.
LONG_ROW_SAMPLES = 1 << 23
_RUN_SAMPLES = 1 << 22
#: Real samples on each side of a run, so the filter's start-up transient dies out before the run's
#: own samples (2**20 samples: 68 minutes at 256 Hz, 3.5 minutes at 5 kHz; a 0.5 Hz Butterworth
#: high-pass settles within seconds).
_RUN_MARGIN = 1 << 20


def filtered_runs(sos: np.ndarray, row: np.ndarray, padlen: int) -> Iterator[tuple[int, np.ndarray]]:
    """Zero-phase filter a long row a run at a time, each run with real samples as margin.

    Yields ``(start, filtered run)`` in order, without changing ``row``: the original samples a
    run needs before it are kept aside, so the caller may write each run back in place. Equal
    to filtering the whole row within the transient left after :data:`_RUN_MARGIN` samples (far
    below float precision for the filters used here), with temporaries of a few runs' size
    instead of several times the row.
    """
    n = row.size
    before = row[:0].copy()  # the original samples just before the current run
    for start in range(0, n, _RUN_SAMPLES):
        stop = min(start + _RUN_SAMPLES, n)
        end = min(stop + _RUN_MARGIN, n)
        segment = np.concatenate([before, row[start:end]])
        before = row[max(stop - _RUN_MARGIN, 0) : stop].copy()  # taken before the run may be overwritten
        filtered = sps.sosfiltfilt(sos, segment, padtype="odd", padlen=min(padlen, segment.size - 1))
        yield start, filtered[len(segment) - (end - start) :][: stop - start]


def _filtfilt_in_runs(sos: np.ndarray, row: np.ndarray, padlen: int) -> None:
    """Zero-phase filter one long row in place, a run at a time (see :func:`filtered_runs`)."""
    for start, run in filtered_runs(sos, row, padlen):
        row[start : start + run.size] = run


def find_bad_channels(data: np.ndarray, ch_names: list[str], ratio: float = 5.0) -> dict[str, str]:
    """Channels whose filtered amplitude is far from the recording's typical channel.

    A channel is bad when its SD is more than ``ratio`` times the median channel SD (loose
    electrode, muscle) or less than the median divided by ``ratio`` (bridged or barely connected).
    Needs at least 3 channels to say what is typical.

    Parameters
    ----------
    data : numpy.ndarray, shape (n_channels, n_samples)
        Band-passed samples.
    ch_names : list of str
        Names, for the reasons.
    ratio : float
        How far from the median SD counts as bad.

    Returns
    -------
    dict of str to str
        Bad channel name to the reason (with the measured SD in µV).
    """
    if data.shape[0] < 3:
        return {}
    sd = np.sqrt(np.array([np.var(row) for row in data])) * 1e6
    typical = float(np.median(sd))
    bad = {}
    for name, value in zip(ch_names, sd):
        if value > ratio * typical:
            bad[name] = f"bad: SD {value:.1f} µV is over {ratio:g}x the median channel ({typical:.1f} µV)"
        elif value < typical / ratio:
            bad[name] = f"bad: SD {value:.2f} µV is under 1/{ratio:g} of the median channel ({typical:.1f} µV)"
    return bad


def rereference_in_place(data: np.ndarray, use: np.ndarray) -> np.ndarray:
    """Subtract the average of the rows selected by ``use`` from every row, in place.

    Parameters
    ----------
    data : numpy.ndarray, shape (n_channels, n_samples)
    use : numpy.ndarray of bool, shape (n_channels,)
        Channels that form the reference (the good ones).

    Returns
    -------
    numpy.ndarray
        ``data`` itself.
    """
    if not use.any():
        raise ParameterError("average reference needs at least one good channel, got none")
    reference = data[use].mean(axis=0) if use.sum() <= BLOCK_CHANNELS else _blocked_mean(data, use)
    data -= reference
    return data


def _blocked_mean(data: np.ndarray, use: np.ndarray) -> np.ndarray:
    """Mean of selected rows without copying them all (fancy indexing would)."""
    rows = np.flatnonzero(use)
    total = np.zeros(data.shape[1])
    for start in range(0, rows.size, BLOCK_CHANNELS):
        total += data[rows[start : start + BLOCK_CHANNELS]].sum(axis=0)
    return total / rows.size
