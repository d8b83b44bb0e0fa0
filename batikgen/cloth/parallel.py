"""Work of the cap and tulis finishes done in a forked helper process while the build goes on.

Crisp builds its composition on one core and the second core idles until the strips are drawn.
Cap and tulis add the growing of a crackle crack by crack, which needs only the cloth's size and
seed: it starts in a helper at the start of the build (while the process is small and forks
cheaply) and is collected when the crackle is cut to the wax. The job is a pure function of its
arguments, so its result is the same whether it ran in a helper or here: the bytes written do not
depend on the number of workers. No helper is forked with one worker, for small work, or off
Linux; a helper that cannot be forked or dies is made up here.

A helper is forked (its arguments reach it with the forked memory, not pickled) and returns its
result pickled, so jobs return numpy arrays rather than shapely objects (about five times cheaper
to send). A helper costs about 20 ms, and more in page faults for work that writes much memory
(a helper drawing half the tulis hand spent as long faulting as drawing), so it suits work that
computes much and writes little. Work in numpy and shapely on large arrays (the tulis hand, the
cut of the crackle to the wax) runs in threads instead (:func:`thread_map`): both release the GIL
there, and threads share the arrays without copying them.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import weakref
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .._process import available_cores, die_with_parent, interrupt_after_fork

# The job of this process when it is a helper, set by the initializer from the forked memory.
_JOB: tuple[Callable, tuple] | None = None


def _init_helper(job: tuple[Callable, tuple], parent: int) -> None:
    global _JOB
    _JOB = job
    # Ctrl-C reaches the whole process group; the main process acts on it, the helper just goes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)


def _run_job() -> Any:
    function, args = _JOB
    return function(*args)


def helpers_allowed(workers: int | None) -> bool:
    """Whether the build may fork helpers: at least two workers, on Linux (where fork is safe).

    Parameters
    ----------
    workers : int or None
        Processes the caller may use; None for the available cores.

    Returns
    -------
    bool
    """
    return (workers or available_cores()) >= 2 and sys.platform.startswith("linux")


def thread_map(function: Callable, items: list, threads: int) -> list:
    """``[function(item) for item in items]``, shared between up to ``threads`` threads.

    For work in numpy and shapely, which release the GIL on large arrays: threads share the
    memory, so nothing is copied or pickled. The results are in the items' order, the same for
    any number of threads; when a thread cannot be started (a process at its memory limit), the
    items are done in this thread.

    Parameters
    ----------
    function : callable
    items : list
    threads : int

    Returns
    -------
    list
    """
    if threads < 2 or len(items) < 2:
        return [function(item) for item in items]
    try:
        with ThreadPoolExecutor(min(threads, len(items))) as pool:
            return list(pool.map(function, items))
    except RuntimeError:  # "can't start new thread"
        return [function(item) for item in items]


class Aside:
    """One call, ``function(*args)``, run in a forked helper or, without one, here when asked for.

    Parameters
    ----------
    function : callable
        A pure function: same arguments, same result, wherever it runs.
    args : tuple
        Its arguments (inherited by the helper, never pickled).
    helper : bool
        Fork a helper now; False runs the call in this process when :meth:`result` is called.
    """

    def __init__(self, function: Callable, args: tuple, helper: bool) -> None:
        self._function, self._args = function, args
        self._executor = self._future = None
        if helper:
            self._executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                                                 initializer=_init_helper,
                                                 initargs=((function, args), os.getpid()))
            try:
                with interrupt_after_fork():  # the first submit forks
                    self._future = self._executor.submit(_run_job)
            except OSError:  # no fork (out of memory or processes): the call is made here
                self._executor.shutdown(wait=False)
                self._executor = None
                return
            # A build that fails before collecting the result does not leave the helper behind.
            weakref.finalize(self, self._executor.shutdown, wait=False, cancel_futures=True)

    def result(self) -> Any:
        """The call's result (waiting for the helper); an exception it raised is raised here."""
        if self._future is None:
            return self._function(*self._args)
        try:
            return self._future.result()
        except BrokenProcessPool:
            # The helper died (out of memory, killed): the call is pure, so make it here instead.
            return self._function(*self._args)
        finally:
            self._executor.shutdown(wait=True)


__all__ = ["Aside", "helpers_allowed", "thread_map"]
