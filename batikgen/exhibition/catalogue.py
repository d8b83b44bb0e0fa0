"""catalogue.sqlite: what every piece of an exhibition is, where it stands, and what it produced.

One writer (the coordinating process: ``batikgen batch`` or the service) and any number of readers
(the gallery builder, ``batch --status``): SQLite in WAL mode lets readers read while the writer
writes, and every change is one transaction, so a kill at any moment leaves the last committed
state. The schema carries a version (``PRAGMA user_version``); opening an older catalogue migrates
it, a newer one is refused.

A recording's location is health-data adjacent: it sits in a private column read only by
:meth:`Catalogue.recording_path`, never in a :class:`PieceRecord`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from ..errors import CatalogueError
from .records import OUTPUT_KINDS, STATUSES, OutputFile, PieceRecord, PieceResult

__all__ = ["CATALOGUE_NAME", "SCHEMA_VERSION", "Catalogue", "OutputFile", "PieceRecord"]

#: The catalogue's file name in an exhibition folder.
CATALOGUE_NAME = "catalogue.sqlite"

# Migration i takes a catalogue from schema version i to i + 1; the current version is their count.
# A later change appends a step (ALTER TABLE ..., a new table); steps are never edited once released.
_MIGRATIONS: list[str] = [
    # 0 -> 1: the first schema.
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE pieces (
        id             TEXT PRIMARY KEY,
        position       INTEGER NOT NULL,
        title          TEXT NOT NULL,
        note           TEXT,
        status         TEXT NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'running', 'done', 'failed')),
        stage          TEXT,
        error          TEXT,
        motif          TEXT NOT NULL,
        palette        TEXT NOT NULL,
        cloth          TEXT NOT NULL,
        settings       TEXT NOT NULL,          -- JSON
        settings_hash  TEXT,
        content_hash   TEXT,
        version        TEXT,
        duration_s     REAL,
        created_at     REAL NOT NULL,
        started_at     REAL,
        finished_at    REAL,
        -- private: never part of a PieceRecord
        recording_path TEXT,                   -- relative to the exhibition folder when inside it
        source_sha256  TEXT                    -- hash of the recording's bytes (and companion files)
    );
    CREATE INDEX pieces_status ON pieces (status, position);
    CREATE INDEX pieces_source ON pieces (source_sha256);
    CREATE TABLE outputs (
        piece_id TEXT NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
        kind     TEXT NOT NULL,
        path     TEXT NOT NULL,
        sha256   TEXT NOT NULL,
        bytes    INTEGER NOT NULL,
        PRIMARY KEY (piece_id, kind)
    );
    """,
]

#: The lock file that keeps a second coordinator off an exhibition (see :func:`writer_lock`).
LOCK_NAME = ".writer.lock"

#: The schema version this batikgen writes.
SCHEMA_VERSION = len(_MIGRATIONS)

_PUBLIC_COLUMNS = ("id", "title", "note", "status", "stage", "error", "motif", "palette", "cloth", "settings",
                   "content_hash", "settings_hash", "version", "duration_s", "created_at", "started_at",
                   "finished_at")


def _one_line(text: str) -> str:
    line = " ".join(str(text).split())
    return line[:500] + ("..." if len(line) > 500 else "")


@contextlib.contextmanager
def writer_lock(exhibition_dir: str | os.PathLike, owner: str = "batikgen") -> Iterator[None]:
    """Hold the exhibition's one-writer lock for the block (the batch command or the service).

    The lock is an advisory ``flock`` on ``EXHIBITION/.writer.lock``: the kernel releases it when
    the holder dies, even by SIGKILL, so a crash never leaves the exhibition locked.

    Raises
    ------
    CatalogueError
        If another process holds it (naming what it said it was).
    """
    folder = Path(exhibition_dir).expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise CatalogueError(f"{folder}: {holder} is already working on this exhibition; wait for it to "
                                 f"finish") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{owner} (pid {os.getpid()})\n".encode(), 0)
        yield
    finally:
        os.close(fd)


