"""The gallery's view of an exhibition folder: its manifest's title and intro, and its catalogue's pieces.

Read through the exhibition package's own API (the manifest loader and the catalogue), never by
opening its files here; only the fields visitors may see are carried on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..exhibition.catalogue import Catalogue
from ..exhibition.manifest import load_manifest

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
    """Read an exhibition's title, intro and pieces from its catalogue (read-only).

    The title and intro are the catalogue's (the batch copies them from the manifest, the service
    from its settings); when the catalogue has none, the manifest's, then the folder's name.

    Raises
    ------
    CatalogueError, ManifestError
        From the exhibition package: no catalogue, or an unreadable one or manifest.
    """
    with Catalogue.open(folder, readonly=True) as catalogue:
        about = catalogue.exhibition()
        records = catalogue.pieces()
        folder = catalogue.folder
    title, intro = about.get("title", ""), about.get("intro", "")
    manifest_path = folder / "exhibition.toml"
    if not title and manifest_path.is_file():
        manifest = load_manifest(manifest_path)
        title, intro = manifest.title or "", manifest.intro or ""
    pieces = [
        PieceView(id=r.id, title=r.title or r.id, note=r.note or "", status=r.status, motif=r.motif or "",
                  palette=r.palette or "", cloth=r.cloth or "", duration_s=r.duration_s,
                  settings=dict(r.settings or {}), folder=folder,
                  outputs={k: Output(path=o.path, sha256=o.sha256) for k, o in (r.outputs or {}).items()})
        for r in records
    ]
    return ExhibitionView(folder=folder, title=title or folder.name, intro=intro, pieces=pieces)
