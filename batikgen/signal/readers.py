"""Read recordings into a :class:`Recording`: choose a reader by content, keep EEG, anonymise.

Each reader declares the extensions it claims and a *sniff* test on the file's first bytes, so a
text file renamed to ``.edf`` is refused with a message rather than handed to a parser that fails
obscurely.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mne
import numpy as np

from ..errors import BatikgenError, RecordingError
from .boundary import describe, stage
from .channels import classify_label, clean_label, unique_labels
from .edfheader import check_gdf_header, read_edf_header, refuse_gaps
from .features import BandFeatures
from .memory import check_fits
from .mindmonitor import is_mind_monitor, read_mind_monitor
from .recording import Recording, content_hash, file_sha256, samples
from .reduction import read_reduced, reduction_factor, refuse_non_finite
from .textformats import is_muse_csv, is_openbci_txt, read_muse_csv, read_openbci_txt
from .timebase import check_sfreq
from .vhdrheader import check_vhdr
from .xdf import is_xdf, read_xdf

log = logging.getLogger(__name__)

_HEAD_BYTES = 512


@dataclass(frozen=True)
class Reader:
    """One file format: how to recognise it and how to read it.

    ``read`` returns an MNE Raw, except for readers with ``provides="features"`` (files of
    precomputed band powers), whose ``read`` returns :class:`~batikgen.signal.features.BandFeatures`.
    ``risky`` readers run in a child process when isolation is on.
    """

    name: str
    description: str
    extensions: tuple[str, ...]
    sniff: Callable[[bytes], bool]
    read: Callable[[Path], Any]
    provides: str = "raw"
    #: Parsed by native code that can crash the process on damaged files (see isolation.py).
    risky: bool = False


def _is_features_file(head: bytes) -> bool:
    # An .npz is a zip archive; BandFeatures.save writes its "meta" entry first.
    return head[:4] == b"PK\x03\x04" and b"meta.npy" in head[:64]


def _is_edf(head: bytes) -> bool:
    return head[:8] == b"0       "


def _is_bdf(head: bytes) -> bool:
    return head[:8] == b"\xffBIOSEMI"


def _is_gdf(head: bytes) -> bool:
    return head[:3] == b"GDF"


def _is_fif(head: bytes) -> bool:
    # The first tag of a FIF file is FIFF_FILE_ID (kind 100), big-endian.
    return head[:4] == b"\x00\x00\x00\x64"


def _is_brainvision_header(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    return text.startswith((b"Brain Vision Data Exchange", b"BrainVision Data Exchange"))


def _is_eeglab(head: bytes) -> bool:
    return head.startswith(b"MATLAB") or head.startswith(b"\x89HDF")


def _loaded(path: Path, raw: mne.io.BaseRaw) -> mne.io.BaseRaw:
    """Load the samples of a raw opened without them, once its size is known to fit in memory.

    A long recording at a high rate stays on disk: it is read a chunk at a time and reduced
    (:mod:`batikgen.signal.reduction`).
    """
    if _reduction_factor(raw) > 1:
        return raw
    check_fits(path, len(raw.ch_names), raw.n_times)
    return raw.load_data(verbose="error")


def _reduction_factor(raw: mne.io.BaseRaw) -> int:
    """The reduction of a reader's raw, from its rate and size as read (every channel it has)."""
    return reduction_factor(float(raw.info["sfreq"]), len(raw.ch_names), raw.n_times)


def _quiet(func: Callable[..., mne.io.BaseRaw]) -> Callable[[Path], mne.io.BaseRaw]:
    def read(path: Path) -> mne.io.BaseRaw:
        return _loaded(path, func(path, preload=False, verbose="error"))

    return read


def _checked_edf_header(path: Path, sample_bytes: int) -> None:
    """Check the header's numbers before MNE trusts them; refuse EDF+D files with gaps."""
    header = read_edf_header(path, sample_bytes)
    if header.discontinuous:
        refuse_gaps(path, header)


def _read_bdf(path: Path) -> mne.io.BaseRaw:
    _checked_edf_header(path, 3)
    return _loaded(path, mne.io.read_raw_bdf(path, preload=False, verbose="error"))


def _read_gdf(path: Path) -> mne.io.BaseRaw:
    check_gdf_header(path)
    return _loaded(path, mne.io.read_raw_gdf(path, preload=False, verbose="error"))


