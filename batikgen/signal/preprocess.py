"""Filtering before band power: an MNE FIR band-pass on the EEG channels."""

from __future__ import annotations

import mne
import numpy as np

from .._validate import check_positive
from ..errors import FeatureError


def bandpass(raw: mne.io.BaseRaw, l_freq: float, h_freq: float) -> np.ndarray:
    """Band-pass every channel with MNE's zero-phase FIR filter.

    Parameters
    ----------
    raw : mne.io.BaseRaw
        EEG data in volts; not modified.
    l_freq, h_freq : float
        Pass band edges in Hz; ``h_freq`` is lowered to 45 % of the sample rate if needed.

    Returns
    -------
    numpy.ndarray
        Filtered data, channels x samples, in volts.
    """
    check_positive("l_freq", l_freq, "Hz")
    check_positive("h_freq", h_freq, "Hz")
    sfreq = float(raw.info["sfreq"])
    h_freq = min(h_freq, 0.45 * sfreq)
    if not l_freq < h_freq:
        raise FeatureError(
            f"band-pass {l_freq:g}-{h_freq:g} Hz is empty at a sample rate of {sfreq:g} Hz"
        )
    return mne.filter.filter_data(raw.get_data(), sfreq, l_freq, h_freq, verbose="error")
