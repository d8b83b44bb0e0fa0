"""XDF (Lab Streaming Layer recordings) through pyxdf: the EEG stream, in volts.

An XDF file holds several streams (EEG, markers, accelerometers, ...), each with its own clock.
pyxdf parses the chunked format, synchronises the clocks and de-jitters the timestamps; here we
only choose the EEG stream, read its channel labels and units, and hand MNE the samples.
"""

from __future__ import annotations

import logging
from pathlib import Path

import mne
import numpy as np

from ..errors import RecordingError

log = logging.getLogger(__name__)

#: XDF channel units to volts; LSL EEG apps mostly send microvolts.
_UNITS = {"microvolts": 1e-6, "microvolt": 1e-6, "uv": 1e-6, "µv": 1e-6, "μv": 1e-6,
          "millivolts": 1e-3, "millivolt": 1e-3, "mv": 1e-3, "volts": 1.0, "volt": 1.0, "v": 1.0,
          "nanovolts": 1e-9, "nv": 1e-9}


def is_xdf(head: bytes) -> bool:
    """XDF files start with the magic ``XDF:``."""
    return head[:4] == b"XDF:"


def _first(info: dict, key: str, default: str = "") -> str:
    value = info.get(key, [default])
    value = value[0] if isinstance(value, list) and value else value
    return str(value) if value is not None else default


def _channels(info: dict, count: int) -> list[dict]:
    desc = info.get("desc") or [None]
    try:
        channels = desc[0]["channels"][0]["channel"]
    except (TypeError, KeyError, IndexError):
        return [{} for _ in range(count)]
    return [{k: _first(ch, k) for k in ("label", "unit", "type")} for ch in channels][:count]


def read_xdf(path: Path) -> mne.io.BaseRaw:
    """Read the EEG stream of an XDF file (the one with most channels if there are several).

    Parameters
    ----------
    path : pathlib.Path
        The ``.xdf`` (or ``.xdfz``) file.

    Returns
    -------
    mne.io.RawArray
        EEG in volts at the stream's nominal rate; channels typed EEG (labels are classified later).

    Raises
    ------
    RecordingError
        If the file has no regularly sampled EEG stream.
    """
    import pyxdf  # imported here: only XDF files need it

    # pyxdf logs clock-segment notes as warnings; they are about timing details we do not use.
    pyxdf_log = logging.getLogger("pyxdf.pyxdf")
    previous = pyxdf_log.level
    pyxdf_log.setLevel(logging.ERROR)
    try:
        streams, _ = pyxdf.load_xdf(str(path))
    finally:
        pyxdf_log.setLevel(previous)
    candidates = []
    for stream in streams:
        info = stream["info"]
        kind = _first(info, "type").lower()
        rate = float(_first(info, "nominal_srate", "0") or 0)
        samples = np.asarray(stream["time_series"]) if not isinstance(stream["time_series"], list) else None
        if kind == "eeg" and rate > 0 and samples is not None and samples.ndim == 2 and samples.shape[0] > 1:
            candidates.append((samples.shape[1], stream, rate, samples))
    if not candidates:
        described = ", ".join(f"{_first(s['info'], 'name')!r} ({_first(s['info'], 'type') or 'no type'})"
                              for s in streams) or "none"
        raise RecordingError(f"{path}: XDF file without a regularly sampled EEG stream; its streams: {described}")
    _, stream, rate, samples = max(candidates, key=lambda c: c[0])
    channels = _channels(stream["info"], samples.shape[1])
    while len(channels) < samples.shape[1]:
        channels.append({})
    names = [ch.get("label") or f"EEG {i + 1}" for i, ch in enumerate(channels)]
    scales = []
    for ch in channels:
        unit = (ch.get("unit") or "microvolts").strip().lower()
        if unit not in _UNITS:
            raise RecordingError(
                f"{path}: XDF channel {ch.get('label')!r} has unit {ch.get('unit')!r}; "
                f"expected one of {', '.join(sorted(_UNITS))}"
            )
        scales.append(_UNITS[unit])
    effective = float(stream["info"].get("effective_srate") or 0)
    if effective and abs(effective - rate) > 0.02 * rate:
        log.warning("%s: XDF stream's effective rate %.2f Hz differs from its nominal %.2f Hz", path, effective, rate)
    data = samples.T.astype(float) * np.asarray(scales)[:, None]
    types = ["eeg"] * len(names)
    return mne.io.RawArray(data, mne.create_info(names, rate, ch_types=types), verbose="error")
