"""Draw and encode strips in worker processes, hand the results back in strip order.

Each worker paints a strip and runs every output's strip encoder on it (deflate for PNG and TIFF,
downsampling for the preview), so the heavy work is spread over the cores and only compressed
bytes travel back. Results are consumed strictly in strip order and each strip's encoding depends
on that strip alone, so the bytes written do not depend on how many workers ran or which finished
first. At most a few strips are in flight, so memory does not grow with the image.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

import numpy as np

from .._process import available_cores, die_with_parent, interrupt_after_fork
from ..errors import RenderError
from .raster import PreparedScene, StripPainter


class StripEncoder(Protocol):
    """Turns one strip's pixels into what its writer needs (run in the workers)."""

    def encode(self, strip: int, pixels: np.ndarray) -> Any:  # pragma: no cover - protocol
        ...


#: The one message for a strip worker that died, however the pool reports it.
WORKER_DIED = ("a render worker died before it finished its strip; it may have run out of memory: "
               "render at a lower resolution")

# The job of this process when it is a worker, set by the initializer. Under fork the job reaches
# the worker with the forked memory, so the scene's arrays are shared rather than pickled.
_JOB: tuple[PreparedScene, Sequence[StripEncoder]] | None = None
_PAINTER: StripPainter | None = None


def _init_worker(job, in_pool: bool = False, parent: int | None = None) -> None:
    global _JOB, _PAINTER
    _JOB, _PAINTER = job, None
    if in_pool:
        # Ctrl-C reaches the whole process group; only the main process acts on it (it stops the
        # pool and removes the temporary files), so workers are not killed mid-task around it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        die_with_parent(parent)


def _work(strip: int) -> list:
    global _PAINTER
    scene, encoders = _JOB
    if _PAINTER is None:
        _PAINTER = StripPainter(scene)
    pixels = _PAINTER.paint(strip)
    return [encoder.encode(strip, pixels) for encoder in encoders]


def encoded_strips(
    scene: PreparedScene,
    encoders: Sequence[StripEncoder],
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    start_method: str | None = None,
) -> Iterator[list]:
    """Yield, for each strip from top to bottom, the list of its encoders' results.

    Parameters
    ----------
    scene : PreparedScene
        What to draw.
    encoders : sequence of StripEncoder
        Run on each strip's pixels, in the worker that drew it.
    workers : int, optional
        Processes to use; default the available cores. 1 draws in this process.
    progress : callable, optional
        ``progress(done, total)`` after each strip.
    start_method : str, optional
        ``"fork"`` or ``"spawn"``; default fork on Linux (the scene is shared, not copied),
        spawn elsewhere (the scene is pickled to each worker).

    Yields
    ------
    list
        ``[encoder.encode(strip, pixels) for encoder in encoders]``, in strip order.
    """
    total = scene.n_strips
    workers = min(max(1, workers or available_cores()), total)
    if workers == 1:
        _init_worker((scene, encoders))
        try:
            for strip in range(total):
                result = _work(strip)
                if progress:
                    progress(strip + 1, total)
                yield result
        finally:
            _init_worker(None)
        return

    # fork shares the prepared arrays for free; elsewhere the job is pickled to each worker.
    method = start_method or ("fork" if sys.platform.startswith("linux") else "spawn")
    # ProcessPoolExecutor rather than multiprocessing.Pool: Pool.terminate() kills workers that
    # may hold a queue lock and can then hang for ever (CPython issue 78178; it hung here about
    # once in thirty interrupted renders). The executor reports a dead worker instead of waiting
    # for it, and its shutdown lets the few strips in flight finish rather than killing workers.
    executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                                   initializer=_init_worker, initargs=((scene, encoders), True, os.getpid()))
    try:
        pending: deque = deque()
        next_strip = done = 0
        # Two strips per worker in flight keeps every core busy while bounding memory.
        while next_strip < total or pending:
            # A dead worker breaks the pool: the next submit or result raises, whichever comes first.
            try:
                while next_strip < total and len(pending) < 2 * workers:
                    with interrupt_after_fork():  # the first submit forks the workers
                        pending.append(executor.submit(_work, next_strip))
                    next_strip += 1
                result = pending.popleft().result()
            except BrokenProcessPool:
                raise RenderError(WORKER_DIED) from None
            done += 1
            if progress:
                progress(done, total)
            yield result
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
