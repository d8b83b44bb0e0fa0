"""Is a recording's time base one an EEG device could have made? A wrong one is the worst error.

A sample rate read wrongly (timestamps in milliseconds taken for seconds, a header field in the
wrong unit) gives features that look fine and mean nothing, so every rate a header or timestamps
imply is checked against what EEG amplifiers do, and refused with the measured value otherwise.
"""

from __future__ import annotations

from pathlib import Path

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
