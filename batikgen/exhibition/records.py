"""Plain records shared by the catalogue, the worker and the runner (no I/O here)."""

from __future__ import annotations

from dataclasses import dataclass, field

#: A piece's life: pending -> running -> done | failed (and back to pending when it must be redone).
STATUSES = ("pending", "running", "done", "failed")

#: The kinds of output a piece has, as keys of ``PieceRecord.outputs``.
OUTPUT_KINDS = ("png", "tiff", "svg", "preview", "proof", "metadata", "features")


@dataclass(frozen=True)
class OutputFile:
    """One file of a piece.

    Attributes
    ----------
    path : str
        Relative to the exhibition folder, with ``/`` separators (``pieces/rest/rest-kawung.png``).
    sha256 : str
        Hex digest of its bytes.
    bytes : int
        Its size.
    """

    path: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class PieceRecord:
    """A piece as the catalogue knows it. It holds no recording file name or path.

    Attributes
    ----------
    id, title : str
        The piece's slug and the title visitors see.
    note : str or None
        The participant's own words.
    status : str
        One of :data:`STATUSES`.
    stage : str or None
        What a running piece is doing (``features``, ``render 3/12``, ...).
    error : str or None
        One line saying why a failed piece failed.
    motif, palette, cloth : str
        Its style (also in ``settings``).
    settings : dict
        Every render option it is made with.
    content_hash : str or None
        The recording's content hash (channel names, rate, samples), known once read.
    settings_hash : str or None
        Hash of the settings (with the mapping file's content).
    version : str or None
        The batikgen version that made the outputs.
    duration_s : float or None
        The recording's length in seconds, once read.
    created_at, started_at, finished_at : float or None
        Unix times.
    outputs : dict of str to OutputFile
        By kind (:data:`OUTPUT_KINDS`); empty unless done.
    """

    id: str
    title: str
    note: str | None
    status: str
    stage: str | None
    error: str | None
    motif: str
    palette: str
    cloth: str
    settings: dict
    content_hash: str | None
    settings_hash: str | None
    version: str | None
    duration_s: float | None
    created_at: float | None
    started_at: float | None
    finished_at: float | None
    outputs: dict[str, OutputFile] = field(default_factory=dict)

    @property
    def elapsed_s(self) -> float | None:
        """Seconds from start to finish of the last attempt, or None."""
        if self.started_at is None or self.finished_at is None:
            return None
        return max(0.0, self.finished_at - self.started_at)


@dataclass(frozen=True)
class PieceResult:
    """What a worker reports for one piece: done with outputs, or failed with a one-line reason.

    Attributes
    ----------
    id : str
        The piece.
    ok : bool
        Rendered and staged.
    error : str or None
        One line, no recording file name, when not ok.
    staging : str or None
        Folder holding the finished outputs, to be moved to ``pieces/<id>/`` by the coordinator.
    outputs : dict of str to OutputFile
        Paths relative to the exhibition folder as they will be once moved into place.
    content_hash : str or None
        The recording's content hash.
    duration_s : float or None
        The recording's length.
    version : str
        The batikgen version of the worker.
    elapsed_s : float
        Wall time in the worker.
    features_cached : bool
        The features came from the cache (the signal stage was skipped).
    warnings : tuple of str
        Warnings the render logged (recording names removed).
    """

    id: str
    ok: bool
    error: str | None = None
    staging: str | None = None
    outputs: dict[str, OutputFile] = field(default_factory=dict)
    content_hash: str | None = None
    duration_s: float | None = None
    version: str = ""
    elapsed_s: float = 0.0
    features_cached: bool = False
    warnings: tuple[str, ...] = ()
