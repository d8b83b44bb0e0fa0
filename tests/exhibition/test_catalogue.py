"""catalogue.sqlite: a real SQLite file in WAL mode, its writer API, readers, versions and privacy."""

import dataclasses
import sqlite3

import pytest

from batikgen.errors import CatalogueError
from batikgen.exhibition import catalogue as catalogue_module
from batikgen.exhibition.catalogue import CATALOGUE_NAME, SCHEMA_VERSION, Catalogue
from batikgen.exhibition.records import OutputFile, PieceRecord, PieceResult

STYLE = {"motif": "kawung", "palette": "lasem", "cloth": "iket", "dpi": 20}


def result(piece_id: str) -> PieceResult:
    return PieceResult(id=piece_id, ok=True, content_hash="c" * 64, duration_s=12.5, version="9.9",
                       outputs={"png": OutputFile(f"pieces/{piece_id}/{piece_id}-kawung.png", "a" * 64, 123),
                                "features": OutputFile(f"pieces/{piece_id}/features.npz", "b" * 64, 45)})


def test_missing_catalogue_is_an_error_unless_created(tmp_path):
    with pytest.raises(CatalogueError, match="no catalogue.sqlite"):
        Catalogue.open(tmp_path / "show")
    with Catalogue.open(tmp_path / "show", create=True) as cat:
        assert cat.pieces() == [] and cat.schema_version == SCHEMA_VERSION
    mode = sqlite3.connect(tmp_path / "show" / CATALOGUE_NAME).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_a_piece_goes_pending_running_done(tmp_path):
    with Catalogue.open(tmp_path, create=True) as cat:
        cat.set_exhibition("Show", "Intro")
        cat.add_piece("b", "Bee", STYLE, recording=tmp_path / "rec" / "secret-name.edf", source_sha256="s1",
                      settings_hash="h1")
        cat.add_piece("a", "Ay", STYLE, note="words", position=-1)
        assert [p.id for p in cat.pieces()] == ["a", "b"]  # position orders them
        with pytest.raises(CatalogueError, match="exists already"):
            cat.add_piece("a", "again", STYLE)
        assert cat.next_pending().id == "a"
        cat.mark_running("b", "features")
        cat.mark_running("b", "render 2/5")
        running = cat.piece("b")
        assert (running.status, running.stage, running.started_at is not None) == ("running", "render 2/5", True)
        cat.mark_done("b", result("b"))
        done = cat.piece("b")
        assert (done.status, done.stage, done.content_hash, done.version, done.duration_s) == \
            ("done", None, "c" * 64, "9.9", 12.5)
        assert list(done.outputs) == ["png", "features"]
        assert done.outputs["png"] == OutputFile("pieces/b/b-kawung.png", "a" * 64, 123)
        assert done.elapsed_s >= 0 and done.settings == STYLE
        assert cat.known_content_hash("s1") == "c" * 64 and cat.known_content_hash("zz") is None
        cat.mark_failed("a", "bad file:\n  trace line")
        assert (cat.piece("a").status, cat.piece("a").error) == ("failed", "bad file: trace line")
        assert cat.counts() == {"pending": 0, "running": 0, "done": 1, "failed": 1}
        assert cat.exhibition() == {"title": "Show", "intro": "Intro"}
        assert cat.recording_path("b") == tmp_path / "rec" / "secret-name.edf"
        # Stored relative to the folder, so a copied exhibition finds its recordings.
        stored = sqlite3.connect(cat.path).execute("SELECT recording_path FROM pieces WHERE id='b'").fetchone()[0]
        assert stored == "rec/secret-name.edf"


def test_editing_a_piece_resets_it_only_when_its_identity_changes(tmp_path):
    with Catalogue.open(tmp_path, create=True) as cat:
        cat.add_piece("p", "Old title", STYLE, source_sha256="s1", settings_hash="h1")
        cat.mark_done("p", result("p"))
        cat.update_piece("p", "New title", STYLE, note="n", source_sha256="s1", settings_hash="h1")
        assert (cat.piece("p").status, cat.piece("p").title, cat.piece("p").note) == ("done", "New title", "n")
        cat.update_piece("p", "New title", {**STYLE, "motif": "parang"}, source_sha256="s1", settings_hash="h2")
        piece = cat.piece("p")
        assert (piece.status, piece.motif, piece.outputs, piece.content_hash) == ("pending", "parang", {}, None)