def _read_edf(path: Path) -> mne.io.BaseRaw:
    _checked_edf_header(path, 2)
    try:
        raw = mne.io.read_raw_edf(path, preload=False, verbose="error")
    except Exception as exc:  # MNE raises a bare Exception for undecodable annotations
        # Exports with non-UTF-8 annotation text are common; the signal itself is still readable.
        if "encoding" not in str(exc):
            raise
        raw = mne.io.read_raw_edf(path, preload=False, verbose="error", encoding="latin1")
    return _loaded(path, raw)


def _read_fif(path: Path) -> mne.io.BaseRaw:
    try:
        raw = mne.io.read_raw_fif(path, preload=False, verbose="error")
    except ZeroDivisionError:  # MNE divides by the measurement info's sfreq: name it when it is 0
        import struct

        head = path.read_bytes()[: 1 << 20] if not path.name.endswith(".gz") else b""
        at = head.find(struct.pack(">iii", 201, 4, 4))  # FIFF_SFREQ, a float, 4 bytes
        if at >= 0:
            check_sfreq(path, struct.unpack_from(">f", head, at + 16)[0], "fif")
        raise
    return _loaded(path, raw)


def _read_brainvision(path: Path) -> mne.io.BaseRaw:
    check_vhdr(path)
    return _loaded(path, mne.io.read_raw_brainvision(path, preload=False, verbose="error"))


def _read_eeglab(path: Path) -> mne.io.BaseRaw:
    with open(path, "rb") as handle:
        head = handle.read(128)
    # MATLAB v7.3 files are HDF5 (version word 0x0200 at byte 124, or a bare HDF5 signature).
    if head.startswith(b"\x89HDF") or (head.startswith(b"MATLAB") and head[124:128] in (b"\x00\x02IM", b"\x02\x00MI")):
        raise RecordingError(f"{path}: an EEGLAB dataset saved in MATLAB's v7.3 (HDF5) format, which batikgen does "
                             f"not read; save it again from EEGLAB in the MATLAB v7 format (pop_saveset with 'version', "
                             f"'7') and use that")
    try:
        raw = mne.io.read_raw_eeglab(path, preload=False, verbose="error")
    except TypeError as exc:
        trials = re.search(r"number of trials is (\d+)", str(exc))
        _refuse_eeglab_fields(path)  # a 'trials' of 0 is damage, not epochs
        if not trials:
            raise
        raise RecordingError(
            f"{path}: an epoched EEGLAB dataset ({trials.group(1)} epochs cut around events): batikgen analyses one "
            f"continuous recording and will not join epochs across their cuts; save the continuous dataset "
            f"(before epoching) from EEGLAB and use that"
        ) from None
    except Exception:  # MNE's words are about its arguments (sfreq, tmin): name the .set's field instead
        _refuse_eeglab_fields(path)
        raise
    # A .set names its data file (EEG.data), and MNE joins that name to the .set's folder as it is:
    # "../x.fdt" would read a file elsewhere. Only a data file beside the .set is read (the service
    # stores uploads in a folder of their own and must never be led out of it).
    folder = os.path.dirname(os.path.abspath(path))  # abspath folds "..", and links stay as they were named
    outside = [name for name in raw.filenames if name is not None and os.path.dirname(os.path.abspath(name)) != folder]
    if outside:
        raise RecordingError(f"{path}: the dataset names a data file outside its own folder; batikgen reads only "
                             f"a data file (.fdt) that sits beside the .set")
    _check_eeglab_data_size(path, raw)
    return _loaded(path, raw)


def _refuse_eeglab_fields(path: Path) -> None:
    """Name the .set field (srate, nbchan, pnts, trials) that cannot be right, if one is."""
    from mne.io.eeglab._eeglab import _readmat  # the MAT reader MNE used

    try:
        eeg = _readmat(str(path), uint16_codec=None, preload=False)
        eeg = eeg.get("EEG", eeg)
    except Exception:  # noqa: BLE001 - scipy's words are about MAT-file internals ("index out of range")
        raise RecordingError(f"{path}: could not be read as EEGLAB (.set, with or without .fdt): the .set (a MATLAB "
                             f"file) is damaged or cut short") from None
    for field, whole in (("srate", False), ("nbchan", True), ("pnts", True), ("trials", True)):
        try:
            text = str(np.asarray(eeg.get(field, 1)).ravel()[0])[:40]
            value = float(text)
        except (TypeError, ValueError, IndexError):
            text, value = text if "text" in locals() else "empty", float("nan")
        if not (np.isfinite(value) and value > 0 and (value == int(value) or not whole)):
            raise RecordingError(f"{path}: EEGLAB .set field {field!r} is {text}, expected "
                                 f"{'a whole number, 1 or more' if whole else 'a positive sample rate in Hz'}")


