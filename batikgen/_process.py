"""Child processes that die with their parent (Linux), shared by the strip workers, the readers'
isolation and the build's helper; and the cores a process may use."""

from __future__ import annotations

import os
import signal
import sys

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


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1
