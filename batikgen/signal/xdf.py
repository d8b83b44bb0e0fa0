"""XDF (Lab Streaming Layer recordings) through pyxdf: the EEG stream, in volts.

An XDF file holds several streams (EEG, markers, accelerometers, ...), each with its own clock.
pyxdf parses the chunked format, synchronises the clocks and de-jitters the timestamps; here we
only choose the EEG stream, read its channel labels and units, and hand MNE the samples.

pyxdf reads every sample of every stream into memory, so the EEG stream's size is first bounded
from its header and the file's size (:func:`eeg_stream_size`), and a file too large for the memory
available is refused with its size and the limit (:func:`~batikgen.signal.memory.check_fits`).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from xml.etree.ElementTree import ParseError

import mne
import numpy as np

from ..errors import RecordingError
from .channels import eeg_info
from .memory import check_fits
from .timebase import check_continuous, check_stated_rate

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


def _described(info: dict) -> bool:
    """True if the stream header describes its channels (``desc/channels/channel``)."""
    try:
        return bool((info.get("desc") or [None])[0]["channels"][0]["channel"])
    except (TypeError, KeyError, IndexError):
        return False


def _channels(info: dict, count: int) -> list[dict]:
    desc = info.get("desc") or [None]
    try:
        channels = desc[0]["channels"][0]["channel"]
    except (TypeError, KeyError, IndexError):
        return [{} for _ in range(count)]
    return [{k: _first(ch, k) for k in ("label", "unit", "type")} for ch in channels][:count]


class _DamageCount(logging.Handler):
    """Counts the chunks pyxdf reports as damaged (and skips)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


#: Sample formats of the XDF specification.
_FORMATS = ("int8", "int16", "int32", "int64", "float32", "double64", "string")
_FIELD = re.compile(rb"<(channel_count|nominal_srate|channel_format)>([^<]{0,64})</")


def _refuse_header_fields(path: Path) -> None:
    """Name a stream header field that cannot be right, if the first megabyte shows one."""
    with open(path, "rb") as handle:
        head = handle.read(1 << 20)
    for match in _FIELD.finditer(head):
        field, text = match.group(1).decode(), match.group(2).decode("utf-8", "replace").strip()
        if field == "channel_format":
            if text not in _FORMATS:
                raise RecordingError(f"{path}: XDF stream header field 'channel_format' is {text!r}, expected one "
                                     f"of {', '.join(_FORMATS)}")
            continue
        try:
            value = int(text) if field == "channel_count" else float(text)
        except ValueError:
            value = None
        if value is None or not (np.isfinite(value) and value >= (1 if field == "channel_count" else 0)):
            raise RecordingError(f"{path}: XDF stream header field {field!r} is {text!r}, not "
                                 f"{'a number of channels' if field == 'channel_count' else 'a sample rate'}")


