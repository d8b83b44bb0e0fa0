"""Real renders interrupted and killed (subprocesses): exit status, what is left in the output
folder, and which processes survive; a second render into the same names; unwritable folders;
a directory given as the recording."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CORRUPT, SAMPLE, shared_file

BATIKGEN = [sys.executable, "-m", "batikgen.cli"]
ENV = {**os.environ, "PYTHONWARNINGS": "ignore"}
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc for worker processes")


def _render(outdir: Path, dpi: int = 150) -> subprocess.Popen:
    """A render of the bundled sample whose strips take seconds, progress on stderr."""
    return subprocess.Popen([*BATIKGEN, "-v", "render", str(SAMPLE), "-o", str(outdir), "--dpi", str(dpi),
                             "--format", "png,tiff"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)


def _wait_for_strips(process: subprocess.Popen) -> list[str]:
    """Read stderr until strips are being drawn; return the lines read."""
    lines = []
    for line in process.stderr:
        lines.append(line)
        if line.startswith("render: "):
            return lines
    pytest.fail(f"the render never reported progress (exit {process.wait()}): {''.join(lines)}")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def _wait_dead(pids: list[int], seconds: float = 5.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


def test_ctrl_c_exits_130_with_one_line_leaving_no_file_and_no_process(tmp_path):
    outdir = tmp_path / "out"
    process = _render(outdir)
    _wait_for_strips(process)
    workers = _children(process.pid)
    assert workers, "the render runs its strips in worker processes"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    tail = [line for line in err.splitlines() if not line.startswith("render: ")]
    assert tail[-1] == "batikgen: interrupted" and "Traceback" not in err, err
    assert not outdir.exists()  # no output, no staging folder, no lock, no .part file, no folder it made
    assert _wait_dead(workers) == []


def test_a_killed_render_leaves_no_worker_and_the_next_run_cleans_up(tmp_path):
    outdir = tmp_path / "out"
    first = _render(outdir, dpi=600)  # slow: still drawing when the second run and the kill come
    _wait_for_strips(first)
    workers = _children(first.pid)
    # A second render into the same names fails at once, not after its own work: its recording is
    # corrupt, so had it been read first, the error would be about the recording.
    second = subprocess.run([*BATIKGEN, "render", str(shared_file(CORRUPT)), "--name", "simulated_eyes_closed",
                             "-o", str(outdir), "--dpi", "600", "--format", "png,tiff"],
                            capture_output=True, text=True, env=ENV, timeout=120)
    assert second.returncode == 1 and second.stderr.count("\n") == 1, second.stderr
    assert "another batikgen run is writing these outputs now" in second.stderr
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    first.stdout.close()
    first.stderr.close()
    assert _wait_dead(workers) == [], "strip workers outlived their killed parent"
    left = sorted(p.name for p in outdir.iterdir())
    assert left and all(name.startswith(".batikgen-simulated_eyes_closed-kawung") for name in left), left
    # The next run into that folder claims the same names, removes what the killed run left, and finishes.
    third = subprocess.run([*BATIKGEN, "render", str(SAMPLE), "-o", str(outdir), "--dpi", "20", "--format",
                            "png,tiff"], capture_output=True, text=True, env=ENV, timeout=120)
    assert third.returncode == 0, third.stderr
    assert sorted(p.name for p in outdir.iterdir()) == sorted(Path(line).name for line in third.stdout.split())


def test_an_unwritable_output_folder_is_refused_before_any_work(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    # The recording is corrupt: had it been read first, the error would be about the recording.
    result = subprocess.run([*BATIKGEN, "render", str(shared_file(CORRUPT)), "-o", str(blocker / "out")],
                            capture_output=True, text=True, env=ENV, timeout=60)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"batikgen: error: {blocker / 'out'}: cannot create the output folder")
    if os.geteuid() != 0:  # root writes whatever the mode
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        result = subprocess.run([*BATIKGEN, "render", str(shared_file(CORRUPT)), "-o", str(locked)],
                                capture_output=True, text=True, env=ENV, timeout=60)
        assert result.returncode == 1 and "cannot write in the output folder" in result.stderr


@pytest.mark.parametrize("command", ["inspect", "features", "render"])
def test_a_directory_as_recording_gets_the_same_answer_from_every_command(tmp_path, command):
    from click.testing import CliRunner

    from batikgen.cli import main

    folder = tmp_path / "session"
    folder.mkdir()
    extra = {"features": ["-o", str(tmp_path / "f.npz")], "render": ["-o", str(tmp_path / "out")]}.get(command, [])
    result = CliRunner().invoke(main, [command, str(folder), *extra])
    assert result.exit_code == 1
    assert result.stderr == (f"batikgen: error: {folder}: is a directory, expected a recording file "
                             f"(or an EGI .mff folder)\n")


@pytest.mark.parametrize("delay_s", [0.3, 1.2])
def test_ctrl_c_while_starting_is_one_line_not_an_import_traceback(tmp_path, delay_s):
    """Imports take a second or two: Ctrl-C then used to print a KeyboardInterrupt traceback."""
    script = Path(sys.executable).with_name("batikgen")
    program = [str(script)] if script.exists() else BATIKGEN
    process = subprocess.Popen([*program, "render", str(SAMPLE), "-o", str(tmp_path / "out")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    time.sleep(delay_s)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (130, "batikgen: interrupted\n")
    assert not (tmp_path / "out").exists()


def test_features_removes_what_a_killed_run_left_and_refuses_a_concurrent_one(tmp_path):
    from click.testing import CliRunner

    from batikgen.cli import main
    from batikgen.render.staging import OutputClaim

    target = tmp_path / "f.npz"
    with OutputClaim(tmp_path, "f.npz", ["f.npz"]):  # a run in progress holds the claim...
        stale_part = tmp_path / ".f.npz.x1y2.part"  # ...and is writing; then SIGKILL leaves these
        stale_part.write_bytes(b"half")
        stale_stage = tmp_path / ".batikgen-f.npz.staging-abc"
        stale_stage.mkdir()
        (stale_stage / "f.npz").write_bytes(b"half")
        busy = CliRunner().invoke(main, ["features", str(SAMPLE), "-o", str(target)])
        assert busy.exit_code == 1 and "another batikgen run is writing these outputs now" in busy.stderr
        assert stale_part.exists() and stale_stage.exists()  # a live run's files are not touched
    other = tmp_path / ".g.npz.x1y2.part"  # another output's temporary file is not touched either
    other.write_bytes(b"not ours")
    result = CliRunner().invoke(main, ["features", str(SAMPLE), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [".g.npz.x1y2.part", "f.npz"]


_FORK_HOOK = """
import os, signal, sys
fired = []
def hook():  # Ctrl-C lands while the parent runs its at-fork handlers
    if not fired:
        fired.append(1)
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(10000):  # the Python handler runs here, inside the at-fork handler
            pass
