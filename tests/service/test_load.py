"""A small load check in the suite (the full one, with the latency bound, is `python -m benchmarks service`)."""

from __future__ import annotations

import time

from benchmarks.bench_service import RECORDINGS, run_load
from tests.conftest import shared_file

from .conftest import TOKEN, service


def test_concurrent_uploads_and_visitors_lose_nothing(exhibition, capsys):
    recordings = [shared_file(RECORDINGS[0])]
    with service(exhibition, "--workers", "1") as srv:
        deadline = time.monotonic() + 30
        while "being prepared" in srv.client.get("/").text and time.monotonic() < deadline:
            time.sleep(0.2)
        figures = run_load(srv.url, TOKEN, exhibition, recordings, uploads=4, gallery_requests=100, timeout=120)
    with capsys.disabled():
        print("\n" + figures.report())
    assert figures.accepted == 4 and figures.gallery_errors == 0
    assert figures.done == 4 and figures.failed == 0 and figures.pieces_on_disk == 4
    assert len(figures.gallery_ms) == 100
