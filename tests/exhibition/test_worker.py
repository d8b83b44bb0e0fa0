"""One piece in an isolated process: outputs, the features cache, and every way a piece can fail."""

import os
import time
from pathlib import Path

import pytest

from batikgen.exhibition.worker import PieceTask, cache_name, run_isolated, scrub
from tests.conftest import SAMPLE, shared_file

PRELOAD = ("tests.exhibition.misbehaving_readers",)
STYLE = {"motif": "kawung", "palette": "lasem", "cloth": "iket", "dpi": 10, "formats": ["png"], "border": "line",
         "legend": False, "mapping": None, "absolute": False}
ROOT = Path(__file__).resolve().parents[2]


def task(tmp_path: Path, piece_id: str, recording, **changes) -> PieceTask:
    fields = dict(piece_id=piece_id, recording=str(recording), exhibition_dir=str(tmp_path), settings=STYLE,
                  preload=PRELOAD)
    return PieceTask(**{**fields, **changes})


def staging_left(tmp_path: Path) -> list[Path]:
    return [p for p in (tmp_path / "pieces").glob(".staging-*")] if (tmp_path / "pieces").exists() else []


def test_a_piece_renders_and_a_second_style_reuses_its_features(tmp_path):
    stages = []
    first = run_isolated(task(tmp_path, "rest", SAMPLE), timeout=120, memory=4 << 30, on_stage=stages.append)
    assert first.ok, first.error
    assert set(first.outputs) == {"png", "preview", "proof", "metadata", "features"}
    assert first.outputs["png"].path == "pieces/rest/rest-kawung.png"
    assert Path(first.staging, "rest-kawung.png").stat().st_size == first.outputs["png"].bytes
    assert (first.features_cached, round(first.duration_s)) == (False, 180)
    assert "reading" in stages and any(s.startswith("render") for s in stages)
    assert (tmp_path / ".cache" / "features" / cache_name(first.content_hash)).is_file()

    second = run_isolated(task(tmp_path, "rest-parang", SAMPLE, content_hash=first.content_hash,
                               settings={**STYLE, "motif": "parang"}), timeout=120)
    assert second.ok and second.features_cached and second.content_hash == first.content_hash
    # The recording's name reaches neither the metadata nor the features kept with the piece.
    for name in ("rest-parang-parang.metadata.json", "features.npz"):
        assert b"simulated_eyes_closed" not in Path(second.staging, name).read_bytes()


def test_a_bad_recording_fails_with_a_line_free_of_its_name(tmp_path):
    corrupt = shared_file("corrupt/quixotte_S001R01_crlf.edf")
    result = run_isolated(task(tmp_path, "bad", corrupt), timeout=120)
    assert not result.ok and "implausible amplitudes" in result.error
    assert "quixotte" not in result.error and str(corrupt.parent) not in result.error
    assert staging_left(tmp_path) == []


def test_a_reader_that_aborts_fails_its_piece_only(tmp_path):
    crash = tmp_path / "participant-x.crash"
    crash.write_bytes(b"CRASH")
    result = run_isolated(task(tmp_path, "crash", crash), timeout=60)
    assert not result.ok
    assert result.error.startswith("the worker process crashed (SIGABRT) while reading")
    assert staging_left(tmp_path) == []


def test_a_slow_piece_is_stopped_at_the_time_limit_with_its_process_group(tmp_path):
    slow = tmp_path / "p.slow"
    marker = tmp_path / "pids"
    slow.write_text(f"SLOW 600 {SAMPLE} {marker}")
    began = time.monotonic()
    result = run_isolated(task(tmp_path, "slow", slow), timeout=3)
    assert time.monotonic() - began < 20
    assert not result.ok and result.error == "took longer than the time limit of 3 s (while reading)"
    pid = int(marker.read_text().split()[0])
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert staging_left(tmp_path) == []


def test_the_memory_limit_fails_the_piece_saying_so(tmp_path):
    hog = tmp_path / "p.hog"
    hog.write_bytes(b"HOG")
    result = run_isolated(task(tmp_path, "hog", hog), timeout=60, memory=768 << 20)
    assert not result.ok
    assert "memory limit of 768.0MiB" in result.error, result.error


def test_a_cancelled_piece_stops(tmp_path):
    import threading

    slow = tmp_path / "p.slow"
    slow.write_text(f"SLOW 600 {SAMPLE}")
    cancel = threading.Event()
    threading.Timer(1.0, cancel.set).start()
    result = run_isolated(task(tmp_path, "slow", slow), timeout=60, cancel=cancel)
    assert (result.ok, result.error) == (False, "cancelled before it finished")


def test_scrub_removes_path_folder_and_name():
    line = scrub("/data/jane/jane-doe.edf: bad header\n  in /data/jane (jane-doe)", "/data/jane/jane-doe.edf")
    assert line == "the recording: bad header in its folder (the recording)"
