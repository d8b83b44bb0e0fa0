"""Uploads of real recordings become gallery pieces; bad files fail with their reason; a kill -9 loses nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.conftest import CORRUPT, shared_file

from .conftest import Running, service

BRAINVISION = ["brainvision/testbva.vhdr", "brainvision/testbva.vmrk", "brainvision/testbva.dat"]
EEGLAB = ["eeglab/eeglab_data.set", "eeglab/eeglab_data.fdt"]
EDF = ["edf/mnetd_chtypes_edf.edf"]
#: Words of the recordings' file names that must never show up in what the service says or keeps.
PRIVATE = ("testbva", "eeglab_data", "mnetd", "quixotte", "shared/eeg")


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (children, grandchildren...)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


def render_processes(service_pid: int) -> set[int]:
    """The render processes below the service: each leads its own process group (with its strip workers)."""
    found = set()
    for pid in descendants(service_pid):
        try:
            if int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[2]) == pid:
                found.add(pid)
        except (OSError, IndexError, ValueError):
            continue
    return found


def assert_private(srv: Running, *texts: str) -> None:
    for text in (*texts, srv.log_text()):
        for word in PRIVATE:
            assert word not in text, (word, text[:500])


def test_concurrent_uploads_of_real_recordings_become_gallery_pieces_and_bad_ones_fail_with_their_reason(exhibition):
    uploads = {"Quiet waters": BRAINVISION, "The long walk": EEGLAB, "Short and bright": EDF, "Broken": [CORRUPT],
               "Half a recording": EEGLAB[:1]}
    paths = {title: [shared_file(name) for name in names] for title, names in uploads.items()}
    with service(exhibition, "--workers", "1") as srv:
        deadline = time.monotonic() + 30
        while "being prepared" in srv.client.get("/").text and time.monotonic() < deadline:
            time.sleep(0.2)

        def upload(item):  # each from its own connection, all at once
            title, files = item
            with httpx.Client(base_url=srv.url, timeout=60) as client:
                return title, client.post("/api/pieces", headers=srv.staff(), data={"title": title, "note": "a note"},
                                          files=[("files", (p.name, p.read_bytes())) for p in files])

        with ThreadPoolExecutor(len(paths)) as pool:
            answers = dict(pool.map(upload, paths.items()))
        assert {title: r.status_code for title, r in answers.items()} == dict.fromkeys(paths, 202)
        ids = {title: response.json()["id"] for title, response in answers.items()}
        assert len(set(ids.values())) == len(ids)
        # Visitors read the gallery while the pieces render: not one error.
        visits = [srv.client.get(path).status_code for path in ("/", "/about.html", "/static/gallery.css") * 30]
        assert visits == [200] * 90
        assert srv.client.get("/healthz").json()["done"] < 3  # those visits were made while pieces rendered
        pieces = {title: srv.wait(piece_id, timeout=120) for title, piece_id in ids.items()}
        for title in ("Quiet waters", "The long walk", "Short and bright"):
            assert pieces[title]["status"] == "done", pieces[title]
            preview = srv.client.get(pieces[title]["preview"])
            assert preview.status_code == 200 and preview.content[:3] == b"\xff\xd8\xff"
        assert len(list((exhibition / "pieces").iterdir())) == 3  # each rendered once, nothing left staged
        broken = pieces["Broken"]
        assert broken["status"] == "failed" and "implausible amplitudes" in broken["error"]
        assert broken["error"].startswith("the recording") and "/" not in broken["error"].split("µV")[0]
        half = pieces["Half a recording"]  # its header names the missing .fdt: the name stays out
        assert half["status"] == "failed" and ".fdt" in half["error"] and "eeglab_data" not in half["error"]

        gallery = srv.client.get("/")
        deadline = time.monotonic() + 30
        shown = ("Quiet waters", "The long walk", "Short and bright")
        while not all(title in gallery.text for title in shown) and time.monotonic() < deadline:
            time.sleep(0.3)
            gallery = srv.client.get("/")
        assert gallery.status_code == 200
        for title in shown:
            assert title in gallery.text
        assert "Broken" not in gallery.text and "Half a recording" not in gallery.text
        listing = srv.client.get("/api/pieces", headers=srv.staff()).text
        assert_private(srv, listing, gallery.text)
        # The raw recordings are gone once rendered (or failed); the pieces keep features and cloth.
        assert list((exhibition / "service" / "uploads").iterdir()) == []
        assert (exhibition / "pieces" / ids["The long walk"] / "features.npz").is_file()

        gone = ids["Short and bright"]
        assert srv.client.delete(f"/api/pieces/{gone}", headers=srv.staff()).status_code == 204
        assert not (exhibition / "pieces" / gone).exists()
        deadline = time.monotonic() + 30
        while "Short and bright" in srv.client.get("/").text and time.monotonic() < deadline:
            time.sleep(0.3)
        assert "Short and bright" not in srv.client.get("/").text
    for site_file in (exhibition / "site").rglob("*.html"):
        assert_private(srv, site_file.read_text())


def test_kill_9_mid_render_restart_finishes_each_piece_once_and_a_crashing_render_fails_alone(exhibition):
    files = [shared_file(name) for name in EEGLAB]
    with service(exhibition, "--workers", "1") as srv:
        first = srv.upload(files, title="Interrupted").json()["id"]
        second = srv.upload([shared_file(EDF[0])], title="Waiting").json()["id"]
        assert srv.wait(first, statuses=("running",), timeout=30)["stage"]
        time.sleep(0.5)  # well inside the render: reading the 4-minute recording
        below = descendants(srv.process.pid)
        assert below, "no render process below the service"
        os.kill(srv.process.pid, signal.SIGKILL)
        srv.process.wait(5)
        deadline = time.monotonic() + 10
        while alive(below) and time.monotonic() < deadline:
            time.sleep(0.1)
        survivors = {pid: Path(f"/proc/{pid}/cmdline").read_bytes()[:120] for pid in alive(below)}
        assert not survivors, f"processes outlived the killed service: {survivors}"
    assert (exhibition / "service" / "uploads" / first).is_dir()  # the recording survived the kill

    with service(exhibition, "--workers", "1", "--keep-recordings") as srv:
        # A render that crashes (here: a segfault, sent from outside) fails its piece only.
        crashing = srv.upload([shared_file("edf/mnetd_test_edf_overlapping_annotations.edf")], title="Crash").json()["id"]
        done = [srv.wait(piece_id, timeout=120) for piece_id in (first, second)]
        assert [p["status"] for p in done] == ["done", "done"], done
        srv.wait(crashing, statuses=("running",), timeout=60)
        deadline = time.monotonic() + 10
        while not render_processes(srv.process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in render_processes(srv.process.pid):
            os.kill(pid, signal.SIGSEGV)
        crashed = srv.wait(crashing, timeout=60)
        assert crashed["status"] == "failed" and "crashed (SIGSEGV)" in crashed["error"], crashed
        assert srv.client.get("/healthz").json()["done"] == 2  # the service is still up
        listed = srv.client.get("/api/pieces", headers=srv.staff()).json()
        assert sorted(p["id"] for p in listed) == sorted([first, second, crashing])
    pieces = sorted(p.name for p in (exhibition / "pieces").iterdir())
    assert pieces == sorted([first, second])  # no staging folder or copy left behind
    assert len(list((exhibition / "pieces" / first).glob("*-kawung.png"))) == 1
    assert (exhibition / "service" / "uploads" / first).is_dir()  # --keep-recordings
    with sqlite3.connect(exhibition / "catalogue.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM pieces").fetchone()[0] == 3
        pngs = db.execute("SELECT COUNT(*) FROM outputs WHERE piece_id = ? AND kind = 'png'", (first,)).fetchone()[0]
        assert pngs == 1
