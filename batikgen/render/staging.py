"""Claim a piece's output names in a folder, stage its files, and put them all in place at once.

A render writes several files (PNG, TIFF, SVG, preview, proof, metadata.json). They are written
into a hidden staging folder beside the outputs, then renamed into place together, with Ctrl-C
held back for those few renames, so an error or an interrupt leaves the whole set or none of it.

While a run holds the claim (an advisory lock on a hidden lock file, released by the kernel even
when the process is killed), a second run into the same names fails at once instead of after its
work; and whatever a killed run left behind (its staging folder, ``.part`` files) is removed by
the next run that claims those names.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import RenderError
from ..files import check_writable

log = logging.getLogger(__name__)

_PREFIX = ".batikgen-"


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold SIGINT back for a short critical section; raise KeyboardInterrupt after it if one came.

    Only the main thread can set signal handlers; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


class OutputClaim:
    """The right to write the files ``names`` in ``outdir``, and a staging folder to write them in.

    Use as a context manager: entering checks the folder can be written, takes the lock (or
    fails at once if another run holds it), removes what a killed run left and refuses existing
    outputs unless ``overwrite``; :meth:`commit` puts the staged files in place; leaving removes
    the staging folder and the lock.

    Parameters
    ----------
    outdir : path-like
        The folder of the outputs (created if needed).
    stem : str
        The piece's file-name stem, which names the lock and the staging folder.
    names : sequence of str
        File names of the outputs (no folders).
    overwrite : bool
        Replace existing outputs.
    """

    def __init__(self, outdir: str | os.PathLike, stem: str, names: Sequence[str], overwrite: bool = False):
        self.outdir = Path(outdir)
        self.stem = stem
        self.names = list(names)
        self.overwrite = overwrite
        self.staging: Path | None = None
        self._lock_fd: int | None = None
        self._lock_path = self.outdir / f"{_PREFIX}{stem}.lock"
        self._created: list[Path] = []  # folders this claim made, deepest first
        self._committed = False

    def __enter__(self) -> OutputClaim:
        missing = self.outdir.absolute()
        while not missing.exists() and missing != missing.parent:
            self._created.append(missing)
            missing = missing.parent
        try:
            self.outdir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RenderError(f"{self.outdir}: cannot create the output folder: {exc.strerror or exc}") from None
        if not self.outdir.is_dir():
            raise RenderError(f"{self.outdir}: is a file, expected a folder for the outputs")
        self._lock()
        try:
            self._remove_leftovers()
            for name in self.names:
                check_writable(self.outdir / name, self.overwrite)
            self.staging = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{self.stem}.staging-", dir=self.outdir))
        except OSError as exc:
            self._unlock()
            raise RenderError(f"{self.outdir}: cannot write in the output folder: {exc.strerror or exc}") from None
        except BaseException:
            self._unlock()
            self._remove_created()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
        self._unlock()
        if not self._committed:
            self._remove_created()

    def _remove_created(self) -> None:
        """A run that put nothing in place leaves no empty output folder behind it."""
        for folder in self._created:
            try:
                folder.rmdir()  # only if empty: another run may have written there meanwhile
            except OSError:
                break

    def path(self, name: str) -> Path:
        """Where to write the output ``name`` until :meth:`commit`."""
        if self.staging is None:
            raise RenderError(f"{self.outdir / name}: written outside its claim (a bug)")
        return self.staging / name

    def commit(self) -> list[Path]:
        """Rename every staged output into place, in the order of ``names``; all or none.

        Ctrl-C is held back during the renames. If a rename fails, the outputs already put in
        place are removed again (an output replaced under ``overwrite`` is then gone too).

        Returns
        -------
        list of pathlib.Path
            The outputs, in place.

        Raises
        ------
        RenderError
            If a staged output is missing or cannot be renamed.
        """
        placed: list[Path] = []
        with interrupts_held():
            try:
                for name in self.names:
                    target = self.outdir / name
                    os.replace(self.path(name), target)
                    placed.append(target)
            except OSError as exc:
                for target in placed:
                    with contextlib.suppress(OSError):
                        target.unlink()
                raise RenderError(f"{self.outdir}: could not put the outputs in place: {exc}") from None
            with contextlib.suppress(OSError):  # make the renames durable (not possible everywhere)
                fd = os.open(self.outdir, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        self._committed = True
        return placed

    def _lock(self) -> None:
        while True:
            try:
                fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise RenderError(f"{self.outdir}: cannot write in the output folder: {exc.strerror or exc}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise RenderError(
                        f"{self.outdir / self.stem}*: another batikgen run is writing these outputs now; "
                        f"wait for it to finish or give this piece another name"
                    ) from None
                raise RenderError(f"{self._lock_path}: cannot lock: {exc.strerror or exc}") from None
            # The previous holder may have removed the file between our open and our lock: then
            # the lock is on a file nobody else will find, so take it again on the current file.
            try:
                same = os.stat(self._lock_path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._lock_fd = fd
                return
            os.close(fd)

    def _unlock(self) -> None:
        if self._lock_fd is None:
            return
        with contextlib.suppress(OSError):
            self._lock_path.unlink()  # still holding the lock: no one else is using this file
        os.close(self._lock_fd)
        self._lock_fd = None

    def _remove_leftovers(self) -> None:
        """Remove a killed run's staging folders and temporary files for these names (we hold the lock)."""
        leftovers = list(self.outdir.glob(f"{glob_escape(_PREFIX + self.stem)}.staging-*"))
        for name in self.names:
            leftovers += self.outdir.glob(f".{glob_escape(name)}.*.part")
        for path in leftovers:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        if leftovers:
            log.warning("%s: removed %d temporary file(s) left by an interrupted run", self.outdir, len(leftovers))


def glob_escape(text: str) -> str:
    """``text`` with glob's special characters matched literally."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)
