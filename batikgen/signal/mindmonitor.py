"""Mind Monitor CSV (Muse): rows of precomputed, log-scaled band powers, read as BandFeatures.

Mind Monitor records one row a second (or faster) of absolute band powers per Muse channel, each
the base-10 logarithm of the band's power (``Delta_TP9`` ... ``Gamma_TP10``). Its ``RAW_*`` columns
hold one sample per row, far too few for a spectrum, so these files are never treated as raw EEG:
the band powers themselves become the features.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import logging
from pathlib import Path

import numpy as np

from ..errors import RecordingError
from .features import BandFeatures, derived_indices
from .recording import HASH_QUANTUM_V, file_sha256
from .timebase import check_continuous

log = logging.getLogger(__name__)

#: Mind Monitor's band names and the Muse SDK's band edges in Hz.
MIND_MONITOR_BANDS: dict[str, tuple[float, float]] = {
    "delta": (1.0, 4.0),
    "theta": (4.0, 8.0),
    "alpha": (7.5, 13.0),
    "beta": (13.0, 30.0),
    "gamma": (30.0, 44.0),
}
_CHANNELS = ("TP9", "AF7", "AF8", "TP10")
#: Horseshoe indicator: 1 good, 2 medium, 4 bad contact.
_HSI_BAD = 4


def is_mind_monitor(head: bytes) -> bool:
    """A Mind Monitor export: first column ``TimeStamp``, then ``Delta_TP9`` and friends."""
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("latin-1")
    columns = [c.strip().lower() for c in first.split(",")]
    return len(columns) > 20 and columns[0] == "timestamp" and "delta_tp9" in columns and "alpha_af7" in columns


def _parse_time(text: str, path: Path) -> float:
    try:
        return dt.datetime.fromisoformat(text.strip()).timestamp()
    except ValueError:
        raise RecordingError(f"{path}: Mind Monitor row with an unreadable TimeStamp {text!r}") from None


#: Band powers are log10 µV²; real ones lie within about -3 and 4. Beyond +-12 the file is damaged.
_MAX_LOG10_POWER = 12.0


def read_mind_monitor(path: Path) -> BandFeatures:
    """Read a Mind Monitor CSV as band features (absolute power in V², relative power, a quality mask).

    Parameters
    ----------
    path : pathlib.Path
        The CSV export.

    Returns
    -------
    BandFeatures
        ``absolute`` is ``10 ** value`` µV² converted to V²; ``relative`` divides it by the sum over
        the five bands (the way Mind Monitor defines relative power). ``good`` is False for rows
        where the headband was off or a sensor had bad contact.

    Raises
    ------
    RecordingError
        If the file has no band-power rows, or its TimeStamps do not advance, jump back (a clock
        set back) or jump forward by more than five rows (a paused recording).
    """
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise RecordingError(f"{path}: the file is empty")
    header = [c.strip() for c in rows[0]]
    lower = [c.lower() for c in header]
    columns = []
    for band in MIND_MONITOR_BANDS:
        for channel in _CHANNELS:
            name = f"{band}_{channel}".lower()
            if name not in lower:
                raise RecordingError(f"{path}: Mind Monitor CSV without the column {band.title()}_{channel}")
            columns.append(lower.index(name))
    headband = lower.index("headbandon") if "headbandon" in lower else None
    contact = [lower.index(f"hsi_{ch.lower()}") if f"hsi_{ch.lower()}" in lower else None for ch in _CHANNELS]

    def number(row: list[str], index: int | None) -> float:
        try:
            return float(row[index]) if index is not None and index < len(row) else np.nan
        except ValueError:
            return np.nan

    times, values, on, contact_ok = [], [], [], []
    for line, row in enumerate(rows[1:], start=2):
        # Marker rows (blinks, jaw clenches, notes in "Elements") carry no band powers.
        if len(row) <= max(columns) or any(not row[i].strip() for i in columns):
            continue
        try:
            powers = [float(row[i]) for i in columns]
        except ValueError:
            continue
        if not all(np.isfinite(powers)):
            continue
        absurd = next((i for i, value in zip(columns, powers) if abs(value) > _MAX_LOG10_POWER), None)
        if absurd is not None:  # 10 ** value would be 0 or inf: damaged, not a dropout
            raise RecordingError(
                f"{path}: line {line}: {header[absurd]} is {row[absurd].strip()}, not a log10 band power in µV² "
                f"(Mind Monitor's lie between -{_MAX_LOG10_POWER:g} and {_MAX_LOG10_POWER:g}); the file is damaged"
            )
        times.append(_parse_time(row[0], path))
        values.append(powers)
        on.append(headband is None or number(row, headband) == 1)
        contact_ok.append([not number(row, i) >= _HSI_BAD for i in contact])
    if len(values) < 2:
        raise RecordingError(f"{path}: Mind Monitor CSV with {len(values)} band-power rows; need at least 2")

    n_bands, n_channels = len(MIND_MONITOR_BANDS), len(_CHANNELS)
    log_power = np.asarray(values).reshape(len(values), n_bands, n_channels).transpose(0, 2, 1)
    absolute = 10.0 ** log_power * 1e-12  # µV² -> V²
    relative = absolute / absolute.sum(axis=2, keepdims=True)
    t = np.asarray(times)
    channel_good = np.asarray(contact_ok, dtype=bool) & np.asarray(on, dtype=bool)[:, None]
    good = np.asarray(on, dtype=bool) & (np.mean(~channel_good, axis=1) <= 0.25)
    step = float(np.median(np.diff(t)))
    if not step > 0:
        raise RecordingError(f"{path}: Mind Monitor TimeStamps do not advance (the median step between rows is "
                             f"{step:g} s); cannot tell the rows' time axis")
    # A paused recording, or the phone's clock set back, would otherwise be joined into one timeline.
    check_continuous(path, t, 1.0 / step, "Mind Monitor TimeStamps")
    features = BandFeatures(
        times=t - t[0], ch_names=list(_CHANNELS), bands=dict(MIND_MONITOR_BANDS), absolute=absolute,
        relative=relative, good=good, channel_good=channel_good,
        params={"window_s": step, "step_s": step, "l_freq": 1.0, "h_freq": 44.0,
                "method": "Mind Monitor precomputed log10 band powers (Muse SDK)"},
        source=_provenance(path, log_power, step),
    )
    features.indices = derived_indices(features, None)  # no spectrum, so no spectral entropy
    return features


def _provenance(path: Path, log_power: np.ndarray, step: float) -> dict:
    digest = hashlib.sha256()
    digest.update("\x1f".join(_CHANNELS).encode())
    digest.update(f"|mind-monitor|{step:.6g}|".encode())
    digest.update(np.rint(log_power / HASH_QUANTUM_V).astype("<i8").tobytes())
    return {
        "file": path.name,
        "format": "mindmonitor",
        "file_sha256": file_sha256(path),
        "content_hash": digest.hexdigest(),
        "sfreq_hz": 1.0 / step,
        "duration_s": round(float(log_power.shape[0] * step), 6),
        "channels": list(_CHANNELS),
        "dropped": {},
    }
