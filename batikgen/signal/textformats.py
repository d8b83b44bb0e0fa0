"""Text exports of consumer headsets that MNE does not read: muse-lsl CSV and OpenBCI GUI files.

Both hold samples in µV, one row per sample. Muse CSV has no sample rate, only unix timestamps
rounded to the millisecond, so the rate is estimated from long spans of timestamps (see
:func:`estimate_sfreq`); OpenBCI files state theirs in a ``%`` header.

Text is parsed whole into memory, so before parsing, the number of rows is estimated from the
file's size and its first lines (:func:`estimated_rows`) and a file too large for the memory
available is refused with its size and the limit (:func:`~batikgen.signal.memory.check_fits`).
"""

from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path

import mne
import numpy as np

from ..errors import RecordingError
from .channels import classify_label, eeg_info
from .memory import check_fits
from .timebase import check_continuous, check_sfreq, check_stated_rate, median_period, timestamp_unit

log = logging.getLogger(__name__)

#: Nominal rates of common devices: an estimate within 0.5 % of one of these is snapped to it.
NOMINAL_RATES_HZ = (128.0, 200.0, 220.0, 250.0, 256.0, 500.0, 512.0, 1000.0, 1024.0, 2048.0)
_SNAP_TOLERANCE = 0.005


def estimate_sfreq(timestamps: np.ndarray, path: Path | str = "timestamps") -> float:
    """Sample rate from per-sample timestamps, robust to millisecond rounding and dropouts.

    Consecutive differences of timestamps rounded to 1 ms are 3 or 4 ms at 256 Hz, so their
    median says 250 Hz. Over a span of L samples the rounding error is 1 ms / L, so the median
    of ``(t[i + L] - t[i]) / L`` over many spans is accurate, and the median ignores the few
    spans that contain a dropout.

    Parameters
    ----------
    timestamps : numpy.ndarray
        Time of each sample, non-decreasing, in seconds, milliseconds or microseconds: the unit
        is recognised from the step (see :func:`~batikgen.signal.timebase.timestamp_unit`).
    path : path-like or str
        Named in error messages.

    Returns
    -------
    float
        The rate in Hz, snapped to a nominal device rate when within 0.5 % of one.

    Raises
    ------
    RecordingError
        If there are too few samples, the timestamps do not advance, or their step is no EEG
        rate in any unit.
    """
    t = np.asarray(timestamps, dtype=float)
    if t.size < 16:
        raise RecordingError(f"{path}: {t.size} samples are too few to estimate a sample rate (need 16)")
    period = median_period(t)
    if not np.isfinite(period) or period <= 0:
        raise RecordingError(f"{path}: timestamps do not advance (median step {period!r}); cannot tell the sample rate")
    unit, seconds = timestamp_unit(period, path)
    if unit != "s":
        log.info("%s: timestamps are in %s (from their step of %g a sample)", path, unit, period)
    sfreq = 1.0 / (period * seconds)
    for nominal in NOMINAL_RATES_HZ:
        if abs(sfreq - nominal) <= _SNAP_TOLERANCE * nominal:
            return nominal
    return round(sfreq, 3)


def _first_line(head: bytes) -> str:
    return head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("latin-1").strip()


def is_muse_csv(head: bytes) -> bool:
    """A muse-lsl recording: ``timestamps,TP9,AF7,AF8,TP10[,Right AUX]``."""
    columns = [c.strip().lower() for c in _first_line(head).split(",")]
    return len(columns) >= 3 and columns[0] == "timestamps" and {"tp9", "tp10"} <= set(columns)


def read_muse_csv(path: Path) -> mne.io.BaseRaw:
    """Read a muse-lsl raw CSV (µV, unix timestamps) into volts at the estimated rate.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file.

    Returns
    -------
    mne.io.RawArray
        Every column after the timestamps, typed EEG (AUX is recognised by its label later);
        marker columns (``Marker0``, or unnamed) are not read. Rows with missing values are skipped.

    Raises
    ------
    RecordingError
        If values are not numeric (naming the line) or the timestamps do not give an EEG rate.
    """
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        names = [c.strip() for c in handle.readline().split(",")]
    # Recorders add marker columns (named Marker0 or unnamed, often empty): read the samples around them.
    columns = [i for i, name in enumerate(names) if i == 0 or (name and classify_label(name) != "stim")]
    check_fits(path, len(columns) - 1, estimated_rows(path, 1))
    try:
        table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2, encoding="utf-8-sig", usecols=columns)
    except ValueError as exc:
        raise RecordingError(f"{path}: a muse-lsl CSV whose samples cannot be read: {_numpy_csv_problem(exc, 1, path)}") from exc
    keep = np.all(np.isfinite(table), axis=1)
    table = table[keep]
    sfreq = estimate_sfreq(table[:, 0], path)
    check_continuous(path, table[:, 0], sfreq)
    log.info("%s: sample rate estimated from timestamps as %g Hz", path, sfreq)
    info = eeg_info([names[i] for i in columns[1:]], sfreq)
    return mne.io.RawArray(table[:, 1:].T * 1e-6, info, verbose="error")


def estimated_rows(path: Path, skip: int, sample_bytes: int = 1 << 16) -> int:
    """Rows of samples in a text export, estimated before parsing it: its size over its lines' length.

    The length is the mean of the complete lines (after the ``skip`` header lines) in the first
    ``sample_bytes`` of the file; counting the header's bytes as rows errs on the large side.

    Returns
    -------
    int
        Estimated rows; 0 when no complete line follows the header in that stretch.
    """
    with open(path, "rb") as handle:
        head = handle.read(sample_bytes)
    lines = head.split(b"\n")[skip:-1]  # the last piece may be cut short
    if not lines:
        return 0
    per_line = sum(len(line) + 1 for line in lines) / len(lines)
    return int(path.stat().st_size / per_line)


