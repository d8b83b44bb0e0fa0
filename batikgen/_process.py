"""Child processes that die with their parent (Linux) and forks that do not lose a Ctrl-C, shared
by the strip workers, the readers' isolation and the build's helper; and the cores a process may
use."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(parent: int | None) -> None:
    """Have the kernel kill this process when its parent dies (Linux), or exit if it already has.

    A render killed with SIGKILL cannot stop its workers; without this they would draw on for
    ever, holding hundreds of MB. On other systems the workers notice on their next result
    (the pool's pipe is closed) and exit then.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl (an unusual libc): keep the pipe as the fallback
        return
    if parent is not None and os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


@contextlib.contextmanager
def interrupt_after_fork() -> Iterator[None]:
    """Answer a Ctrl-C that comes while this process forks once the fork is done.

    Forking runs Python's at-fork handlers (logging's lock among them) in the parent, and a
    KeyboardInterrupt raised inside one is printed as "Exception ignored" and lost: the run went on
    (seen: a render interrupted 1.2 s in finished and wrote its outputs). Inside this block SIGINT
    is only noted; afterwards it is raised again for whatever handler is in place. Outside the main
    thread (where no handler can be set) the block changes nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []
    parent = os.getpid()
    previous = signal.signal(signal.SIGINT, lambda signum, frame: came.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if came and os.getpid() == parent:  # a child leaving the block (os.fork) answers nothing
            signal.raise_signal(signal.SIGINT)


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1
