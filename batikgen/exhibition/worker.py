"""Render one piece of an exhibition, in a process of its own with a time and a memory limit.

:func:`render_piece` does the work: features (from the cache when the recording was analysed
before, for any style), the render into a staging folder, and the piece's ``features.npz``.
:func:`run_isolated` runs it in a child process, so whatever happens there (a reader that aborts
or segfaults, memory running out, a kill) costs that piece only and comes back as a failed
:class:`~batikgen.exhibition.records.PieceResult` with a one-line reason. The child and the strip
workers it starts share a process group that is killed as a whole on a timeout, and that kills
itself when the process that started it dies (even by SIGKILL): a pipe it watches reaches end of
file, the starter's pidfd becomes readable, and on Linux the kernel's parent-death signal
(``PR_SET_PDEATHSIG``) says the same.

Two ways to start the child: forked from a multiprocessing fork server that has batikgen already
imported (about 2 s saved per piece), or, inside a daemonic process such as a Dask worker (which
multiprocessing forbids to have children), a fresh ``python -m batikgen.exhibition.worker``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import logging
import multiprocessing
import os
import pickle
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from .._process import die_with_parent
from .._validate import format_size
from ..defaults import DEFAULT_FINISH
from ..errors import BatikgenError
from ..files import file_sha256
from .records import OutputFile, PieceResult

if TYPE_CHECKING:  # the pipeline is imported where a piece renders: the coordinator never needs it
    from ..signal.features import BandFeatures

#: Where outputs are staged inside ``pieces/`` until the coordinator moves them into place.
STAGING_PREFIX = ".staging-"
#: The features cache, by content hash, inside the exhibition folder.
FEATURES_CACHE = Path(".cache") / "features"
FEATURES_NAME = "features.npz"

# Kinds of output by the ending render gives their file names (longest endings first).
_KINDS = ((".preview.jpg", "preview"), (".proof.png", "proof"), (".metadata.json", "metadata"), (".png", "png"),
          (".tif", "tiff"), (".svg", "svg"), (FEATURES_NAME, "features"))

#: Seconds a child may take to start (import batikgen, or fork from the server) on top of the time limit.
_STARTUP_ALLOWANCE_S = 120.0
#: Seconds between two stage reports of the same stage (strip counts change fast).
_STAGE_INTERVAL_S = 0.5


@dataclass(frozen=True)
class PieceTask:
    """Everything a worker needs to render one piece (picklable; paths as the worker sees them).

    Attributes
    ----------
    piece_id : str
        Names ``pieces/<id>/`` and the files in it.
    recording : str
        The recording, absolute.
    exhibition_dir : str
        The exhibition folder, absolute (on a shared file system for a cluster).
    settings : dict
        Render options (see :data:`~batikgen.exhibition.styles.STYLE_KEYS`).
    content_hash : str or None
        The recording's content hash if a previous piece learned it: cached features are then
        used without reading the recording.
    workers : int
        Processes drawing strips for this piece (1: drawn in the piece's own process).
    command : list of str
        The command recorded in metadata.json to make the piece again (default
        ``batikgen batch exhibition.toml --only ID``; never one naming the recording).
    preload : tuple of str
        Modules imported in the worker before rendering (e.g. one that registers a reader).
    """

    piece_id: str
    recording: str
    exhibition_dir: str
    settings: dict
    content_hash: str | None = None
    workers: int = 1
    command: list[str] = field(default_factory=list)
    preload: tuple[str, ...] = ()


#: progress(text): what a running piece is doing, e.g. "features" or "render 3/12".
StageCallback = Callable[[str], None]


def scrub(text: str, recording: str | os.PathLike) -> str:
    """``text`` on one line with the recording's path, folder and file name replaced.

    Errors from readers name the file; in an exhibition the catalogue and the gallery must not.
    """
    path = Path(recording)
    line = " ".join(str(text).split())
    names = sorted({str(path), str(path.resolve()), path.name, path.stem if len(path.stem) >= 4 else path.name},
                   key=len, reverse=True)
    for name in names:
        line = line.replace(name, "the recording")
    folder = str(path.parent)
    if len(folder) > 1:
        line = line.replace(folder, "its folder")
    return line


def _public(features: BandFeatures) -> BandFeatures:
    """The features without the recording's file name (they end up in metadata.json and the gallery)."""
    source = {key: value for key, value in features.source.items() if key != "file"}
    return dataclasses.replace(features, source=source)


def _kind(name: str) -> str | None:
    return next((kind for ending, kind in _KINDS if name.endswith(ending)), None)


def cache_name(content_hash: str) -> str:
    """The features cache's file for a recording: its content hash, and the batikgen version that
    analysed it (another version may analyse differently)."""
    return f"{content_hash}-{__version__}.npz"


def _cached_features(cache: Path, content_hash: str | None) -> BandFeatures | None:
    if not content_hash:
        return None
    path = cache / cache_name(content_hash)
    if not path.is_file():
        return None
    from ..signal.features import BandFeatures

    try:
        return BandFeatures.load(path)
    except BatikgenError:  # damaged or from another batikgen: compute afresh
        return None


def make_staging(task: PieceTask) -> Path:
    """A new, empty staging folder for the piece under ``pieces/`` (hidden: its name starts with a dot)."""
    pieces = Path(task.exhibition_dir) / "pieces"
    pieces.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{task.piece_id}-", dir=pieces))


def render_piece(task: PieceTask, progress: StageCallback | None = None, staging: Path | None = None) -> PieceResult:
    """Render one piece into a staging folder under ``pieces/``; never raises for a bad piece.

    Parameters
    ----------
    task : PieceTask
        The piece.
    progress : callable, optional
        ``progress(stage_text)`` as the work advances.
    staging : pathlib.Path, optional
        An empty folder to render into (default: a new one from :func:`make_staging`).

    Returns
    -------
    PieceResult
        ``ok`` with the staging folder and the outputs' hashes (paths as they will be under
        ``pieces/<id>/``), or not ok with a one-line reason free of the recording's name.
    """
    from ..pipeline import features_from_file, render_recording  # in the worker only (see _fork_context)

    started = time.perf_counter()
    report = progress or (lambda text: None)
    exhibition = Path(task.exhibition_dir)
    staging = staging or make_staging(task)
    last = {"stage": None, "at": 0.0}

    def on_progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage != last["stage"] or done == total or now - last["at"] >= _STAGE_INTERVAL_S:
            last.update(stage=stage, at=now)
            report(f"{stage} {done}/{total}")

    try:
        cache = exhibition / FEATURES_CACHE
        features = _cached_features(cache, task.content_hash)
        cached = features is not None
        if features is None:
            report("reading")
            features = _public(features_from_file(task.recording, progress=on_progress))
            content_hash = features.source.get("content_hash")
            if content_hash:
                cache.mkdir(parents=True, exist_ok=True)
                features.save(cache / cache_name(content_hash), overwrite=True)
        features = _public(features)
        report("planning")
        s = task.settings
        # metadata.json records a command and a recipe naming "the recording": in an exhibition
        # both name the piece, never the recording's file. The features are given, so render never
        # opens this path; it only names the recipe's recording after it.
        command = list(task.command) or ["batikgen", "batch", "exhibition.toml", "--only", task.piece_id]
        render_recording(Path(task.piece_id), staging, motif=s["motif"], palette=s["palette"], cloth=s["cloth"],
                         dpi=s["dpi"], command=command, progress=on_progress,
                         mapping=s.get("mapping"), absolute=s.get("absolute", False), border=s["border"],
                         legend=s.get("legend", False), formats=s["formats"], workers=task.workers,
                         finish=s.get("finish", DEFAULT_FINISH),
                         name=task.piece_id, features=features)
        features.save(staging / FEATURES_NAME)
        report("hashing")
        outputs = {}
        for path in sorted(staging.iterdir()):
            kind = _kind(path.name)
            if kind is not None:
                outputs[kind] = OutputFile(f"pieces/{task.piece_id}/{path.name}", file_sha256(path),
                                           path.stat().st_size)
        step = float(features.params.get("step_s", 0) or 0)
        duration = float(features.source.get("duration_s") or features.n_windows * step) or None
        return PieceResult(id=task.piece_id, ok=True, staging=str(staging), outputs=outputs,
                           content_hash=features.source.get("content_hash"), duration_s=duration,
                           version=__version__, elapsed_s=time.perf_counter() - started, features_cached=cached)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if _out_of_memory(exc):  # also when a reader wrapped it in a RecordingError
            reason = "ran out of memory"
        elif isinstance(exc, BatikgenError):
            reason = str(exc)
        elif isinstance(exc, Exception):
            # A bug, not the piece's fault: say where, so the one line is enough for a report.
            frames = traceback.extract_tb(exc.__traceback__)
            where = f" in {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
            reason = f"internal error ({type(exc).__name__}: {exc}{where})"
        else:  # KeyboardInterrupt, SystemExit: not the piece's fault
            raise
        return PieceResult(id=task.piece_id, ok=False, error=scrub(reason, task.recording), version=__version__,
                           elapsed_s=time.perf_counter() - started)


def _out_of_memory(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, MemoryError):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


# -- the isolated child --------------------------------------------------------------------------

def _kill_group(*_args) -> None:
    with contextlib.suppress(OSError):
        os.killpg(os.getpgrp(), signal.SIGKILL)


def _die_with_parent(lifeline: Connection, watched: int) -> None:
    """End this process group when the process that started the piece (pid ``watched``) dies.

    Any sign is enough: the lifeline pipe reaches end of file (the starter held its other end), the
    starter's pidfd becomes readable (Linux: exact even if the starter forked children that
    inherited the pipe's end), or the kernel's parent-death signal arrives.
    """
    handles = [lifeline.fileno()]
    with contextlib.suppress(AttributeError, OSError):
        handles.append(os.pidfd_open(watched))

    def watch() -> None:
        with contextlib.suppress(OSError, ValueError):
            select.select(handles, [], [])  # nothing is ever sent: readable only when the starter is gone
        _kill_group()

    threading.Thread(target=watch, name="batikgen-lifeline", daemon=True).start()
    # And the kernel's word (Linux): killed when the direct parent (the fork server, or the Dask
    # worker) dies; the strip workers die with this process in turn.
    die_with_parent(os.getppid())


class _Forward(logging.Handler):
    """Collects warnings the render logs, to be reported with the piece's result."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            self.lines.append(record.getMessage())


def _child(task: PieceTask, memory: int | None, channel: Connection, lifeline: Connection, starter: int) -> None:
    """Body of the child process: limits, then render_piece, results and stages sent on ``channel``."""
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)  # its own group: a timeout or the parent's death kills it with its strip workers
    _die_with_parent(lifeline, starter)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's to handle
    import resource

    with contextlib.suppress(ValueError, OSError):
        # A crashing reader must not drop a core file of the size of its memory into the exhibition.
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    handler = _Forward()
    logging.getLogger().addHandler(handler)
    logging.captureWarnings(True)
    for module in task.preload:
        importlib.import_module(module)
    staging = make_staging(task)
    channel.send(("staging", str(staging)))  # so the parent can remove it if this process is killed
    result = render_piece(task, progress=lambda text: channel.send(("stage", text)), staging=staging)
    if memory and result.error == "ran out of memory":
        result = dataclasses.replace(result, error=f"ran out of memory: it needs more than the memory limit of "
                                                   f"{format_size(memory)}")
    lines = tuple(dict.fromkeys(scrub(line, task.recording) for line in handler.lines))
    channel.send(("result", dataclasses.replace(result, warnings=lines)))
    channel.close()


def _child_from_stdin(channel_fd: int, lifeline_fd: int) -> None:
    """``python -m batikgen.exhibition.worker``: the task comes pickled on stdin."""
    task, memory, starter = pickle.load(sys.stdin.buffer)
    _child(task, memory, Connection(channel_fd, readable=False), Connection(lifeline_fd, writable=False), starter)


_preloaded = False


def _fork_context():
    """The fork server context, with batikgen imported once in the server (children start warm)."""
    global _preloaded
    context = multiprocessing.get_context("forkserver")
    if not _preloaded:
        context.set_forkserver_preload([__name__, "batikgen.pipeline"])
        _preloaded = True
    return context


class _Child:
    """A started child, however it was started: poll it, kill its group, read its exit."""

    def __init__(self, task: PieceTask, memory: int | None, how: str):
        self.channel, child_end = multiprocessing.Pipe(duplex=False)
        lifeline_read, self.lifeline = multiprocessing.Pipe(duplex=False)
        self.how = how
        if how == "fork":
            self.process = _fork_context().Process(target=_child,
                                                   args=(task, memory, child_end, lifeline_read, os.getpid()),
                                                   name=f"batikgen-piece-{task.piece_id}", daemon=False)
            self.process.start()
            self.pid = self.process.pid
        else:
            fds = (child_end.fileno(), lifeline_read.fileno())
            self.process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(fds[0]), str(fds[1])], stdin=subprocess.PIPE, pass_fds=fds,
                start_new_session=True,
            )
            self.pid = self.process.pid
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.write(pickle.dumps((task, memory, os.getpid())))
                self.process.stdin.close()
        child_end.close()
        lifeline_read.close()

    def exitcode(self) -> int | None:
        return self.process.exitcode if self.how == "fork" else self.process.poll()

    def kill(self) -> None:
        """Kill the child and everything in its process group (its strip workers)."""
        for target in (lambda: os.killpg(self.pid, signal.SIGKILL), lambda: os.kill(self.pid, signal.SIGKILL)):
            with contextlib.suppress(OSError):
                target()

    def reap(self) -> int | None:
        if self.how == "fork":
            self.process.join(5)
            code = self.process.exitcode
        else:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)
            code = self.process.returncode
        self.channel.close()
        self.lifeline.close()
        return code


def _signal_name(code: int) -> str:
    with contextlib.suppress(ValueError):
        return signal.Signals(-code).name
    return f"signal {-code}"


def run_isolated(
    task: PieceTask,
    timeout: float | None = None,
    memory: int | None = None,
    on_stage: StageCallback | None = None,
    cancel: threading.Event | None = None,
    start: str = "auto",
) -> PieceResult:
    """Run :func:`render_piece` in a child process with a wall-time and a memory limit.

    Parameters
    ----------
    task : PieceTask
        The piece.
    timeout : float, optional
        Seconds of wall time before the child and its strip workers are killed.
    memory : int, optional
        Bytes of address space each process of the piece may use (``RLIMIT_AS``).
    on_stage : callable, optional
        ``on_stage(text)`` as the piece advances (called from this thread).
    cancel : threading.Event, optional
        Set it to kill the piece (e.g. on Ctrl-C); it then fails as cancelled.
    start : {"auto", "fork", "exec"}
        ``fork``: from a fork server with batikgen imported; ``exec``: a fresh interpreter;
        ``auto``: fork unless this process is daemonic (a Dask worker), which may not fork children.

    Returns
    -------
    PieceResult
        Never raises for what happens to the piece: a crash, a kill, a timeout or the memory limit
        come back as ``ok=False`` with a one-line reason naming what happened and the stage.
    """
    how = start if start != "auto" else ("exec" if multiprocessing.current_process().daemon else "fork")
    began = time.perf_counter()
    # The time limit counts from the child's first word: starting the fork server (or a fresh
    # interpreter) on a busy machine is not the piece's fault, but has a limit of its own.
    deadline = None if timeout is None else time.monotonic() + timeout + _STARTUP_ALLOWANCE_S
    child = _Child(task, memory, how)
    state = {"stage": "starting", "staging": None, "result": None}

    def handle(message) -> None:
        nonlocal deadline
        kind, value = message
        if kind == "staging" and timeout is not None:
            deadline = time.monotonic() + timeout
        if kind == "stage":
            state["stage"] = value
            if on_stage:
                on_stage(value)
        elif kind in ("staging", "result"):
            state[kind] = value

    why, end_of_file = None, False
    try:
        while state["result"] is None:
            if wait([child.channel], timeout=0.2):
                try:
                    handle(child.channel.recv())
                except (EOFError, OSError):
                    end_of_file = True
            if end_of_file or child.exitcode() is not None:
                # Gone: read what it sent last (strip workers may hold the pipe open, so never block).
                with contextlib.suppress(EOFError, OSError):
                    while state["result"] is None and not end_of_file and child.channel.poll(0):
                        handle(child.channel.recv())
                break
            if cancel is not None and cancel.is_set():
                why = "cancelled before it finished"
                break
            if deadline is not None and time.monotonic() > deadline:
                why = f"took longer than the time limit of {timeout:g} s (while {state['stage']})"
                break
    finally:
        if state["result"] is None or why is not None:
            child.kill()
        code = child.reap()
        # A child that crashed leaves its strip workers behind in its group: sweep them too.
        child.kill()
    if state["result"] is not None and why is None:
        return state["result"]
    if state["staging"]:
        shutil.rmtree(state["staging"], ignore_errors=True)
    if why is None:
        stage = state["stage"]
        if code is not None and code < 0:
            name = _signal_name(code)
            why = f"the worker process {'was killed' if name == 'SIGKILL' else 'crashed'} ({name}) while {stage}"
            if memory and name in ("SIGKILL", "SIGSEGV", "SIGABRT", "SIGBUS"):
                why += f"; it may have exceeded the memory limit of {format_size(memory)}"
        else:
            why = f"the worker process exited (status {code}) while {stage} without a result"
    return PieceResult(id=task.piece_id, ok=False, error=why, version=__version__,
                       elapsed_s=time.perf_counter() - began)


if __name__ == "__main__":
    _child_from_stdin(int(sys.argv[1]), int(sys.argv[2]))
