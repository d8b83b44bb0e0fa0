"""The settings of one running service."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Default upload limit: an hour of 64-channel EEG at 512 Hz stored as float32 (EEGLAB, BrainVision)
#: is 64 x 512 x 4 B x 3600 s = 472 MB; 16-bit EDF of the same is half that.
DEFAULT_MAX_UPLOAD = 500 * 10**6


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
