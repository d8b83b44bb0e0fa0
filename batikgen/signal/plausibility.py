"""Is this plausible scalp EEG? Amplitude checks that catch wrong units, corrupted bytes and flat lines."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import mne
import numpy as np

from ..errors import RecordingError
from .preprocess import BLOCK_CHANNELS, LONG_ROW_SAMPLES, filter_in_place, filtered_runs, highpass_sos
from .recording import Recording, samples

log = logging.getLogger(__name__)

#: Scalp EEG after a 1 Hz high-pass typically has a channel SD of 5-60 µV. These bounds leave
#: a wide margin for noisy consumer headsets while refusing wrong units (mV, nV) and garbage.
MIN_MEDIAN_SD_UV = 0.5
MAX_MEDIAN_SD_UV = 500.0
#: A channel this quiet is disconnected or flat; it is dropped, not fatal.
FLAT_SD_UV = 0.1
#: A channel this loud, and this many times the typical channel, is not EEG (DC, ECG, status).
NON_EEG_SD_UV = 1000.0
NON_EEG_RATIO = 20.0
#: A channel with at most this many distinct values in its first samples is a marker channel.
MARKER_MAX_LEVELS = 8
MARKER_CHECK_SAMPLES = 100_000


@dataclass(frozen=True)
class Plausibility:
    """The verdict on a recording's amplitudes.

    Attributes
    ----------
    median_sd_uv : float
        Median over kept channels of the SD after a 1 Hz high-pass, in µV.
    channel_sd_uv : dict of str to float
        Per-channel SD after the high-pass, in µV.
    flat_channels : list of str
        Channels dropped as flat or disconnected.
    """

    median_sd_uv: float
    channel_sd_uv: dict[str, float]
    flat_channels: list[str]


def highpassed_sd_uv(raw: mne.io.BaseRaw, l_freq: float = 1.0) -> np.ndarray:
    """Per-channel SD in µV after a zero-phase Butterworth high-pass at ``l_freq`` Hz.

    Filtering is done on one copy of the samples, a few channels at a time (see preprocess), so
    an hour-long recording costs seconds; DC offsets of tens of mV (OpenBCI) are removed first.
    """
    sfreq = float(raw.info["sfreq"])
    data = samples(raw)
    sos = plausibility_highpass(sfreq, data.shape[1], l_freq)
    sd = np.empty(data.shape[0])
    if sos is not None and data.shape[1] > LONG_ROW_SAMPLES:  # long rows: moments over filtered runs
        padlen = min(6 * len(sos), data.shape[1] - 1)
        for channel, row in enumerate(data):
            total = squares = 0.0
            for _, run in filtered_runs(sos, row, padlen):
                total += float(run.sum())
                squares += float(np.dot(run, run))
            mean = total / row.size
            sd[channel] = np.sqrt(max(squares / row.size - mean * mean, 0.0))
        return sd * 1e6
    for start in range(0, data.shape[0], BLOCK_CHANNELS):  # a filtered copy of a block at a time
        block = data[start : start + BLOCK_CHANNELS].copy()
        if sos is not None:
            filter_in_place(block, sos)
        else:  # too short or too slow to filter meaningfully: remove the mean only
            block -= block.mean(axis=1, keepdims=True)
        sd[start : start + BLOCK_CHANNELS] = [np.std(row) for row in block]
    return sd * 1e6


def plausibility_highpass(sfreq: float, n_times: int, l_freq: float = 1.0) -> np.ndarray | None:
    """The high-pass before the SD is measured, or None where the recording is too short or slow for it."""
    return highpass_sos(sfreq, l_freq) if sfreq > 4 * l_freq and n_times > 3 * sfreq / l_freq else None


def head_levels(head: np.ndarray) -> np.ndarray:
    """Distinct values in each row of ``head``, the first :data:`MARKER_CHECK_SAMPLES` of each channel."""
    return np.array([np.unique(row).size for row in head], dtype=int)


def _non_eeg_by_values(raw: mne.io.BaseRaw, sd_uv: np.ndarray, levels: np.ndarray | None = None) -> dict[str, str]:
    """Channels whose values say they are not EEG, whatever their label: markers and huge signals.

    ``levels`` (from :func:`head_levels`) are counted from ``raw``'s first samples unless given.
    """
    found = {}
    typical = float(np.median(sd_uv))
    if levels is None:
        levels = head_levels(raw.get_data(stop=min(raw.n_times, MARKER_CHECK_SAMPLES)))
    for name, count, sd in zip(raw.ch_names, levels, sd_uv):
        if sd >= FLAT_SD_UV and count <= MARKER_MAX_LEVELS:
            found[name] = f"values look like a marker/status channel ({count} distinct levels)"
        elif sd > NON_EEG_SD_UV and sd > NON_EEG_RATIO * typical:
            found[name] = (f"values far beyond EEG (SD {sd:.0f} µV against a median channel of {typical:.1f} µV): "
                           f"DC, ECG or status channel?")
    return found


def refuse_flat(recording: Recording) -> None:
    """Refuse a recording in which every channel holds one value (all zero, or a constant).

    Scans the samples without copying them, so a recording of gigabytes of zeros is refused
    before it is filtered.

    Raises
    ------
    RecordingError
        Saying whether the samples are all zero or each channel constant.
    """
    raw, full = recording.raw, recording.full_rate
    if full is not None:  # a long recording: its extremes were taken as it was read
        extremes = zip(full.of("minimum", raw.ch_names), full.of("maximum", raw.ch_names))
    else:
        extremes = ((row.min(), row.max()) for row in samples(raw))
    zero = True
    for low, high in extremes:
        if high > low:
            return
        zero = zero and low == 0
    what = "every sample is zero" if zero else "every channel holds one constant value"
    raise RecordingError(f"{recording.source}: implausible amplitudes for EEG: every channel is flat ({what}); "
                         f"no signal to analyse")


def check_plausible(recording: Recording) -> Plausibility:
    """Drop flat channels (with a warning) and refuse recordings that are not plausible EEG.

    Parameters
    ----------
    recording : Recording
        Modified in place: flat channels are removed from ``recording.raw`` and noted in
        ``recording.dropped``.

    Returns
    -------
    Plausibility

    Raises
    ------
    RecordingError
        If no channel has signal, or the typical channel amplitude is far outside scalp EEG.
        Channels whose values show they are not EEG (marker levels, DC or ECG amplitudes) and
        flat channels are dropped with a warning, not refused.
    """
    path = recording.source
    refuse_flat(recording)  # before any filtering: a flat file costs a scan, not a filtered copy
    full, names = recording.full_rate, recording.ch_names
    if full is None:
        sd, levels = highpassed_sd_uv(recording.raw), None
    else:  # measured at the recorded rate while the recording was read and reduced
        sd, levels = full.of("highpassed_sd_uv", names), full.of("head_levels", names)
    by_values = _non_eeg_by_values(recording.raw, sd, levels)
    if by_values:
        if len(by_values) == len(recording.ch_names):
            raise RecordingError(f"{path}: no EEG channel left: every channel's values look non-EEG "
                                 f"({next(iter(by_values.values()))})")
        log.warning("%s: dropping %d channel(s) whose values are not EEG: %s", path, len(by_values),
                    ", ".join(by_values))
        keep = [name not in by_values for name in recording.ch_names]
        recording.raw.drop_channels(list(by_values))
        recording.dropped.update(by_values)
        sd = sd[np.asarray(keep)]
    names = recording.ch_names
    flat = [name for name, value in zip(names, sd) if value < FLAT_SD_UV]
    if len(flat) == len(names):
        raise RecordingError(
            f"{path}: implausible amplitudes for EEG: every channel is flat (median SD "
            f"{float(np.median(sd)):.3g} µV after a 1 Hz high-pass, below {FLAT_SD_UV:g} µV): "
            f"wrong units or flat signal?"
        )
    if flat:
        log.warning("%s: dropping %d flat channel(s): %s", path, len(flat), ", ".join(flat))
        recording.raw.drop_channels(flat)
        for name in flat:
            recording.dropped[name] = f"flat or disconnected (SD below {FLAT_SD_UV} µV)"
    kept_sd = {name: float(value) for name, value in zip(names, sd) if name not in flat}
    median = float(np.median(list(kept_sd.values())))
    if median < MIN_MEDIAN_SD_UV:
        raise RecordingError(
            f"{path}: implausible amplitudes for EEG: median channel SD {median:.3g} µV after a 1 Hz "
            f"high-pass, expected {MIN_MEDIAN_SD_UV:g}-{MAX_MEDIAN_SD_UV:g} µV (wrong units or flat signal?)"
        )
    if median > MAX_MEDIAN_SD_UV:
        raise RecordingError(
            f"{path}: implausible amplitudes for EEG: median channel SD {median:.0f} µV after a 1 Hz "
            f"high-pass, expected {MIN_MEDIAN_SD_UV:g}-{MAX_MEDIAN_SD_UV:g} µV (corrupted samples or wrong units?)"
        )
    return Plausibility(median_sd_uv=median, channel_sd_uv=kept_sd, flat_channels=flat)