def _numpy_csv_problem(exc: ValueError, skipped: int = 1, path: Path | None = None) -> str:
    """numpy.loadtxt's complaint in the user's terms: which line of the file, what is wrong.

    A short last line is said to be the end of a file cut short (a recorder stopped mid-write).
    """
    text = str(exc)
    # numpy counts rows after the skipped ones, from 0 in conversion errors and from 1 in the others.
    bad = re.search(r"could not convert string '(.*)' to \w+ at row (\d+), column (\d+)", text)
    if bad:
        return f"line {int(bad.group(2)) + skipped + 1}, column {bad.group(3)}: {bad.group(1)!r} is not a number"
    short = re.search(r"invalid column index (\d+) at row (\d+) with (\d+) columns", text)
    if short:
        line = int(short.group(2)) + skipped
        last = path is not None and line == _count_lines(path)
        return (f"line {line} has {short.group(3)} values, fewer than the header's columns"
                f"{'; it is the last line: the file was cut short' if last else ''}")
    changed = re.search(r"number of columns changed from (\d+) to (\d+) at row (\d+)", text)
    if changed:
        return (f"line {int(changed.group(3)) + skipped} has {changed.group(2)} values where the lines before have "
                f"{changed.group(1)}")
    return "values are not numbers in comma-separated columns"


def _count_lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) + 1


_OPENBCI_FIRST = re.compile(r"^%\s*OpenBCI Raw (EEG|EXG) Data", re.I)


def is_openbci_txt(head: bytes) -> bool:
    """An OpenBCI GUI export: first line ``%OpenBCI Raw EEG Data`` (v4/v5) or ``... EXG Data`` (v6)."""
    return bool(_OPENBCI_FIRST.match(_first_line(head)))


def read_openbci_txt(path: Path) -> mne.io.BaseRaw:
    """Read an OpenBCI GUI text export (v4, v5 or v6 layout): the EXG channels, in volts.

    v5 and v6 have ``%`` header lines, then a row of column names (``Sample Index, EXG Channel 0,
    ...``); v4 has no column row, its EEG columns follow the sample index. The sample rate comes
    from the ``%Sample Rate = 250 Hz`` line.

    Parameters
    ----------
    path : pathlib.Path
        The ``.txt`` export.

    Returns
    -------
    mne.io.RawArray
        The EXG channels in volts (accelerometer, digital and analog columns are not read).

    Raises
    ------
    RecordingError
        If the sample rate line, the channel columns or numeric samples are missing.
    """
    header: dict[str, str] = {}
    column_row: list[str] | None = None
    skip = 0
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        for line in handle:
            if line.startswith("%"):
                key, _, value = line[1:].partition("=")
                header[key.strip().lower()] = value.strip()
                skip += 1
                continue
            if line.strip() and not line.lstrip()[:1].isdigit() and not line.lstrip().startswith("-"):
                column_row = [c.strip() for c in line.split(",")]
                skip += 1
            break
    if "sample rate" not in header:
        raise RecordingError(f"{path}: OpenBCI export without a '%Sample Rate = ... Hz' header line")
    rate = re.match(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", header["sample rate"])
    sfreq = float(rate.group(0)) if rate else 0.0
    if not sfreq > 0:
        raise RecordingError(f"{path}: OpenBCI header line '%Sample Rate' is {header['sample rate'][:40]!r}, "
                             f"not a sample rate")
    check_sfreq(path, sfreq, "openbci")  # named before the timestamps are read against it
    if column_row is not None:
        columns = [i for i, name in enumerate(column_row) if re.match(r"(EXG|EEG) Channel \d+", name, re.I)]
        names = [column_row[i] for i in columns]
    else:  # v4: sample index, then the EEG channels
        count = re.match(r"(\d+)", header.get("number of channels", ""))
        if not count:
            raise RecordingError(f"{path}: OpenBCI v4 export without a '%Number of channels' header line")
        columns = list(range(1, 1 + int(count.group(1))))
        names = [f"EXG Channel {i - 1}" for i in columns]
    if not columns:
        raise RecordingError(f"{path}: OpenBCI export with no 'EXG Channel' column; columns are {column_row}")
    check_fits(path, len(columns), estimated_rows(path, skip))
    # The GUI stamps each sample on arrival (v5: seconds, v6: milliseconds): lost packets show there.
    stamp = column_row.index("Timestamp") if column_row and "Timestamp" in column_row else None
    try:
        with warnings.catch_warnings():  # "input contained no data": refused below in the user's terms
            warnings.simplefilter("ignore", UserWarning)
            data = np.loadtxt(path, delimiter=",", comments="%", skiprows=skip,
                              usecols=columns + ([stamp] if stamp is not None else []), ndmin=2, encoding="utf-8-sig")
    except ValueError as exc:
        raise RecordingError(f"{path}: OpenBCI export whose samples cannot be read: {_numpy_csv_problem(exc, skip, path)}") from exc
    if data.shape[0] == 0:
        raise RecordingError(f"{path}: OpenBCI export with no sample rows after its header (cut short?)")
    if stamp is not None:
        check_stated_rate(path, data[:, -1], sfreq, "Timestamp column's stamps", "header line '%Sample Rate'")
        check_continuous(path, data[:, -1], sfreq, "Timestamp column's stamps")
        data = data[:, :-1]
    info = eeg_info(names, sfreq)
    return mne.io.RawArray(data.T * 1e-6, info, verbose="error")