def _nominal_rate(path: Path, info: dict) -> float:
    """The stream header's ``nominal_srate`` (0 for irregular streams), refused when it is no rate."""
    text = _first(info, "nominal_srate", "0").strip() or "0"
    try:
        rate = float(text)
    except ValueError:
        rate = float("nan")
    if not (np.isfinite(rate) and rate >= 0):
        raise RecordingError(f"{path}: XDF stream {_first(info, 'name')!r} header field 'nominal_srate' is "
                             f"{text[:40]!r}, not a sample rate")
    return rate


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
    size = eeg_stream_size(path)  # pyxdf reads every sample into memory: refuse a file too large first
    if size:
        check_fits(path, *size)
    import pyxdf  # imported here: only XDF files need it

    # pyxdf logs clock-segment notes as warnings, and damaged chunks (with a traceback) as errors
    # before it skips them: keep both off the terminal, count the damage, and say it in one line.
    damage = _DamageCount()
    pyxdf_log = logging.getLogger("pyxdf.pyxdf")
    previous, propagate = pyxdf_log.level, pyxdf_log.propagate
    pyxdf_log.setLevel(logging.ERROR)
    pyxdf_log.propagate = False
    pyxdf_log.addHandler(damage)
    try:
        # Raw (clock-synchronised) timestamps: dejittering fits a line through each stretch and
        # splits stretches only at gaps over max(1 s, 500 samples), so it would hide a shorter
        # gap or a clock reset that check_continuous must see.
        streams, _ = pyxdf.load_xdf(str(path), dejitter_timestamps=False)
    except ParseError as exc:  # the words are expat's; say what is damaged
        raise RecordingError(f"{path}: an XDF chunk's XML header is damaged (not well-formed: {exc})") from None
    except (ValueError, KeyError, TypeError):  # a stream header field pyxdf could not take
        _refuse_header_fields(path)
        raise
    finally:
        pyxdf_log.removeHandler(damage)
        pyxdf_log.setLevel(previous)
        pyxdf_log.propagate = propagate
    if damage.count:
        _refuse_header_fields(path)
    if damage.count > 1:  # one is a recording cut short at its end: pyxdf keeps what came before
        raise RecordingError(f"{path}: damaged XDF file: {damage.count} of its chunks cannot be parsed (a stream "
                             f"header's 'channel_count' or 'channel_format' may not match its samples)")
    candidates = []
    for stream in streams:
        info = stream["info"]
        kind = _first(info, "type").lower()
        rate = _nominal_rate(path, info) if kind == "eeg" else 0.0
        samples = np.asarray(stream["time_series"]) if not isinstance(stream["time_series"], list) else None
        if kind == "eeg" and rate > 0 and samples is not None and samples.ndim == 2 and samples.shape[0] > 1:
            candidates.append((samples.shape[1], stream, rate, samples))
    if not candidates:
        described = ", ".join(f"{_first(s['info'], 'name')!r} ({_first(s['info'], 'type') or 'no type'}"
                              f"{', nominal_srate 0: irregular' if _first(s['info'], 'nominal_srate') in ('0', '0.0', '') else ''})"
                              for s in streams) or "none"
        raise RecordingError(f"{path}: XDF file without a regularly sampled EEG stream; its streams: {described}")
    _, stream, rate, samples = max(candidates, key=lambda c: c[0])
    listed = len(_channels(stream["info"], 1 << 16)) if _described(stream["info"]) else samples.shape[1]
    if listed != samples.shape[1]:  # the samples were cut at a width the description contradicts
        raise RecordingError(f"{path}: XDF stream {_first(stream['info'], 'name')!r} header field 'channel_count' "
                             f"is {samples.shape[1]} but its description lists {listed} channels")
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
    name = _first(stream["info"], "name") or "EEG"
    check_continuous(path, stream["time_stamps"], rate, f"XDF stream {name!r} timestamps")
    effective = check_stated_rate(path, stream["time_stamps"], rate, "timestamps",
                                  f"XDF stream {name!r} header field 'nominal_srate'")
    if abs(effective - rate) > 0.02 * rate:
        log.warning("%s: XDF stream's effective rate %.2f Hz differs from its nominal %.2f Hz", path, effective, rate)
    data = samples.T.astype(float) * np.asarray(scales)[:, None]
    return mne.io.RawArray(data, eeg_info(names, rate), verbose="error")


#: Bytes of one value of each XDF channel format.
_FORMAT_BYTES = {"float32": 4, "double64": 8, "int8": 1, "int16": 2, "int32": 4, "int64": 8}


def eeg_stream_size(path: Path, max_chunks: int = 256) -> tuple[int, int] | None:
    """Channels and an upper bound on the samples of an XDF file's largest EEG stream, from its headers.

    Recorders write the stream headers before any samples; they are read from the chunks up to the
    first Samples chunk (chunk layout of the XDF 1.0 specification: a byte giving the width of the
    length, the length, a 2-byte tag, the content). No stream can hold more samples than the file
    has room for at its channel count and value format.

    Parameters
    ----------
    path : pathlib.Path
        The ``.xdf`` file.
    max_chunks : int
        Chunks looked at before giving up.

    Returns
    -------
    (int, int) or None
        Channels and samples, or None when no EEG stream header of numeric format comes before
        the samples (or the file is compressed or damaged: the reader then says what is wrong).
    """
    import xml.etree.ElementTree as ElementTree

    file_size = path.stat().st_size
    largest = None
    with open(path, "rb") as handle:
        if handle.read(4) != b"XDF:":
            return None
        for _ in range(max_chunks):
            width = handle.read(1)
            if width not in (b"\x01", b"\x04", b"\x08"):
                break
            length = int.from_bytes(handle.read(width[0]), "little")
            tag = int.from_bytes(handle.read(2), "little")
            if tag == 3 or length < 2:  # samples: the headers are behind
                break
            if tag != 2:
                handle.seek(length - 2, 1)
                continue
            content = handle.read(min(length - 2, 1 << 20))
            try:
                info = ElementTree.fromstring(content[4:])  # after the 4-byte stream id
                channels = int(info.findtext("channel_count") or 0)
            except (ElementTree.ParseError, ValueError):
                continue
            value_bytes = _FORMAT_BYTES.get((info.findtext("channel_format") or "").strip())
            if (info.findtext("type") or "").strip().lower() == "eeg" and channels > 0 and value_bytes:
                size = (channels, file_size // (channels * value_bytes))
                largest = max(largest or size, size, key=lambda c: c[0] * c[1])
    return largest
