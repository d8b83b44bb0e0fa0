"""The batch runner: bring an exhibition's catalogue and pieces in line with its manifest.

The coordinating process (this module) owns the catalogue and the ``pieces/`` folder. For each
piece of the manifest it decides, from hashes alone, whether the piece is up to date (done, same
recording bytes, same settings, same batikgen version, every output present with its recorded
SHA-256), and sends the rest to an engine (local processes or Dask). A finished piece's staging
folder is renamed to ``pieces/<id>/`` before the catalogue says done, so a kill at any moment
leaves either the old state or the new one, never a partial piece; on the next run, pieces left
'running' go back to pending and stale staging folders are removed.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .. import __version__
from ..errors import ExhibitionError, ParameterError
from .catalogue import Catalogue, writer_lock
from .engines import DaskEngine, LocalEngine
from .hashing import file_sha256, recording_sha256, settings_sha256
from .limits import DEFAULT_TIMEOUT_S, default_memory, plan_jobs
from .manifest import MANIFEST_NAME, Manifest, PieceSpec
from .records import PieceRecord, PieceResult
from .worker import STAGING_PREFIX, PieceTask

log = logging.getLogger(__name__)

_OLD_PREFIX = ".old-"


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch (the options of ``batikgen batch``).

    Attributes
    ----------
    jobs : int or None
        Pieces at once; default the cores (see :func:`~batikgen.exhibition.limits.plan_jobs`).
    dask : str or None
        A Dask scheduler address, or ``"local"`` for a LocalCluster; None runs local processes.
    only : tuple of str
        Piece ids to consider (all when empty).
    retry_failed : bool
        Run pieces that failed before again (otherwise they stay failed).
    timeout : float or None
        Seconds a piece may take; default :data:`~batikgen.exhibition.limits.DEFAULT_TIMEOUT_S`.
    memory : int or None
        Bytes of address space per process of a piece; default a share of the machine.
    dry_run : bool
        Decide and report, render nothing, change nothing.
    preload : tuple of str
        Modules each worker imports before rendering (e.g. one registering a reader).
    """

    jobs: int | None = None
    dask: str | None = None
    only: tuple[str, ...] = ()
    retry_failed: bool = False
    timeout: float | None = None
    memory: int | None = None
    dry_run: bool = False
    preload: tuple[str, ...] = ()


@dataclass
class BatchSummary:
    """What a batch did, piece by piece.

    Attributes
    ----------
    rendered : list of str
        Made this run.
    skipped : list of str
        Already up to date.
    failed : dict of str to str
        Failed (this run, or before and not retried) with the one-line reason.
    pending : list of str
        Still to do: a dry run's plan, or what an interrupt left.
    reasons : dict of str to str
        Why each piece of ``pending``/``rendered`` needed work (new, recording changed, ...).
    elapsed_s : float
        Wall time of the run.
    interrupted : bool
        Stopped by Ctrl-C.
    """

    exhibition_dir: Path
    rendered: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    elapsed_s: float = 0.0
    interrupted: bool = False
    engine: str = ""

    @property
    def exit_status(self) -> int:
        """0 when every piece is done, 1 otherwise (any failed or left pending)."""
        return 0 if not self.failed and not self.pending and not self.interrupted else 1


class BatchProgress(Protocol):
    """What the runner reports as it goes (the CLI shows it live or as log lines)."""

    def begin(self, title: str, total: int, todo: list[str], engine: str) -> None: ...
    def started(self, piece_id: str) -> None: ...
    def stage(self, piece_id: str, text: str) -> None: ...
    def finished(self, piece_id: str, ok: bool, detail: str, elapsed_s: float) -> None: ...
    def end(self, summary: BatchSummary) -> None: ...


class _Silent:
    def begin(self, *args) -> None: ...
    def started(self, *args) -> None: ...
    def stage(self, *args) -> None: ...
    def finished(self, *args) -> None: ...
    def end(self, *args) -> None: ...