def test_requeue_running_and_delete(tmp_path):
    with Catalogue.open(tmp_path, create=True) as cat:
        for name in "xyz":
            cat.add_piece(name, name, STYLE)
        cat.mark_running("x", "features")
        cat.mark_running("z", "render")
        assert cat.requeue_running() == ["x", "z"]
        assert {p.status for p in cat.pieces()} == {"pending"}
        cat.mark_done("y", result("y"))
        assert cat.delete_piece("y") and not cat.delete_piece("y")
        assert cat.piece("y") is None
        assert sqlite3.connect(cat.path).execute("SELECT COUNT(*) FROM outputs").fetchone()[0] == 0
        with pytest.raises(CatalogueError, match="no piece 'y'"):
            cat.mark_running("y")


def test_a_reader_sees_the_writers_commits_while_it_is_open(tmp_path):
    with Catalogue.open(tmp_path, create=True) as writer, Catalogue.open(tmp_path, readonly=True) as reader:
        writer.add_piece("a", "A", STYLE)
        assert [p.status for p in reader.pieces()] == ["pending"]
        writer.mark_done("a", result("a"))
        assert reader.piece("a").status == "done"
        with pytest.raises(CatalogueError, match="read-only"):
            reader.mark_failed("a", "no")


def test_no_public_field_holds_the_recording(tmp_path):
    fields = {f.name for f in dataclasses.fields(PieceRecord)}
    assert not fields & {"recording", "recording_path", "path", "file", "source", "filename"}
    with Catalogue.open(tmp_path, create=True) as cat:
        cat.add_piece("p", "Title", STYLE, recording=tmp_path / "participant-jane-doe.edf")
        assert "jane" not in repr(cat.pieces())


def test_newer_schema_is_refused_and_older_migrated(tmp_path, monkeypatch):
    with Catalogue.open(tmp_path, create=True) as cat:
        cat.add_piece("p", "Title", STYLE)
    db = sqlite3.connect(tmp_path / CATALOGUE_NAME)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(CatalogueError, match="newer than this batikgen"):
        Catalogue.open(tmp_path)
    db = sqlite3.connect(tmp_path / CATALOGUE_NAME)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    db.commit()
    db.close()
    # A later batikgen appends a step; opening an existing catalogue applies it once, keeping the pieces.
    step = "CREATE TABLE extra (x INTEGER); INSERT INTO extra VALUES (7)"
    monkeypatch.setattr(catalogue_module, "_MIGRATIONS", [*catalogue_module._MIGRATIONS, step])
    monkeypatch.setattr(catalogue_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Catalogue.open(tmp_path) as cat:
        assert cat.schema_version == SCHEMA_VERSION + 1
        assert [p.id for p in cat.pieces()] == ["p"]
    with Catalogue.open(tmp_path) as cat:  # not applied twice
        assert sqlite3.connect(cat.path).execute("SELECT COUNT(*) FROM extra").fetchone()[0] == 1


def test_not_a_database(tmp_path):
    (tmp_path / CATALOGUE_NAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(CatalogueError, match="not a batikgen catalogue"):
        Catalogue.open(tmp_path)


def test_reading_a_catalogue_loads_neither_the_signal_stage_nor_the_renderer():
    """The gallery and the service's pages read catalogues: they should not pay for MNE and skia."""
    import subprocess
    import sys

    code = ("import sys; from batikgen.exhibition import Catalogue, PieceRecord; "
            "print(sorted(k for k in sys.modules if k.split('.')[0] in ('mne', 'scipy', 'skia') "
            "or k.startswith(('batikgen.signal', 'batikgen.render', 'batikgen.pipeline'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]", result.stdout