os.register_at_fork(after_in_parent=hook)
try:
    result = FORK
    for _ in range(10000):
        pass
except KeyboardInterrupt:
    print("interrupted")
    sys.exit(0)
print("lost", result)
sys.exit(1)
"""
_FORKS = {
    "build helper": "__import__('batikgen.cloth.parallel', fromlist=['Aside']).Aside(pow, (2, 10), True).result()",
    "reader isolation": "__import__('batikgen.signal.isolation', fromlist=['in_child']).in_child('x', 'testing', pow, 2, 10)",
    "strip workers": "list(__import__('batikgen.render.parallel', fromlist=['encoded_strips']).encoded_strips("
                     "__import__('batikgen.render.raster', fromlist=['prepare_scene']).prepare_scene("
                     "__import__('batikgen.cloth.composition', fromlist=['Composition']).Composition(20.0, 20.0, (9, 9, 9), []),"
                     " 300, 50), [], workers=2))",
}


@pytest.mark.parametrize("fork", sorted(_FORKS))
def test_ctrl_c_while_forking_is_not_lost(fork):
    """Python runs at-fork handlers (logging's lock) in the parent; a KeyboardInterrupt raised in one
    is printed as 'Exception ignored' and lost, and a render interrupted then went on to finish."""
    script = _FORK_HOOK.replace("FORK", _FORKS[fork])
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=ENV)
    assert (result.returncode, result.stdout) == (0, "interrupted\n"), (result.stdout, result.stderr[-500:])
    assert "Exception ignored" not in result.stderr
