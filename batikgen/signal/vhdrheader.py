"""The BrainVision header (.vhdr), checked before MNE reads the recording, each error naming its field.

MNE trusts the header: a missing [Common Infos] section ends in advice to pass an argument to one
of its functions, a wrong NumberOfChannels or BinaryFormat reads the samples at the wrong width
(noise, or a reshape error), and a resolution of 0 or 1e30 gives flat or absurd data far downstream.
Here the fields that size and scale the samples are checked against each other and against the
data file (BrainVision Core Data Format 1.0, Brain Products, 2006).
"""

from __future__ import annotations

import configparser
import math
import re
from pathlib import Path

from ..errors import RecordingError

#: Bytes a value takes, per BinaryFormat.
_WIDTHS = {"INT_16": 2, "INT_32": 4, "IEEE_FLOAT_32": 4}
_MAX_CHANNELS = 4096
#: Largest resolution (value of one step, in the channel's unit) a BrainVision writer uses; 1e6
#: µV a step is a 1 V step.
_MAX_RESOLUTION = 1e6


def _config(path: Path) -> configparser.ConfigParser:
    text = path.read_bytes().decode("latin-1")  # keys and numbers are ASCII in every codepage
    params = text.split("\n", 1)[1] if "\n" in text else ""
    params = params.split("[Comment]")[0]
    cfg = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        cfg.read_string(params)
    except configparser.Error as exc:
        raise RecordingError(f"{path}: BrainVision header is not in the 'key=value' layout of its sections "
                             f"(line {getattr(exc, 'lineno', '?')})") from None
    return cfg


def _field(path: Path, cfg: configparser.ConfigParser, section: str, key: str, kind=str, default=None):
    if not cfg.has_option(section, key):
        if default is not None:
            return default
        raise RecordingError(f"{path}: BrainVision header has no {key} field in its [{section}] section "
                             f"(the file is cut short or not a BrainVision header)")
    text = cfg.get(section, key).strip()
    try:
        return kind(text)
    except ValueError:
        raise RecordingError(f"{path}: BrainVision header field {key} is {text[:40]!r}, not a number") from None


def check_vhdr(path: Path) -> None:
    """Check the fields of a BrainVision header that size and scale its samples.

    Parameters
    ----------
    path : pathlib.Path
        The ``.vhdr`` file.

    Raises
    ------
    RecordingError
        Naming the field, when [Common Infos] is missing, DataType is not TIMEDOMAIN, DataFile or
        MarkerFile names a file outside the header's folder, NumberOfChannels is not 1-4096,
        SamplingInterval is not a positive number, BinaryFormat is unknown, a channel's entry is
        missing or its resolution absurd (channels in units other than volts are typed non-EEG
        by MNE and dropped later), or the data file does not hold whole samples of that many
        channels (a wrong NumberOfChannels or BinaryFormat, or a file cut short), or holds fewer
        than DataPoints.
    """
    cfg = _config(path)
    common = next((s for s in ("Common Infos", "Common infos") if cfg.has_section(s)), None)
    if common is None:
        raise RecordingError(f"{path}: BrainVision header without its [Common Infos] section (which names the data "
                             f"file, the channel count and the sampling interval): cut short or damaged")
    kind = _field(path, cfg, common, "DataType", str, "TIMEDOMAIN").upper()
    if kind != "TIMEDOMAIN":  # spectra or averages, whose SamplingInterval is no time between samples
        raise RecordingError(f"{path}: BrainVision header field DataType is {kind[:30]!r}: the file holds no recording "
                             f"over time (TIMEDOMAIN) to analyse")
    for key in ("DataFile", "MarkerFile"):
        _refuse_outside(path, key, _field(path, cfg, common, key, str, "-"))
    n_channels = _field(path, cfg, common, "NumberOfChannels", int)
    if not 0 < n_channels <= _MAX_CHANNELS:
        raise RecordingError(f"{path}: BrainVision header field NumberOfChannels is {n_channels}, expected "
                             f"1-{_MAX_CHANNELS}")
    interval = _field(path, cfg, common, "SamplingInterval", float)
    if not (math.isfinite(interval) and interval > 0):
        raise RecordingError(f"{path}: BrainVision header field SamplingInterval is {interval:g} µs, expected a "
                             f"positive time between samples")
    for n in range(1, n_channels + 1):
        if not cfg.has_option("Channel Infos", f"Ch{n}"):
            raise RecordingError(f"{path}: BrainVision header field NumberOfChannels is {n_channels} but [Channel "
                                 f"Infos] has no entry Ch{n}")
        props = cfg.get("Channel Infos", f"Ch{n}").split(",")
        resolution = props[2].strip() if len(props) > 2 else ""
        if resolution:
            try:
                value = float(resolution)
            except ValueError:
                value = math.nan
            if not (math.isfinite(value) and 0 < abs(value) <= _MAX_RESOLUTION):
                raise RecordingError(f"{path}: BrainVision header [Channel Infos] Ch{n} ({props[0].strip()!r}) has "
                                     f"resolution {resolution[:40]!r}, expected the size of one step, above 0 and at "
                                     f"most {_MAX_RESOLUTION:g}")
    if _field(path, cfg, common, "DataFormat", str, "BINARY").upper() != "BINARY":
        return  # ASCII data: MNE counts its lines
    fmt = _field(path, cfg, "Binary Infos", "BinaryFormat", str, "INT_16").upper()
    if fmt not in _WIDTHS:
        raise RecordingError(f"{path}: BrainVision header field BinaryFormat is {fmt[:20]!r}, expected one of "
                             f"{', '.join(_WIDTHS)}")
    _check_data_size(path, cfg, common, n_channels, fmt)


def _refuse_outside(path: Path, key: str, name: str) -> None:
    """A header names its data and marker files; only files beside it are read.

    The service keeps each upload in a folder of its own, and a header naming "../x.eeg" or an
    absolute path must never lead the reader out of it (the same rule as for EEGLAB's .fdt).
    """
    name = name.strip()
    if name != "-" and (Path(name).is_absolute() or Path(name).name != name or "\\" in name or ":" in name):
        raise RecordingError(f"{path}: BrainVision header field {key} names a file outside the header's own folder; "
                             f"batikgen reads only data and marker files that sit beside the .vhdr")


def _check_data_size(path: Path, cfg: configparser.ConfigParser, common: str, n_channels: int, fmt: str) -> None:
    name = _field(path, cfg, common, "DataFile", str)
    data = path.parent / re.sub(r"\$b", path.stem, name)  # $b: the header's own base name
    if not data.is_file():
        raise RecordingError(f"{path}: BrainVision header field DataFile names {data.name!r}, which is not beside the "
                             f"header: copy the data file with it")
    frame = n_channels * _WIDTHS[fmt]
    size = data.stat().st_size
    if size % frame:
        raise RecordingError(f"{path}: the data file holds {size} bytes, not a whole number of samples of "
                             f"NumberOfChannels={n_channels} x BinaryFormat={fmt} ({frame} bytes): one of those "
                             f"fields is wrong, or the data file was cut short")
    points = _field(path, cfg, common, "DataPoints", str, "").strip()
    if points.isdigit() and int(points) > size // frame:
        raise RecordingError(f"{path}: data file cut short: BrainVision header field DataPoints is {points} but the "
                             f"data file holds {size // frame} samples of {n_channels} channels")
