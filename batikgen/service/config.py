"""The settings of one running service, and the size strings staff type (``200MB``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ParameterError

#: Default upload limit: an hour of 64-channel EEG at 512 Hz stored as float32 (EEGLAB, BrainVision)
#: is 64 x 512 x 4 B x 3600 s = 472 MB; 16-bit EDF of the same is half that.
DEFAULT_MAX_UPLOAD = 500 * 10**6

_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def parse_size(name: str, text: str | int) -> int:
    """Bytes in a size such as ``200MB``, ``1.5GB``, ``512MiB`` or ``1000`` (decimal units, as disks count).

    Parameters
    ----------
    name : str
        The setting's name, for the message.
    text : str or int
        The size.

    Returns
    -------
    int
        Bytes, at least 1.

    Raises
    ------
    ParameterError
        If ``text`` is not a positive size.
    """
    if isinstance(text, int) and not isinstance(text, bool):
        number, unit = float(text), ""
    else:
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", str(text))
        if not match or match.group(2).lower() not in _UNITS:
            raise ParameterError(f"{name} must be a size such as 200MB, 2GB or 512MiB; got {text!r}")
        number, unit = float(match.group(1)), match.group(2).lower()
    size = int(number * _UNITS[unit])
    if size < 1:
        raise ParameterError(f"{name} must be a positive size; got {text!r}")
    return size


@dataclass(frozen=True)
class ServiceConfig:
    """How one service runs.

    Attributes
    ----------
    exhibition : Path
        The exhibition folder (its manifest, catalogue, pieces and site).
    workers : int
        Pieces rendered at the same time, each in its own process.
    max_upload : int
        Largest request body accepted, in bytes.
    quota : int or None
        Most bytes the exhibition folder may hold; uploads that would pass it are refused (507).
    keep_recordings : bool
        Keep each raw recording after its piece is rendered (deleted by default).
    render_timeout : float
        Wall time in seconds a render may take before its process is killed.
    render_memory : int or None
        Address-space limit of a render process in bytes (None: no limit).
    """

    exhibition: Path
    workers: int = 1
    max_upload: int = DEFAULT_MAX_UPLOAD
    quota: int | None = None
    keep_recordings: bool = False
    render_timeout: float = 1800.0
    render_memory: int | None = None

    @property
    def private_dir(self) -> Path:
        """The service's own folder (mode 0700): the token and the uploads waiting to render."""
        return self.exhibition / "service"

    @property
    def uploads_dir(self) -> Path:
        """One folder per piece waiting to render, named by the piece id."""
        return self.private_dir / "uploads"
