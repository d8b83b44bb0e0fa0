"""Read recordings into a :class:`Recording`: choose a reader by content, keep EEG, anonymise.

Each reader declares the extensions it claims and a *sniff* test on the file's first bytes, so a
text file renamed to ``.edf`` is refused with a message rather than handed to a parser that fails
obscurely.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import mne

from ..errors import RecordingError
from .channels import classify_label, clean_label
from .recording import Recording, content_hash, file_sha256

log = logging.getLogger(__name__)

_HEAD_BYTES = 512


@dataclass(frozen=True)
class Reader:
    """One file format: how to recognise it and how to read it into an MNE Raw."""

    name: str
    description: str
    extensions: tuple[str, ...]
    sniff: Callable[[bytes], bool]
    read: Callable[[Path], mne.io.BaseRaw]


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


def _quiet(func: Callable[..., mne.io.BaseRaw]) -> Callable[[Path], mne.io.BaseRaw]:
    def read(path: Path) -> mne.io.BaseRaw:
        return func(path, preload=True, verbose="error")

    return read


def _read_edf(path: Path) -> mne.io.BaseRaw:
    try:
        return mne.io.read_raw_edf(path, preload=True, verbose="error")
    except Exception as exc:  # MNE raises a bare Exception for undecodable annotations
        # Exports with non-UTF-8 annotation text are common; the signal itself is still readable.
        if "encoding" not in str(exc):
            raise
        return mne.io.read_raw_edf(path, preload=True, verbose="error", encoding="latin1")


READERS: list[Reader] = [
    Reader("edf", "European Data Format (EDF/EDF+)", (".edf",), _is_edf, _read_edf),
    Reader("bdf", "BioSemi Data Format (BDF)", (".bdf",), _is_bdf, _quiet(mne.io.read_raw_bdf)),
    Reader("gdf", "General Data Format (GDF)", (".gdf",), _is_gdf, _quiet(mne.io.read_raw_gdf)),
    Reader("fif", "MNE/Neuromag FIF", (".fif", ".fif.gz"), _is_fif, _quiet(mne.io.read_raw_fif)),
    Reader(
        "brainvision",
        "BrainVision (.vhdr with .vmrk and binary data)",
        (".vhdr",),
        _is_brainvision_header,
        _quiet(mne.io.read_raw_brainvision),
    ),
    Reader("eeglab", "EEGLAB (.set, with or without .fdt)", (".set",), _is_eeglab, _quiet(mne.io.read_raw_eeglab)),
]


def supported_extensions() -> list[str]:
    """Every file extension some reader claims."""
    return [ext for reader in READERS for ext in reader.extensions]


def choose_reader(path: Path) -> Reader:
    """Pick the reader for ``path`` from its extension, confirmed by its content.

    Raises
    ------
    RecordingError
        If the extension is unknown or the content does not match the format it claims.
    """
    name = path.name.lower()
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
        raise RecordingError(
            f"{path}: not a valid {claimed[0].description} file (its header does not match the format){hint}"
        )
    if by_content:
        return by_content[0]
    raise RecordingError(
        f"{path}: unrecognised recording format; supported extensions: {', '.join(supported_extensions())}"
    )


def _keep_eeg(raw: mne.io.BaseRaw) -> dict[str, str]:
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
    renames, used = {}, set()
    for name in kept:
        new = clean_label(name)
        if new in used:  # two labels clean to the same name: keep the original
            new = name
        used.add(new)
        if new != name:
            renames[name] = new
    if renames:
        raw.rename_channels(renames)
    return dropped


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
    if not path.exists():
        raise RecordingError(f"{path}: no such file")
    if path.is_dir():
        raise RecordingError(f"{path}: is a directory, expected a recording file")
    reader = choose_reader(path)
    try:
        raw = reader.read(path)
    except Exception as exc:  # MNE raises many types for broken files; all mean "unreadable".
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RecordingError(f"{path}: could not be read as {reader.description}: {reason}") from exc
    dropped = _keep_eeg(raw)
    if len(raw.ch_names) == 0 or all(name in dropped for name in raw.ch_names):
        raise RecordingError(f"{path}: no EEG channel left after dropping {len(dropped)} non-EEG channels")
    if raw.n_times < 2:
        raise RecordingError(f"{path}: holds {raw.n_times} samples, too few to analyse")
    # Names, birth dates and similar header fields never leave the signal stage.
    raw.anonymize(daysback=None, keep_his=False, verbose="error")
    raw.set_meas_date(None)
    log.info("read %s as %s: %d EEG channels, %.1f s at %g Hz", path, reader.name, len(raw.ch_names),
             raw.n_times / raw.info["sfreq"], raw.info["sfreq"])
    return Recording(
        raw=raw,
        source=path,
        format=reader.name,
        file_sha256=file_sha256(path),
        content_hash=content_hash(raw),
        dropped=dropped,
    )