def _check_eeglab_data_size(path: Path, raw: mne.io.BaseRaw) -> None:
    """Refuse a data file (.fdt) that does not hold exactly the .set's channels x points as float32."""
    data = raw.filenames[0] if raw.filenames else None
    if raw.preload:  # samples inside the .set: MNE takes their shape, and pnts and chanlocs, as they are
        rows, points = raw._data.shape
        if rows != len(raw.ch_names) or points != raw.n_times:
            raise RecordingError(f"{path}: EEGLAB dataset whose samples ({rows} rows x {points:,} points) do not match "
                                 f"its channel list ({len(raw.ch_names)}) and its field 'pnts' ({raw.n_times:,})")
        return
    if data is None or os.path.abspath(data) == os.path.abspath(path) or not os.path.isfile(data):
        return
    frame = 4 * len(raw.ch_names)
    size, expected = os.path.getsize(data), frame * raw.n_times
    if size != expected:
        have = f"{size // frame:,} points" if size % frame == 0 else f"{size:,} bytes"
        raise RecordingError(
            f"{path}: EEGLAB .set fields 'nbchan' ({len(raw.ch_names)}) and 'pnts' ({raw.n_times:,}) need {expected:,} "
            f"bytes of data, but its data file holds {have}: the data file was cut short or belongs to another dataset"
        )


#: Markers that say the samples on either side were not recorded one after the other.
_BOUNDARY_MARKERS = {"boundary": "EEGLAB boundary event", "new segment/": "BrainVision 'New Segment' marker",
                     # MNE's mark where a reader filled a break in acquisition (EGI MFF epochs, FIF skips) with zeros
                     "bad_acq_skip": "break in acquisition (filled with zeros by the reader)",
                     # GDF event 0x7FFE, "start of a new segment (after a break)"; MNE names GDF events by number
                     "32766": "GDF new-segment event (0x7FFE, after a break)",
                     # MNE's mark where separately recorded blocks were joined (Nihon Kohden data blocks,
                     # recordings concatenated and saved)
                     "bad boundary": "join of separately recorded blocks ('BAD boundary')"}


def _refuse_boundaries(raw: mne.io.BaseRaw, path: Path) -> None:
    """Refuse a recording with a discontinuity marker after its start: windows must never span one."""
    sfreq = float(raw.info["sfreq"])
    for description, onset, duration in zip(raw.annotations.description, raw.annotations.onset,
                                            raw.annotations.duration):
        kind = _BOUNDARY_MARKERS.get(str(description).strip().lower())
        start = onset - raw.first_time
        # Recorders open every file with a segment marker at its first sample or so: not a cut.
        if kind and (start * sfreq > 2 or duration * sfreq > 2):
            lasting = f" lasting {duration:g} s" if duration * sfreq > 2 else ""
            raise RecordingError(
                f"{path}: discontinuous recording: a {kind}{lasting} at {max(start, 0):.3f} s marks a cut where samples were "
                f"removed or recording paused; batikgen does not join separate stretches of EEG: export each "
                f"continuous stretch as its own file"
            )


def _is_cnt(head: bytes) -> bool:
    # Neuroscan SETUP header: a revision string such as "Version 3.0".
    return head[:8] == b"Version " and len(head) >= 400


def _is_nihon(head: bytes) -> bool:
    # The device string the file starts with (e.g. "EEG-1100A V01.00"), as MNE's reader checks it.
    from mne.io.nihon.nihon import _valid_headers

    return head[:16].decode("latin-1") in _valid_headers


def _is_egi_raw(head: bytes) -> bool:
    # EGI simple binary: a big-endian version number 2-7 (unsegmented/segmented, int16/float).
    return len(head) >= 36 and int.from_bytes(head[:4], "big") in (2, 3, 4, 5, 6, 7)


