"""Where pieces run: local processes, or a Dask distributed cluster. The runner talks to either.

An engine takes :class:`~batikgen.exhibition.worker.PieceTask` s and reports back on a queue, as
``("stage", piece_id, text)`` and ``("result", piece_id, PieceResult)`` tuples; the coordinating
thread reads the queue and is the only one that writes the catalogue. Every piece runs in an
isolated child process (:func:`~batikgen.exhibition.worker.run_isolated`) in either engine, so a
crash, a timeout or a kill fails that piece the same way.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import uuid

from ..errors import ExhibitionError
from .records import PieceResult
from .worker import PieceTask, run_isolated


class LocalEngine:
    """Pieces in child processes of this machine, ``jobs`` at a time (one thread watches each)."""

    name = "local"

    def __init__(self, jobs: int, timeout: float | None, memory: int | None, events: queue.Queue):
        self.jobs, self.timeout, self.memory, self.events = jobs, timeout, memory, events
        self._cancel = threading.Event()
        self._threads: list[threading.Thread] = []

    def capacity(self) -> int:
        """How many pieces may be in flight."""
        return self.jobs

    def submit(self, task: PieceTask) -> None:
        """Start the piece; its stages and its result arrive on the events queue."""
        def run() -> None:
            result = run_isolated(task, self.timeout, self.memory, cancel=self._cancel,
                                  on_stage=lambda text: self.events.put(("stage", task.piece_id, text)))
            self.events.put(("result", task.piece_id, result))

        thread = threading.Thread(target=run, name=f"batikgen-piece-{task.piece_id}", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def cancel(self) -> None:
        """Kill every running piece (they report as cancelled)."""
        self._cancel.set()

    def close(self) -> None:
        """Wait for the watching threads (after :meth:`cancel`, a moment)."""
        for thread in self._threads:
            thread.join()

    def describe(self) -> str:
        return f"{self.jobs} local process{'es' if self.jobs > 1 else ''}"


def run_on_dask_worker(task: PieceTask, timeout: float | None, memory: int | None, topic: str):
    """The Dask task: :func:`run_isolated` in a child of the Dask worker, its stages sent as events."""
    from distributed import get_worker

    worker = get_worker()

    def report(text: str) -> None:
        with contextlib.suppress(Exception):  # progress is a nicety: never fail a piece over it
            worker.log_event(topic, (task.piece_id, text))

    return run_isolated(task, timeout, memory, on_stage=report)


class DaskEngine:
    """Pieces as tasks on a Dask distributed cluster; each task runs its piece in a child process.

    ``address`` is a scheduler (``tcp://host:8786``) or ``"local"`` for a :class:`LocalCluster` of
    ``jobs`` single-threaded worker processes on 127.0.0.1. Workers need batikgen installed and the
    exhibition and recordings at the same paths (a shared file system).
    """

    name = "dask"

    def __init__(self, address: str, jobs: int, timeout: float | None, memory: int | None, events: queue.Queue):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ExhibitionError("the Dask engine needs the distributed package: pip install 'batikgen[dask]'") \
                from None
        self.timeout, self.memory, self.events = timeout, memory, events
        self.cluster = None
        self._futures: dict = {}
        try:
            if address == "local":
                # No dashboard: it would need bokeh and a port; the batch shows its own progress.
                self.cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                                            dashboard_address=None, memory_limit=0)
                self.client = Client(self.cluster)
            else:
                self.client = Client(address, timeout="20s")
        except (OSError, TimeoutError) as exc:
            self.close()
            raise ExhibitionError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        self.address = address
        # Stages come back as Dask events on a topic of this batch's own.
        self._topic = f"batikgen-stages-{uuid.uuid4().hex[:12]}"
        with contextlib.suppress(Exception):
            self.client.subscribe_topic(self._topic, self._on_stage)

    def _on_stage(self, event) -> None:
        _, (piece_id, text) = event
        self.events.put(("stage", piece_id, text))

    def capacity(self) -> int:
        """Threads of the cluster's workers (at least 1, so work waits for workers to join)."""
        with contextlib.suppress(Exception):
            return max(1, sum(self.client.nthreads().values()))
        return 1

    def submit(self, task: PieceTask) -> None:
        """Send the piece to the cluster; its stages and its result arrive on the events queue."""
        future = self.client.submit(run_on_dask_worker, task, self.timeout, self.memory, self._topic, pure=False,
                                    retries=0, key=f"batikgen-piece-{task.piece_id}-{uuid.uuid4().hex[:8]}")
        self._futures[future.key] = future
        self.events.put(("stage", task.piece_id, "queued on the cluster"))

        def done(fut) -> None:
            self._futures.pop(fut.key, None)
            try:
                result = fut.result()
            except Exception as exc:  # the task, not the piece, failed: a worker died or the cluster went away
                name = type(exc).__name__
                reason = ("the Dask workers running it died" if name == "KilledWorker"
                          else "cancelled before it finished" if name == "CancelledError"
                          else f"the Dask task failed ({name}: {' '.join(str(exc).split())[:200]})")
                result = PieceResult(id=task.piece_id, ok=False, error=reason)
            self.events.put(("result", task.piece_id, result))

        future.add_done_callback(done)

    def cancel(self) -> None:
        """Cancel the pieces still queued or running on the cluster."""
        with contextlib.suppress(Exception):
            self.client.cancel(list(self._futures.values()))

    def close(self) -> None:
        """Disconnect; a LocalCluster started here is shut down (its pieces' children die with it)."""
        for thing in (getattr(self, "client", None), self.cluster):
            if thing is not None:
                with contextlib.suppress(Exception):
                    thing.close()

    def describe(self) -> str:
        return "a local Dask cluster" if self.address == "local" else f"the Dask cluster at {self.address}"