class Catalogue:
    """The catalogue of one exhibition folder.

    Open it with :meth:`open` (a context manager). Every method is one transaction and safe to call
    from several threads of the one writing process.

    Examples
    --------
    >>> with Catalogue.open("my-exhibition", create=True) as cat:    # doctest: +SKIP
    ...     for piece in cat.pieces():
    ...         print(piece.id, piece.status)
    """

    def __init__(self, connection: sqlite3.Connection, folder: Path, readonly: bool):
        self._db = connection
        self._lock = threading.RLock()
        self.folder = folder
        self.readonly = readonly

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, exhibition_dir: str | os.PathLike, create: bool = False, readonly: bool = False) -> "Catalogue":
        """Open ``EXHIBITION/catalogue.sqlite``.

        Parameters
        ----------
        exhibition_dir : path-like
            The exhibition folder.
        create : bool
            Create the folder and an empty catalogue if there is none (the writer does this);
            otherwise a missing catalogue is an error.
        readonly : bool
            Open for reading only (the gallery, status displays); never migrates.

        Returns
        -------
        Catalogue
            Also a context manager that closes it.

        Raises
        ------
        CatalogueError
            If there is no catalogue and ``create`` is False, if the file is not a catalogue, or if it
            was written by a newer batikgen (its schema version is higher than this one's).
        """
        folder = Path(exhibition_dir).expanduser().resolve()
        path = folder / CATALOGUE_NAME
        if not path.exists():
            if not create or readonly:
                raise CatalogueError(f"{folder}: no {CATALOGUE_NAME}: not an exhibition folder, or nothing run yet")
            cls._create(path)
        try:
            if readonly:
                db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30,
                                     isolation_level=None, check_same_thread=False)
            else:
                db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                # NORMAL is durable against a killed process (the WAL is complete); only a power
                # cut can lose the last transactions, never corrupt the file.
                db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            version = db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise CatalogueError(f"{path}: not a batikgen catalogue ({exc})") from None
        catalogue = cls(db, folder, readonly)
        if version > SCHEMA_VERSION:
            db.close()
            raise CatalogueError(f"{path}: catalogue schema version {version} is newer than this batikgen's "
                                 f"({SCHEMA_VERSION}); upgrade batikgen")
        if version < SCHEMA_VERSION:
            if readonly:
                db.close()
                raise CatalogueError(f"{path}: catalogue schema version {version} is older than this batikgen's "
                                     f"({SCHEMA_VERSION}); run batikgen batch on it once to upgrade it")
            catalogue._migrate(version)
        return catalogue

    @classmethod
    def _create(cls, path: Path) -> None:
        """Make an empty catalogue under a temporary name and rename it into place, so a reader never
        finds one half-made."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.new")
        temporary.unlink(missing_ok=True)
        db = sqlite3.connect(temporary, isolation_level=None)
        try:
            cls(db, path.parent, readonly=False)._migrate(0)
        finally:
            db.close()
        os.replace(temporary, path)

    def _migrate(self, version: int) -> None:
        with self._write() as db:
            # Another writer may have migrated meanwhile: read the version inside the transaction.
            current = db.execute("PRAGMA user_version").fetchone()[0]
            for step in range(current, SCHEMA_VERSION):
                for statement in _MIGRATIONS[step].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {step + 1}")

    def close(self) -> None:
        """Close the connection (the catalogue stays on disk)."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> "Catalogue":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def path(self) -> Path:
        """The catalogue file."""
        return self.folder / CATALOGUE_NAME

    @property
    def schema_version(self) -> int:
        """The schema version of the open file."""
        with self._lock:
            return self._db.execute("PRAGMA user_version").fetchone()[0]

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        if self.readonly:
            raise CatalogueError(f"{self.path}: opened read-only")
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- reading -------------------------------------------------------------------------------

    def exhibition(self) -> dict:
        """The exhibition's ``title`` and ``intro`` as last recorded (empty strings if never)."""
        with self._lock:
            rows = dict(self._db.execute("SELECT key, value FROM meta WHERE key IN ('title', 'intro')").fetchall())
        return {"title": rows.get("title", ""), "intro": rows.get("intro", "")}

    def _outputs(self, ids: list[str]) -> dict[str, dict[str, OutputFile]]:
        found: dict[str, dict[str, OutputFile]] = {i: {} for i in ids}
        rows = self._db.execute("SELECT piece_id, kind, path, sha256, bytes FROM outputs").fetchall() \
            if len(ids) > 1 else \
            self._db.execute("SELECT piece_id, kind, path, sha256, bytes FROM outputs WHERE piece_id = ?",
                             ids).fetchall()
        for piece_id, kind, path, sha256, size in rows:
            if piece_id in found:
                found[piece_id][kind] = OutputFile(path, sha256, size)
        order = {kind: i for i, kind in enumerate(OUTPUT_KINDS)}
        return {i: dict(sorted(o.items(), key=lambda kv: order.get(kv[0], 99))) for i, o in found.items()}

    def _records(self, where: str = "", args: tuple = ()) -> list[PieceRecord]:
        with self._lock:
            rows = self._db.execute(f"SELECT {', '.join(_PUBLIC_COLUMNS)} FROM pieces {where} ORDER BY position, "
                                    f"created_at", args).fetchall()
            outputs = self._outputs([row[0] for row in rows]) if rows else {}
        records = []
        for row in rows:
            values = dict(zip(_PUBLIC_COLUMNS, row))
            values["settings"] = json.loads(values["settings"])
            records.append(PieceRecord(**values, outputs=outputs[values["id"]]))
        return records

    def pieces(self) -> list[PieceRecord]:
        """Every piece, in manifest order (pieces added later, in the order they were added)."""
        return self._records()

    def piece(self, piece_id: str) -> PieceRecord | None:
        """The piece called ``piece_id``, or None."""
        found = self._records("WHERE id = ?", (piece_id,))
        return found[0] if found else None

    def counts(self) -> dict[str, int]:
        """How many pieces are in each status (every status present, zero if none)."""
        with self._lock:
            rows = dict(self._db.execute("SELECT status, COUNT(*) FROM pieces GROUP BY status").fetchall())
        return {status: rows.get(status, 0) for status in STATUSES}

    def next_pending(self) -> PieceRecord | None:
        """The first pending piece in manifest order, or None."""
        found = self._records("WHERE status = 'pending'")
        return found[0] if found else None

    def recording_path(self, piece_id: str) -> Path | None:
        """Where the piece's recording is (absolute), or None. Private: staff-side use only."""
        with self._lock:
            row = self._db.execute("SELECT recording_path FROM pieces WHERE id = ?", (piece_id,)).fetchone()
        if row is None or row[0] is None:
            return None
        path = Path(row[0])
        return path if path.is_absolute() else self.folder / path

    def source_sha256(self, piece_id: str) -> str | None:
        """The hash of the recording's bytes the piece was last queued with, or None."""
        with self._lock:
            row = self._db.execute("SELECT source_sha256 FROM pieces WHERE id = ?", (piece_id,)).fetchone()
        return row[0] if row else None

    def known_content_hash(self, source_sha256: str) -> str | None:
        """The content hash some piece already learned for a recording with these bytes, or None.

        Lets the runner find cached features without reading the recording again.
        """
        with self._lock:
            row = self._db.execute("SELECT content_hash FROM pieces WHERE source_sha256 = ? AND content_hash IS NOT "
                                   "NULL LIMIT 1", (source_sha256,)).fetchone()
        return row[0] if row else None

    # -- writing -------------------------------------------------------------------------------

    def set_exhibition(self, title: str, intro: str = "") -> None:
        """Record the exhibition's title and intro (from the manifest, or the service's settings)."""
        with self._write() as db:
            db.executemany("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
                           "value = excluded.value", [("title", title), ("intro", intro)])

    def _stored_path(self, recording: str | os.PathLike | None) -> str | None:
        if recording is None:
            return None
        path = Path(recording).expanduser().absolute()
        try:
            return path.relative_to(self.folder).as_posix()  # the folder can move with its recordings
        except ValueError:
            return str(path)

    def add_piece(
        self,
        piece_id: str,
        title: str,
        settings: dict,
        note: str | None = None,
        recording: str | os.PathLike | None = None,
        source_sha256: str | None = None,
        settings_hash: str | None = None,
        position: int | None = None,
    ) -> PieceRecord:
        """Add a new pending piece.

        Parameters
        ----------
        piece_id, title : str
            Its slug and its title for visitors.
        settings : dict
            Render options; must hold ``motif``, ``palette`` and ``cloth``.
        note : str, optional
            The participant's words.
        recording : path-like, optional
            Its recording (kept in a private column).
        source_sha256, settings_hash : str, optional
            What identifies this version of the piece (see the runner).
        position : int, optional
            Its place in the exhibition; default after every other piece.

        Raises
        ------
        CatalogueError
            If a piece with this id exists, or a style key is missing from ``settings``.
        """
        missing = [key for key in ("motif", "palette", "cloth") if key not in settings]
        if missing:
            raise CatalogueError(f"piece {piece_id!r}: settings lack {', '.join(missing)}")
        with self._write() as db:
            if db.execute("SELECT 1 FROM pieces WHERE id = ?", (piece_id,)).fetchone():
                raise CatalogueError(f"{self.path}: piece {piece_id!r} exists already")
            if position is None:
                position = db.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM pieces").fetchone()[0]
            db.execute(
                "INSERT INTO pieces (id, position, title, note, motif, palette, cloth, settings, settings_hash, "
                "created_at, recording_path, source_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (piece_id, position, title, note, settings["motif"], settings["palette"], settings["cloth"],
                 json.dumps(settings, sort_keys=True), settings_hash, time.time(), self._stored_path(recording),
                 source_sha256),
            )
        return self.piece(piece_id)

    def update_piece(
        self,
        piece_id: str,
        title: str,
        settings: dict,
        note: str | None = None,
        recording: str | os.PathLike | None = None,
        source_sha256: str | None = None,
        settings_hash: str | None = None,
        position: int | None = None,
    ) -> PieceRecord:
        """Bring a piece in line with its (edited) manifest entry.

        Title, note and position change in place. When what identifies the piece changes (the
        recording's bytes or the settings hash), its outputs are forgotten and it goes back to
        pending, to be made again.

        Raises
        ------
        CatalogueError
            If there is no such piece.
        """
        with self._write() as db:
            row = db.execute("SELECT source_sha256, settings_hash, position FROM pieces WHERE id = ?",
                             (piece_id,)).fetchone()
            if row is None:
                raise CatalogueError(f"{self.path}: no piece {piece_id!r}")
            changed = (row[0], row[1]) != (source_sha256, settings_hash)
            db.execute(
                "UPDATE pieces SET title = ?, note = ?, motif = ?, palette = ?, cloth = ?, settings = ?, "
                "settings_hash = ?, recording_path = ?, source_sha256 = ?, position = ? WHERE id = ?",
                (title, note, settings["motif"], settings["palette"], settings["cloth"],
                 json.dumps(settings, sort_keys=True), settings_hash, self._stored_path(recording), source_sha256,
                 row[2] if position is None else position, piece_id),
            )
            if changed:
                self._reset(db, piece_id)
        return self.piece(piece_id)

    @staticmethod
    def _reset(db: sqlite3.Connection, piece_id: str) -> None:
        db.execute("UPDATE pieces SET status = 'pending', stage = NULL, error = NULL, content_hash = NULL, "
                   "version = NULL, duration_s = NULL, started_at = NULL, finished_at = NULL WHERE id = ?",
                   (piece_id,))
        db.execute("DELETE FROM outputs WHERE piece_id = ?", (piece_id,))

    def _require(self, db: sqlite3.Connection, piece_id: str) -> None:
        if db.execute("SELECT 1 FROM pieces WHERE id = ?", (piece_id,)).fetchone() is None:
            raise CatalogueError(f"{self.path}: no piece {piece_id!r}")

    def mark_pending(self, piece_id: str) -> None:
        """Queue a piece to be made again (its outputs forgotten): a retry, or outputs gone missing."""
        with self._write() as db:
            self._require(db, piece_id)
            self._reset(db, piece_id)

    def mark_running(self, piece_id: str, stage: str | None = None) -> None:
        """A worker took the piece (first call) or moved to ``stage`` (later calls)."""
        with self._write() as db:
            self._require(db, piece_id)
            db.execute("UPDATE pieces SET started_at = ?, finished_at = NULL, error = NULL WHERE id = ? AND "
                       "status != 'running'", (time.time(), piece_id))
            db.execute("UPDATE pieces SET status = 'running', stage = ? WHERE id = ?", (stage, piece_id))

    def mark_done(self, piece_id: str, result: PieceResult) -> None:
        """The piece's outputs are in place: record them with their hashes."""
        with self._write() as db:
            self._require(db, piece_id)
            db.execute(
                "UPDATE pieces SET status = 'done', stage = NULL, error = NULL, content_hash = ?, version = ?, "
                "duration_s = ?, finished_at = ?, started_at = COALESCE(started_at, ?) WHERE id = ?",
                (result.content_hash, result.version, result.duration_s, time.time(), time.time(), piece_id),
            )
            db.execute("DELETE FROM outputs WHERE piece_id = ?", (piece_id,))
            db.executemany("INSERT INTO outputs (piece_id, kind, path, sha256, bytes) VALUES (?, ?, ?, ?, ?)",
                           [(piece_id, kind, o.path, o.sha256, o.bytes) for kind, o in result.outputs.items()])

    def mark_failed(self, piece_id: str, error: str, content_hash: str | None = None) -> None:
        """The piece failed: keep the one-line reason (it stays failed until retried or changed)."""
        with self._write() as db:
            self._require(db, piece_id)
            db.execute(
                "UPDATE pieces SET status = 'failed', stage = NULL, error = ?, finished_at = ?, "
                "content_hash = COALESCE(?, content_hash) WHERE id = ?",
                (_one_line(error), time.time(), content_hash, piece_id),
            )
            db.execute("DELETE FROM outputs WHERE piece_id = ?", (piece_id,))

    def delete_piece(self, piece_id: str) -> bool:
        """Remove a piece and its output records (not its files); return whether it existed."""
        with self._write() as db:
            return db.execute("DELETE FROM pieces WHERE id = ?", (piece_id,)).rowcount > 0

    def requeue_running(self) -> list[str]:
        """Put pieces left 'running' by a coordinator that died back to 'pending'; return their ids."""
        with self._write() as db:
            ids = [row[0] for row in db.execute("SELECT id FROM pieces WHERE status = 'running' ORDER BY position")]
            for piece_id in ids:
                self._reset(db, piece_id)
        return ids
