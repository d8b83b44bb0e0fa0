"""Small real exhibitions for the gallery tests: pieces rendered at low dpi, recorded in a real catalogue."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from batikgen.exhibition.catalogue import Catalogue
from batikgen.exhibition.records import OutputFile, PieceResult
from batikgen.pipeline import features_from_file, render_recording

#: Low resolution keeps a whole kain panjang at about 500 x 1000 px: seconds per piece.
TEST_DPI = 12
XSS_TITLE = "<img src=x onerror=alert(1)>"

_KINDS = {".png": "png", ".tif": "tiff", ".svg": "svg", ".preview.jpg": "preview", ".proof.png": "proof",
          ".metadata.json": "metadata"}


def _kind(name: str) -> str | None:
    for suffix in sorted(_KINDS, key=len, reverse=True):
        if name.endswith(suffix):
            return _KINDS[suffix]
    return None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render_piece(exhibition: Path, piece_id: str, recording: Path, features=None, **style):
    """Render one piece into ``pieces/<id>/`` as the batch worker does; return (PieceResult, features)."""
    folder = exhibition / "pieces" / piece_id
    shutil.rmtree(folder, ignore_errors=True)
    features = features if features is not None else features_from_file(recording)
    result = render_recording(recording, folder, name=piece_id, dpi=style.pop("dpi", TEST_DPI), features=features,
                              **style)
    features.save(folder / "features.npz")
    outputs = {}
    for path in [*result.outputs, folder / "features.npz"]:
        kind = "features" if path.name == "features.npz" else _kind(path.name)
        outputs[kind] = OutputFile(path.relative_to(exhibition).as_posix(), _sha256(path), path.stat().st_size)
    duration = float(features.source.get("duration_s", 0.0))
    return PieceResult(id=piece_id, ok=True, outputs=outputs, content_hash=features.source.get("content_hash"),
                       duration_s=duration, version="test"), features


def add_done_piece(exhibition: Path, piece_id: str, title: str, recording: Path, note: str | None = None,
                   features=None, **style) -> None:
    """Add a piece to the exhibition's catalogue and mark it done with freshly rendered outputs."""
    settings = {"motif": style.get("motif", "kawung"), "palette": style.get("palette", "sogan-yogya"),
                "cloth": style.get("cloth", "kain-panjang")}
    result, _ = render_piece(exhibition, piece_id, recording, features=features, **style)
    with Catalogue.open(exhibition, create=True) as cat:
        if cat.piece(piece_id) is None:
            cat.add_piece(piece_id, title, settings, note=note, recording=recording)
        else:
            cat.update_piece(piece_id, title, settings, note=note, recording=recording)
        cat.mark_running(piece_id, "render")
        cat.mark_done(piece_id, result)


@pytest.fixture(scope="session")
def sample_features():
    """Features of the bundled sample recording, computed once."""
    from tests.conftest import SAMPLE

    return features_from_file(SAMPLE)


@pytest.fixture(scope="session")
def small_exhibition(tmp_path_factory, sample_features) -> Path:
    """Two finished pieces (one with a legend and a TIFF, one with the XSS title), one pending, one failed.

    Session-scoped and read-only for tests: copy it before changing it.
    """
    from tests.conftest import SAMPLE

    folder = tmp_path_factory.mktemp("exhibition")
    with Catalogue.open(folder, create=True) as cat:
        cat.set_exhibition("Seeing the unseen: a test", "Cloths made from brainwaves.\n\nSecond paragraph.")
    add_done_piece(folder, "calm", "A calm mind", SAMPLE, note="I closed my eyes in the middle minute.",
                   features=sample_features, motif="kawung", palette="indigo-soga", legend=True, formats="png,tiff",
                   dpi=30)  # enough pixels that the whole-cloth view does not need the finest tiles
    add_done_piece(folder, "xss", XSS_TITLE, SAMPLE, note="<script>alert('note')</script>", features=sample_features,
                   motif="parang", palette="lasem")
    with Catalogue.open(folder) as cat:
        cat.add_piece("later", "Still being made", {"motif": "truntum", "palette": "lasem", "cloth": "iket"})
        cat.add_piece("broken", "Could not be made", {"motif": "nitik", "palette": "lasem", "cloth": "iket"})
        cat.mark_running("broken")
        cat.mark_failed("broken", "recording unreadable")
    return folder