def _is_mff(head: bytes) -> bool:
    # An MFF is a directory; choose_reader passes the first bytes of its info.xml.
    return b"<fileInfo" in head or b"mffVersion" in head


def _looks_continuous(raw: mne.io.BaseRaw) -> tuple[bool, float]:
    """(amplitude plausible for EEG, median lag-1 autocorrelation) of a reading's first 30 s.

    Samples read with the wrong width give either values 65536 times too large (16-bit data read
    as 32-bit) or rows that interleave different channels and sign words (the reverse), whose
    autocorrelation is far below that of a continuous signal.
    """
    data = raw.get_data(stop=min(raw.n_times, int(raw.info["sfreq"] * 30)))
    step_uv = np.median(np.std(np.diff(data, axis=1), axis=1)) * 1e6 / np.sqrt(2)
    data = data - data.mean(axis=1, keepdims=True)
    num = (data[:, 1:] * data[:, :-1]).sum(axis=1)
    den = np.maximum((data * data).sum(axis=1), np.finfo(float).tiny)
    return bool(0.05 < step_uv < 5000), float(np.median(num / den))


def _cnt_widths(setup: bytes, size: int) -> list[int]:
    """Sample widths (2 or 4 bytes) that divide the CNT data block evenly.

    The header's sample count is not trusted to choose between them: a count off by a factor of
    two fits the other width exactly. ``setup`` is the SETUP header as :func:`_check_cnt_header`
    read it; ``size`` the file's size in bytes.
    """
    n_channels, data_start, event_offset = _cnt_layout(setup)
    event_offset -= (event_offset >> 31) << 32  # read signed, as MNE does: over 2 GB it no longer says
    data_bytes = event_offset - data_start
    if n_channels <= 0 or data_bytes <= 0 or event_offset > size:
        return [2, 4]  # let MNE say what is wrong
    return [w for w in (2, 4) if data_bytes % (n_channels * w) == 0] or [2, 4]


def _cnt_layout(setup: bytes) -> tuple[int, int, int]:
    """(channels, first byte of the samples, event table offset) from a CNT SETUP header (900 bytes
    and 75 a channel, as MNE reads it); the offset unsigned, 32 bits: it wraps in files over 4 GB."""
    n_channels = int.from_bytes(setup[370:372], "little")
    return n_channels, 900 + 75 * n_channels, int.from_bytes(setup[886:890], "little")


def _check_binary_rate(path: Path, offset: int, fmt: str, reader: str) -> None:
    """Refuse a binary header's sample rate of zero (MNE divides by it) or outside EEG rates, by name."""
    import struct

    with open(path, "rb") as handle:
        head = handle.read(offset + struct.calcsize(fmt))
    if len(head) < offset + struct.calcsize(fmt):
        raise RecordingError(f"{path}: header cut short ({len(head)} bytes)")
    check_sfreq(path, struct.unpack_from(fmt, head, offset)[0], reader)


def _read_egi(path: Path) -> mne.io.BaseRaw:
    # After the version and the recording's date and time: rate, channels, gain, bits, range; samples.
    _check_binary_rate(path, 20, ">h", "egi")
    with open(path, "rb") as handle:
        head = handle.read(36)
    n_channels, n_samples = int.from_bytes(head[22:24], "big", signed=True), int.from_bytes(head[30:34], "big",
                                                                                           signed=True)
    if not 0 < n_channels <= 4096:
        raise RecordingError(f"{path}: EGI header field 'number of channels' is {n_channels}, expected 1-4096")
    if n_samples <= 0:
        raise RecordingError(f"{path}: EGI header field 'number of samples' is {n_samples}: the file holds no samples")
    return _loaded(path, mne.io.read_raw_egi(path, preload=False, verbose="error"))


