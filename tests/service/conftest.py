"""The real service for tests: `batikgen serve` as a subprocess on a free loopback port, talked to with httpx."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

TOKEN = "test-token-0123456789abcdef"
#: Small, quick pieces: A4 at 20 dpi renders in about a second.
MANIFEST = """\
[exhibition]
title = "Service test"

[defaults]
cloth = "A4"
dpi = 20
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Running:
    """A service process and an authorised client."""

    process: subprocess.Popen
    url: str
    client: httpx.Client
    log: Path
    exhibition: Path

    def staff(self) -> dict:
        return {"Authorization": f"Bearer {TOKEN}"}

    def upload(self, paths: list[Path], title: str = "A piece", **fields) -> httpx.Response:
        files = [("files", (p.name, p.read_bytes())) for p in paths]
        return self.client.post("/api/pieces", headers=self.staff(), files=files, data={"title": title, **fields})

    def piece(self, piece_id: str) -> dict:
        response = self.client.get(f"/api/pieces/{piece_id}", headers=self.staff())
        assert response.status_code == 200, response.text
        return response.json()

    def wait(self, piece_id: str, statuses=("done", "failed"), timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            piece = self.piece(piece_id)
            if piece["status"] in statuses:
                return piece
            time.sleep(0.2)
        raise AssertionError(f"piece {piece_id} still {piece['status']} after {timeout} s; log:\n{self.log_text()}")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def make_exhibition(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "exhibition.toml").write_text(MANIFEST)
    return folder


@contextlib.contextmanager
def service(exhibition: Path, *args: str, token: str | None = TOKEN, port: int | None = None):
    """Start `batikgen serve EXHIBITION ARGS` and wait until /healthz answers; stop it afterwards."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if k != "BATIKGEN_TOKEN"}
    if token:
        env["BATIKGEN_TOKEN"] = token
    log = exhibition.parent / f"service-{port}.log"
    with open(log, "ab") as sink:
        process = subprocess.Popen([sys.executable, "-m", "batikgen.cli", "serve", str(exhibition), "--port", str(port),
                                    *args], stdout=sink, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    client = httpx.Client(base_url=url, timeout=30)
    running = Running(process, url, client, log, exhibition)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise AssertionError(f"the service exited with {process.returncode}:\n{running.log_text()}")
            with contextlib.suppress(httpx.TransportError):
                if client.get("/healthz").status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise AssertionError(f"the service did not start within 30 s:\n{running.log_text()}")
            time.sleep(0.1)
        yield running
    finally:
        client.close()
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def exhibition(tmp_path) -> Path:
    return make_exhibition(tmp_path / "exhibition")
