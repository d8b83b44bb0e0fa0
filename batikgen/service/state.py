"""One running service: its exhibition folder, catalogue, token, defaults and job runner."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import threading
from pathlib import Path

from ..exhibition.catalogue import Catalogue, writer_lock
from ..exhibition.hashing import settings_sha256
from ..exhibition.manifest import MANIFEST_NAME, load_manifest
from ..exhibition.runner import clean_leftovers
from ..exhibition.styles import BUILTIN_DEFAULTS
from .auth import load_or_create_token
from .config import ServiceConfig
from .jobs import JobRunner
from .styles import CLOTH_NAMES, StyleProblem, check_style
from .uploads import StoredRecording

log = logging.getLogger(__name__)


class Service:
    """The state the HTTP routes share.

    Parameters
    ----------
    config : ServiceConfig
    environ : dict, optional
        Where the staff token may be given (default ``os.environ``).

    Raises
    ------
    BatikgenError
        If the manifest is invalid, the catalogue cannot be opened, or the token given is too short.
    """

    def __init__(self, config: ServiceConfig, environ: dict | None = None) -> None:
        exhibition = Path(config.exhibition).expanduser().resolve()
        self.config = config = ServiceConfig(**{**config.__dict__, "exhibition": exhibition})
        exhibition.mkdir(parents=True, exist_ok=True)
        self._held = contextlib.ExitStack()
        # One writer per exhibition: a batch run and the service never write the catalogue at once.
        self._held.enter_context(writer_lock(exhibition, "batikgen serve"))
        try:
            config.private_dir.mkdir(mode=0o700, exist_ok=True)
            os.chmod(config.private_dir, 0o700)  # recordings wait here: health data, staff eyes only
            config.uploads_dir.mkdir(mode=0o700, exist_ok=True)
            self.token, self.token_created = load_or_create_token(config.private_dir, environ)
            manifest = load_manifest(exhibition / MANIFEST_NAME) if (exhibition / MANIFEST_NAME).exists() else None
            self.title = manifest.title if manifest else exhibition.name
            self.intro = manifest.intro if manifest else ""
            self.defaults = {**BUILTIN_DEFAULTS, **(manifest.defaults if manifest else {})}
            self.cloth_names = list(CLOTH_NAMES)
            self.site_dir = exhibition / "site"
            self.site_dir.mkdir(exist_ok=True)
            self.catalogue = self._held.enter_context(Catalogue.open(exhibition, create=True))
            self.catalogue.set_exhibition(self.title, self.intro)
        except BaseException:
            self._held.close()  # the writer lock is not kept by a service that never started
            raise
        #: Held while a piece is deleted or a finished render recorded, so the two never interleave.
        self.deleting = threading.RLock()
        self.runner = JobRunner(self)

    def settings_for(self, motif: str | None = None, palette: str | None = None, cloth: str | None = None) -> dict:
        """The render settings of a new piece: the exhibition's defaults with the staff's choices.

        Raises
        ------
        StyleProblem
            If a choice is not allowed (the message names the field and lists the allowed values).
        """
        settings = dict(self.defaults)
        for key, value in (("motif", motif), ("palette", palette), ("cloth", cloth)):
            if value is None or value == "":
                continue
            try:
                settings[key] = check_style(key, value, self.config.exhibition)
            except StyleProblem as exc:
                raise StyleProblem(f"{key}: {exc}") from None
        return settings

    def enqueue(self, piece_id: str, title: str, note: str | None, settings: dict, stored: StoredRecording):
        """Record a stored upload as a pending piece and wake a worker; return its record."""
        record = self.catalogue.add_piece(piece_id, title, settings, note=note, recording=stored.primary,
                                          source_sha256=stored.bundle_hash, settings_hash=settings_sha256(settings))
        self.runner.wake()
        return record

    def delete(self, piece_id: str) -> None:
        """Remove a piece everywhere: catalogue, recording, outputs; then rebuild the gallery."""
        with self.deleting:
            self.runner.cancel(piece_id)
            self.catalogue.delete_piece(piece_id)
            shutil.rmtree(self.config.uploads_dir / piece_id, ignore_errors=True)
            shutil.rmtree(self.config.exhibition / "pieces" / piece_id, ignore_errors=True)
        self.runner.gallery_changed()

    def start(self) -> None:
        """Requeue what a killed service left running, drop unfinished uploads, start the workers."""
        clean_leftovers(self.config.exhibition)  # staging folders of renders a kill interrupted
        requeued = self.catalogue.requeue_running()
        if requeued:
            log.warning("requeued %d piece(s) left running by a previous service: %s", len(requeued),
                        ", ".join(requeued))
        known = {piece.id for piece in self.catalogue.pieces()}
        for folder in self.config.uploads_dir.iterdir():
            # a ".part" folder, or one whose piece never reached the catalogue: never acknowledged
            if folder.name not in known:
                shutil.rmtree(folder, ignore_errors=True)
        self.runner.start()

    def stop(self) -> None:
        """Stop the workers (renders in progress are killed and requeued on the next start)."""
        self.runner.stop()
        self._held.close()  # the catalogue, then the writer lock