def outputs_intact(folder: Path, record: PieceRecord) -> bool:
    """Whether every output the catalogue lists for ``record`` exists with its recorded size and SHA-256."""
    if not record.outputs:
        return False
    for output in record.outputs.values():
        path = folder / output.path
        try:
            if path.stat().st_size != output.bytes or file_sha256(path) != output.sha256:
                return False
        except OSError:
            return False
    return True


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove staging and replaced folders a killed run left in ``pieces/``; return what was removed."""
    pieces = folder / "pieces"
    removed = []
    if pieces.is_dir():
        for path in pieces.iterdir():
            if path.name.startswith((STAGING_PREFIX, _OLD_PREFIX)) and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


def install_outputs(folder: Path, piece_id: str, staging: str | Path) -> Path:
    """Move a finished piece's staging folder to ``pieces/<id>/``, replacing what was there.

    Two renames: the old folder aside, the new one in; a kill between them leaves no
    ``pieces/<id>/`` (the catalogue does not say done yet, so the piece is made again).
    """
    target = folder / "pieces" / piece_id
    staging = Path(staging)
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f"{_OLD_PREFIX}{piece_id}-", dir=target.parent))
        old.rmdir()
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


def _identity(spec: PieceSpec) -> tuple[str | None, str | None, str | None]:
    """(bytes hash of the recording, settings hash, why it cannot be made) for a manifest piece."""
    try:
        settings_hash = settings_sha256(spec.settings)
    except OSError:
        return None, None, "its mapping file cannot be read"
    if not spec.recording.exists():
        return None, settings_hash, "its recording file is missing (see the manifest's recording key)"
    try:
        return recording_sha256(spec.recording), settings_hash, None
    except OSError as exc:
        return None, settings_hash, f"its recording cannot be read ({exc.strerror or type(exc).__name__})"


def _sync(cat: Catalogue | None, manifest: Manifest, specs: list[PieceSpec], options: BatchOptions,
          summary: BatchSummary) -> dict[str, str | None]:
    """Record every manifest piece in the catalogue (``None``: a dry run before any run).

    Returns the pieces to render, in manifest order, with the hash of their recording's bytes.
    """
    todo = {}
    position = {spec.id: index for index, spec in enumerate(manifest.pieces)}
    for spec in specs:
        source, settings_hash, problem = _identity(spec)
        fields = dict(title=spec.title, settings=spec.settings, note=spec.note, recording=spec.recording,
                      source_sha256=source, settings_hash=settings_hash, position=position[spec.id])
        record = cat.piece(spec.id) if cat is not None else None
        if options.dry_run:
            # Decide as a real run would, without writing anything.
            changed = record is not None and (cat.source_sha256(spec.id), record.settings_hash) != \
                (source, settings_hash)
            status = "pending" if record is None or changed else record.status
        else:
            record = cat.add_piece(spec.id, **fields) if record is None else cat.update_piece(spec.id, **fields)
            status = record.status
            changed = False
        if problem:
            if not options.dry_run:
                cat.mark_failed(spec.id, problem)
            summary.failed[spec.id] = problem
            continue
        if status == "done" and not changed:
            if record.version != __version__:
                reason = f"made by batikgen {record.version}, this is {__version__}"
            elif not outputs_intact(cat.folder, record):
                reason = "its outputs are missing or changed"
            else:
                summary.skipped.append(spec.id)
                continue
        elif status == "failed" and not changed:
            if not options.retry_failed:
                summary.failed[spec.id] = record.error or "failed"
                continue
            reason = "retrying a failed piece"
        elif record is None:
            reason = "new"
        else:
            reason = "changed" if changed else "not made yet"
        if not options.dry_run and status != "pending":
            cat.mark_pending(spec.id)
        summary.reasons[spec.id] = reason
        todo[spec.id] = source
    return todo


def _command(manifest: Manifest, exhibition: Path, piece_id: str) -> list[str]:
    # What metadata.json records to make the piece again: relative paths only (no recording's folder).
    name = MANIFEST_NAME if manifest.folder == exhibition else manifest.path.name
    return ["batikgen", "batch", name, "--only", piece_id]


def run_batch(
    manifest: Manifest,
    exhibition_dir: str | Path | None = None,
    options: BatchOptions | None = None,
    progress: BatchProgress | None = None,
) -> BatchSummary:
    """Render every piece of ``manifest`` that is not up to date into the exhibition folder.

    Parameters
    ----------
    manifest : Manifest
        From :func:`~batikgen.exhibition.manifest.load_manifest`.
    exhibition_dir : path-like, optional
        Default the manifest's folder.
    options : BatchOptions, optional
        Jobs, engine, selection, limits.
    progress : BatchProgress, optional
        Told of every start, stage and finish.

    Returns
    -------
    BatchSummary
        Its ``exit_status`` is 0 only when every selected piece is done.

    Raises
    ------
    ParameterError
        If ``options.only`` names a piece the manifest does not have.
    ExhibitionError
        If another process is writing this exhibition, or the Dask scheduler cannot be reached.
    KeyboardInterrupt
        Never: Ctrl-C stops the pieces, puts them back to pending and returns with ``interrupted``.
    """
    options = options or BatchOptions()
    progress = progress or _Silent()
    folder = Path(exhibition_dir or manifest.folder).expanduser().resolve()
    unknown = [i for i in options.only if manifest.piece(i) is None]
    if unknown:
        raise ParameterError(f"no piece {', '.join(map(repr, unknown))} in {manifest.path}; its pieces are "
                             f"{', '.join(p.id for p in manifest.pieces) or 'none'}")
    specs = [p for p in manifest.pieces if not options.only or p.id in options.only]
    started = time.perf_counter()
    summary = BatchSummary(exhibition_dir=folder)
    jobs, workers = plan_jobs(options.jobs)
    timeout = options.timeout if options.timeout is not None else DEFAULT_TIMEOUT_S
    memory = options.memory or default_memory(jobs)

    if options.dry_run:
        try:
            cat = Catalogue.open(folder, readonly=True)
        except ExhibitionError:  # nothing run yet: everything is new
            cat = None
        with cat or contextlib.nullcontext():
            summary.pending = list(_sync(cat, manifest, specs, options, summary))
        summary.elapsed_s = time.perf_counter() - started
        progress.end(summary)
        return summary
    with writer_lock(folder, "batikgen batch"), Catalogue.open(folder, create=True) as cat:
        clean_leftovers(folder)
        requeued = cat.requeue_running()
        if requeued:
            log.info("back to pending after an interrupted run: %s", ", ".join(requeued))
        cat.set_exhibition(manifest.title, manifest.intro)
        todo = _sync(cat, manifest, specs, options, summary)
        if todo:
            _render(cat, folder, manifest, todo, options, summary, progress, jobs, workers, timeout, memory)
            # A worker killed mid-piece (a Dask worker, say) could not remove its staging folder.
            clean_leftovers(folder)
    summary.elapsed_s = time.perf_counter() - started
    progress.end(summary)
    return summary


def _render(cat: Catalogue, folder: Path, manifest: Manifest, todo: dict[str, str | None], options: BatchOptions,
            summary: BatchSummary, progress: BatchProgress, jobs: int, workers: int, timeout: float,
            memory: int) -> None:
    """Run ``todo`` on an engine; the only writer of the catalogue while it runs is this thread."""
    events: queue.Queue = queue.Queue()
    if options.dask:
        engine = DaskEngine(options.dask, jobs, timeout, memory, events)
        workers = 1  # a cluster's worker runs one piece per thread
    else:
        engine = LocalEngine(jobs, timeout, memory, events)
    summary.engine = engine.describe()
    progress.begin(manifest.title, len(todo) + len(summary.skipped) + len(summary.failed), list(todo),
                   summary.engine)
    waiting = [manifest.piece(piece_id) for piece_id in todo]
    running: dict[str, str | None] = {}  # piece id -> its recording's bytes hash
    begun: dict[str, float] = {}
    known = {source: cat.known_content_hash(source) for source in set(todo.values()) if source}

    def eligible(spec: PieceSpec) -> bool:
        # Two styles of one recording: let the first compute the features, the second reuse them.
        source = todo[spec.id]
        return source is None or known.get(source) is not None or source not in running.values()

    try:
        while waiting or running:
            while waiting and len(running) < engine.capacity():
                spec = next((s for s in waiting if eligible(s)), None)
                if spec is None:
                    break
                waiting.remove(spec)
                source = todo[spec.id]
                task = PieceTask(piece_id=spec.id, recording=str(spec.recording), exhibition_dir=str(folder),
                                 settings=spec.settings, content_hash=known.get(source),
                                 workers=workers, command=_command(manifest, folder, spec.id),
                                 preload=tuple(options.preload))
                cat.mark_running(spec.id, "starting")
                running[spec.id] = source
                begun[spec.id] = time.perf_counter()
                progress.started(spec.id)
                engine.submit(task)
            try:
                kind, piece_id, value = events.get(timeout=1.0)
            except queue.Empty:
                continue
            if piece_id not in running:
                continue
            if kind == "stage":
                cat.mark_running(piece_id, value)
                progress.stage(piece_id, value)
            elif kind == "result":
                source = running.pop(piece_id)
                if source and value.content_hash:
                    known[source] = value.content_hash
                _finish(cat, folder, value, summary)
                progress.finished(piece_id, value.ok, "" if value.ok else summary.failed[piece_id],
                                  time.perf_counter() - begun.pop(piece_id))
    except KeyboardInterrupt:
        summary.interrupted = True
        engine.cancel()
        stopped = [*running, *(s.id for s in waiting)]
        deadline = time.monotonic() + 30
        while running and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                kind, piece_id, value = events.get(timeout=0.5)
                if kind == "result" and piece_id in running:
                    running.pop(piece_id)
                    if value.ok:  # it finished before the cancel reached it: keep it
                        _finish(cat, folder, value, summary)
        for piece_id in stopped:
            if piece_id not in summary.rendered:
                cat.mark_pending(piece_id)
        stopped = [i for i in summary.reasons if i not in summary.rendered and i not in summary.failed]
        summary.pending = stopped
    finally:
        engine.close()


def _finish(cat: Catalogue, folder: Path, result: PieceResult, summary: BatchSummary) -> None:
    """Record a piece's result: outputs moved into place, then the catalogue says done."""
    if result.ok:
        try:
            install_outputs(folder, result.id, result.staging)
        except OSError as exc:
            shutil.rmtree(result.staging, ignore_errors=True)
            result = PieceResult(id=result.id, ok=False, error=f"its outputs could not be moved into pieces/"
                                 f"{result.id}/ ({exc.strerror or exc})")
        else:
            cat.mark_done(result.id, result)
            summary.rendered.append(result.id)
            for line in result.warnings:
                log.warning("%s: %s", result.id, line)
            return
    cat.mark_failed(result.id, result.error or "failed", content_hash=result.content_hash)
    summary.failed[result.id] = cat.piece(result.id).error
