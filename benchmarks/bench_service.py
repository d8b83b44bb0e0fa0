"""Load check of `batikgen serve` on loopback: concurrent uploads while visitors read the gallery.

20 uploads at once, then 500 gallery requests (4 visitors in parallel) while the pieces render; every
upload must be acknowledged, every piece done exactly once, and the gallery's 95th-percentile
latency under 50 ms while renders run. Prints the figures; exits 1 if a check fails.

    python -m benchmarks service
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED_EEG = Path(os.environ.get("BATIKGEN_SHARED_EEG", ROOT.parent / "shared" / "eeg"))
#: Small real recordings, uploaded in turn (the bundled sample when ../shared is absent).
RECORDINGS = ["edf/mnetd_chtypes_edf.edf", "bdf/mnetd_test_bdf_stim_channel.bdf",
              "edf/mnetd_test_edf_overlapping_annotations.edf"]
MANIFEST = '[exhibition]\ntitle = "Load check"\n\n[defaults]\ncloth = "A4"\ndpi = 20\n'
P95_LIMIT_MS = 50.0
GALLERY_PATHS = ("/", "/about.html", "/static/gallery.css", "/static/gallery.js")


@dataclass
class LoadFigures:
    """What one load check measured."""

    uploads: int
    accepted: int
    upload_wall_s: float
    upload_p95_ms: float
    gallery_requests: int
    gallery_errors: int
    gallery_during_renders: int
    gallery_ms: list[float] = field(default_factory=list)
    done: int = 0
    failed: int = 0
    pieces_on_disk: int = 0
    render_wall_s: float = 0.0
    failures: list[str] = field(default_factory=list)
    gallery_failed: dict[str, int] = field(default_factory=dict)

    def percentile(self, q: float) -> float:
        data = sorted(self.gallery_ms)
        return data[min(len(data) - 1, int(round(q / 100 * (len(data) - 1))))] if data else float("nan")

    def report(self) -> str:
        return "\n".join([
            f"uploads: {self.accepted}/{self.uploads} accepted (202) in {self.upload_wall_s:.2f} s, "
            f"p95 {self.upload_p95_ms:.0f} ms",
            f"gallery: {self.gallery_requests} requests, {self.gallery_errors} errors, "
            f"{self.gallery_during_renders} while pieces were queued or rendering; latency p50 "
            f"{self.percentile(50):.1f} ms, p95 {self.percentile(95):.1f} ms, max {max(self.gallery_ms, default=0):.1f} ms",
            f"renders: {self.done} done, {self.failed} failed, {self.pieces_on_disk} piece folders, "
            f"all finished {self.render_wall_s:.1f} s after the uploads",
            *(f"  failed: {error}" for error in self.failures),
            *(f"  gallery error: {key} x{count}" for key, count in self.gallery_failed.items()),
        ])


def run_load(url: str, token: str, exhibition: Path, recordings: list[Path], uploads: int = 20,
             gallery_requests: int = 500, visitors: int = 4, timeout: float = 600) -> LoadFigures:
    """Run the load check against a service at ``url`` serving ``exhibition``; return the figures."""
    staff = {"Authorization": f"Bearer {token}"}
    contents = [(path.suffix, path.read_bytes()) for path in recordings]

    def upload(i: int) -> tuple[int, float, str | None]:
        suffix, data = contents[i % len(contents)]
        started = time.perf_counter()
        with httpx.Client(base_url=url, timeout=120) as client:
            response = client.post("/api/pieces", headers=staff, data={"title": f"Visitor {i + 1}"},
                                   files=[("files", (f"upload{suffix}", data))])
        elapsed = (time.perf_counter() - started) * 1000
        return response.status_code, elapsed, response.json().get("id") if response.status_code == 202 else None

    began = time.perf_counter()
    with ThreadPoolExecutor(uploads) as pool:
        results = list(pool.map(upload, range(uploads)))
    upload_wall = time.perf_counter() - began
    ids = [piece_id for status, _, piece_id in results if status == 202]
    figures = LoadFigures(uploads=uploads, accepted=len(ids), upload_wall_s=upload_wall,
                          upload_p95_ms=statistics.quantiles([ms for _, ms, _ in results], n=20)[-1],
                          gallery_requests=gallery_requests, gallery_errors=0, gallery_during_renders=0)

    failed = figures.gallery_failed

    def visitor(share: int) -> tuple[list[float], int, int]:
        times, errors, busy = [], 0, 0
        with httpx.Client(base_url=url, timeout=30) as client:
            for i in range(share):
                started = time.perf_counter()
                response = client.get(GALLERY_PATHS[i % len(GALLERY_PATHS)])
                times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    errors += 1
                    key = f"{response.status_code} {response.request.url.path}"
                    failed[key] = failed.get(key, 0) + 1
                if i % 25 == 0:
                    health = client.get("/healthz").json()
                    busy += health["queued"] + health["running"] > 0
        return times, errors, busy

    shares = [gallery_requests // visitors + (v < gallery_requests % visitors) for v in range(visitors)]
    with ThreadPoolExecutor(visitors) as pool:
        for times, errors, busy in pool.map(visitor, shares):
            figures.gallery_ms += times
            figures.gallery_errors += errors
            figures.gallery_during_renders += busy
    # gallery_during_renders counted samples (one every 25 requests): scale to requests.
    figures.gallery_during_renders *= 25

    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=url, timeout=30) as client:
        while time.monotonic() < deadline:
            pieces = client.get("/api/pieces", headers=staff).json()
            if all(p["status"] in ("done", "failed") for p in pieces):
                break
            time.sleep(0.25)
    figures.render_wall_s = time.perf_counter() - began - upload_wall
    figures.done = sum(p["status"] == "done" for p in pieces)
    figures.failed = sum(p["status"] == "failed" for p in pieces)
    figures.failures = sorted({p["error"] for p in pieces if p["status"] == "failed"})
    figures.pieces_on_disk = sum(1 for p in (exhibition / "pieces").iterdir() if p.name in ids)
    return figures


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    recordings = [SHARED_EEG / name for name in RECORDINGS if (SHARED_EEG / name).exists()]
    recordings = recordings or [ROOT / "samples" / "eeg" / "simulated_eyes_closed.edf"]
    token = "benchmark-token-0123456789"
    with tempfile.TemporaryDirectory(prefix="batikgen-load-") as tmp:
        exhibition = Path(tmp) / "exhibition"
        exhibition.mkdir()
        (exhibition / "exhibition.toml").write_text(MANIFEST)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log = open(Path(tmp) / "service.log", "wb")
        service = subprocess.Popen([sys.executable, "-m", "batikgen.cli", "serve", str(exhibition), "--port", str(port),
                                    "--workers", "1"], stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, "BATIKGEN_TOKEN": token})
        try:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{url}/healthz").status_code == 200:
                        break
                if time.monotonic() > deadline or service.poll() is not None:
                    sys.exit("the service did not start:\n" + (Path(tmp) / "service.log").read_text())
                time.sleep(0.1)
            while "The gallery is being prepared" in httpx.get(url).text:  # visitors come once it is up
                time.sleep(0.2)
            figures = run_load(url, token, exhibition, recordings)
        finally:
            service.send_signal(signal.SIGTERM)
            service.wait(30)
            log.close()
    print(figures.report())
    checks = {
        "every upload accepted": figures.accepted == figures.uploads,
        "no gallery error": figures.gallery_errors == 0,
        "every piece done exactly once": figures.done == figures.uploads == figures.pieces_on_disk,
        "gallery requests ran while pieces rendered": figures.gallery_during_renders > 0,
        f"gallery p95 under {P95_LIMIT_MS:g} ms": figures.percentile(95) < P95_LIMIT_MS,
    }
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    if not all(checks.values()):
        sys.exit(1)
