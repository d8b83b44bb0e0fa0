"""Read risky formats in a child process, so a crash in native code is one line, not a dead process.

Some readers parse untrusted structure in C: scipy's MAT-file reader (EEGLAB ``.set``) segfaults
on some damaged files, and nothing in Python can catch that. When isolation is on (the command
line turns it on; batch and service already run each piece in its own worker process), reading,
checking and analysing a file of a risky format happen in a forked child, which hands back its
result or its error; a child killed by a signal becomes a :class:`~batikgen.errors.RecordingError`
naming the file. Forking costs a few milliseconds (the child shares the parent's memory until
either writes), measured in benchmarks/bench_isolation.py.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import signal
import sys
from collections.abc import Callable
from multiprocessing import Pipe
from pathlib import Path
from typing import Any

from .._process import die_with_parent, interrupt_after_fork
from ..errors import BatikgenError, RecordingError
from .boundary import describe

log = logging.getLogger(__name__)

# Off unless a program asks: forking a process that runs threads (a web server, a Dask worker)
# can deadlock the child, and those isolate whole pieces in processes of their own anyway.
_ENABLED = False


def isolate_risky_readers(enabled: bool = True) -> None:
    """Turn isolation of risky readers on or off for this process (the command line turns it on)."""
    global _ENABLED  # a process-wide setting, like logging's configuration
    _ENABLED = bool(enabled) and hasattr(os, "fork")


def isolating() -> bool:
    """Whether risky readers run in a child process."""
    return _ENABLED


def in_child(path: str | os.PathLike, doing: str, func: Callable[..., Any], *args, **kwargs) -> Any:
    """``func(*args, **kwargs)`` in a forked child: its result, its BatikgenError, or a crash as one.

    Parameters
    ----------
    path : path-like
        The file being read, named in messages.
    doing : str
        What ``func`` does, as words after "while".
    func : callable
        Run in the child; its result must pickle.

    Returns
    -------
    Any
        What ``func`` returned.

    Raises
    ------
    BatikgenError
        The one ``func`` raised, or a RecordingError for any other exception or a native crash
        (the child killed by a signal) while ``doing``.
    KeyboardInterrupt
        Ctrl-C in the parent; the child is killed first.
    """
    receiver, sender = Pipe(duplex=False)
    parent = os.getpid()
    sys.stdout.flush()
    sys.stderr.flush()
    with interrupt_after_fork():
        pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            receiver.close()
            faulthandler.disable()  # a crash is reported by the parent in one line, not as a dump
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent answers Ctrl-C and kills us
            die_with_parent(parent)
            try:
                outcome = ("ok", func(*args, **kwargs))
            except BatikgenError as exc:
                outcome = ("error", exc)
            except BaseException as exc:  # noqa: BLE001 - everything becomes one line in the parent
                outcome = ("error", RecordingError(f"{path}: failed while {doing}: {describe(exc)}"))
            sender.send(outcome)
        except BaseException as exc:  # noqa: BLE001 - the result would not pickle, or the pipe broke
            try:
                sender.send(("error", RecordingError(f"{path}: failed while {doing}: {describe(exc)}")))
            except BaseException:  # noqa: BLE001
                pass
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
    sender.close()
    try:
        try:
            kind, value = receiver.recv()
        except EOFError:  # the child died without a word
            kind, value = None, None
        finally:
            receiver.close()
        _, status = os.waitpid(pid, 0)
    except BaseException:
        _kill(pid)
        raise
    if kind == "ok":
        return value
    if kind == "error":
        raise value
    how = f"signal {signal.Signals(os.WTERMSIG(status)).name}" if os.WIFSIGNALED(status) else (
        f"exit status {os.WEXITSTATUS(status)}")
    raise RecordingError(f"{path}: the reader crashed ({how}) while {doing}: the file is damaged "
                         f"or not what its extension says")


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def maybe_in_child(risky: bool, path: Path, doing: str, func: Callable[..., Any], *args, **kwargs) -> Any:
    """``func(*args, **kwargs)``, in a child process when isolation is on and the format is risky."""
    if risky and _ENABLED:
        log.debug("%s: %s in a child process", path, doing)
        return in_child(path, doing, func, *args, **kwargs)
    return func(*args, **kwargs)
