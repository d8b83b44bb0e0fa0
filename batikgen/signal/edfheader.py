"""The EDF/BDF header, checked before MNE reads the file; EDF+D record times, so gaps are found.

MNE trusts the header: a record duration of -32768 s or a digital range of zero turn into a
nonsense sample rate or infinite samples far downstream, blamed on something else. Here each
header field is checked where it is read, and the error names the field. EDF+D (discontinuous)
files keep the time of each data record in their annotation signal; MNE reads the samples as if
they were continuous, so the records' times are read here and any gap is refused by name
(see the EDF+ specification, https://www.edfplus.info/specs/edfplus.html, section 2.1.3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import RecordingError
from .timebase import MAX_SFREQ_HZ, MIN_SFREQ_HZ

_FIXED_BYTES = 256
# Per-signal fields: (name in the specification, width in bytes), in file order.
_SIGNAL_FIELDS = (("label", 16), ("transducer type", 80), ("physical dimension", 8), ("physical minimum", 8),
                  ("physical maximum", 8), ("digital minimum", 8), ("digital maximum", 8), ("prefiltering", 80),
                  ("number of samples in each data record", 8), ("reserved", 32))
_ANNOTATION_LABELS = ("EDF Annotations", "BDF Annotations")
#: Largest physical or digital extreme accepted: 1e9 nV is 1 V, and 24-bit converters stop at 8.4e6.
_MAX_RANGE = 1e9
_ONSET = re.compile(rb"^([+-]\d+(?:\.\d*)?)\x14")


@dataclass(frozen=True)
class EdfHeader:
    """What batikgen needs of an EDF/BDF header (no patient or recording identification)."""

    discontinuous: bool
    n_records: int
    record_s: float
    labels: list[str]
    samples_per_record: list[int]
    header_bytes: int
    sample_bytes: int

    @property
    def annotation_signal(self) -> int | None:
        """Index of the EDF+ annotation signal, or None."""
        for i, label in enumerate(self.labels):
            if label in _ANNOTATION_LABELS:
                return i
        return None


def _number(path: Path, raw: bytes, field: str, kind=float):
    text = raw.decode("ascii", "replace").strip()
    try:
        return kind(text)
    except ValueError:
        raise RecordingError(f"{path}: EDF header field '{field}' is {text!r}, not a number") from None


def read_edf_header(path: Path, sample_bytes: int = 2) -> EdfHeader:
    """Read and check the header of an EDF (``sample_bytes=2``) or BDF (``3``) file.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    sample_bytes : int
        2 for EDF, 3 for BDF.

    Returns
    -------
    EdfHeader

    Raises
    ------
    RecordingError
        Naming the header field, when a field is missing, not a number or impossible for EEG: no
        signals, a record duration that is not positive, a signal with no samples per record, a
        digital or physical range of zero, a highest sample rate outside 64 Hz-20 kHz, or fewer data
        records in the file than the header counts (a file cut short).
    """
    with open(path, "rb") as handle:
        fixed = handle.read(_FIXED_BYTES)
        if len(fixed) < _FIXED_BYTES:
            raise RecordingError(f"{path}: EDF header cut short ({len(fixed)} of 256 bytes)")
        n_signals = _number(path, fixed[252:256], "number of signals", int)
        if not 0 < n_signals <= 4096:
            raise RecordingError(f"{path}: EDF header field 'number of signals' is {n_signals}, expected 1-4096")
        header_bytes = _number(path, fixed[184:192], "number of bytes in header record", int)
        if header_bytes != 256 * (n_signals + 1):  # where the samples start: a wrong one shifts every value
            raise RecordingError(f"{path}: EDF header fields 'number of bytes in header record' ({header_bytes}) and "
                                 f"'number of signals' ({n_signals}) disagree: {n_signals} signals make a header of "
                                 f"{256 * (n_signals + 1)} bytes")
        block = handle.read(256 * n_signals)
    if len(block) < 256 * n_signals:
        raise RecordingError(f"{path}: EDF header cut short: {n_signals} signals need {256 * (n_signals + 1)} "
                             f"header bytes, the file has {_FIXED_BYTES + len(block)}")
    fields, offset = {}, 0
    for name, width in _SIGNAL_FIELDS:
        fields[name] = [block[offset + width * i : offset + width * (i + 1)] for i in range(n_signals)]
        offset += width * n_signals
    labels = [raw.decode("latin-1").strip() for raw in fields["label"]]
    record_s = _number(path, fixed[244:252], "duration of a data record")
    n_records = _number(path, fixed[236:244], "number of data records", int)
    if not 0 < record_s < 1e6 or record_s != record_s:
        raise RecordingError(f"{path}: EDF header field 'duration of a data record' is {record_s:g} s, "
                             f"expected a positive duration")
    if n_records < -1:
        raise RecordingError(f"{path}: EDF header field 'number of data records' is {n_records}, expected -1 or more")
    spr = []
    for i, label in enumerate(labels):
        count = _number(path, fields["number of samples in each data record"][i],
                        f"number of samples in each data record (signal {i + 1}, {label!r})", int)
        if count <= 0:
            raise RecordingError(f"{path}: EDF header field 'number of samples in each data record' of signal "
                                 f"{i + 1} ({label!r}) is {count}, expected 1 or more")
        spr.append(count)
        if label in _ANNOTATION_LABELS:
            continue
        for low, high in (("digital minimum", "digital maximum"), ("physical minimum", "physical maximum")):
            lo = _number(path, fields[low][i], f"{low} (signal {i + 1}, {label!r})")
            hi = _number(path, fields[high][i], f"{high} (signal {i + 1}, {label!r})")
            if lo == hi or lo != lo or hi != hi:
                raise RecordingError(f"{path}: EDF header fields '{low}' and '{high}' of signal {i + 1} "
                                     f"({label!r}) are both {lo:g}: its samples cannot be scaled")
            if max(abs(lo), abs(hi)) > _MAX_RANGE:  # in any unit, far beyond an amplifier's range
                raise RecordingError(f"{path}: EDF header field '{high if abs(hi) > _MAX_RANGE else low}' of signal "
                                     f"{i + 1} ({label!r}) is {hi if abs(hi) > _MAX_RANGE else lo:g}, beyond any "
                                     f"amplifier's range (at most {_MAX_RANGE:g})")
    signal_rates = [count / record_s for count, label in zip(spr, labels) if label not in _ANNOTATION_LABELS]
    if not signal_rates:
        raise RecordingError(f"{path}: EDF file with an annotation signal only, no signals")
    top = max(signal_rates)
    if not MIN_SFREQ_HZ <= top <= MAX_SFREQ_HZ:
        raise RecordingError(
            f"{path}: EDF header fields 'number of samples in each data record' ({max(spr)}) and 'duration of "
            f"a data record' ({record_s:g} s) give {top:.6g} Hz, outside EEG rates "
            f"({MIN_SFREQ_HZ:g} Hz-{MAX_SFREQ_HZ / 1000:g} kHz)"
        )
    # A recorder that crashed, or a copy cut short, leaves fewer records than the header counts:
    # MNE would read what is there as a shorter recording (or pad it), and say so only in a warning.
    record_bytes = sample_bytes * sum(spr)
    whole = max(path.stat().st_size - header_bytes, 0) // record_bytes
    if n_records > 0 and whole < n_records:
        raise RecordingError(
            f"{path}: file cut short: EDF header field 'number of data records' is {n_records} ({n_records * record_s:g} s)"
            f" but the file holds {whole} whole data records ({whole * record_s:g} s); the recording was not saved "
            f"completely or the copy is incomplete"
        )
    reserved = fixed[192:236].lstrip()
    return EdfHeader(discontinuous=reserved[:5] in (b"EDF+D", b"BDF+D"), n_records=n_records, record_s=record_s,
                     labels=labels, samples_per_record=spr, header_bytes=header_bytes, sample_bytes=sample_bytes)


def record_onsets(path: Path, header: EdfHeader) -> list[float]:
    """Start time in seconds of each data record, from the time-keeping TAL of the annotation signal.

    Raises
    ------
    RecordingError
        If the annotation signal is missing or a record has no readable start time.
    """
    index = header.annotation_signal
    if index is None:
        raise RecordingError(f"{path}: EDF+D file without the 'EDF Annotations' signal that times its records")
    width = header.sample_bytes
    record_bytes = width * sum(header.samples_per_record)
    skip = width * sum(header.samples_per_record[:index])
    size = width * header.samples_per_record[index]
    onsets = []
    with open(path, "rb") as handle:
        record = 0
        while header.n_records < 0 or record < header.n_records:
            handle.seek(header.header_bytes + record * record_bytes + skip)
            tal = handle.read(size)
            if len(tal) < size:
                break  # a short last record: MNE drops it too
            match = _ONSET.match(tal)
            if not match:
                raise RecordingError(f"{path}: EDF+D data record {record + 1} has no start time in its annotation "
                                     f"signal (expected '+seconds' followed by byte 20)")
            onsets.append(float(match.group(1)))
            record += 1
    return onsets


def refuse_gaps(path: Path, header: EdfHeader) -> None:
    """Refuse an EDF+D file whose records do not follow each other without a gap.

    batikgen's windows run along one continuous time axis; joining the two sides of a gap
    would make a window of samples that were never next to each other.

    Raises
    ------
    RecordingError
        Naming the first gap (where, how long) and how many there are.
    """
    onsets = record_onsets(path, header)
    tolerance = 0.5 * header.record_s / max(header.samples_per_record)  # half a sample
    gaps = [(i, onsets[i] + header.record_s, onsets[i + 1]) for i in range(len(onsets) - 1)
            if abs(onsets[i + 1] - onsets[i] - header.record_s) > tolerance]
    if not gaps:
        return
    record, end, resume = gaps[0]
    what = "a gap" if resume > end else "an overlap"
    more = f" (and {len(gaps) - 1} more)" if len(gaps) > 1 else ""
    raise RecordingError(
        f"{path}: discontinuous EDF+D recording: {what} of {abs(resume - end):g} s between {end:g} s and {resume:g} s "
        f"(after data record {record + 1}){more}; batikgen does not join separate stretches of EEG: "
        f"export each continuous stretch as its own file"
    )


def check_gdf_header(path: Path) -> None:
    """Check the numbers of a GDF header that size what MNE allocates, before MNE reads it.

    A damaged GDF header (one byte lost shifts every binary field) makes MNE allocate for
    billions of channels: the process is killed for memory instead of refusing the file.
    GDF 1.x keeps the header length (int64) at byte 184 and the number of signals (uint32) at
    252; GDF 2.x the header length in 256-byte blocks (uint16) at 184 and the signals (uint16) at
    252 (GDF specification, Schlögl 2006).

    Raises
    ------
    RecordingError
        Naming the header field, when the version, the number of signals or the header length
        cannot be right.
    """
    with open(path, "rb") as handle:
        fixed = handle.read(_FIXED_BYTES)
    size = path.stat().st_size
    if len(fixed) < _FIXED_BYTES:
        raise RecordingError(f"{path}: GDF header cut short ({len(fixed)} of 256 bytes)")
    try:
        version = float(fixed[4:8].decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise RecordingError(f"{path}: GDF header field 'version' is {fixed[:8]!r}, expected 'GDF 1.xx' or 'GDF 2.xx'") from None
    if version < 1.9:
        n_signals = int.from_bytes(fixed[252:256], "little")
        header_bytes = int.from_bytes(fixed[184:192], "little", signed=True)
    else:
        n_signals = int.from_bytes(fixed[252:254], "little")
        header_bytes = 256 * int.from_bytes(fixed[184:186], "little")
    if not 0 < n_signals <= 4096:
        raise RecordingError(f"{path}: GDF header field 'number of signals' is {n_signals}, expected 1-4096")
    n_records = int.from_bytes(fixed[236:244], "little", signed=True)
    if n_records == 0 or n_records < -1:  # -1: unknown, still recording
        raise RecordingError(f"{path}: GDF header field 'number of data records' is {n_records}: the file holds no "
                             f"samples")
    if header_bytes < _FIXED_BYTES * (n_signals + 1) or header_bytes > size:
        raise RecordingError(
            f"{path}: GDF header field 'length of header' is {header_bytes} bytes, which does not fit "
            f"{n_signals} signals (at least {_FIXED_BYTES * (n_signals + 1)} bytes) in a file of {size} bytes"
        )
    _check_gdf_signals(path, version, n_signals, n_records, header_bytes, fixed, size)


#: GDF channel data types (GDFTYP) MNE reads, with their size in bytes.
_GDF_TYPES = {1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 8, 8: 8, 16: 4, 17: 8}


def _check_gdf_signals(path: Path, version: float, n: int, n_records: int, header_bytes: int, fixed: bytes,
                       size: int) -> None:
    """The per-signal fields that scale and size the samples, and the data against the file's size.

    Offsets of each field's block in the variable header (n signals): GDF 1.x label 16, transducer
    80, physical dimension 8, physical min/max float64, digital min/max int64, prefiltering 80,
    samples per record uint32, type uint32; GDF 2.x the same up to the dimension (6 + a code of 2),
    digital min/max float64, prefiltering 68 and three filter floats before the samples per record.
    """
    import numpy as np

    numerator, denominator = (int.from_bytes(fixed[244 + i : 248 + i], "little") for i in (0, 4))
    if denominator == 0:
        raise RecordingError(f"{path}: GDF header field 'duration of a data record' is {numerator}/0 s")
    with open(path, "rb") as handle:
        handle.seek(_FIXED_BYTES)
        block = handle.read(_FIXED_BYTES * n)
    physical = 16 * n + 80 * n + 8 * n
    digital_type = "<i8" if version < 1.9 else "<f8"
    spr_at = physical + 32 * n + (80 * n if version < 1.9 else 68 * n + 12 * n)
    fields = {
        "physical minimum": np.frombuffer(block, "<f8", n, physical), "physical maximum": np.frombuffer(block, "<f8", n, physical + 8 * n),
        "digital minimum": np.frombuffer(block, digital_type, n, physical + 16 * n).astype(float),
        "digital maximum": np.frombuffer(block, digital_type, n, physical + 24 * n).astype(float),
    }
    spr = np.frombuffer(block, "<u4", n, spr_at)
    types = np.frombuffer(block, "<u4", n, spr_at + 4 * n)
    for i in range(n):
        label = block[16 * i : 16 * (i + 1)].decode("latin-1").strip("\x00 ")
        where = f"of signal {i + 1} ({label!r})"
        if types[i] not in _GDF_TYPES:
            raise RecordingError(f"{path}: GDF header field 'channel data type' {where} is {types[i]}, not one of the "
                                 f"integer or float types batikgen reads")
        if spr[i] == 0:
            raise RecordingError(f"{path}: GDF header field 'number of samples in each data record' {where} is 0")
        for low, high in (("digital minimum", "digital maximum"), ("physical minimum", "physical maximum")):
            lo, hi = fields[low][i], fields[high][i]
            if not (np.isfinite(lo) and np.isfinite(hi)) or lo == hi:
                raise RecordingError(f"{path}: GDF header fields '{low}' ({lo:g}) and '{high}' ({hi:g}) {where} "
                                     f"cannot scale its samples")
    record_bytes = int(sum(int(s) * _GDF_TYPES[int(t)] for s, t in zip(spr, types)))
    whole = max(size - header_bytes, 0) // record_bytes
    if n_records > whole:
        raise RecordingError(f"{path}: file cut short: GDF header field 'number of data records' is {n_records} but "
                             f"the file holds {whole} whole data records")
