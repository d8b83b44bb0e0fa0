"""The Dask engine on a real LocalCluster (127.0.0.1, two worker processes): a piece that crashes
fails alone, and a worker killed mid-piece costs neither the batch nor the piece's child process."""

import os
import signal
import threading
import time

import pytest

from batikgen.exhibition.catalogue import Catalogue
from batikgen.exhibition.manifest import load_manifest
from batikgen.exhibition.runner import BatchOptions, run_batch
from tests.conftest import SAMPLE, shared_file

pytest.importorskip("distributed")


def test_a_batch_on_a_local_dask_cluster(tmp_path):
    crash = tmp_path / "p.crash"
    crash.write_bytes(b"CRASH")
    marker = tmp_path / "first-attempt"
    slow = tmp_path / "p.slow"
    slow.write_text(f"SLOW 600 {SAMPLE} {marker}")
    pieces = {"rest": SAMPLE, "vision": shared_file("brainvision/testbva.vhdr"), "crash": crash, "killed": slow}
    (tmp_path / "exhibition.toml").write_text('[defaults]\ndpi = 10\ncloth = "A4"\n\n' + "".join(
        f'[[piece]]\nid = "{i}"\nrecording = "{path}"\n\n' for i, path in pieces.items()))

    killed = {}

    def kill_the_worker_running_the_slow_piece() -> None:
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.2)
        child, worker = map(int, marker.read_text().split())
        killed.update(child=child, worker=worker)
        os.kill(worker, signal.SIGKILL)  # the Dask worker process, not the piece's child
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                os.kill(child, 0)
            except ProcessLookupError:
                killed["child_gone"] = True
                return
            time.sleep(0.1)

    class Stages:
        seen: list[tuple[str, str]] = []

        def begin(self, *args): ...
        def started(self, *args): ...
        def stage(self, piece_id, text): self.seen.append((piece_id, text))
        def finished(self, *args): ...
        def end(self, *args): ...

    killer = threading.Thread(target=kill_the_worker_running_the_slow_piece, daemon=True)
    killer.start()
    summary = run_batch(load_manifest(tmp_path), options=BatchOptions(
        dask="local", jobs=2, timeout=120, preload=("tests.exhibition.misbehaving_readers",)), progress=Stages())
    killer.join(30)
    # The pieces' stages travel back from the cluster as they would from local processes.
    assert any(piece == "vision" and text.startswith("render") for piece, text in Stages.seen), Stages.seen

    assert killed.get("child_gone"), f"the piece's child outlived its killed Dask worker: {killed}"
    assert summary.engine == "a local Dask cluster"
    assert list(summary.failed) == ["crash"]
    assert summary.failed["crash"].startswith("the worker process crashed (SIGABRT) while reading")
    # The scheduler ran the killed worker's piece again on a live worker; nothing else was lost.
    assert sorted(summary.rendered) == ["killed", "rest", "vision"]
    with Catalogue.open(tmp_path, readonly=True) as cat:
        assert {r.id: r.status for r in cat.pieces()} == {"rest": "done", "vision": "done", "crash": "failed",
                                                          "killed": "done"}
    assert sorted(p.name for p in (tmp_path / "pieces").iterdir()) == ["killed", "rest", "vision"]