def _check_cnt_header(path: Path) -> list[int]:
    """The Neuroscan SETUP fields that size the data, by name: channels, rate, where the events start.

    Returns the sample widths to try (:func:`_cnt_widths`).
    """
    _check_binary_rate(path, 376, "<H", "cnt")
    with open(path, "rb") as handle:
        setup = handle.read(900)
    n_channels, data_start, event_offset = _cnt_layout(setup)
    if not 0 < n_channels <= 4096:
        raise RecordingError(f"{path}: Neuroscan CNT header field 'number of channels' is {n_channels}, "
                             f"expected 1-4096")
    size = path.stat().st_size
    if size < 1 << 32 and not data_start < event_offset <= size:  # the samples lie between electrodes and events
        raise RecordingError(f"{path}: Neuroscan CNT header field 'event table offset' is {event_offset}, outside "
                             f"the file's data (which starts at byte {data_start} of {size})")
    return _cnt_widths(setup, size)


def _read_mff(path: Path) -> mne.io.BaseRaw:
    # mffpy prints notes (a missing categories.xml) on standard output, where `inspect --json` writes.
    with contextlib.redirect_stdout(io.StringIO()):
        return _loaded(path, mne.io.read_raw_egi(path, preload=False, verbose="error"))


def _read_nihon(path: Path) -> mne.io.BaseRaw:
    _check_nihon_header(path)
    return _loaded(path, mne.io.read_raw_nihon(path, preload=False, verbose="error"))


