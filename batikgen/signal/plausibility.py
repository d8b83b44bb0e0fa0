"""Is this plausible scalp EEG? Amplitude checks that catch wrong units, corrupted bytes and flat lines."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import mne
import numpy as np

from ..errors import RecordingError
from .recording import Recording

log = logging.getLogger(__name__)

#: Scalp EEG after a 1 Hz high-pass typically has a channel SD of 5-60 µV. These bounds leave
#: a wide margin for noisy consumer headsets while refusing wrong units (mV, nV) and garbage.
MIN_MEDIAN_SD_UV = 0.5
MAX_MEDIAN_SD_UV = 500.0
#: A channel this quiet is disconnected or flat; it is dropped, not fatal.
FLAT_SD_UV = 0.1


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
    """Per-channel SD in µV after an MNE FIR high-pass at ``l_freq`` Hz (no copy of the Raw)."""
    sfreq = float(raw.info["sfreq"])
    data = raw.get_data()
    if sfreq > 4 * l_freq and data.shape[1] > 3 * sfreq / l_freq:
        data = mne.filter.filter_data(data, sfreq, l_freq, None, verbose="error")
    else:  # too short or too slow to filter meaningfully: remove the mean only
        data = data - data.mean(axis=1, keepdims=True)
    return data.std(axis=1) * 1e6


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
    """
    path = recording.source
    sd = highpassed_sd_uv(recording.raw)
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
