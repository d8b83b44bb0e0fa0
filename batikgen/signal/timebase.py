"""Is a recording's time base one an EEG device could have made? A wrong one is the worst error.

A sample rate read wrongly (timestamps in milliseconds taken for seconds, a header field in the
wrong unit) gives features that look fine and mean nothing, so every rate a header or timestamps
imply is checked against what EEG amplifiers do, and refused with the measured value otherwise.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import RecordingError

#: EEG amplifiers sample at about 100 Hz (consumer headsets: 128-256 Hz) up to 20 kHz (research
#: systems recording brainstem responses); 64 Hz leaves room for old ambulatory devices.
MIN_SFREQ_HZ = 64.0
MAX_SFREQ_HZ = 20_000.0

#: Where each reader takes its sample rate from: named when the rate is refused.
RATE_SOURCE = {
    "edf": "header fields 'number of samples in each data record' / 'duration of a data record'",
    "bdf": "header fields 'number of samples in each data record' / 'duration of a data record'",
    "gdf": "header field 'sampling rate'",
    "fif": "measurement info 'sfreq'",
    "brainvision": ".vhdr field 'SamplingInterval'",
    "eeglab": ".set field 'srate'",
    "cnt": "header field 'rate'",
    "nihon": "header field 'sampling rate'",
    "egi": "header field 'sampling rate'",
    "mff": "info field 'sampling rate'",
    "xdf": "stream header 'nominal_srate'",
    "muse": "timestamps",
    "openbci": "header line '%Sample Rate'",
}

#: Units per-sample timestamps come in, with their size in seconds.
TIMESTAMP_UNITS = (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6))


def is_eeg_rate(sfreq: float) -> bool:
    """True if ``sfreq`` (Hz) is a rate EEG devices record at."""
    return bool(MIN_SFREQ_HZ <= sfreq <= MAX_SFREQ_HZ)


def check_sfreq(path: Path | str, sfreq: float, source: str) -> float:
    """Refuse a sample rate no EEG device records at.

    Parameters
    ----------
    path : path-like or str
        Named in the message.
    sfreq : float
        The rate in Hz.
    source : str
        Where the rate comes from (a reader name in :data:`RATE_SOURCE`, or words).

    Returns
    -------
    float
        ``sfreq``, when plausible.

    Raises
    ------
    RecordingError
        Naming the rate, where it came from and the allowed range.
    """
    if not is_eeg_rate(float(sfreq)):
        where = RATE_SOURCE.get(source, source)
        raise RecordingError(
            f"{path}: sample rate {float(sfreq):.6g} Hz (from the {where}) is outside what EEG devices record "
            f"({MIN_SFREQ_HZ:g} Hz-{MAX_SFREQ_HZ / 1000:g} kHz): the file's time base is wrong or damaged"
        )
    return float(sfreq)


def timestamp_unit(period: float, path: Path | str = "timestamps") -> tuple[str, float]:
    """The unit per-sample timestamps are in, recognised from their median step.

    The units differ a thousandfold and EEG rates span a few hundredfold, so at most one unit
    turns the step into an EEG rate.

    Parameters
    ----------
    period : float
        Median time between samples, in the file's own unit.
    path : path-like or str
        Named in the message.

    Returns
    -------
    (str, float)
        The unit's name and its size in seconds.

    Raises
    ------
    RecordingError
        If the step is an EEG rate in no unit, giving the rate each unit would imply.
    """
    for name, seconds in TIMESTAMP_UNITS:
        if is_eeg_rate(1.0 / (period * seconds)):
            return name, seconds
    readings = ", ".join(f"{1.0 / (period * seconds):.4g} Hz in {name}" for name, seconds in TIMESTAMP_UNITS)
    raise RecordingError(
        f"{path}: timestamps advance by {period:.6g} a sample, which is no EEG sample rate in any unit "
        f"({readings}; EEG is {MIN_SFREQ_HZ:g} Hz-{MAX_SFREQ_HZ / 1000:g} kHz)"
    )


def median_period(timestamps) -> float:
    """Time between samples, robust to rounded timestamps and to a few gaps, in their own unit.

    Consecutive differences of timestamps rounded to 1 ms are 3 or 4 ms at 256 Hz, so their
    median says 250 Hz. Over a span of L samples the rounding error is 1 ms / L, so the median
    of ``(t[i + L] - t[i]) / L`` over many spans is accurate, and it ignores the few spans that
    contain a gap.

    Parameters
    ----------
    timestamps : numpy.ndarray
        Time of each sample, shape (n_samples,), n_samples >= 16.

    Returns
    -------
    float
        The median step (NaN or not positive when the timestamps do not advance).
    """
    t = np.asarray(timestamps, dtype=float)
    span = max(8, min(t.size // 8, 4096))
    return float(np.median((t[span:] - t[:-span]) / span))


#: A jump of the timestamps is a discontinuity when it moves them, for good, by more than this
#: many sample periods (at least 20 ms: LSL and Bluetooth jitter stays below that once medians
#: over half a second are compared).
GAP_SAMPLES = 5
GAP_MIN_S = 0.02


def check_continuous(path: Path | str, timestamps, sfreq: float, what: str = "timestamps") -> None:
    """Refuse samples whose timestamps jump forward (a gap) or back (a clock reset).

    A jump is measured as a lasting shift of the timestamps against the sample count: the median
    of the timestamps' offset from a regular clock over half a second after a suspect step,
    minus that over half a second before it. Jitter (one late timestamp, chunks stamped on
    arrival) moves single timestamps and leaves the medians where they were; a gap or a reset
    moves every timestamp after it.

    Parameters
    ----------
    path : path-like or str
        Named in the message.
    timestamps : numpy.ndarray
        Time of each sample, shape (n_samples,), in any unit (the unit is taken from the step).
    sfreq : float
        The recording's sample rate in Hz, to say where a jump is (seconds of samples before it).
    what : str
        What the timestamps are, for the message (e.g. ``"XDF stream 'EEG' timestamps"``).

    Raises
    ------
    RecordingError
        Naming the first jump (after how many seconds of samples, how far forward or back, in
        seconds) and how many more there are.
    """
    t = np.asarray(timestamps, dtype=float)
    if t.size < 16:
        return
    if not np.all(np.isfinite(t)):
        raise RecordingError(f"{path}: the {what} hold {int(np.count_nonzero(~np.isfinite(t)))} values that are "
                             f"not finite numbers: the file's time base is damaged")
    period = median_period(t)
    if not period > 0:
        return  # the rate checks refuse timestamps that do not advance
    # Offset of each timestamp from a regular clock, in samples.
    offset = (t - t[0]) / period - np.arange(t.size)
    tolerance = max(GAP_SAMPLES, GAP_MIN_S * sfreq)
    suspects = np.flatnonzero(np.abs(np.diff(offset)) > tolerance) + 1  # first sample after each suspect step
    half = max(8, int(sfreq / 2))
    shifts = _lasting_shifts(offset, suspects, half)
    lasting = np.abs(shifts) > tolerance
    # Steps near a jump see part of it in their windows: one jump per cluster, its largest shift.
    jumps: list[tuple[int, float]] = []
    for start, shift in zip(suspects[lasting].tolist(), shifts[lasting].tolist()):
        if jumps and start - jumps[-1][0] <= half:
            if abs(shift) > abs(jumps[-1][1]):
                jumps[-1] = (start, shift)
            continue
        jumps.append((start, shift))
    if not jumps:
        return
    start, shift = jumps[0]
    seconds = abs(shift) / sfreq
    what_happened = (f"jump forward {seconds:.6g} s (a gap: samples are missing, e.g. a dropped connection)"
                     if shift > 0 else f"jump back {seconds:.6g} s (a clock reset)")
    more = f" (and {len(jumps) - 1} more)" if len(jumps) > 1 else ""
    raise RecordingError(
        f"{path}: discontinuous recording: the {what} {what_happened} after {start / sfreq:.3f} s of samples{more}; "
        f"batikgen does not join separate stretches of EEG: export each continuous stretch as its own file"
    )


def _lasting_shifts(offset: np.ndarray, starts: np.ndarray, half: int) -> np.ndarray:
    """Median of ``offset`` over ``half`` samples from each start minus that over ``half`` before it."""
    shifts = np.empty(starts.size)
    windows = np.lib.stride_tricks.sliding_window_view(offset, min(half, offset.size))
    inner = (starts >= half) & (starts + half <= offset.size)
    for chunk in np.array_split(np.flatnonzero(inner), max(1, int(inner.sum()) // 4096)):
        s = starts[chunk]  # 4096 windows at a time: a few MB
        shifts[chunk] = np.median(windows[s], axis=1) - np.median(windows[s - half], axis=1)
    for i in np.flatnonzero(~inner):  # near either end: what there is
        s = starts[i]
        shifts[i] = np.median(offset[s : s + half]) - np.median(offset[max(0, s - half) : s])
    return shifts


def check_stated_rate(path: Path | str, timestamps, stated: float, what: str, field: str) -> float:
    """Refuse a stated sample rate that the samples' own timestamps contradict by more than 10 %.

    A device's clock is off by well under 1 %; a header that says 256 Hz over timestamps that
    advance at 512 Hz (or 250 Hz over 1 kHz) has the time base wrong.

    Parameters
    ----------
    path : path-like or str
        Named in the message.
    timestamps : numpy.ndarray
        Time of each sample, shape (n_samples,), in s, ms or µs (recognised from the step).
    stated : float
        The rate the header states, in Hz.
    what, field : str
        What the timestamps are and which header field states the rate, for the message.

    Returns
    -------
    float
        The rate the timestamps give, in Hz (``stated`` when there are too few to tell).

    Raises
    ------
    RecordingError
        Naming the field, the stated rate and the measured one.
    """
    t = np.asarray(timestamps, dtype=float)
    period = median_period(t) if t.size >= 16 else float("nan")
    if not period > 0:
        return float(stated)
    _, seconds = timestamp_unit(period, path)
    measured = 1.0 / (period * seconds)
    if not abs(measured - stated) <= 0.1 * stated:
        raise RecordingError(f"{path}: {field} says {stated:g} Hz but the {what} advance at {measured:.6g} Hz: the "
                             f"file's time base is wrong")
    return measured