def _check_nihon_header(path: Path) -> None:
    """The fields of a Nihon Kohden .EEG that locate and size its samples, by name (the layout MNE reads:
    control block addresses from 0x92, data block addresses from a control block's byte 18; in a
    data block the rate at 0x1A, the duration in tenths of a second at 0x1C, the channels at 0x26)."""
    size = path.stat().st_size

    def number(offset: int, width: int) -> int:
        handle.seek(offset)
        raw = handle.read(width)
        if len(raw) < width:
            raise RecordingError(f"{path}: Nihon Kohden file cut short: its header points to byte {offset}, beyond "
                                 f"its {size} bytes")
        return int.from_bytes(raw, "little")

    with open(path, "rb") as handle:
        if number(0x91, 1) == 0:
            raise RecordingError(f"{path}: Nihon Kohden header field 'number of control blocks' is 0: no samples")
        control = number(0x92, 4)
        blocks = number(control + 17, 1)
        if blocks == 0:
            raise RecordingError(f"{path}: Nihon Kohden header field 'number of data blocks' is 0: no samples")
        for i in range(blocks):
            block = number(control + 18 + 20 * i, 4)
            where = f"Nihon Kohden data block {i + 1}"
            check_sfreq(path, number(block + 0x1A, 2) & 0x3FFF, "nihon")  # the top bits are flags
            tenths, n_channels = number(block + 0x1C, 4), number(block + 0x26, 1)
            if tenths == 0 or n_channels == 0:
                field = "record duration" if tenths == 0 else "number of channels"
                raise RecordingError(f"{path}: {where}: header field '{field}' is 0: no samples")
            rate = number(block + 0x1A, 2) & 0x3FFF
            end = block + 0x27 + 10 * n_channels + 2 * (n_channels + 1) * (tenths * rate // 10)
            if end > size:
                raise RecordingError(f"{path}: file cut short: {where}'s header fields 'record duration' "
                                     f"({tenths / 10:g} s), 'sampling rate' ({rate} Hz) and 'number of channels' "
                                     f"({n_channels}) need {end:,} bytes, the file has {size:,}")


def _read_cnt(path: Path) -> mne.io.BaseRaw:
    """Neuroscan CNT, including files whose header states a wrong number of samples.

    The sample count is recomputed from the event table's position (reliable below 2 GB), and
    the sample width is not taken from the header's count (MNE's automatic choice fails when the
    count is wrong, or picks the wrong width when it is off by a factor of two): every width that
    fits the data is read, and the reading that looks like continuous EEG is kept.
    """
    widths = _check_cnt_header(path)
    kwargs = {"preload": False, "verbose": "error", "date_format": "mm/dd/yy", "recompute_n_samples": True}
    readings = [mne.io.read_raw_cnt(path, data_format=f"int{8 * w}", **kwargs) for w in widths]
    if len(readings) == 1:
        return _loaded(path, readings[0])
    scores = [_looks_continuous(raw) for raw in readings]  # from their first 30 s: only the chosen one is loaded
    best = max(range(len(readings)), key=lambda i: scores[i])
    log.info("%s: CNT samples read as %d-bit (plausible, autocorrelation: %s)", path, 8 * widths[best], scores)
    return _loaded(path, readings[best])


READERS: list[Reader] = [
    Reader("edf", "European Data Format (EDF/EDF+)", (".edf",), _is_edf, _read_edf),
    Reader("bdf", "BioSemi Data Format (BDF)", (".bdf",), _is_bdf, _read_bdf),
    Reader("gdf", "General Data Format (GDF)", (".gdf",), _is_gdf, _read_gdf),
    Reader("fif", "MNE/Neuromag FIF", (".fif", ".fif.gz"), _is_fif, _read_fif),
    Reader(
        "brainvision",
        "BrainVision (.vhdr with .vmrk and binary data)",
        (".vhdr",),
        _is_brainvision_header,
        _read_brainvision,
    ),
    # scipy's MAT-file reader (C) segfaults on some damaged .set files; v7.3 files go through HDF5 (C).
    Reader("eeglab", "EEGLAB (.set, with or without .fdt)", (".set",), _is_eeglab, _read_eeglab, risky=True),
    Reader("cnt", "Neuroscan continuous (.cnt)", (".cnt",), _is_cnt, _read_cnt),
    Reader("nihon", "Nihon Kohden EEG (.eeg with .pnt/.log)", (".eeg",), _is_nihon, _read_nihon),
    Reader("egi", "EGI simple binary (.raw)", (".raw",), _is_egi_raw, _read_egi),
    Reader("mff", "EGI MFF (a .mff folder)", (".mff",), _is_mff, _read_mff),
    Reader("xdf", "XDF (Lab Streaming Layer)", (".xdf", ".xdfz"), is_xdf, read_xdf),
    Reader("muse", "muse-lsl raw CSV (timestamps,TP9,AF7,AF8,TP10)", (".csv",), is_muse_csv, read_muse_csv),
    Reader("mindmonitor", "Mind Monitor CSV (Muse band powers)", (".csv",), is_mind_monitor, read_mind_monitor,
           provides="features"),
    Reader("openbci", "OpenBCI GUI text export (v4-v6)", (".txt", ".csv"), is_openbci_txt, read_openbci_txt),
    Reader("features", "batikgen features file (.npz from `batikgen features`)", (".npz",), _is_features_file,
           BandFeatures.load, provides="features"),
]


def supported_extensions() -> list[str]:
    """Every file extension some reader claims, each once (several text formats share .csv)."""
    return list(dict.fromkeys(ext for reader in READERS for ext in reader.extensions))


def choose_reader(path: Path) -> Reader:
    """Pick the reader for ``path`` from its extension, confirmed by its content.

    Raises
    ------
    RecordingError
        If the extension is unknown or the content does not match the format it claims.
    """
    name = path.name.lower().rstrip("/")
    if path.is_dir():
        info = path / "info.xml"
        if not name.endswith(".mff") or not info.is_file():
            raise RecordingError(f"{path}: is a directory, expected a recording file (or an EGI .mff folder)")
        path = info
    with open(path, "rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if not head:
        raise RecordingError(f"{path}: the file is empty")
    claimed = [r for r in READERS if name.endswith(r.extensions)]
    for reader in claimed:
        if reader.sniff(head):
            return reader
    by_content = [r for r in READERS if r.sniff(head)]
    if claimed:
        hint = f"; its content looks like {by_content[0].description}" if by_content else ""
        if name.endswith(".cnt") and head[:4] in (b"RIFF", b"RF64"):
            hint += "; it looks like an ANT Neuro CNT (RIFF), which batikgen does not read: export it as EDF"
        if name.endswith(".eeg") and path.with_suffix(".vhdr").exists():
            hint += f"; for BrainVision pass the header file {path.with_suffix('.vhdr').name}"
        expected = " or ".join(r.description for r in claimed)
        raise RecordingError(
            f"{path}: not a valid {expected} file (its header does not match the format){hint}"
        )
    if by_content:
        return by_content[0]
    raise RecordingError(
        f"{path}: unrecognised recording format; supported extensions: {', '.join(supported_extensions())}"
    )


def _keep_eeg(raw: mne.io.BaseRaw, path: Path) -> dict[str, str]:
    """Drop non-EEG channels in place, clean the labels of the rest; return the drop reasons."""
    dropped: dict[str, str] = {}
    types = raw.get_channel_types()
    for ch_name, ch_type in zip(raw.ch_names, types):
        if ch_type != "eeg":
            dropped[ch_name] = f"typed {ch_type} by the file"
            continue
        kind = classify_label(ch_name)
        if kind != "eeg":
            dropped[ch_name] = f"label names a non-EEG channel ({kind})"
    kept = [name for name in raw.ch_names if name not in dropped]
    if not kept:
        return dropped
    raw.pick(kept)
    cleaned = unique_labels([clean_label(name) for name in _undo_mne_suffixes(kept)], path)
    renames = {old: new for old, new in zip(kept, cleaned) if old != new}
    if renames:
        raw.rename_channels(renames)
    return dropped


def _undo_mne_suffixes(names: list[str]) -> list[str]:
    """The labels as the file wrote them: MNE renames duplicates ``X`` to ``X-0``, ``X-1``, ...

    Cleaning must see the original labels (``EEG F1-Ref-1`` cleans to nothing standard), so a
    group ``X-0 ... X-k`` with no plain ``X`` beside it is taken back to ``X`` each.
    """
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        base, dash, number = name.rpartition("-")
        if dash and number.isdigit():
            groups.setdefault(base, []).append(i)
    original = list(names)
    for base, members in groups.items():
        numbers = sorted(int(names[i].rpartition("-")[2]) for i in members)
        if len(members) > 1 and numbers == list(range(len(members))) and base not in names:
            for i in members:
                original[i] = base
    return original


def _reader_for(path: Path) -> Reader:
    if not path.exists():
        raise RecordingError(f"{path}: no such file")
    if path.is_dir() and not path.name.lower().endswith(".mff"):
        raise RecordingError(f"{path}: is a directory, expected a recording file (or an EGI .mff folder)")
    try:
        return choose_reader(path)
    except PermissionError:
        raise RecordingError(f"{path}: cannot be read: permission denied") from None
    except OSError as exc:
        raise RecordingError(f"{path}: cannot be read: {exc.strerror or describe(exc)}") from None


def _read_with(reader: Reader, path: Path):
    try:
        with np.errstate(all="ignore"):  # overflow in damaged samples is refused below, by name
            return reader.read(path)
    except BatikgenError:  # already says what is wrong with the file
        raise
    except MemoryError:
        raise RecordingError(f"{path}: not enough memory to read it as {reader.description}") from None
    except Exception as exc:  # MNE raises many types for broken files; all mean "unreadable".
        raise RecordingError(f"{path}: could not be read as {reader.description}: {describe(exc)}") from exc


def _sha256(path: Path) -> str:
    """Hash of a file, or of every file of a folder recording (.mff) in name order."""
    if not path.is_dir():
        return file_sha256(path)
    import hashlib

    digest = hashlib.sha256()
    for member in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(f"{member.relative_to(path)}\0{file_sha256(member)}\n".encode())
    return digest.hexdigest()


def _refuse_non_finite(raw: mne.io.BaseRaw, path: Path) -> None:
    """NaN or infinite samples would spread through every filter: name them and refuse."""
    counts = [int(np.count_nonzero(~np.isfinite(row))) for row in samples(raw)]  # a row at a time
    refuse_non_finite(path, raw.ch_names, counts)


def _drop_leading_zeros(raw: mne.io.BaseRaw, path: Path) -> None:
    """Crop samples at the start where every channel is exactly zero (amplifier not yet streaming).

    Looks at the first 10 minutes, a stretch at a time (from the file when the samples are not loaded).
    """
    scanned = min(raw.n_times, int(raw.info["sfreq"] * 600))
    first = scanned
    for start in range(0, scanned, _ZERO_SCAN_SAMPLES):
        data = raw.get_data(start=start, stop=min(start + _ZERO_SCAN_SAMPLES, scanned))
        nonzero = np.flatnonzero(np.any(data != 0, axis=0))
        if nonzero.size:
            first = start + int(nonzero[0])
            break
    if first == 0 or first >= raw.n_times - 1:
        return
    # A warning is for what the user may want to know: a sample or two of zeros (a sine starting at
    # 0 in every channel) is no amplifier start-up.
    seconds = first / raw.info["sfreq"]
    log.log(logging.WARNING if seconds >= 0.1 else logging.INFO, "%s: dropping %d leading all-zero samples (%.2f s)",
            path, first, seconds)
    raw.crop(tmin=first / raw.info["sfreq"])


#: Samples of every channel looked at together for leading zeros.
_ZERO_SCAN_SAMPLES = 1 << 16


def read_precomputed_features(path: str | os.PathLike):
    """Read a file of precomputed band powers (Mind Monitor CSV, batikgen features) as BandFeatures.

    Parameters
    ----------
    path : path-like
        The file.

    Returns
    -------
    BandFeatures

    Raises
    ------
    RecordingError
        If the file holds raw EEG instead, cannot be read, or has no good row (window).
    """
    path = Path(path)
    reader = _reader_for(path)
    if reader.provides != "features":
        raise RecordingError(f"{path}: a {reader.description} file holds raw EEG, not precomputed band powers")
    features = _read_with(reader, path)
    if not np.asarray(features.good, dtype=bool).any():  # the mapping would find nothing to map
        raise RecordingError(f"{path}: none of its {features.n_windows} rows of band powers is good (for Mind Monitor: "
                             f"the headband was off or had poor contact throughout); nothing to make a cloth from")
    return features


def reader_for(path: str | os.PathLike) -> Reader:
    """The reader that would read ``path``.

    Raises
    ------
    RecordingError
        If the file is missing, unreadable or of no supported format.
    """
    return _reader_for(Path(path))


def provides_features(path: str | os.PathLike) -> bool:
    """True if ``path`` is a file of precomputed band powers rather than raw EEG.

    Raises
    ------
    RecordingError
        If the file is missing or of no supported format.
    """
    return _reader_for(Path(path)).provides == "features"


def read_recording(path: str | os.PathLike) -> Recording:
    """Read an EEG recording file, keep its EEG channels in volts, and anonymise it.

    Parameters
    ----------
    path : path-like
        The recording (for BrainVision the ``.vhdr``, for EEGLAB the ``.set``).

    Returns
    -------
    Recording

    Raises
    ------
    RecordingError
        If the file is missing, of an unknown or mismatched format, unreadable, or has no EEG.
    """
    path = Path(path)
    reader = _reader_for(path)
    if reader.provides != "raw":
        raise RecordingError(
            f"{path}: a {reader.description} file holds precomputed band powers, not raw EEG; "
            f"read it with batikgen.pipeline.features_from_file or `batikgen features`"
        )
    raw = _read_with(reader, path)
    if len(raw.ch_names) == 0:  # MNE's picks would answer with advice about its own arguments
        raise RecordingError(f"{path}: the file holds no channels (its header counts none)")
    factor = _reduction_factor(raw)  # > 1: long and fast, read a chunk at a time and reduced (reduction.py)
    with stage(path, "checking its sample rate and markers"):
        check_sfreq(path, raw.info["sfreq"], reader.name)
        _refuse_boundaries(raw, path)
    with stage(path, "sorting out its EEG channels"):
        dropped = _keep_eeg(raw, path)
        if len(raw.ch_names) == 0 or all(name in dropped for name in raw.ch_names):
            raise RecordingError(f"{path}: no EEG channel left after dropping {len(dropped)} non-EEG channels")
    with stage(path, "checking its samples"):
        if factor == 1:  # else counted as the chunks are read
            _refuse_non_finite(raw, path)
        _drop_leading_zeros(raw, path)
        if raw.n_times < 2:
            raise RecordingError(f"{path}: holds {raw.n_times} samples, too few to analyse")
    with stage(path, "anonymising and hashing it"):
        # Names, birth dates and similar header fields never leave the signal stage.
        raw.anonymize(daysback=None, keep_his=False, verbose="error")
        raw.set_meas_date(None)
        log.info("read %s as %s: %d EEG channels, %.1f s at %g Hz", path, reader.name, len(raw.ch_names),
                 raw.n_times / raw.info["sfreq"], raw.info["sfreq"])
        if factor == 1:
            digest, full_rate = content_hash(raw), None
    if factor > 1:
        with stage(path, "reading its samples a chunk at a time"):
            raw, digest, full_rate = read_reduced(raw, path, factor)
    return Recording(
        raw=raw,
        source=path,
        format=reader.name,
        file_sha256=_sha256(path),
        content_hash=digest,
        dropped=dropped,
        full_rate=full_rate,
    )
