"""The gallery's view of an exhibition folder: its manifest's title and intro, and its catalogue's pieces.

Read through the exhibition package's own API (the manifest loader and the catalogue), never by
opening its files here; only the fields visitors may see are carried on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BatikgenError, GalleryError

#: The site's language (the pages' ``lang``); the manifest may set another.
DEFAULT_LANG = "en"


@dataclass(frozen=True)
class Output:
    """One output file of a piece: its path relative to the exhibition folder and its SHA-256."""

    path: str
    sha256: str


@dataclass(frozen=True)
class PieceView:
    """A piece as the gallery sees it: no recording file name, path or header field in here."""

    id: str
    title: str
    note: str
    status: str
    motif: str
    palette: str
    cloth: str
    duration_s: float | None
    settings: dict
    outputs: dict[str, Output]
    folder: Path

    def file(self, kind: str) -> Path:
        """The output file of ``kind`` ('png', 'preview', 'proof', 'tiff', 'metadata', 'features')."""
        return self.folder / self.outputs[kind].path


@dataclass(frozen=True)
class ExhibitionView:
    """An exhibition's title, intro and pieces (in catalogue order)."""

    folder: Path
    title: str
    intro: str
    pieces: list[PieceView] = field(default_factory=list)
    lang: str = DEFAULT_LANG

    @property
    def intro_paragraphs(self) -> list[str]:
        """The intro split at blank lines."""
        return [p.strip() for p in self.intro.split("\n\n") if p.strip()]


def read_exhibition(folder: Path) -> ExhibitionView:
    """Read an exhibition folder's manifest and catalogue.

    Raises
    ------
    GalleryError
        The folder is missing or has no catalogue; errors of the manifest and catalogue readers
        (ManifestError and the like) pass through as they are.
    """
    from ..exhibition.catalogue import Catalogue
    from ..exhibition.manifest import load_manifest

    if not folder.is_dir():
        raise GalleryError(f"{folder}: no such exhibition folder")
    if not (folder / "catalogue.sqlite").is_file():
        raise GalleryError(f"{folder}: no catalogue.sqlite; run the batch over the exhibition first")
    manifest_path = folder / "exhibition.toml"
    title, intro = folder.resolve().name, ""
    if manifest_path.is_file():
        manifest = load_manifest(manifest_path)
        title, intro = manifest.title or title, manifest.intro or ""
    try:
        with Catalogue.open(folder) as catalogue:
            records = catalogue.pieces()
    except BatikgenError:
        raise
    pieces = [
        PieceView(id=r.id, title=r.title or r.id, note=r.note or "", status=r.status, motif=r.motif or "",
                  palette=r.palette or "", cloth=r.cloth or "", duration_s=r.duration_s, settings=dict(r.settings or {}),
                  outputs={k: Output(path=o.path, sha256=o.sha256) for k, o in (r.outputs or {}).items()}, folder=folder)
        for r in records
    ]
    return ExhibitionView(folder=folder, title=title, intro=intro, pieces=pieces)
