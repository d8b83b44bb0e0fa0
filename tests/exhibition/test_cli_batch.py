"""`batikgen batch` as staff run it: a folder of recordings, a SIGKILL mid-run, status, usage errors."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from batikgen.cli import main
from batikgen.exhibition.catalogue import Catalogue
from batikgen.exhibition.manifest import load_manifest
from batikgen.exhibition.runner import BatchOptions, run_batch
from tests.conftest import SAMPLE, shared_file

ROOT = Path(__file__).resolve().parents[2]
SMALL = '[defaults]\ndpi = 10\ncloth = "A4"\n'


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_sigkill_mid_run_then_a_rerun_makes_exactly_the_rest(tmp_path):
    motifs = ["kawung", "parang", "truntum", "nitik", "ceplok", "lereng", "sido", "semen"]
    recordings = [SAMPLE, shared_file("eeglab/eeglab_data.set")]
    pieces = "".join(f'[[piece]]\nid = "p{i}"\ntitle = "Piece {i}"\nrecording = "{recordings[i % 2]}"\n'
                     f'motif = "{motif}"\n\n' for i, motif in enumerate(motifs))
    (tmp_path / "exhibition.toml").write_text('[defaults]\ndpi = 40\ncloth = "A3"\n\n' + pieces)
    batch = subprocess.Popen([sys.executable, "-m", "batikgen.cli", "batch", str(tmp_path), "--jobs", "2"],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        counts = {}
        while time.monotonic() < deadline and batch.poll() is None:
            if (tmp_path / "catalogue.sqlite").exists():
                with Catalogue.open(tmp_path, readonly=True) as cat:
                    counts = cat.counts()
                if counts["done"] >= 2 and counts["running"] >= 1:
                    break
            time.sleep(0.05)
        assert batch.poll() is None and counts.get("running"), f"could not catch the batch mid-run: {counts}"
        workers = descendants(batch.pid)
        os.kill(batch.pid, signal.SIGKILL)
        batch.wait()
    finally:
        batch.kill()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(p) for p in workers):
        time.sleep(0.1)
    assert workers and not [p for p in workers if alive(p)], "workers outlived the killed batch"

    with Catalogue.open(tmp_path, readonly=True) as cat:
        done = {r.id for r in cat.pieces() if r.status == "done"}
        assert {r.status for r in cat.pieces()} <= {"done", "running", "pending"}
    summary = run_batch(load_manifest(tmp_path), options=BatchOptions(jobs=2))
    assert sorted(summary.skipped) == sorted(done)
    assert sorted(summary.rendered) == sorted({f"p{i}" for i in range(len(motifs))} - done)
    assert summary.exit_status == 0 and not summary.failed
    with Catalogue.open(tmp_path, readonly=True) as cat:
        assert {r.status for r in cat.pieces()} == {"done"}
    assert sorted(p.name for p in (tmp_path / "pieces").iterdir()) == [f"p{i}" for i in range(len(motifs))]


def test_a_folder_of_recordings_becomes_an_exhibition(tmp_path, monkeypatch):
    folder, show = tmp_path / "recordings", tmp_path / "show"
    folder.mkdir()
    (folder / "jane-doe-rest.edf").symlink_to(SAMPLE)
    vision = shared_file("brainvision/testbva.vhdr")
    for suffix in (".vhdr", ".vmrk", ".dat"):
        (folder / f"testbva{suffix}").symlink_to(vision.with_suffix(suffix))
    (folder / "notes.txt").write_text("not a recording")
    runner = CliRunner()

    result = runner.invoke(main, ["batch", str(folder)])
    assert result.exit_code == 2 and "give the exhibition folder with -o" in result.output

    result = runner.invoke(main, ["batch", str(folder), "-o", str(show), "--dry-run"])
    assert result.exit_code == 1, result.output  # two pieces still to make
    # A file that is not a recording is named, not silently left out; the recordings' companions are not.
    passed_over = [line for line in result.stderr.splitlines() if "not a piece" in line]
    assert len(passed_over) == 1 and str(folder.resolve() / "notes.txt") in passed_over[0], result.stderr
    manifest = load_manifest(show)
    assert [(p.id, p.title, p.recording.name) for p in manifest.pieces] == \
        [("piece-01", "Piece 1", "jane-doe-rest.edf"), ("piece-02", "Piece 2", "testbva.vhdr")]
    # Outside the exhibition folder, recordings are listed by absolute path (the folder can move).
    assert f'recording = "{folder.resolve() / "testbva.vhdr"}"' in (show / "exhibition.toml").read_text()
    assert not (show / "catalogue.sqlite").exists()  # a dry run writes no catalogue
    (show / "exhibition.toml").write_text((show / "exhibition.toml").read_text().replace("[defaults]\n", SMALL))

    result = runner.invoke(main, ["batch", str(show)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [str(show / "pieces" / "piece-01" / "piece-01-kawung.png"),
                                          str(show / "pieces" / "piece-02" / "piece-02-kawung.png")]
    # From inside, the same pieces (up to date now) are printed as paths from the working directory.
    monkeypatch.chdir(show)
    result = runner.invoke(main, ["batch", "."])
    assert result.stdout.splitlines() == [str(Path("pieces") / f"piece-0{i}" / f"piece-0{i}-kawung.png") for i in (1, 2)]

    (folder / "late.set").symlink_to(shared_file("eeglab/eeglab_data.set"))
    (folder / "late.fdt").symlink_to(shared_file("eeglab/eeglab_data.fdt"))
    result = runner.invoke(main, ["batch", str(folder), "-o", str(show)])
    assert result.exit_code == 0, result.output
    assert [p.id for p in load_manifest(show).pieces] == ["piece-01", "piece-02", "piece-03"]
    assert "1 rendered, 2 skipped" in result.stderr

    result = runner.invoke(main, ["batch", "--status", str(show)])
    assert result.exit_code == 0 and "piece-03" in result.stdout and "3 done" in result.stdout
    assert "jane" not in result.stdout


def test_usage_errors_exit_2_and_bad_manifests_exit_1(tmp_path):
    runner = CliRunner()
    (tmp_path / "exhibition.toml").write_text(f'[[piece]]\nid = "a"\nrecording = "{SAMPLE}"\n')
    result = runner.invoke(main, ["batch", str(tmp_path), "--only", "nope"])
    assert result.exit_code == 2 and "no piece 'nope'" in result.output
    result = runner.invoke(main, ["batch", str(tmp_path), "--memory-limit", "lots"])
    assert result.exit_code == 2 and "4G" in result.output
    result = runner.invoke(main, ["batch", "--status", str(tmp_path / "nothing-here")])
    assert result.exit_code == 2
    result = runner.invoke(main, ["batch", "--status", str(tmp_path)])
    assert result.exit_code == 1 and result.output.startswith("batikgen: error:") and "no catalogue" in result.output
    (tmp_path / "exhibition.toml").write_text('[[piece]]\nid = "a"\nrecording = "x.edf"\nmotif = "paisley"\n')
    result = runner.invoke(main, ["batch", str(tmp_path)])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert "piece 'a', key 'motif'" in result.output and "kawung" in result.output


def test_ctrl_c_stops_the_pieces_and_leaves_them_pending(tmp_path):
    pieces = "".join(f'[[piece]]\nid = "p{i}"\nrecording = "{SAMPLE}"\nmotif = "{motif}"\n\n'
                     for i, motif in enumerate(["kawung", "parang", "ceplok", "sido"]))
    (tmp_path / "exhibition.toml").write_text('[defaults]\ndpi = 60\ncloth = "A2"\n\n' + pieces)
    batch = subprocess.Popen([sys.executable, "-m", "batikgen.cli", "batch", str(tmp_path), "--jobs", "2"],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and batch.poll() is None:
            if (tmp_path / "catalogue.sqlite").exists():
                with Catalogue.open(tmp_path, readonly=True) as cat:
                    if cat.counts()["running"] >= 1:
                        break
            time.sleep(0.05)
        workers = descendants(batch.pid)
        batch.send_signal(signal.SIGINT)
        _, stderr = batch.communicate(timeout=60)
    finally:
        batch.kill()
    assert batch.returncode == 130, stderr
    assert "(interrupted)" in stderr and "Traceback" not in stderr
    time.sleep(1)
    assert not [p for p in workers if alive(p)]
    with Catalogue.open(tmp_path, readonly=True) as cat:
        statuses = {r.id: r.status for r in cat.pieces()}
    assert set(statuses.values()) <= {"done", "pending"} and "pending" in statuses.values()
    assert not list((tmp_path / "pieces").glob(".staging-*"))


def test_in_a_log_the_summary_keeps_each_piece_on_one_line_and_says_how_to_retry(tmp_path):
    # Staff run batches overnight into a log: rich folded its tables at 80 columns there, splitting
    # ids and paths across lines.
    long_id = "attention-task-with-a-long-name"
    corrupt = shared_file("corrupt/quixotte_S001R01_crlf.edf")
    (tmp_path / "exhibition.toml").write_text(
        SMALL + f'[[piece]]\nid = "{long_id}"\nrecording = "{SAMPLE}"\n\n'
        f'[[piece]]\nid = "damaged-recording-piece"\nrecording = "{corrupt}"\n')
    result = CliRunner().invoke(main, ["batch", str(tmp_path)])
    assert result.exit_code == 1, result.output
    table = [line for line in result.stderr.splitlines() if line.startswith("│")]
    failed = [line for line in table if "damaged-recording-piece" in line]
    assert len(failed) == 1 and "implausible amplitudes" in failed[0] and "wrong units?)" in failed[0], result.stderr
    assert any(long_id in line and f"pieces/{long_id}/{long_id}-kawung.png" in line for line in table), result.stderr
    assert len(table) == 2
    assert "run again with --retry-failed" in result.stderr.splitlines()[-1]
    status = CliRunner().invoke(main, ["batch", "--status", str(tmp_path)])
    assert any(long_id in line and "done" in line for line in status.stdout.splitlines()), status.stdout
