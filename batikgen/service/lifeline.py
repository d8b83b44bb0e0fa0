"""Render processes never outlive the service: every process it forks dies when its parent dies.

On Linux, each child forked by the service (and each child of those, such as the strip workers of
a render) asks the kernel for SIGKILL when its parent ends (``prctl(PR_SET_PDEATHSIG)``), so a
``kill -9`` of the service takes its renders with it within moments, and the restarted service
renders their pieces again from the start. Children are also niced, so the web server stays quick
while renders run.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1
#: Niceness added to each forked process: renders yield the CPU to the web server.
RENDER_NICENESS = 10

_libc: ctypes.CDLL | None = None
_parent_pid: int | None = None
_installed = False
_service_pid: int | None = None


def _before_fork() -> None:
    global _parent_pid
    _parent_pid = os.getpid()


def _after_fork_in_child() -> None:
    if _libc is not None:
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != _parent_pid:  # the parent died between fork() and prctl(): follow it now
        os._exit(1)
    if _parent_pid == _service_pid:  # a render process (its own children inherit the niceness)
        try:
            os.nice(RENDER_NICENESS)
        except OSError:
            pass


def install() -> bool:
    """Make every later fork of this process (and of its children) die with its parent.

    Returns
    -------
    bool
        True on Linux, where the kernel enforces it; False elsewhere (no guarantee there).
    """
    global _libc, _installed, _service_pid
    if _installed:
        return _libc is not None
    _service_pid = os.getpid()
    if sys.platform.startswith("linux"):
        _libc = ctypes.CDLL(None, use_errno=True)
    os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)
    _installed = True
    return _libc is not None
