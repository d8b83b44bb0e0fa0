"""The job runner: the catalogue is the queue; each piece renders in its own worker process.

Threads of the service take the next pending piece from the catalogue, mark it running and hand it
to the exhibition's isolated worker (a process with a time and memory limit). A crash of that
process fails the piece with its reason; the service carries on. After each finished or deleted
piece the gallery is rebuilt (one build at a time; requests made meanwhile coalesce into one more).
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
import time

from . import lifeline

log = logging.getLogger(__name__)
#: How often idle workers look at the catalogue even when nobody woke them (seconds).
POLL_S = 2.0


class JobRunner:
    """Render threads and the gallery builder of one service.

    Parameters
    ----------
    service : Service
        Gives the config, the catalogue and the gallery's folder.
    """

    def __init__(self, service) -> None:
        self.service = service
        self._wake = threading.Condition()
        self._stopping = threading.Event()
        self._claim = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._gallery_wanted = threading.Event()
        self._cancelled: set[str] = set()

    # -- control -------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the render threads and the gallery builder (which builds once at once)."""
        lifeline.install()
        self._stopping.clear()
        for i in range(self.service.config.workers):
            self._threads.append(threading.Thread(target=self._render_loop, name=f"render-{i}", daemon=True))
        self._threads.append(threading.Thread(target=self._gallery_loop, name="gallery", daemon=True))
        for thread in self._threads:
            thread.start()
        self.gallery_changed()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the threads; renders in progress are abandoned and requeued on the next start."""
        self._stopping.set()
        self._gallery_wanted.set()
        self.wake()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()

    def wake(self) -> None:
        """A piece was queued: let an idle worker take it now."""
        with self._wake:
            self._wake.notify_all()

    def gallery_changed(self) -> None:
        """The gallery should be rebuilt (a piece finished or was deleted)."""
        self._gallery_wanted.set()

    def cancel(self, piece_id: str) -> None:
        """The piece is being deleted: discard its render's result if one is running."""
        self._cancelled.add(piece_id)

    # -- rendering -----------------------------------------------------------------------------

    def _claim_next(self):
        catalogue = self.service.catalogue
        with self._claim:  # two threads must never take the same piece
            piece = catalogue.next_pending()
            if piece is not None:
                catalogue.mark_running(piece.id, "starting")
            return piece

    def _render_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                piece = self._claim_next()
            except Exception:  # the catalogue is busy or closing: try again shortly
                log.exception("cannot take the next piece")
                piece = None
            if piece is None:
                with self._wake:
                    self._wake.wait(POLL_S)
                continue
            self._render(piece)

    def _render(self, piece) -> None:
        raise NotImplementedError("waiting for batikgen.exhibition.worker")

    def _scrub(self, error: str) -> str:
        """An error for staff without any path or stored file name (the hashes the service chose)."""
        error = error.replace(str(self.service.config.exhibition) + "/", "")
        return re.sub(r"(?:[\w./-]*/)?[0-9a-f]{64}(?:\.[\w.]+)?", "the recording", error)

    def _forget_recording(self, piece_id: str) -> None:
        if not self.service.config.keep_recordings:
            shutil.rmtree(self.service.config.uploads_dir / piece_id, ignore_errors=True)

    # -- gallery -------------------------------------------------------------------------------

    def _gallery_loop(self) -> None:
        while True:
            self._gallery_wanted.wait()
            if self._stopping.is_set():
                return
            self._gallery_wanted.clear()
            started = time.monotonic()
            try:
                self._build_gallery()
            except Exception as exc:
                log.error("the gallery could not be rebuilt: %s", self._scrub(str(exc)))
                log.debug("gallery build", exc_info=exc)
            else:
                log.info("gallery rebuilt in %.2f s", time.monotonic() - started)

    def _build_gallery(self) -> None:
        raise NotImplementedError("waiting for batikgen.gallery.build_site")
