"""The job runner: the catalogue is the queue; each piece renders in its own worker process.

Threads of the service take the next pending piece from the catalogue, mark it running and hand it
to the exhibition's isolated worker (a process with a time and memory limit). A crash of that
process fails the piece with its reason; the service carries on. After each finished or deleted
piece the gallery is rebuilt (one build at a time; requests made meanwhile coalesce into one more).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import re
import shutil
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ..errors import BatikgenError
from ..exhibition.limits import default_memory
from ..exhibition.runner import install_outputs
from ..exhibition.worker import PieceTask, run_isolated
from ..gallery import build_site
from .nice import lower_priority

log = logging.getLogger(__name__)
#: A file name with a recording's or a companion's extension (but not the worker's "the recording.ext").
_FILE_NAME = re.compile(r"(?<![\w.-])(?!recording\.)[\w-]+(?:\.[\w-]+)*\.(?:vhdr|vmrk|eeg|dat|set|fdt|edf|bdf|gdf|fif|cnt"
                        r"|pnt|log|21e|raw|mff|xdf|xdfz|csv|txt|npz|gz)\b", re.IGNORECASE)
#: How often idle workers look at the catalogue even when nobody woke them (seconds).
POLL_S = 2.0


def _start_builder(service_pid: int) -> None:
    """Initialise the gallery builder's process: low priority, and it ends when the service does.

    It is a child of the fork server, not of the service, so it watches the service itself: the
    kernel's parent-death signal covers the fork server's exit, a thread covers everything else.
    """
    lower_priority()
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG

    def watch() -> None:
        while True:
            try:
                os.kill(service_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # the pid was reused by someone else's process: the service is gone
                os._exit(1)
            time.sleep(0.5)

    threading.Thread(target=watch, name="service-watch", daemon=True).start()


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
        self._cancels: dict[str, threading.Event] = {}
        self._builder: ProcessPoolExecutor | None = None

    # -- control -------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the render threads and the gallery builder (which builds once at once)."""
        self._stopping.clear()
        for i in range(self.service.config.workers):
            self._threads.append(threading.Thread(target=self._render_loop, name=f"render-{i}", daemon=True))
        self._threads.append(threading.Thread(target=self._gallery_loop, name="gallery", daemon=True))
        for thread in self._threads:
            thread.start()
        self.gallery_changed()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the threads; renders in progress are killed and their pieces go back to the queue."""
        self._stopping.set()
        for cancel in list(self._cancels.values()):
            cancel.set()
        self._gallery_wanted.set()
        self.wake()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()
        if self._builder is not None:
            self._builder.shutdown(wait=False, cancel_futures=True)
            self._builder = None

    def wake(self) -> None:
        """A piece was queued: let an idle worker take it now."""
        with self._wake:
            self._wake.notify_all()

    def gallery_changed(self) -> None:
        """The gallery should be rebuilt (a piece finished or was deleted)."""
        self._gallery_wanted.set()

    def cancel(self, piece_id: str) -> None:
        """The piece is being deleted: kill its render if one is running (its result is discarded)."""
        cancel = self._cancels.get(piece_id)
        if cancel is not None:
            cancel.set()

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
            try:
                self._render(piece)
            except Exception as exc:  # a bug or a full disk: fail this piece, keep serving
                log.error("piece %s: internal error (%s)", piece.id, type(exc).__name__)
                log.debug("render", exc_info=exc)
                with contextlib.suppress(Exception):
                    self.service.catalogue.mark_failed(piece.id, f"internal error ({type(exc).__name__})")

    def _task(self, piece) -> PieceTask:
        catalogue, config = self.service.catalogue, self.service.config
        source = catalogue.source_sha256(piece.id)
        s = piece.settings
        # What metadata.json records to make the piece again: no path, no file name.
        command = ["batikgen", "render", "RECORDING", "--name", piece.id, "--motif", s["motif"], "--palette",
                   s["palette"], "--cloth", s["cloth"], "--dpi", str(s["dpi"]), "--format", ",".join(s["formats"]),
                   "--border", s["border"], *(["--legend"] if s.get("legend") else []),
                   *(["--absolute"] if s.get("absolute") else []), *(["--mapping", "MAPPING"] if s.get("mapping") else [])]
        return PieceTask(piece_id=piece.id, recording=str(catalogue.recording_path(piece.id)),
                         exhibition_dir=str(config.exhibition), settings=s,
                         content_hash=catalogue.known_content_hash(source) if source else None,
                         workers=1, command=command, preload=("batikgen.service.nice",))

    def _render(self, piece) -> None:
        """Render one claimed piece in its own process and record what came of it."""
        catalogue, config = self.service.catalogue, self.service.config
        cancel = self._cancels[piece.id] = threading.Event()
        started = time.monotonic()

        def on_stage(text: str) -> None:
            with contextlib.suppress(BatikgenError):  # deleted meanwhile
                catalogue.mark_running(piece.id, text)

        try:
            if catalogue.recording_path(piece.id) is None:
                catalogue.mark_failed(piece.id, "its recording is missing")
                return
            memory = config.render_memory or default_memory(max(1, config.workers))
            result = run_isolated(self._task(piece), timeout=config.render_timeout, memory=memory,
                                  on_stage=on_stage, cancel=cancel)
            with self.service.deleting:  # a deletion waits for this, or this sees it done
                if cancel.is_set() or catalogue.piece(piece.id) is None:
                    if result.staging:
                        shutil.rmtree(result.staging, ignore_errors=True)
                    if self._stopping.is_set() and catalogue.piece(piece.id) is not None:
                        catalogue.mark_pending(piece.id)  # the service is stopping: render it next time
                    return
                if result.ok:
                    try:
                        install_outputs(config.exhibition, piece.id, result.staging)
                    except OSError as exc:
                        shutil.rmtree(result.staging, ignore_errors=True)
                        catalogue.mark_failed(piece.id, f"its outputs could not be stored ({exc.strerror or exc})")
                    else:
                        catalogue.mark_done(piece.id, result)
                        log.info("piece %s done in %.1f s", piece.id, time.monotonic() - started)
                else:
                    catalogue.mark_failed(piece.id, self._scrub(result.error or "failed"))
                    log.warning("piece %s failed: %s", piece.id, catalogue.piece(piece.id).error)
                self._forget_recording(piece.id)
            self.gallery_changed()
        finally:
            self._cancels.pop(piece.id, None)

    def _scrub(self, error: str) -> str:
        """An error for staff without a path, a stored file name or a file name from a recording's header.

        The worker already put "the recording" for the recording's own path; a reader may still name
        a companion file as the header calls it (an EEGLAB .set naming its .fdt, say).
        """
        error = error.replace(str(self.service.config.exhibition) + "/", "")
        error = re.sub(r"(?:[\w./-]*/)?[0-9a-f]{64}(?:\.[\w.]+)?", "the recording", error)
        return _FILE_NAME.sub("a file", error)

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
        # In a process of its own (kept warm between builds): a build holds the interpreter for a
        # while, and the web server's threads must not wait for it.
        if self._builder is None:
            self._builder = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver"),
                                                initializer=_start_builder, initargs=(os.getpid(),))
        try:
            self._builder.submit(build_site, self.service.config.exhibition, self.service.site_dir).result()
        except BrokenProcessPool:
            self._builder = None  # the builder died (killed, out of memory): a fresh one next time
            raise
